import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsentPages, refusePage } from './consent-page';

/**
 * A local stand-in for Meta's Graph API (Facebook Pages, Instagram business accounts) and the
 * Threads API, on two ports, following the published documents where Chorus uses them:
 * - the authorization step: Facebook Login's dialog `GET /{version}/dialog/oauth` (client_id,
 *   redirect_uri, state, response_type=code, scope comma-separated; on www.facebook.com, here on the
 *   Graph port: `dialogUrl`) and Threads' `GET /oauth/authorize` (on threads.net, here on the Threads
 *   port: `threadsAuthorizeUrl`); an unknown app or redirect URI: an error page; Allow sends the
 *   browser back with `code` and `state`, Cancel with `error=access_denied`,
 *   `error_reason=user_denied`, `error_description` and `state`; each code is bound to its redirect URI;
 * - tokens (Bearer or `access_token`): code → short-lived user token (1 h) → long-lived (60 days,
 *   `fb_exchange_token` / `th_exchange_token`); Page tokens from `/me/accounts` never expire; Threads'
 *   `th_refresh_token` renews a long-lived token at least a day old and unexpired; an expired or
 *   unknown token answers 400 `{error: {type: OAuthException, code: 190, error_subcode: 463|…}}`;
 * - Pages: `/{page}/feed` (message, link, attached_media), unpublished `/{page}/photos` (multipart
 *   `source`), `/{page}/published_posts`, a post's reactions/comments/shares summaries;
 * - Instagram and Threads containers: `POST /{user}/media` (`/threads`) fetches `image_url` for real
 *   (an unreachable or non-image URL: 400 code 9004 / subcode 2207052), IN_PROGRESS for
 *   `processingPolls` status reads then FINISHED (or ERROR when asked), `media_publish`
 *   (`threads_publish`) of a FINISHED container only, PUBLISHED after; the account's latest media;
 *   `content_publishing_limit` / `threads_publishing_limit`;
 * - the inbox: a Page post's comments and replies to comments (`GET /{post}/comments` with
 *   `filter=stream|toplevel`, `order=chronological|reverse_chronological`, `since`, cursor paging
 *   with `paging.next`; a post's `updated_time` moves with its comments), `POST /{comment}/comments`
 *   and `/{comment}/likes` as the Page; Instagram comments with their `replies`, `parent_id`,
 *   `POST /{ig-comment}/replies` (a reply to a reply goes to its top-level comment), the media the
 *   account is tagged in (`GET /{ig-user}/tags`, newest first, cursor paging; no way to comment on
 *   them), caption and comment @mentions (`GET /{ig-user}?fields=mentioned_media.media_id(…){…}` or
 *   `mentioned_comment.comment_id(…){…}`, `POST /{ig-user}/mentions` with `media_id`, `comment_id`,
 *   `message`) and their webhook deliveries (`mentions` field, `X-Hub-Signature-256` with the app
 *   secret); Threads
 *   replies (`/{post}/replies`, `/{post}/conversation` with `reverse`, `/{user}/replies`,
 *   `/{user}/mentions?since=`) and reply containers (`reply_to_id`); a deleted object answers 400
 *   code 100 / subcode 33;
 * - insights (https://developers.facebook.com/docs/graph-api/reference/insights,
 *   /docs/instagram-platform/reference/instagram-media/insights, Threads' media insights):
 *   `GET /{post}/insights?metric=post_impressions`, `GET /{ig-media}/insights?metric=views`,
 *   `GET /{threads-media}/insights?metric=likes,replies,reposts,quotes,views`, each
 *   `{data: [{name, period: 'lifetime', values: [{value}], title, description, id}]}` (values from
 *   `insights`, else 0); a metric the object does not have: 400 code 100; a refused object
 *   (`refuseInsights`): 400 code 10, as for a medium with too few viewers or a missing permission
 *   (Threads: when `views` is asked for);
 * - errors `{error: {message, type, code, error_subcode, fbtrace_id}}`; throttling as code 4/17/32/613
 *   with `X-Business-Use-Case-Usage` (`estimated_time_to_regain_access`, minutes) and `X-App-Usage`,
 *   which every answer carries (`usage` sets the share of the budget they report spent).
 */
/** A Facebook comment (or a reply to one) on a Page post. */
export interface FakeFacebookComment {
  id: string;
  postId: string;
  /** The comment it replies to; null for a comment on the post. */
  parentId: string | null;
  message: string;
  from: { id: string; name: string };
  created_time: string;
  permalink_url: string;
  /** Who liked it (the Page's id when the Page did). */
  likedBy: Set<string>;
  deleted: boolean;
}

/** An Instagram comment (or a reply to one) on a medium. */
export interface FakeInstagramComment {
  id: string;
  mediaId: string;
  parentId: string | null;
  text: string;
  from: { id: string; username: string };
  timestamp: string;
  deleted: boolean;
}

/** Someone else's Instagram medium with the account tagged in it. */
export interface FakeTaggedMedia {
  id: string;
  username: string;
  caption: string;
  media_type: 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  permalink: string;
  timestamp: string;
}

/** A Threads post by someone (a reply in a thread, or a post mentioning the account), or the account's own reply. */
export interface FakeThreadsPost {
  id: string;
  username: string;
  text: string;
  timestamp: string;
  permalink: string;
  /** What it replies to, and the thread's root post; null for a top-level post. */
  repliedTo: string | null;
  rootPost: string | null;
  containerId: string | null;
}
export interface FakeContainer {
  id: string;
  network: 'instagram' | 'threads';
  userId: string;
  mediaType: string;
  caption: string;
  /** sha256 of what the fake fetched from image_url / video_url. */
  fetched: string | null;
  children: string[];
  isCarouselItem: boolean;
  /** Threads: the post a reply container answers. */
  replyTo: string | null;
  polls: number;
  status: 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';
  error?: string;
}

export interface FakeMedia {
  id: string;
  network: 'instagram' | 'threads';
  userId: string;
  containerId: string;
  caption: string;
  children: FakeContainer[];
  fetched: string | null;
  timestamp: string;
  permalink: string;
  likeCount: number;
  commentsCount: number;
}

export interface FakeFeedPost {
  id: string;
  pageId: string;
  message: string;
  link: string | null;
  photos: { id: string; sha256: string; alt: string | null }[];
  created_time: string;
  permalink_url: string;
  reactions: number;
}

interface Token {
  kind: 'short' | 'long' | 'page' | 'threads-short' | 'threads-long';
  userId: string;
  pageId?: string;
  issuedAt: number;
  expiresAt: number | null;
}

export interface MetaFake {
  graphUrl: string;
  threadsUrl: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  page: { id: string; name: string; token: string };
  instagram: { id: string; username: string };
  threadsUser: { id: string; username: string; token: string };
  /** Status reads a new container stays IN_PROGRESS for. */
  processingPolls: number;
  /** The next container made ends in ERROR with this message. */
  failNextContainer: string | null;
  feed: FakeFeedPost[];
  unpublishedPhotos: Map<string, { sha256: string; alt: string | null }>;
  containers: Map<string, FakeContainer>;
  media: FakeMedia[];
  comments: FakeFacebookComment[];
  igComments: FakeInstagramComment[];
  /** The media the Instagram account is tagged in, oldest first. */
  igTagged: FakeTaggedMedia[];
  /** Others' media whose caption, or one of whose comments (in `igComments`), @mentions the Instagram account. */
  igMentionedMedia: FakeTaggedMedia[];
  threadsPosts: FakeThreadsPost[];
  /** The share of the hourly budget every answer's X-App-Usage and X-Business-Use-Case-Usage report spent (percent), and the minutes they say access takes to come back. */
  usage: { percent: number; regainMinutes: number };
  /** Insight values by post or media id and metric name (`post_impressions`, `views`); absent: 0. */
  insights: Map<string, Record<string, number>>;
  /** Post or media ids whose insights Graph refuses (400 code 10), while it still shows their counts. */
  refuseInsights: Set<string>;
  /** Every request: method, host (graph or threads), path and query. */
  requests: { method: string; host: 'graph' | 'threads'; path: string; query: URLSearchParams }[];
  /** A Page post, as if published a while ago (`ageMs`). */
  addFeedPost(message: string, ageMs?: number): FakeFeedPost;
  /** Someone's comment on a Page post, or reply to a comment (`parentId`), `ageMs` ago. */
  comment(
    postId: string,
    input: { message: string; from?: { id: string; name: string }; parentId?: string; ageMs?: number },
  ): FakeFacebookComment;
  /** An Instagram medium of the account, as if published `ageMs` ago. */
  addInstagramMedia(caption: string, ageMs?: number): FakeMedia;
  /** Someone's comment on a medium, or reply to a comment. */
  igComment(
    mediaId: string,
    input: { text: string; username: string; parentId?: string; ageMs?: number },
  ): FakeInstagramComment;
  /** Someone's medium tagging the Instagram account, posted `ageMs` ago. */
  igTag(input: { caption: string; username: string; ageMs?: number }): FakeTaggedMedia;
  /** Someone's medium where the Instagram account can be @mentioned (in the caption, or in comments on it). */
  igMentionIn(input: { caption: string; username: string; ageMs?: number }): FakeTaggedMedia;
  /** Meta's webhook delivery of one `mentions` change for the Instagram account, and its X-Hub-Signature-256 (with `secret`, default the app's). */
  mentionWebhook(
    value: { media_id: string; comment_id?: string },
    secret?: string,
  ): { body: string; signature: string };
  /** A Threads post of the account, as if published `ageMs` ago. */
  addThreadsPost(text: string, ageMs?: number): FakeMedia;
  /** Someone's Threads post: a reply (`repliedTo`, in the thread of `rootPost`), or a top-level post. */
  threadsPost(input: {
    text: string;
    username: string;
    repliedTo?: string;
    rootPost?: string;
    ageMs?: number;
  }): FakeThreadsPost;
  /** More Pages the user manages, listed after `page` by `/me/accounts` (each with a Page token and, maybe, an Instagram account). */
  morePages: { id: string; name: string; instagram: { id: string; username: string } | null }[];
  /** Long-lived Threads tokens issued from now on: their lifetime, and how long ago they count as issued (refresh needs a day). */
  threadsLongLived: { lifetimeMs: number; issuedAgoMs: number };
  /** Facebook Login's dialog and Threads' authorization window, as served here. */
  dialogUrl: string;
  threadsAuthorizeUrl: string;
  /** An authorization code the login dialog would hand back (`network`: which app). */
  issueCode(network: 'facebook' | 'threads', redirectUri?: string): string;
  /** Token for a Threads user aged by `ageMs` (refresh needs a day), expiring `expiresInMs` from now. */
  issueThreadsToken(options: { ageMs: number; expiresInMs: number }): string;
  /** The next request whose path matches answers with a throttling error (code, minutes to wait). */
  throttleNext(match: RegExp, code: 4 | 17 | 32 | 613, minutes: number): void;
  /** The next request whose path matches (and method, when given) is carried out, but its connection dropped before the answer. */
  loseNextAnswer(match: RegExp, method?: string): void;
  close(): Promise<void>;
}

const LONG_LIVED_MS = 60 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export async function startMetaFake(): Promise<MetaFake> {
  const tokens = new Map<string, Token>();
  const newToken = (prefix: string, token: Token) => {
    const value = `${prefix}${randomBytes(12).toString('hex')}`;
    tokens.set(value, token);
    return value;
  };
  const codes = new Map<string, { network: 'facebook' | 'threads'; redirectUri: string }>();
  const consentPages = {
    graph: new ConsentPages('Facebook', '/v26.0/dialog/oauth/decision'),
    threads: new ConsentPages('Threads', '/oauth/authorize/decision'),
  };
  const pageTokens = new Map<string, string>();
  let ids = 17_900_000_000_000_000n;
  const nextId = () => String(++ids);
  const throttles: { match: RegExp; code: number; minutes: number }[] = [];
  const losses: { match: RegExp; method?: string }[] = [];
  const userId = '10150000000000001';
  const pageId = '1040000000000001';
  const pageToken = newToken('EAAPage', { kind: 'page', userId, pageId, issuedAt: Date.now(), expiresAt: null });
  const threadsUserId = '25000000000000001';
  const threadsToken = newToken('THQ', {
    kind: 'threads-long',
    userId: threadsUserId,
    issuedAt: Date.now(),
    expiresAt: Date.now() + LONG_LIVED_MS,
  });

  /** Graph's time format: `2026-11-27T03:00:00+0000`. */
  const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, '+0000');
  /** Someone else's image post (one that tags or @mentions the account), `ageMs` old. */
  const othersMedia = (input: { caption: string; username: string; ageMs?: number }): FakeTaggedMedia => {
    const id = nextId();
    return {
      id,
      username: input.username,
      caption: input.caption,
      media_type: 'IMAGE',
      permalink: `https://www.instagram.com/p/${id}/`,
      timestamp: graphTime(Date.now() - (input.ageMs ?? 0)),
    };
  };
  const ownMedia = (network: 'instagram' | 'threads', owner: string, caption: string, ageMs: number): FakeMedia => {
    const id = nextId();
    return {
      id,
      network,
      userId: owner,
      containerId: '',
      caption,
      children: [],
      fetched: null,
      timestamp: graphTime(Date.now() - ageMs),
      permalink:
        network === 'instagram'
          ? `https://www.instagram.com/p/${id}/`
          : `https://www.threads.net/@chorus.threads/post/${id}`,
      likeCount: 0,
      commentsCount: 0,
    };
  };

  const fake: Omit<MetaFake, 'graphUrl' | 'threadsUrl' | 'dialogUrl' | 'threadsAuthorizeUrl' | 'close'> = {
    app: { clientId: '1234567890', clientSecret: 'app-secret', redirectUri: 'http://127.0.0.1/v1/channels/callback/x' },
    page: { id: pageId, name: 'Chorus Coffee', token: pageToken },
    instagram: { id: '17841400000000001', username: 'chorus.coffee' },
    threadsUser: { id: threadsUserId, username: 'chorus.threads', token: threadsToken },
    processingPolls: 0,
    morePages: [],
    threadsLongLived: { lifetimeMs: LONG_LIVED_MS, issuedAgoMs: 0 },
    failNextContainer: null,
    feed: [],
    unpublishedPhotos: new Map(),
    containers: new Map(),
    media: [],
    comments: [],
    igComments: [],
    igTagged: [],
    igMentionedMedia: [],
    threadsPosts: [],
    usage: { percent: 1, regainMinutes: 0 },
    insights: new Map(),
    refuseInsights: new Set(),
    requests: [],
    issueCode(network, redirectUri = fake.app.redirectUri) {
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { network, redirectUri });
      return code;
    },
    issueThreadsToken({ ageMs, expiresInMs }) {
      return newToken('THQ', {
        kind: 'threads-long',
        userId: threadsUserId,
        issuedAt: Date.now() - ageMs,
        expiresAt: Date.now() + expiresInMs,
      });
    },
    throttleNext(match, code, minutes) {
      throttles.push({ match, code, minutes });
    },
    loseNextAnswer(match, method) {
      losses.push({ match, method });
    },
    addFeedPost(message, ageMs = 0) {
      const id = `${pageId}_${nextId()}`;
      const post: FakeFeedPost = {
        id,
        pageId,
        message,
        link: null,
        photos: [],
        created_time: graphTime(Date.now() - ageMs),
        permalink_url: `https://www.facebook.com/${pageId}/posts/${id.split('_')[1]}`,
        reactions: 0,
      };
      fake.feed.push(post);
      return post;
    },
    comment(postId, input) {
      const id = `${postId.split('_')[1]}_${nextId()}`;
      const comment: FakeFacebookComment = {
        id,
        postId,
        parentId: input.parentId ?? null,
        message: input.message,
        from: input.from ?? { id: '6100000000000042', name: 'Casey Customer' },
        created_time: graphTime(Date.now() - (input.ageMs ?? 0)),
        permalink_url: `https://www.facebook.com/${postId.split('_')[1]}?comment_id=${id.split('_')[1]}`,
        likedBy: new Set(),
        deleted: false,
      };
      fake.comments.push(comment);
      return comment;
    },
    addInstagramMedia(caption, ageMs = 0) {
      const media = ownMedia('instagram', fake.instagram.id, caption, ageMs);
      fake.media.push(media);
      return media;
    },
    igComment(mediaId, input) {
      const comment: FakeInstagramComment = {
        id: nextId(),
        mediaId,
        parentId: input.parentId ?? null,
        text: input.text,
        from: { id: `1784${nextId().slice(-10)}`, username: input.username },
        timestamp: graphTime(Date.now() - (input.ageMs ?? 0)),
        deleted: false,
      };
      fake.igComments.push(comment);
      return comment;
    },
    igTag(input) {
      const tagged = othersMedia(input);
      fake.igTagged.push(tagged);
      return tagged;
    },
    igMentionIn(input) {
      const media = othersMedia(input);
      fake.igMentionedMedia.push(media);
      return media;
    },
    mentionWebhook(value, secret = fake.app.clientSecret) {
      const body = JSON.stringify({
        object: 'instagram',
        entry: [
          { id: fake.instagram.id, time: Math.floor(Date.now() / 1000), changes: [{ field: 'mentions', value }] },
        ],
      });
      return { body, signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
    },
    addThreadsPost(text, ageMs = 0) {
      const media = ownMedia('threads', threadsUserId, text, ageMs);
      fake.media.push(media);
      return media;
    },
    threadsPost(input) {
      const id = nextId();
      const post: FakeThreadsPost = {
        id,
        username: input.username,
        text: input.text,
        timestamp: graphTime(Date.now() - (input.ageMs ?? 0)),
        permalink: `https://www.threads.net/@${input.username}/post/${id}`,
        repliedTo: input.repliedTo ?? null,
        rootPost: input.rootPost ?? input.repliedTo ?? null,
        containerId: null,
      };
      fake.threadsPosts.push(post);
      return post;
    },
  };

  class GraphFailure extends Error {
    constructor(
      readonly status: number,
      readonly body: { message: string; type: string; code: number; error_subcode?: number },
      readonly headers: Record<string, string> = {},
    ) {
      super(body.message);
    }
  }
  const fail = (status: number, code: number, message: string, subcode?: number, type = 'OAuthException') =>
    new GraphFailure(status, { message, type, code, ...(subcode ? { error_subcode: subcode } : {}) });
  const param = (code: string) => fail(400, 100, `(#100) ${code}`, undefined, 'GraphMethodException');
  // The lifetime insights of a post or medium, as `GET /{id}/insights?metric=…` answers them.
  const insightsOf = (id: string, metrics: readonly string[], p: URLSearchParams, refused = (_: string[]) => true) => {
    const asked = (p.get('metric') ?? '').split(',').filter(Boolean);
    if (fake.refuseInsights.has(id) && refused(asked))
      throw fail(400, 10, '(#10) Not enough viewers for the media to show insights');
    const unknown = asked.find((m) => !metrics.includes(m));
    if (asked.length === 0 || unknown !== undefined)
      throw param(`metric[${asked.indexOf(unknown ?? '')}] must be one of the following values: ${metrics.join(', ')}`);
    return {
      data: asked.map((name) => ({
        name,
        period: 'lifetime',
        values: [{ value: fake.insights.get(id)?.[name] ?? 0 }],
        title: name,
        description: `Lifetime ${name}`,
        id: `${id}/insights/${name}/lifetime`,
      })),
    };
  };
  const gone = (id: string) =>
    fail(
      400,
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      33,
      'GraphMethodException',
    );

  /**
   * One page of a list, Graph's way: `limit` items after the `after` cursor (an opaque offset
   * here), with `paging.cursors` and, when more remain, `paging.next` (the same query, the next cursor).
   */
  const paged = <T>(items: T[], p: URLSearchParams, self: string) => {
    const limit = Math.min(Number(p.get('limit') ?? 25) || 25, 100);
    const start = p.get('after') ? Number(Buffer.from(p.get('after')!, 'base64url').toString()) : 0;
    const data = items.slice(start, start + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const paging: { cursors: { before: string; after: string }; next?: string } = {
      cursors: { before: cursor(start), after: cursor(start + data.length) },
    };
    if (start + data.length < items.length) {
      const next = new URL(self);
      for (const [k, v] of p) if (k !== 'access_token') next.searchParams.set(k, v);
      next.searchParams.set('after', cursor(start + data.length));
      paging.next = next.toString();
    }
    return { data, paging };
  };
  /** `since`: a Unix time or a strtotime-like date. */
  const sinceOf = (p: URLSearchParams) => {
    const raw = p.get('since');
    if (!raw) return -Infinity;
    return /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  };
  const timeOf = (value: string) => Date.parse(value.replace(/\+0000$/, 'Z'));

  const fbComment = (c: FakeFacebookComment) => ({
    id: c.id,
    message: c.message,
    created_time: c.created_time,
    from: c.from,
    ...(c.parentId ? { parent: { id: c.parentId } } : {}),
    permalink_url: c.permalink_url,
  });
  /** `GET /{object}/comments`: the comments on a post or the replies to a comment; `stream` at every depth. */
  const commentsOn = (objectId: string, p: URLSearchParams, self: string) => {
    const stream = p.get('filter') === 'stream';
    const under = (c: FakeFacebookComment): boolean => {
      if (c.parentId === objectId) return true;
      if (c.parentId === null) return c.postId === objectId;
      if (!stream) return false;
      const parent = fake.comments.find((x) => x.id === c.parentId);
      return parent ? under(parent) : false;
    };
    const since = sinceOf(p);
    const found = fake.comments.filter((c) => !c.deleted && under(c) && timeOf(c.created_time) >= since);
    found.sort((a, b) => timeOf(a.created_time) - timeOf(b.created_time));
    if (p.get('order') === 'reverse_chronological') found.reverse();
    return paged(found.map(fbComment), p, self);
  };

  const igComment = (c: FakeInstagramComment, withReplies: boolean): Record<string, unknown> => ({
    id: c.id,
    text: c.text,
    username: c.from.username,
    timestamp: c.timestamp,
    from: c.from,
    ...(c.parentId ? { parent_id: c.parentId } : {}),
    ...(withReplies
      ? {
          replies: {
            data: fake.igComments.filter((r) => r.parentId === c.id && !r.deleted).map((r) => igComment(r, false)),
          },
        }
      : {}),
  });

  /** Graph's field list (`a,b{c,d{e}}`): each name with its own nested list, or null. */
  const fieldList = (list: string): Map<string, string | null> => {
    const fields = new Map<string, string | null>();
    let depth = 0;
    let start = 0;
    const take = (part: string) => {
      const brace = part.indexOf('{');
      if (part) fields.set(brace < 0 ? part : part.slice(0, brace), brace < 0 ? null : part.slice(brace + 1, -1));
    };
    for (let i = 0; i < list.length; i++) {
      if (list[i] === '{') depth++;
      else if (list[i] === '}') depth--;
      else if (list[i] === ',' && depth === 0) {
        take(list.slice(start, i));
        start = i + 1;
      }
    }
    take(list.slice(start));
    return fields;
  };
  const mentionsAccount = (text: string) => text.includes(`@${fake.instagram.username}`);
  /** `mentioned_media.media_id(X){…}` / `mentioned_comment.comment_id(Y){…}` on the account. */
  const mentioned = (expression: string) => {
    const match = /^mentioned_(media|comment)\.(media_id|comment_id)\(([^)]*)\)(?:\{(.*)\})?$/.exec(expression);
    if (!match || (match[1] === 'media') !== (match[2] === 'media_id'))
      throw param(`Syntax error in the fields: ${expression}`);
    const [, what, , id, sub = 'id'] = match;
    const fields = fieldList(sub);
    const pick = (view: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(view).filter(([k]) => k === 'id' || fields.has(k)));
    if (what === 'media') {
      const media = fake.igMentionedMedia.find((m) => m.id === id);
      const comments = fake.igComments.filter((c) => c.mediaId === id && !c.deleted);
      if (!media || !(mentionsAccount(media.caption) || comments.some((c) => mentionsAccount(c.text)))) throw gone(id!);
      const withReplies = fieldList(fields.get('comments') ?? '').has('replies');
      return {
        id: fake.instagram.id,
        mentioned_media: pick({
          ...media,
          comments: {
            data: comments.filter((c) => c.parentId === null).map((c) => igComment(c, withReplies)),
          },
        }),
      };
    }
    const comment = fake.igComments.find((c) => c.id === id && !c.deleted);
    if (!comment || !mentionsAccount(comment.text)) throw gone(id!);
    return {
      id: fake.instagram.id,
      mentioned_comment: pick({
        id: comment.id,
        text: comment.text,
        timestamp: comment.timestamp,
        username: comment.from.username,
        media: { id: comment.mediaId },
      }),
    };
  };
  /** `POST /{ig-user}/mentions`: a comment on the medium whose caption mentions the account, or a reply to the comment that does. */
  const replyToMention = (p: URLSearchParams) => {
    const mediaId = p.get('media_id');
    const message = p.get('message') ?? '';
    if (!mediaId) throw param('The parameter media_id is required');
    if (!message) throw param('The parameter message is required');
    const media = fake.igMentionedMedia.find((m) => m.id === mediaId);
    if (!media) throw gone(mediaId);
    const commentId = p.get('comment_id');
    let parentId: string | undefined;
    if (commentId) {
      const comment = fake.igComments.find((c) => c.id === commentId && c.mediaId === mediaId && !c.deleted);
      if (!comment || !mentionsAccount(comment.text)) throw gone(commentId);
      parentId = comment.parentId ?? comment.id;
    } else if (!mentionsAccount(media.caption))
      throw param('The account is not mentioned in the caption of this media');
    const reply = fake.igComment(mediaId, { text: message, username: fake.instagram.username, parentId });
    reply.from = { id: fake.instagram.id, username: fake.instagram.username };
    return { id: reply.id };
  };

  const threadsView = (t: FakeThreadsPost) => ({
    id: t.id,
    text: t.text,
    username: t.username,
    timestamp: t.timestamp,
    permalink: t.permalink,
    media_type: 'TEXT_POST',
    is_reply: t.repliedTo !== null,
    ...(t.repliedTo ? { replied_to: { id: t.repliedTo } } : {}),
    ...(t.rootPost ? { root_post: { id: t.rootPost } } : {}),
  });
  const chronological = (list: FakeThreadsPost[], p: URLSearchParams) => {
    const sorted = [...list].sort((a, b) => timeOf(a.timestamp) - timeOf(b.timestamp));
    // `reverse` defaults to true: newest first.
    return p.get('reverse') === 'false' ? sorted : sorted.reverse();
  };

  const authenticate = (token: string | undefined, kinds: Token['kind'][]): Token => {
    const found = token ? tokens.get(token) : undefined;
    if (!found || !kinds.includes(found.kind))
      throw fail(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (found.expiresAt !== null && found.expiresAt <= Date.now())
      throw fail(400, 190, 'Error validating access token: Session has expired', 463);
    return found;
  };

  /** Fetches a container's media from its URL, as Instagram and Threads do. */
  const fetchMedia = async (url: string | undefined, kind: 'image' | 'video'): Promise<string> => {
    if (!url) throw param(`The parameter ${kind}_url is required`);
    const response = await fetch(url).catch(() => undefined);
    const type = response?.headers.get('content-type') ?? '';
    if (!response?.ok || !type.startsWith(`${kind}/`))
      throw fail(400, 9004, 'Media download has failed. The media URI doesn\u2019t meet our requirements.', 2207052);
    return createHash('sha256')
      .update(Buffer.from(await response.arrayBuffer()))
      .digest('hex');
  };

  const makeContainer = async (network: 'instagram' | 'threads', owner: string, p: URLSearchParams) => {
    const mediaType = p.get('media_type') ?? (p.get('video_url') ? 'VIDEO' : 'IMAGE');
    const children = p.get('children')?.split(',').filter(Boolean) ?? [];
    let fetched: string | null = null;
    if (mediaType === 'CAROUSEL') {
      if (children.length < 2 || children.some((c) => !fake.containers.get(c)?.isCarouselItem))
        throw param('children must name at least 2 carousel item containers');
    } else if (mediaType === 'TEXT') {
      if (network !== 'threads') throw param('media_type TEXT is not supported');
      if (!p.get('text')) throw param('The parameter text is required for TEXT posts');
    } else if (mediaType === 'IMAGE') fetched = await fetchMedia(p.get('image_url') ?? undefined, 'image');
    else if (mediaType === 'REELS' || mediaType === 'VIDEO')
      fetched = await fetchMedia(p.get('video_url') ?? undefined, 'video');
    else throw param(`media_type ${mediaType} is not supported`);
    const replyTo = network === 'threads' ? p.get('reply_to_id') : null;
    if (replyTo && !fake.threadsPosts.some((t) => t.id === replyTo) && !fake.media.some((m) => m.id === replyTo))
      throw gone(replyTo);
    const caption = p.get(network === 'threads' ? 'text' : 'caption') ?? '';
    if (network === 'instagram' && [...caption].length > 2200) throw param('The caption is too long');
    const container: FakeContainer = {
      id: nextId(),
      network,
      userId: owner,
      mediaType,
      caption,
      fetched,
      children,
      isCarouselItem: p.get('is_carousel_item') === 'true',
      replyTo: null,
      polls: 0,
      status: 'IN_PROGRESS',
    };
    container.replyTo = replyTo;
    if (fake.failNextContainer !== null && !container.isCarouselItem) {
      container.error = fake.failNextContainer;
      fake.failNextContainer = null;
    }
    fake.containers.set(container.id, container);
    return { id: container.id };
  };

  const readContainer = (container: FakeContainer) => {
    if (container.status === 'IN_PROGRESS' && ++container.polls > fake.processingPolls)
      container.status = container.error ? 'ERROR' : 'FINISHED';
    return container;
  };

  const publishContainer = (network: 'instagram' | 'threads', owner: string, creationId: string | null) => {
    const container = creationId ? fake.containers.get(creationId) : undefined;
    if (!container || container.userId !== owner || container.network !== network)
      throw param('The parameter creation_id is invalid');
    if (container.status !== 'FINISHED')
      throw fail(400, 9007, 'The media is not ready for publishing, please wait for a moment', 2207027);
    container.status = 'PUBLISHED';
    const id = nextId();
    if (container.replyTo) {
      const parent = fake.threadsPosts.find((t) => t.id === container.replyTo);
      fake.threadsPosts.push({
        id,
        username: fake.threadsUser.username,
        text: container.caption,
        timestamp: graphTime(Date.now()),
        permalink: `https://www.threads.net/@${fake.threadsUser.username}/post/${id}`,
        repliedTo: container.replyTo,
        rootPost: parent?.rootPost ?? container.replyTo,
        containerId: container.id,
      });
      return { id };
    }
    fake.media.push({
      id,
      network,
      userId: owner,
      containerId: container.id,
      caption: container.caption,
      children: container.children.map((c) => fake.containers.get(c)!),
      fetched: container.fetched,
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
      permalink:
        network === 'instagram'
          ? `https://www.instagram.com/p/${id}/`
          : `https://www.threads.net/@chorus.threads/post/${id}`,
      likeCount: 0,
      commentsCount: 0,
    });
    return { id };
  };

  const quota = (network: 'instagram' | 'threads', owner: string) => {
    const since = Date.now() - DAY_MS;
    const used = fake.media.filter(
      (m) => m.network === network && m.userId === owner && Date.parse(m.timestamp) > since,
    ).length;
    return {
      data: [
        { quota_usage: used, config: { quota_total: network === 'instagram' ? 100 : 250, quota_duration: 86400 } },
      ],
    };
  };

  const latest = (network: 'instagram' | 'threads', owner: string) =>
    fake.media
      .filter((m) => m.network === network && m.userId === owner)
      .reverse()
      .slice(0, 25);

  /** A managed Page's own token (never expires), the same at every listing. */
  const pageTokenOf = (id: string) => {
    let token = pageTokens.get(id);
    if (!token) {
      token = newToken('EAAPage', { kind: 'page', userId, pageId: id, issuedAt: Date.now(), expiresAt: null });
      pageTokens.set(id, token);
    }
    return token;
  };

  /**
   * The authorization pages (Facebook Login's dialog, Threads' window) and their consent forms; false
   * for any other request.
   */
  function authorization(
    host: 'graph' | 'threads',
    method: string,
    path: string,
    p: URLSearchParams,
    res: http.ServerResponse,
  ) {
    const pages = consentPages[host];
    const page = host === 'graph' ? '/dialog/oauth' : '/oauth/authorize';
    if (method === 'POST' && path === `${page}/decision`) {
      void pages.decide(p, res);
      return true;
    }
    if (method !== 'GET' || path !== page) return false;
    const redirectUri = p.get('redirect_uri') ?? '';
    if (p.get('client_id') !== fake.app.clientId || !/^https?:\/\//.test(redirectUri)) {
      refusePage(res, "Invalid App ID: the provided app ID or redirect URI does not look like a valid app's.");
      return true;
    }
    const network = host === 'graph' ? 'facebook' : 'threads';
    const scopes = (p.get('scope') ?? '').split(',').filter(Boolean);
    pages.show(res, {
      redirectUri,
      state: p.get('state'),
      asks:
        network === 'facebook'
          ? `Chorus is requesting access to: ${scopes.join(', ')} for the Pages ${[fake.page.name, ...fake.morePages.map((m) => m.name)].join(', ')}`
          : `Chorus would like to access @${fake.threadsUser.username}: ${scopes.join(', ')}`,
      allow: () => ({ code: fake.issueCode(network, redirectUri) }),
      denied: { error: 'access_denied', error_reason: 'user_denied', error_description: 'Permissions error.' },
    });
    return true;
  }

  async function graph(
    method: string,
    path: string,
    p: URLSearchParams,
    form: FormData | null,
    token: string | undefined,
    self: string,
  ): Promise<unknown> {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'oauth' && parts[1] === 'access_token' && method === 'GET') {
      if (p.get('client_id') !== fake.app.clientId || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 1, 'Error validating client secret.');
      if (p.get('grant_type') === 'fb_exchange_token') {
        authenticate(p.get('fb_exchange_token') ?? undefined, ['short']);
        return {
          access_token: newToken('EAALong', {
            kind: 'long',
            userId,
            issuedAt: Date.now(),
            expiresAt: Date.now() + LONG_LIVED_MS,
          }),
          token_type: 'bearer',
          expires_in: LONG_LIVED_MS / 1000,
        };
      }
      const code = p.get('code') ?? '';
      const issued = codes.get(code);
      if (issued?.network !== 'facebook' || p.get('redirect_uri') !== issued.redirectUri)
        throw fail(400, 100, 'Invalid verification code format.', 36007);
      codes.delete(code); // single use
      return {
        access_token: newToken('EAAShort', {
          kind: 'short',
          userId,
          issuedAt: Date.now(),
          expiresAt: Date.now() + 3600_000,
        }),
        token_type: 'bearer',
        expires_in: 3600,
      };
    }
    if (parts[0] === 'me' && parts[1] === 'accounts') {
      authenticate(token, ['short', 'long']);
      return {
        data: [
          {
            id: pageId,
            name: fake.page.name,
            access_token: pageToken,
            category: 'Coffee Shop',
            tasks: ['CREATE_CONTENT', 'MANAGE', 'MODERATE'],
            instagram_business_account: { id: fake.instagram.id, username: fake.instagram.username },
          },
          ...fake.morePages.map((more) => ({
            id: more.id,
            name: more.name,
            access_token: pageTokenOf(more.id),
            category: 'Brand',
            tasks: ['CREATE_CONTENT', 'MANAGE'],
            ...(more.instagram ? { instagram_business_account: more.instagram } : {}),
          })),
        ],
        paging: { cursors: { before: 'QVFI', after: 'QVFI' } },
      };
    }
    const [node, edge] = parts;
    // Pages
    if (node === pageId) {
      authenticate(token, ['page']);
      if (!edge && method === 'GET') return { id: pageId, name: fake.page.name, followers_count: 1234 };
      if (edge === 'photos' && method === 'POST') {
        const source = form?.get('source');
        if (!(source instanceof Blob)) throw param('No photo was sent (source)');
        const id = nextId();
        const sha256 = createHash('sha256')
          .update(Buffer.from(await source.arrayBuffer()))
          .digest('hex');
        const alt = form?.get('alt_text_custom');
        fake.unpublishedPhotos.set(id, { sha256, alt: typeof alt === 'string' ? alt : null });
        return { id };
      }
      if (edge === 'feed' && method === 'POST') {
        const photos: FakeFeedPost['photos'] = [];
        for (let i = 0; p.has(`attached_media[${i}]`); i++) {
          const fbid = (JSON.parse(p.get(`attached_media[${i}]`)!) as { media_fbid: string }).media_fbid;
          const photo = fake.unpublishedPhotos.get(fbid);
          if (!photo) throw param(`attached_media[${i}] names no unpublished photo of this Page`);
          photos.push({ id: fbid, ...photo });
        }
        const message = p.get('message') ?? '';
        if (!message && photos.length === 0 && !p.get('link')) throw param('The post is empty');
        const id = `${pageId}_${nextId()}`;
        fake.feed.push({
          id,
          pageId,
          message,
          link: p.get('link'),
          photos,
          created_time: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
          permalink_url: `https://www.facebook.com/${pageId}/posts/${id.split('_')[1]}`,
          reactions: 0,
        });
        return { id };
      }
      if (edge === 'feed' && method === 'GET') {
        // Newest first; a post's updated_time is its latest comment's time when it has comments.
        const posts = fake.feed
          .slice()
          .reverse()
          .map((f) => {
            const latest = fake.comments
              .filter((c) => c.postId === f.id && !c.deleted)
              .reduce((t, c) => Math.max(t, timeOf(c.created_time)), timeOf(f.created_time));
            return { id: f.id, message: f.message, created_time: f.created_time, updated_time: graphTime(latest) };
          });
        return paged(posts, p, self);
      }
      if (edge === 'published_posts' && method === 'GET')
        return {
          data: fake.feed
            .slice()
            .reverse()
            .slice(0, Number(p.get('limit') ?? 25)),
        };
    }
    const post = fake.feed.find((f) => f.id === node);
    if (post && edge === 'comments' && method === 'GET') {
      authenticate(token, ['page']);
      return commentsOn(post.id, p, self);
    }
    const comment = fake.comments.find((c) => c.id === node);
    if (comment) {
      authenticate(token, ['page']);
      if (comment.deleted) throw gone(comment.id);
      if (!edge && method === 'GET') return fbComment(comment);
      if (!edge && method === 'DELETE') {
        comment.deleted = true;
        return { success: true };
      }
      if (edge === 'comments' && method === 'GET') return commentsOn(comment.id, p, self);
      if (edge === 'comments' && method === 'POST') {
        const message = p.get('message') ?? '';
        if (!message) throw param('The parameter message is required');
        return {
          id: fake.comment(comment.postId, {
            message,
            from: { id: pageId, name: fake.page.name },
            parentId: comment.id,
          }).id,
        };
      }
      if (edge === 'likes' && method === 'POST') {
        comment.likedBy.add(pageId);
        return { success: true };
      }
    }
    if (post && !edge) {
      authenticate(token, ['page']);
      if (method === 'DELETE') {
        fake.feed.splice(fake.feed.indexOf(post), 1);
        return { success: true };
      }
      return {
        id: post.id,
        permalink_url: post.permalink_url,
        reactions: { data: [], summary: { total_count: post.reactions } },
        comments: {
          data: [],
          summary: { total_count: fake.comments.filter((c) => c.postId === post.id && !c.deleted).length },
        },
      };
    }
    // Instagram
    if (node === fake.instagram.id) {
      authenticate(token, ['page', 'long']);
      if (!edge && method === 'GET' && /^mentioned_(media|comment)\./.test(p.get('fields') ?? ''))
        return mentioned(p.get('fields')!);
      if (edge === 'mentions' && method === 'POST') return replyToMention(p);
      if (!edge && method === 'GET') return { id: node, username: fake.instagram.username, followers_count: 321 };
      if (edge === 'media' && method === 'POST') return makeContainer('instagram', node, p);
      if (edge === 'media' && method === 'GET') {
        return {
          data: latest('instagram', node).map((m) => ({
            id: m.id,
            caption: m.caption,
            timestamp: m.timestamp,
            permalink: m.permalink,
            comments_count: fake.igComments.filter((c) => c.mediaId === m.id && !c.deleted).length,
          })),
        };
      }
      if (edge === 'tags' && method === 'GET') {
        // Newest first; only the fields asked for (id always), as Graph answers.
        const fields = new Set(['id', ...(p.get('fields') ?? '').split(',').filter(Boolean)]);
        const tagged = [...fake.igTagged]
          .sort((a, b) => timeOf(b.timestamp) - timeOf(a.timestamp))
          .map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => fields.has(k))));
        return paged(tagged, p, self);
      }
      if (edge === 'media_publish' && method === 'POST')
        return publishContainer('instagram', node, p.get('creation_id'));
      if (edge === 'content_publishing_limit') return quota('instagram', node);
    }
    const container = node ? fake.containers.get(node) : undefined;
    if (container?.network === 'instagram' && !edge) {
      authenticate(token, ['page', 'long']);
      const c = readContainer(container);
      return {
        id: c.id,
        status_code: c.status,
        status:
          c.status === 'ERROR'
            ? `Error: ${c.error}`
            : 'Finished: Media has been uploaded and it is ready to be published.',
      };
    }
    const igMedia = fake.media.find((m) => m.id === node && m.network === 'instagram');
    if (igMedia && edge === 'comments' && method === 'GET') {
      authenticate(token, ['page', 'long']);
      const withReplies = /\breplies\b/.test(p.get('fields') ?? '');
      // Newest first, top-level comments only (their replies under `replies`).
      const top = fake.igComments
        .filter((c) => c.mediaId === igMedia.id && c.parentId === null && !c.deleted)
        .reverse()
        .map((c) => igComment(c, withReplies));
      return paged(top, p, self);
    }
    const igC = fake.igComments.find((c) => c.id === node);
    if (igC) {
      authenticate(token, ['page', 'long']);
      if (igC.deleted) throw gone(igC.id);
      if (!edge && method === 'GET') return igComment(igC, false);
      if (edge === 'replies' && method === 'GET')
        return paged(
          fake.igComments.filter((r) => r.parentId === igC.id && !r.deleted).map((r) => igComment(r, false)),
          p,
          self,
        );
      if (edge === 'replies' && method === 'POST') {
        const message = p.get('message') ?? '';
        if (!message) throw param('The parameter message is required');
        // Only top-level comments take replies: a reply to a reply goes to its top-level comment.
        const reply = fake.igComment(igC.mediaId, {
          text: message,
          username: fake.instagram.username,
          parentId: igC.parentId ?? igC.id,
        });
        reply.from = { id: fake.instagram.id, username: fake.instagram.username };
        return { id: reply.id };
      }
    }
    if (post && edge === 'insights' && method === 'GET') {
      authenticate(token, ['page']);
      return insightsOf(post.id, ['post_impressions', 'post_impressions_unique', 'post_clicks'], p);
    }
    if (igMedia && edge === 'insights' && method === 'GET') {
      authenticate(token, ['page', 'long']);
      return insightsOf(
        igMedia.id,
        ['views', 'reach', 'likes', 'comments', 'shares', 'saved', 'total_interactions'],
        p,
      );
    }
    if (igMedia && !edge) {
      authenticate(token, ['page', 'long']);
      return {
        id: igMedia.id,
        permalink: igMedia.permalink,
        like_count: igMedia.likeCount,
        comments_count: igMedia.commentsCount,
      };
    }
    throw fail(
      400,
      100,
      `Unsupported ${method} request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      33,
      'GraphMethodException',
    );
  }

  async function threads(
    method: string,
    path: string,
    p: URLSearchParams,
    token: string | undefined,
    self: string,
  ): Promise<unknown> {
    if (path === '/oauth/access_token' && method === 'POST') {
      const code = p.get('code') ?? '';
      if (p.get('client_id') !== fake.app.clientId || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 101, 'Error validating application. Invalid application ID.');
      const issued = codes.get(code);
      if (
        issued?.network !== 'threads' ||
        p.get('redirect_uri') !== issued.redirectUri ||
        p.get('grant_type') !== 'authorization_code'
      )
        throw fail(400, 100, 'Invalid verification code', 36007);
      codes.delete(code);
      return {
        access_token: newToken('THS', {
          kind: 'threads-short',
          userId: threadsUserId,
          issuedAt: Date.now(),
          expiresAt: Date.now() + 3600_000,
        }),
        user_id: Number(threadsUserId),
      };
    }
    if (path === '/access_token' && method === 'GET') {
      if (p.get('grant_type') !== 'th_exchange_token' || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 100, 'Invalid grant_type or client_secret');
      authenticate(p.get('access_token') ?? undefined, ['threads-short']);
      return {
        access_token: newToken('THQ', {
          kind: 'threads-long',
          userId: threadsUserId,
          issuedAt: Date.now() - fake.threadsLongLived.issuedAgoMs,
          expiresAt: Date.now() + fake.threadsLongLived.lifetimeMs,
        }),
        token_type: 'bearer',
        expires_in: Math.floor(fake.threadsLongLived.lifetimeMs / 1000),
      };
    }
    if (path === '/refresh_access_token' && method === 'GET') {
      if (p.get('grant_type') !== 'th_refresh_token') throw fail(400, 100, 'Invalid grant_type');
      const current = authenticate(p.get('access_token') ?? undefined, ['threads-long']);
      if (Date.now() - current.issuedAt < DAY_MS)
        throw fail(400, 190, 'The access token must be at least 24 hours old to be refreshed', 467);
      return {
        access_token: newToken('THQ', {
          kind: 'threads-long',
          userId: threadsUserId,
          issuedAt: Date.now() - fake.threadsLongLived.issuedAgoMs,
          expiresAt: Date.now() + fake.threadsLongLived.lifetimeMs,
        }),
        token_type: 'bearer',
        expires_in: Math.floor(fake.threadsLongLived.lifetimeMs / 1000),
      };
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1.0') throw fail(404, 803, `Unknown path ${path}`);
    const [node, edge] = parts.slice(1);
    authenticate(token, ['threads-long']);
    if ((node === 'me' || node === threadsUserId) && !edge)
      return { id: threadsUserId, username: fake.threadsUser.username, name: 'Chorus on Threads' };
    if (node === threadsUserId) {
      if (edge === 'threads' && method === 'POST') return makeContainer('threads', node, p);
      if (edge === 'threads' && method === 'GET')
        return {
          data: latest('threads', node).map((m) => ({
            id: m.id,
            text: m.caption,
            timestamp: m.timestamp,
            permalink: m.permalink,
            has_replies: fake.threadsPosts.some((t) => t.repliedTo === m.id),
          })),
        };
      if (edge === 'replies' && method === 'GET')
        return paged(
          chronological(
            fake.threadsPosts.filter((t) => t.username === fake.threadsUser.username && t.repliedTo),
            new URLSearchParams(),
          ).map(threadsView),
          p,
          self,
        );
      if (edge === 'mentions' && method === 'GET') {
        const since = sinceOf(p);
        const mention = new RegExp(`(^|\\W)@${fake.threadsUser.username.replace('.', '\\.')}\\b`);
        return paged(
          chronological(
            fake.threadsPosts.filter(
              (t) => t.username !== fake.threadsUser.username && mention.test(t.text) && timeOf(t.timestamp) >= since,
            ),
            new URLSearchParams(),
          ).map(threadsView),
          p,
          self,
        );
      }
      if (edge === 'threads_publish' && method === 'POST')
        return publishContainer('threads', node, p.get('creation_id'));
      if (edge === 'threads_publishing_limit') return quota('threads', node);
      if (edge === 'threads_insights') return { data: [{ name: 'followers_count', total_value: { value: 99 } }] };
    }
    const container = node ? fake.containers.get(node) : undefined;
    if (container?.network === 'threads' && !edge) {
      const c = readContainer(container);
      return { id: c.id, status: c.status, ...(c.status === 'ERROR' ? { error_message: c.error } : {}) };
    }
    const media = fake.media.find((m) => m.id === node && m.network === 'threads');
    const threadsPost = fake.threadsPosts.find((t) => t.id === node);
    if ((media || threadsPost) && (edge === 'replies' || edge === 'conversation') && method === 'GET') {
      const id = (media ?? threadsPost)!.id;
      const found = fake.threadsPosts.filter((t) =>
        edge === 'replies' ? t.repliedTo === id : t.rootPost === id || t.repliedTo === id,
      );
      return paged(chronological(found, p).map(threadsView), p, self);
    }
    if (threadsPost && !edge) return threadsView(threadsPost);
    if (media && !edge) return { id: media.id, permalink: media.permalink };
    if (media && edge === 'insights') {
      const answer = insightsOf(media.id, ['views', 'likes', 'replies', 'reposts', 'quotes', 'shares'], p, (asked) =>
        asked.includes('views'),
      );
      for (const d of answer.data) if (d.name === 'likes') d.values = [{ value: media.likeCount }];
      return answer;
    }
    throw fail(400, 100, `Object with ID '${node}' does not exist`, 33, 'THApiException');
  }

  const handler =
    (host: 'graph' | 'threads', prefix: string) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const contentType = req.headers['content-type'] ?? '';
      let form: FormData | null = null;
      const params = new URLSearchParams(url.searchParams);
      if (contentType.startsWith('multipart/form-data'))
        form = await new Request('http://fake', {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        }).formData();
      else if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString())) params.set(k, v);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? params.get('access_token') ?? undefined;
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
      fake.requests.push({ method, host, path, query: params });
      if (authorization(host, method, path, params, res)) return;
      const self = `http://${req.headers.host}${url.pathname}`;
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        const spent = fake.usage.percent;
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-app-usage': JSON.stringify({ call_count: spent, total_cputime: 1, total_time: 1 }),
          ...(host === 'graph'
            ? {
                'x-business-use-case-usage': JSON.stringify({
                  [pageId]: [
                    {
                      type: 'pages',
                      call_count: spent,
                      total_cputime: 1,
                      total_time: 1,
                      estimated_time_to_regain_access: fake.usage.regainMinutes,
                    },
                  ],
                }),
              }
            : {}),
          ...headers,
        });
        res.end(JSON.stringify(json));
      };
      const throttle = throttles.findIndex((t) => t.match.test(path));
      if (throttle >= 0) {
        const [t] = throttles.splice(throttle, 1);
        const buc = {
          [pageId]: [
            {
              type: 'pages',
              call_count: 100,
              total_cputime: 40,
              total_time: 60,
              estimated_time_to_regain_access: t!.minutes,
            },
          ],
        };
        answer(
          400,
          {
            error: {
              message: t!.code === 4 ? '(#4) Application request limit reached' : `(#${t!.code}) Rate limit reached`,
              type: 'OAuthException',
              code: t!.code,
              is_transient: true,
              fbtrace_id: randomBytes(8).toString('base64url'),
            },
          },
          {
            'x-business-use-case-usage': JSON.stringify(buc),
            'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 20, total_time: 30 }),
          },
        );
        return;
      }
      try {
        const result =
          host === 'graph'
            ? await graph(method, path, params, form, token, self)
            : await threads(method, url.pathname, params, token, self);
        const lose = losses.findIndex((l) => l.match.test(path) && (!l.method || l.method === method));
        if (lose >= 0) {
          losses.splice(lose, 1);
          res.socket?.destroy();
          return;
        }
        answer(200, result);
      } catch (err) {
        if (!(err instanceof GraphFailure)) {
          answer(500, { error: { message: String(err), type: 'OAuthException', code: 2, is_transient: true } });
          return;
        }
        answer(err.status, { error: { ...err.body, fbtrace_id: randomBytes(8).toString('base64url') } }, err.headers);
      }
    };

  const graphServer = http.createServer(handler('graph', '/v26.0'));
  const threadsServer = http.createServer(handler('threads', ''));
  await Promise.all(
    [graphServer, threadsServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))),
  );
  const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
  // The same object the handlers read, so that a test's settings (processingPolls, …) reach them.
  return Object.assign(fake, {
    graphUrl: `http://127.0.0.1:${portOf(graphServer)}/v26.0`,
    threadsUrl: `http://127.0.0.1:${portOf(threadsServer)}/v1.0`,
    dialogUrl: `http://127.0.0.1:${portOf(graphServer)}/v26.0/dialog/oauth`,
    threadsAuthorizeUrl: `http://127.0.0.1:${portOf(threadsServer)}/oauth/authorize`,
    async close() {
      for (const s of [graphServer, threadsServer]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  });
}

/** A minimal baseline JPEG header of the given size (SOI, JFIF, SOF0, EOI): enough for size sniffing, not for decoding. */
export function jpeg(width: number, height: number, seed = 0): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  const comment = Buffer.from([0xff, 0xfe, 0x00, 0x06, seed & 0xff, (seed >> 8) & 0xff, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, comment, sof, Buffer.from([0xff, 0xd9])]);
}
