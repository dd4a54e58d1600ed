/**
 * The engagement inbox on Meta's networks: comments on a Facebook Page's posts, comments on an
 * Instagram business account's media (and the media it is tagged in), and replies to (and mentions
 * of) a Threads account, read and answered through the adapters' own Graph clients
 * (channels/meta-graph.ts).
 *
 * None of these APIs hands out a stream position that covers every post at once, so each stream's
 * position is a time (ms since the epoch, the network's clock): a read takes what was written at or
 * after it on the account's recent posts, page by page (each page stored as it comes, the position
 * unchanged), and only a read that went through moves the position on, to a little before the
 * read began, so a comment that shows up late is still read next time. What is read twice is
 * stored once (storage skips an item it has).
 *
 * Throttling: every answer carries X-App-Usage (and, for Pages and Instagram,
 * X-Business-Use-Case-Usage) with the percentage of the hourly budget spent; past PAUSE_AT_PERCENT
 * the read stops (InboxReadPaused) for the time Meta says it takes to regain access, before Meta
 * has to refuse. A refusal (codes 4, 17, 32, 613) is a rate-limited ChannelError with that time.
 *
 * Replies are made exactly once: Facebook and Instagram have no idempotency keys, so a retry first
 * looks among the comment's replies for one by the account with the same text; a Threads reply is
 * a media container (`reply_to_id`) published with `threads_publish`, whose id the reply keeps, so
 * a retry publishes that container or finds what it became. Instagram and Threads do not let an
 * app like anything: a like there is refused as such.
 */
import { replyRefusal } from '../contracts/inbox';
import type { OAuthCredentials } from '../contracts/oauth';
import type { InboundItem, InboundPage } from '../contracts/inbox-inbound';
import { ChannelError, InboxReadPaused } from './errors';
import { pageToken, type FacebookAdapter } from './facebook';
import type { InboxConnector } from './inbox-connectors';
import { ParentDeleted, type InboxItemRef, type InboxReplyRequest, type InboxReplyResult } from './inbox-replies';
import type { InstagramAdapter } from './instagram';
import {
  permalinkOf,
  publishThroughContainer,
  sameText,
  usageOf,
  type ContainerStatus,
  type GraphCall,
  type GraphClient,
} from './meta-graph';
import type { ThreadsAdapter } from './threads';

/** The stream of comments (Facebook, Instagram) or replies (Threads) on the account's posts, and Threads mentions. */
export const COMMENTS_STREAM = 'comments';
export const MENTIONS_STREAM = 'mentions';
/** The Instagram media the account is tagged in. */
export const TAGS_STREAM = 'tags';
/** The Instagram caption and comment @mentions Meta's webhook announced (its position: the last event read). */
export const WEBHOOK_MENTIONS_STREAM = 'webhook_mentions';
/** Announced mentions fetched per read; the rest wait for the next. */
const MENTIONS_PER_READ = 100;
/** The account's latest posts whose comments are read (comments on older posts are not). */
const RECENT_POSTS = 25;
/** Pages of one post's comments per read (100 each); the rest wait for the next read. */
const MAX_PAGES = 10;
const PAGE_SIZE = '100';
/** A channel's first read takes what was written this long before it. */
const FIRST_READ_MS = 24 * 3600_000;
/** A read's next position: this long before it began (comments can show up in the API a little late). */
const REREAD_MS = 10 * 60_000;
/** Past this share of the hourly budget (percent), the read stops until access is back. */
const PAUSE_AT_PERCENT = 90;
/** Paused without Meta saying for how long: its budget is a rolling hour; look again in a while. */
const PAUSE_MS = 10 * 60_000;

/** A Graph object's id in a path. */
const node = (id: string) => `/${encodeURIComponent(id)}`;
/** Meta's times (`2026-11-27T03:00:00+0000`) as ms. */
const timeOf = (value: string | undefined) => (value ? Date.parse(value.replace(/\+0000$/, 'Z')) : NaN);
const iso = (value: string) => new Date(timeOf(value)).toISOString();
/** Graph's "does not exist" (code 100, subcode 33): the comment or post was deleted. */
const isGone = (err: unknown) =>
  err instanceof ChannelError && err.kind === 'rejected' && /code 100\/33\b|\(404\b/.test(err.message);

interface Paged<T> {
  data: T[];
  paging?: { next?: string; cursors?: { after?: string } };
}

/**
 * One read's reach on one stream: the position it starts from, the items it hands over (a page
 * at a time, the position unchanged) and, once it went through, the position it moves to.
 */
class TimeWindow {
  readonly since: number;
  private readonly started = Date.now();
  /** Lowered when a post's comments were cut short: the unread ones must stay ahead of the position. */
  private limit = Infinity;

  constructor(
    private readonly stream: string,
    saved: string | undefined,
    private readonly onPage: (page: InboundPage) => Promise<void>,
  ) {
    const at = Number(saved);
    this.since = saved !== undefined && Number.isFinite(at) ? at : this.started - FIRST_READ_MS;
  }

  includes(sentAt: string): boolean {
    return timeOf(sentAt) >= this.since;
  }

  async hand(items: InboundItem[]): Promise<void> {
    if (items.length === 0) return;
    const sorted = [...items].sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
    await this.onPage({ items: sorted, cursor: { stream: this.stream, cursor: String(this.since) } });
  }

  /** The comments after `at` were not all read (too many pages): the position stays at or before it. */
  cutAt(at: number): void {
    if (Number.isFinite(at)) this.limit = Math.min(this.limit, at);
  }

  async done(): Promise<void> {
    const next = Math.max(this.since, Math.min(this.started - REREAD_MS, this.limit));
    if (next !== this.since) await this.onPage({ items: [], cursor: { stream: this.stream, cursor: String(next) } });
  }
}

/** A GET through a Meta client that stops the read when the hourly budget is nearly spent. */
async function read<T>(client: GraphClient, call: Omit<GraphCall, 'method'>): Promise<T> {
  const { body, headers } = await client.callWithHeaders<T>({ ...call, method: 'GET' });
  const usage = usageOf(headers);
  if (usage.percent >= PAUSE_AT_PERCENT) throw new InboxReadPaused(client.network, usage.regainMs ?? PAUSE_MS);
  return body;
}

/**
 * Every page of a Graph list from `first`, following `paging.next`, at most MAX_PAGES; `cut` when
 * more remained. `more` (when given) says whether the pages after one are wanted: a list newest
 * first stops at the page that reaches past the read's position.
 */
async function readPages<T>(
  client: GraphClient,
  first: Omit<GraphCall, 'method'>,
  onPage: (data: T[]) => Promise<void> | void,
  more: (data: T[]) => boolean = () => true,
): Promise<{ cut: boolean }> {
  let call: Omit<GraphCall, 'method'> | undefined = first;
  for (let page = 0; call; page++) {
    if (page === MAX_PAGES) return { cut: true };
    const answer: Paged<T> = await read<Paged<T>>(client, call);
    await onPage(answer.data);
    // `next` carries the query (and the token, which the Bearer header repeats).
    call =
      answer.paging?.next && answer.data.length > 0 && more(answer.data)
        ? { path: answer.paging.next, token: first.token }
        : undefined;
  }
  return { cut: false };
}

// ---- Facebook Pages ----

interface FacebookPost {
  id: string;
  created_time: string;
  updated_time?: string;
}
interface FacebookComment {
  id: string;
  message?: string;
  created_time: string;
  from?: { id: string; name?: string };
  parent?: { id: string };
  permalink_url?: string;
}

const FB_COMMENT_FIELDS = 'id,message,created_time,from{id,name},parent{id},permalink_url';

/**
 * Facebook Pages (https://developers.facebook.com/docs/graph-api/reference/page/feed,
 * .../reference/object/comments): the Page's latest posts (`GET /{page}/feed`; a post's
 * `updated_time` moves when someone comments, so posts untouched since the position are skipped),
 * then each post's comments and replies to comments in one flat list (`filter=stream`), oldest
 * first from the position (`order=chronological&since=`). A post is a conversation: its comments
 * and their replies are its messages. A reply is `POST /{comment}/comments` with the Page token; a
 * like `POST /{comment}/likes` (a second like of the same comment changes nothing).
 */
export class FacebookInbox implements InboxConnector<OAuthCredentials> {
  constructor(private readonly adapter: FacebookAdapter) {}

  private get graph() {
    return this.adapter.graph;
  }

  async read(
    credentials: OAuthCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const token = pageToken(credentials, 'Facebook');
    const pageId = credentials.account.id;
    const window = new TimeWindow(COMMENTS_STREAM, cursors[COMMENTS_STREAM], onPage);
    const posts = await read<Paged<FacebookPost>>(this.graph, {
      path: `${node(pageId)}/feed`,
      token,
      params: { fields: 'id,created_time,updated_time', limit: String(RECENT_POSTS) },
    });
    for (const post of posts.data) {
      if (timeOf(post.updated_time ?? post.created_time) < window.since) continue;
      let last = NaN;
      const { cut } = await readPages<FacebookComment>(
        this.graph,
        {
          path: `${node(post.id)}/comments`,
          token,
          params: {
            fields: FB_COMMENT_FIELDS,
            filter: 'stream',
            order: 'chronological',
            since: String(Math.floor(window.since / 1000)),
            limit: PAGE_SIZE,
          },
        },
        (comments) => {
          if (comments.length > 0) last = timeOf(comments[comments.length - 1]!.created_time);
          return window.hand(
            comments
              .filter((c) => c.from?.id !== pageId && window.includes(c.created_time))
              .map((c) => facebookItem(c, post.id)),
          );
        },
      );
      if (cut) window.cutAt(last);
    }
    await window.done();
  }

  async reply(credentials: OAuthCredentials, request: InboxReplyRequest): Promise<InboxReplyResult> {
    const token = pageToken(credentials, 'Facebook');
    const target = request.parent.externalId;
    const root = request.parent.rootExternalId ?? undefined;
    if (request.isRetry) {
      const earlier = await this.findReply(credentials, token, target, request.text);
      if (earlier) return { externalId: earlier.id, url: earlier.permalink_url ?? null, rootExternalId: root };
    }
    let created: { id: string };
    try {
      created = await this.graph.call<{ id: string }>({
        method: 'POST',
        path: `${node(target)}/comments`,
        token,
        params: { message: request.text },
      });
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Facebook');
      throw err;
    }
    const read = await this.graph
      .call<{ permalink_url?: string }>({
        method: 'GET',
        path: node(created.id),
        token,
        params: { fields: 'permalink_url' },
      })
      .catch(() => ({ permalink_url: undefined }));
    return { externalId: created.id, url: read.permalink_url ?? null, rootExternalId: root };
  }

  /**
   * A reply an earlier attempt made: among the replies to the comment (and, when the comment is
   * itself a reply, to the comment it answers, where Facebook may have put it), one by the Page
   * with the same text.
   */
  private async findReply(
    credentials: OAuthCredentials,
    token: string,
    target: string,
    text: string,
  ): Promise<FacebookComment | undefined> {
    let parent: string | undefined;
    try {
      const comment = await this.graph.call<{ parent?: { id: string } }>({
        method: 'GET',
        path: node(target),
        token,
        params: { fields: 'parent{id}' },
      });
      parent = comment.parent?.id;
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Facebook');
      throw err;
    }
    for (const under of [target, ...(parent ? [parent] : [])]) {
      const replies = await this.graph.call<Paged<FacebookComment>>({
        method: 'GET',
        path: `${node(under)}/comments`,
        token,
        params: { fields: FB_COMMENT_FIELDS, filter: 'stream', order: 'reverse_chronological', limit: PAGE_SIZE },
      });
      const found = replies.data.find((c) => c.from?.id === credentials.account.id && sameText(c.message, text));
      if (found) return found;
    }
    return undefined;
  }

  async like(credentials: OAuthCredentials, subject: InboxItemRef): Promise<{ externalId: string }> {
    try {
      await this.graph.call({
        method: 'POST',
        path: `${node(subject.externalId)}/likes`,
        token: pageToken(credentials, 'Facebook'),
      });
    } catch (err) {
      if (isGone(err)) throw new ChannelError('rejected', 'The comment was deleted on Facebook; nothing to like');
      throw err;
    }
    return { externalId: subject.externalId };
  }
}

function facebookItem(c: FacebookComment, postId: string): InboundItem {
  return {
    network: 'facebook',
    kind: 'reply',
    conversationKind: 'thread',
    threadKey: postId,
    answers: [postId],
    externalId: c.id,
    externalCid: null,
    url: c.permalink_url ?? null,
    parent: { id: c.parent?.id ?? postId, cid: null },
    root: { id: postId, cid: null },
    // Without `from` (Graph leaves it out for people who have not allowed it), a comment is by someone unnamed.
    author: {
      externalId: c.from?.id ?? 'unknown',
      handle: c.from?.name ?? 'Facebook user',
      displayName: c.from?.name ?? null,
      avatarUrl: null,
      profileUrl: null,
    },
    text: c.message ?? '',
    sentAt: iso(c.created_time),
  };
}

// ---- Instagram ----

interface InstagramMedia {
  id: string;
  timestamp: string;
  permalink?: string;
  comments_count?: number;
}
interface InstagramComment {
  id: string;
  text?: string;
  username?: string;
  timestamp: string;
  from?: { id: string; username?: string };
  parent_id?: string;
  replies?: { data: InstagramComment[] };
}

const IG_COMMENT_FIELDS = 'id,text,username,timestamp,from,parent_id';

/** A medium someone else posted with the account tagged in it (`GET /{ig-user}/tags`). */
interface InstagramTaggedMedia {
  id: string;
  caption?: string;
  media_type?: string;
  permalink?: string;
  timestamp: string;
  username?: string;
}

const IG_TAGGED_FIELDS = 'id,caption,media_type,permalink,timestamp,username';

/** A comment @mentioning the account (`mentioned_comment`), on someone's medium. */
interface InstagramMentionedComment {
  id: string;
  text?: string;
  timestamp: string;
  username?: string;
  media?: { id: string };
}
/** A medium @mentioning the account in its caption (`mentioned_media`), with its comments when asked. */
interface InstagramMentionedMedia extends InstagramTaggedMedia {
  comments?: { data: (InstagramComment & { replies?: { data: InstagramComment[] } })[] };
}

/** The mentions Meta's webhook announced for an Instagram account after a position (db/instagram-mentions.ts). */
export type AnnouncedMentions = (
  igUserId: string,
  afterId: string,
  limit: number,
) => Promise<{ id: string; mediaId: string; commentId: string | null }[]>;

/**
 * Instagram business accounts (https://developers.facebook.com/docs/instagram-platform/comment-moderation,
 * .../reference/ig-media/comments, .../reference/ig-comment/replies): the account's latest media
 * (`GET /{ig-user}/media`, those with comments), then each one's comments with their replies
 * (`GET /{media}/comments?fields=…,replies{…}`); the comments edge takes no `since`, so the read
 * keeps those written at or after the position. A medium is a conversation. A reply is
 * `POST /{comment}/replies?message=` (a reply to a reply goes to the comment it answers, as
 * Instagram does). Instagram's API has no way for an app to like a comment: `like` refuses.
 *
 * Mentions: the media other accounts tagged the account in (.../reference/ig-user/tags,
 * `GET /{ig-user}/tags`, newest first, its own stream and position by the media's time), each a
 * 'mention' in a conversation of its own (the medium; its caption the text, no parent). Instagram
 * does not let an app comment on those: a reply to one is refused before anything is sent
 * (`replyRefusal`, which the API applies up front too).
 *
 * Caption and comment @mentions Instagram announces only through its webhook (the `mentions`
 * field), which the API records (api/routes/inbox/instagram-webhook.ts); the read then fetches each
 * (`GET /{ig-user}?fields=mentioned_media.media_id(…){…}` or `mentioned_comment.comment_id(…){…}`)
 * in the order they arrived, its position the last one read. Each is a 'mention' in the
 * conversation of its medium, its parent the medium. A reply is `POST /{ig-user}/mentions` with
 * `media_id` (and `comment_id`) and `message`; a retry first looks among the medium's comments (and
 * the comment's replies) for one by the account with the same text.
 */
export class InstagramInbox implements InboxConnector<OAuthCredentials> {
  constructor(
    private readonly adapter: InstagramAdapter,
    /** Unset (a process without the database): webhook mentions are not read. */
    private readonly announced?: AnnouncedMentions,
  ) {}

  private get graph() {
    return this.adapter.graph;
  }

  async read(
    credentials: OAuthCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const token = pageToken(credentials, 'Instagram');
    const window = new TimeWindow(COMMENTS_STREAM, cursors[COMMENTS_STREAM], onPage);
    const own = (c: InstagramComment) =>
      c.from?.id === credentials.account.id || (c.username ?? c.from?.username) === credentials.account.name;
    const media = await read<Paged<InstagramMedia>>(this.graph, {
      path: `${node(credentials.account.id)}/media`,
      token,
      params: { fields: 'id,timestamp,permalink,comments_count', limit: String(RECENT_POSTS) },
    });
    for (const m of media.data) {
      if (m.comments_count === 0) continue;
      let oldest = Infinity;
      const { cut } = await readPages<InstagramComment>(
        this.graph,
        {
          path: `${node(m.id)}/comments`,
          token,
          params: { fields: `${IG_COMMENT_FIELDS},replies{${IG_COMMENT_FIELDS}}`, limit: PAGE_SIZE },
        },
        (comments) => {
          const all = comments.flatMap((c) => [c, ...(c.replies?.data ?? []).map((r) => ({ ...r, parent_id: c.id }))]);
          for (const c of all) oldest = Math.min(oldest, timeOf(c.timestamp));
          return window.hand(
            all.filter((c) => !own(c) && window.includes(c.timestamp)).map((c) => instagramItem(c, m)),
          );
        },
      );
      if (cut) window.cutAt(oldest);
    }
    await window.done();

    const tags = new TimeWindow(TAGS_STREAM, cursors[TAGS_STREAM], onPage);
    let oldestTag = Infinity;
    const { cut } = await readPages<InstagramTaggedMedia>(
      this.graph,
      {
        path: `${node(credentials.account.id)}/tags`,
        token,
        params: { fields: IG_TAGGED_FIELDS, limit: PAGE_SIZE },
      },
      (found) => {
        for (const m of found) oldestTag = Math.min(oldestTag, timeOf(m.timestamp));
        return tags.hand(
          found.filter((m) => m.username !== credentials.account.name && tags.includes(m.timestamp)).map(taggedItem),
        );
      },
      // Newest first and no `since`: the pages past the position are not needed.
      (found) => found.every((m) => tags.includes(m.timestamp)),
    );
    // What was not read is older than the oldest read.
    if (cut) tags.cutAt(oldestTag);
    await tags.done();

    if (this.announced) await this.readAnnounced(credentials, token, cursors[WEBHOOK_MENTIONS_STREAM], onPage);
  }

  /** The webhook's mentions after the position, each fetched and stored with the position it reaches. */
  private async readAnnounced(
    credentials: OAuthCredentials,
    token: string,
    saved: string | undefined,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const user = credentials.account.id;
    const events = await this.announced!(user, saved && /^\d+$/.test(saved) ? saved : '0', MENTIONS_PER_READ);
    for (const event of events) {
      let item: InboundItem | undefined;
      try {
        if (event.commentId) {
          const found = await read<{ mentioned_comment?: InstagramMentionedComment }>(this.graph, {
            path: node(user),
            token,
            params: {
              fields: `mentioned_comment.comment_id(${event.commentId}){id,text,timestamp,username,media{id}}`,
            },
          });
          if (found.mentioned_comment) item = mentionedCommentItem(found.mentioned_comment, event.mediaId);
        } else {
          const found = await read<{ mentioned_media?: InstagramMentionedMedia }>(this.graph, {
            path: node(user),
            token,
            params: { fields: `mentioned_media.media_id(${event.mediaId}){${IG_TAGGED_FIELDS}}` },
          });
          if (found.mentioned_media) item = mentionedMediaItem(found.mentioned_media);
        }
      } catch (err) {
        // Deleted since it was announced: nothing to store; the position moves past it.
        if (!isGone(err)) throw err;
      }
      if (item && item.author.handle === credentials.account.name) item = undefined;
      await onPage({ items: item ? [item] : [], cursor: { stream: WEBHOOK_MENTIONS_STREAM, cursor: event.id } });
    }
  }

  async reply(credentials: OAuthCredentials, request: InboxReplyRequest): Promise<InboxReplyResult> {
    const refusal = replyRefusal({
      network: 'instagram',
      kind: request.parent.kind ?? 'reply',
      parentExternalId: request.parent.parentExternalId ?? null,
    });
    if (refusal) throw new ChannelError('rejected', refusal);
    const token = pageToken(credentials, 'Instagram');
    if (request.parent.kind === 'mention' && request.parent.parentExternalId)
      return this.replyToMention(credentials, token, request, request.parent.parentExternalId);
    const target = request.parent.externalId;
    const root = request.parent.rootExternalId ?? undefined;
    if (request.isRetry) {
      const earlier = await this.findReply(credentials, token, target, request.text);
      if (earlier) return { externalId: earlier.id, url: null, rootExternalId: root };
    }
    try {
      const created = await this.graph.call<{ id: string }>({
        method: 'POST',
        path: `${node(target)}/replies`,
        token,
        params: { message: request.text },
      });
      return { externalId: created.id, url: null, rootExternalId: root };
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Instagram');
      throw err;
    }
  }

  /** A reply an earlier attempt made: among the replies to the top-level comment, one by the account with the same text. */
  private async findReply(
    credentials: OAuthCredentials,
    token: string,
    target: string,
    text: string,
  ): Promise<InstagramComment | undefined> {
    try {
      const comment = await this.graph.call<{ parent_id?: string }>({
        method: 'GET',
        path: node(target),
        token,
        params: { fields: 'id,parent_id' },
      });
      const replies = await this.graph.call<Paged<InstagramComment>>({
        method: 'GET',
        path: `${node(comment.parent_id ?? target)}/replies`,
        token,
        params: { fields: IG_COMMENT_FIELDS },
      });
      return replies.data.find(
        (c) =>
          (c.from?.id === credentials.account.id || c.username === credentials.account.name) && sameText(c.text, text),
      );
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Instagram');
      throw err;
    }
  }

  /**
   * A reply to a caption @mention (a comment on the medium) or a comment @mention (a reply to the
   * comment): `POST /{ig-user}/mentions`, once — a retry first looks for what an earlier attempt made.
   */
  private async replyToMention(
    credentials: OAuthCredentials,
    token: string,
    request: InboxReplyRequest,
    mediaId: string,
  ): Promise<InboxReplyResult> {
    const user = node(credentials.account.id);
    const commentId = request.parent.externalId !== mediaId ? request.parent.externalId : undefined;
    const root = request.parent.rootExternalId ?? undefined;
    try {
      if (request.isRetry) {
        const found = await this.graph.call<{ mentioned_media?: InstagramMentionedMedia }>({
          method: 'GET',
          path: user,
          token,
          params: {
            fields: `mentioned_media.media_id(${mediaId}){id,comments{${IG_COMMENT_FIELDS},replies{${IG_COMMENT_FIELDS}}}}`,
          },
        });
        const comments = found.mentioned_media?.comments?.data ?? [];
        const candidates = commentId ? (comments.find((c) => c.id === commentId)?.replies?.data ?? []) : comments;
        const earlier = candidates.find(
          (c) =>
            (c.from?.id === credentials.account.id || c.username === credentials.account.name) &&
            sameText(c.text, request.text),
        );
        if (earlier) return { externalId: earlier.id, url: null, rootExternalId: root };
      }
      const created = await this.graph.call<{ id: string }>({
        method: 'POST',
        path: `${user}/mentions`,
        token,
        params: { media_id: mediaId, ...(commentId ? { comment_id: commentId } : {}), message: request.text },
      });
      return { externalId: created.id, url: null, rootExternalId: root };
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Instagram');
      throw err;
    }
  }

  like(): Promise<{ externalId: string }> {
    return Promise.reject(
      new ChannelError(
        'rejected',
        "Instagram's API does not let an app like a comment; like it in the Instagram app, or reply instead",
      ),
    );
  }
}

function instagramItem(c: InstagramComment, media: InstagramMedia): InboundItem {
  const username = c.username ?? c.from?.username ?? 'instagram user';
  return {
    network: 'instagram',
    kind: 'reply',
    conversationKind: 'thread',
    threadKey: media.id,
    answers: [media.id],
    externalId: c.id,
    externalCid: null,
    // A comment has no link of its own: the medium's.
    url: media.permalink ?? null,
    parent: { id: c.parent_id ?? media.id, cid: null },
    root: { id: media.id, cid: null },
    author: {
      externalId: c.from?.id ?? username,
      handle: username,
      displayName: null,
      avatarUrl: null,
      profileUrl: c.username || c.from?.username ? `https://www.instagram.com/${encodeURIComponent(username)}/` : null,
    },
    text: c.text ?? '',
    sentAt: iso(c.timestamp),
  };
}

/** A medium the account was tagged in: a mention in a conversation of its own, by the medium's owner. */
function taggedItem(m: InstagramTaggedMedia): InboundItem {
  const username = m.username ?? 'instagram user';
  return {
    network: 'instagram',
    kind: 'mention',
    conversationKind: 'thread',
    threadKey: m.id,
    // Someone else's medium: never a Chorus post.
    answers: [],
    externalId: m.id,
    externalCid: null,
    url: m.permalink ?? null,
    // No parent: what marks a tag (replyRefusal), where a caption or comment @mention has its medium.
    parent: null,
    root: { id: m.id, cid: null },
    author: {
      // /tags shows the owner's username, not their id: the username is the account's key.
      externalId: username,
      handle: username,
      displayName: null,
      avatarUrl: null,
      profileUrl: m.username ? `https://www.instagram.com/${encodeURIComponent(m.username)}/` : null,
    },
    text: m.caption ?? '',
    sentAt: iso(m.timestamp),
  };
}

/** A caption @mention: the medium, in its own conversation, its parent itself (a reply comments on it). */
function mentionedMediaItem(m: InstagramMentionedMedia): InboundItem {
  return { ...taggedItem(m), parent: { id: m.id, cid: null } };
}

/** A comment @mention, in the conversation of its medium, its parent the medium. */
function mentionedCommentItem(c: InstagramMentionedComment, announcedMediaId: string): InboundItem {
  const mediaId = c.media?.id ?? announcedMediaId;
  const username = c.username ?? 'instagram user';
  return {
    network: 'instagram',
    kind: 'mention',
    conversationKind: 'thread',
    threadKey: mediaId,
    answers: [mediaId],
    externalId: c.id,
    externalCid: null,
    url: null,
    parent: { id: mediaId, cid: null },
    root: { id: mediaId, cid: null },
    author: {
      externalId: username,
      handle: username,
      displayName: null,
      avatarUrl: null,
      profileUrl: c.username ? `https://www.instagram.com/${encodeURIComponent(c.username)}/` : null,
    },
    text: c.text ?? '',
    sentAt: iso(c.timestamp),
  };
}

// ---- Threads ----

interface ThreadsPost {
  id: string;
  text?: string;
  username?: string;
  timestamp: string;
  permalink?: string;
  has_replies?: boolean;
  replied_to?: { id: string };
  root_post?: { id: string };
}

const THREADS_REPLY_FIELDS = 'id,text,username,timestamp,permalink,replied_to,root_post';

/**
 * Threads (https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations,
 * .../threads-mentions, .../reply-management, .../posts): the account's latest posts
 * (`GET /{user}/threads`, those with replies), then each one's whole conversation, every depth,
 * oldest first (`GET /{post}/conversation?reverse=false`; it takes no `since`: the read keeps what
 * was written at or after the position); and the posts that mention the account
 * (`GET /{user}/mentions?since=`), each in the thread it belongs to. A reply is a TEXT container
 * with `reply_to_id`, published with `threads_publish`, its container kept by the reply. The
 * Threads API has no like.
 */
export class ThreadsInbox implements InboxConnector<OAuthCredentials> {
  constructor(private readonly adapter: ThreadsAdapter) {}

  private get api() {
    return this.adapter.api;
  }

  async read(
    credentials: OAuthCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const token = credentials.tokens.accessToken;
    const user = credentials.account.id;
    const ownName = credentials.account.name;
    const own = (p: ThreadsPost) => p.username === ownName;

    const replies = new TimeWindow(COMMENTS_STREAM, cursors[COMMENTS_STREAM], onPage);
    const posts = await read<Paged<ThreadsPost>>(this.api, {
      path: `${node(user)}/threads`,
      token,
      params: { fields: 'id,timestamp,permalink,has_replies', limit: String(RECENT_POSTS) },
    });
    for (const post of posts.data) {
      if (post.has_replies === false) continue;
      let last = NaN;
      const { cut } = await readPages<ThreadsPost>(
        this.api,
        {
          path: `${node(post.id)}/conversation`,
          token,
          params: { fields: THREADS_REPLY_FIELDS, reverse: 'false', limit: PAGE_SIZE },
        },
        (found) => {
          if (found.length > 0) last = timeOf(found[found.length - 1]!.timestamp);
          return replies.hand(
            found.filter((p) => !own(p) && replies.includes(p.timestamp)).map((p) => threadsItem(p, 'reply', post.id)),
          );
        },
      );
      if (cut) replies.cutAt(last);
    }
    await replies.done();

    const mentions = new TimeWindow(MENTIONS_STREAM, cursors[MENTIONS_STREAM], onPage);
    let oldest = Infinity;
    const { cut } = await readPages<ThreadsPost>(
      this.api,
      {
        path: `${node(user)}/mentions`,
        token,
        params: { fields: THREADS_REPLY_FIELDS, since: String(Math.floor(mentions.since / 1000)), limit: PAGE_SIZE },
      },
      (found) => {
        for (const p of found) oldest = Math.min(oldest, timeOf(p.timestamp));
        return mentions.hand(
          found
            .filter((p) => !own(p) && mentions.includes(p.timestamp))
            .map((p) => threadsItem(p, 'mention', p.root_post?.id ?? p.id)),
        );
      },
    );
    // Newest first: what was not read is older than the oldest read.
    if (cut) mentions.cutAt(oldest);
    await mentions.done();
  }

  async reply(credentials: OAuthCredentials, request: InboxReplyRequest): Promise<InboxReplyResult> {
    const token = credentials.tokens.accessToken;
    const user = node(credentials.account.id);
    const parent = request.parent.externalId;
    const root = request.parent.rootExternalId ?? undefined;
    const findPublished = async () => {
      const mine = await this.api.call<Paged<ThreadsPost>>({
        method: 'GET',
        path: `${user}/replies`,
        token,
        params: { fields: THREADS_REPLY_FIELDS, limit: '25' },
      });
      return mine.data.find((p) => p.replied_to?.id === parent && sameText(p.text, request.text))?.id;
    };
    // A retry with no container kept (an attempt lost before it saved one) looks for the reply first.
    if (request.isRetry && !request.networkState?.saved?.containerId) {
      const earlier = await findPublished();
      if (earlier)
        return { externalId: earlier, url: await permalinkOf(this.api, earlier, token), rootExternalId: root };
    }
    try {
      const published = await publishThroughContainer(
        {
          network: 'Threads',
          create: async () =>
            (
              await this.api.call<{ id: string }>({
                method: 'POST',
                path: `${user}/threads`,
                token,
                params: { media_type: 'TEXT', text: request.text, reply_to_id: parent },
              })
            ).id,
          status: async (id) => {
            const c = await this.api.call<{ status: ContainerStatus; error_message?: string }>({
              method: 'GET',
              path: node(id),
              token,
              params: { fields: 'status,error_message' },
            });
            return { status: c.status, message: c.error_message };
          },
          publish: async (id) =>
            (
              await this.api.call<{ id: string }>({
                method: 'POST',
                path: `${user}/threads_publish`,
                token,
                params: { creation_id: id },
              })
            ).id,
          findPublished,
          permalink: (id) => permalinkOf(this.api, id, token),
        },
        request.networkState,
      );
      return { ...published, rootExternalId: root };
    } catch (err) {
      if (isGone(err)) throw new ParentDeleted('Threads');
      throw err;
    }
  }

  like(): Promise<{ externalId: string }> {
    return Promise.reject(
      new ChannelError(
        'rejected',
        'The Threads API has no way for an app to like a post; like it in the Threads app, or reply instead',
      ),
    );
  }
}

function threadsItem(p: ThreadsPost, kind: 'reply' | 'mention', threadKey: string): InboundItem {
  const username = p.username ?? 'threads user';
  const root = p.root_post?.id ?? threadKey;
  return {
    network: 'threads',
    kind,
    conversationKind: 'thread',
    threadKey,
    answers: [root],
    externalId: p.id,
    externalCid: null,
    url: p.permalink ?? null,
    parent: p.replied_to ? { id: p.replied_to.id, cid: null } : null,
    root: { id: root, cid: null },
    author: {
      // Threads shows no user id on a reply: the username is the account's key.
      externalId: username,
      handle: username,
      displayName: null,
      avatarUrl: null,
      profileUrl: p.username ? `https://www.threads.net/@${encodeURIComponent(p.username)}` : null,
    },
    text: p.text ?? '',
    sentAt: iso(p.timestamp),
  };
}
