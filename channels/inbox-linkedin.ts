import type { InboundItem, InboundPage } from '../contracts/inbox-inbound';
import type { OAuthCredentials } from '../contracts/oauth';
import { ChannelError } from './errors';
import type { InboxItemRef, InboxReplyRequest, InboxReplyResult } from './inbox-replies';
import { ParentDeleted } from './inbox-replies';
import { postUrl, type LinkedInAdapter } from './linkedin';

export const COMMENTS_STREAM = 'comments';
/** The author's latest posts whose comments are read. */
const RECENT_POSTS = 10;
/** Comments per page (LinkedIn's `count`), and pages read per post or comment at most. */
const PAGE_SIZE = 100;
const MAX_PAGES = 5;
/** LinkedIn's 429 says no delay: its limits are per day; the read tries again after this long. */
const RATE_LIMIT_WAIT_MS = 15 * 60_000;
/** A member channel without r_member_social cannot read its posts' comments: asked again this much later. */
const NOT_PERMITTED_WAIT_MS = 6 * 3600_000;

interface LinkedInComment {
  id: string;
  /** `urn:li:comment:(<activity or post URN>,<id>)`. */
  commentUrn?: string;
  $URN?: string;
  actor: string;
  object?: string;
  parentComment?: string;
  created?: { actor?: string; time: number };
  message?: { text?: string };
  commentsSummary?: { totalFirstLevelComments?: number; aggregatedTotalComments?: number };
}
interface Collection<T> {
  elements: T[];
  paging?: { start?: number; count?: number; total?: number };
}

const commentUrn = (c: LinkedInComment) => c.commentUrn ?? c.$URN ?? c.id;
const commentUrl = (postUrn: string, urn: string) => `${postUrl(postUrn)}?commentUrn=${encodeURIComponent(urn)}`;

/**
 * Reads the comments on a LinkedIn account's latest posts (the Community Management API's
 * Comments API): the author's latest posts (`GET /rest/posts?q=author`), each post's comments
 * (`GET /rest/socialActions/{postUrn}/comments`) and the comments under them
 * (`GET /rest/socialActions/{commentUrn}/comments`: LinkedIn nests one level). A comment's thread
 * is its post. The position is the creation time (ms) of the newest comment read; comments of that
 * time or later are handed over, oldest first (one seen again is stored once). The account's own
 * comments are not inbound. A member's posts and comments need r_member_social, which LinkedIn
 * grants few apps: refused, the read says so and asks again hours later (publishing is unaffected).
 */
export class LinkedInInboxReader {
  constructor(private readonly adapter: LinkedInAdapter) {}

  async read(
    credentials: OAuthCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const saved = cursors[COMMENTS_STREAM];
    const since = saved === undefined ? undefined : Number(saved);
    const author = credentials.account.id;
    const found: { comment: LinkedInComment; postUrn: string }[] = [];
    let newest = since ?? 0;
    try {
      const posts = await this.adapter.call<Collection<{ id: string }>>(
        credentials,
        'GET',
        `/rest/posts?q=author&author=${encodeURIComponent(author)}&count=${RECENT_POSTS}&sortBy=CREATED`,
      );
      for (const post of posts.elements) {
        for (const comment of await this.comments(credentials, post.id)) {
          const time = comment.created?.time ?? 0;
          if (time > newest) newest = time;
          if (comment.actor !== author && (since === undefined || time >= since))
            found.push({ comment, postUrn: post.id });
        }
      }
    } catch (err) {
      throw this.explained(err, credentials);
    }
    found.sort((a, b) => (a.comment.created?.time ?? 0) - (b.comment.created?.time ?? 0));
    const at = (i: number) => String(found[i]!.comment.created?.time ?? newest);
    for (let i = 0; i < found.length; i += PAGE_SIZE) {
      const chunk = found.slice(i, i + PAGE_SIZE);
      await onPage({
        items: chunk.map(({ comment, postUrn }) => commentItem(comment, postUrn)),
        cursor: { stream: COMMENTS_STREAM, cursor: at(Math.min(i + PAGE_SIZE, found.length) - 1) },
      });
    }
    // Only the account's own comments (or none yet): the position still moves on.
    if (found.length === 0 && (since === undefined || newest > since))
      await onPage({ items: [], cursor: { stream: COMMENTS_STREAM, cursor: String(newest) } });
  }

  /** A post's comments and, under each that has some, theirs. */
  private async comments(credentials: OAuthCredentials, postUrn: string): Promise<LinkedInComment[]> {
    const top = await this.page(credentials, postUrn);
    const nested: LinkedInComment[] = [];
    for (const comment of top)
      if (
        (comment.commentsSummary?.aggregatedTotalComments ?? comment.commentsSummary?.totalFirstLevelComments ?? 0) > 0
      )
        nested.push(...(await this.page(credentials, commentUrn(comment))));
    return [...top, ...nested];
  }

  private async page(credentials: OAuthCredentials, target: string): Promise<LinkedInComment[]> {
    const all: LinkedInComment[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.adapter.call<Collection<LinkedInComment>>(
        credentials,
        'GET',
        `/rest/socialActions/${encodeURIComponent(target)}/comments?start=${page * PAGE_SIZE}&count=${PAGE_SIZE}`,
      );
      all.push(...answer.elements);
      const total = answer.paging?.total;
      if (answer.elements.length < PAGE_SIZE || (total !== undefined && all.length >= total)) break;
    }
    return all;
  }

  /** LinkedIn's refusals in the inbox's terms. */
  private explained(err: unknown, credentials: OAuthCredentials): unknown {
    if (!(err instanceof ChannelError)) return err;
    if (err.kind === 'rate_limited' && err.retryAfterMs === undefined)
      return new ChannelError('rate_limited', err.message, RATE_LIMIT_WAIT_MS);
    if (err.kind === 'auth_failed' && /\(403\b/.test(err.message) && credentials.account.kind === 'member')
      return new ChannelError(
        'rejected',
        "LinkedIn lets only apps with the r_member_social permission read a member's posts and comments; this channel's comments are not read (its posts still publish)",
        NOT_PERMITTED_WAIT_MS,
      );
    return err;
  }
}

function commentItem(comment: LinkedInComment, postUrn: string): InboundItem {
  const urn = commentUrn(comment);
  return {
    network: 'linkedin',
    kind: 'reply',
    conversationKind: 'thread',
    threadKey: postUrn,
    answers: [postUrn],
    externalId: urn,
    externalCid: null,
    url: commentUrl(postUrn, urn),
    // A comment answers its post, or (nested) the comment it is under.
    parent: { id: comment.parentComment ?? postUrn, cid: null },
    root: { id: postUrn, cid: null },
    author: {
      // The Comments API names the commenter by URN only (their profile needs permissions apps rarely have).
      externalId: comment.actor,
      handle: comment.actor,
      displayName: null,
      avatarUrl: null,
      profileUrl: null,
    },
    text: comment.message?.text ?? '',
    sentAt: new Date(comment.created?.time ?? Date.now()).toISOString(),
  };
}

/** `urn:li:comment:(urn:li:activity:1,2)` → its target and id, as the Comments API's paths take them. */
function parseCommentUrn(urn: string): { target: string; id: string } {
  const match = /^urn:li:comment:\((.+),(\d+)\)$/.exec(urn);
  if (!match) throw new ChannelError('rejected', `Not a LinkedIn comment: ${urn}`);
  return { target: match[1]!, id: match[2]! };
}

const isNotFound = (err: unknown) =>
  err instanceof ChannelError && err.kind === 'rejected' && /\(404\b/.test(err.message);

/**
 * Replies to a comment (`POST /rest/socialActions/{commentUrn}/comments` with `parentComment`).
 * LinkedIn nests one level: a reply to a nested comment goes under its top-level comment, which
 * the comment replied to names (`GET /rest/socialActions/{target}/comments/{id}`; 404: deleted,
 * nothing is sent). LinkedIn has no idempotency key: a retry first looks among the comments under
 * it for the account's with the same text.
 */
export async function linkedinReply(
  adapter: LinkedInAdapter,
  credentials: OAuthCredentials,
  request: InboxReplyRequest,
): Promise<InboxReplyResult> {
  const actor = credentials.account.id;
  const { target, id } = parseCommentUrn(request.parent.externalId);
  let parent: LinkedInComment;
  try {
    parent = await adapter.call<LinkedInComment>(
      credentials,
      'GET',
      `/rest/socialActions/${encodeURIComponent(target)}/comments/${encodeURIComponent(id)}`,
    );
  } catch (err) {
    if (isNotFound(err)) throw new ParentDeleted('LinkedIn');
    throw err;
  }
  const top = parent.parentComment ?? commentUrn(parent);
  const postUrn = request.parent.rootExternalId ?? parent.object ?? target;
  const norm = (value: string) => value.replace(/\s+/g, ' ').trim();
  if (request.isRetry) {
    const under = await adapter.call<Collection<LinkedInComment>>(
      credentials,
      'GET',
      `/rest/socialActions/${encodeURIComponent(top)}/comments?start=0&count=${PAGE_SIZE}`,
    );
    const earlier = under.elements.find((c) => c.actor === actor && norm(c.message?.text ?? '') === norm(request.text));
    if (earlier) return { externalId: commentUrn(earlier), url: commentUrl(postUrn, commentUrn(earlier)) };
  }
  try {
    const { body, headers } = await adapter.request(
      credentials,
      'POST',
      `/rest/socialActions/${encodeURIComponent(top)}/comments`,
      { json: { actor, object: parent.object ?? target, message: { text: request.text }, parentComment: top } },
    );
    const created = body as LinkedInComment | undefined;
    const urn = created
      ? commentUrn(created)
      : `urn:li:comment:(${parseCommentUrn(top).target},${headers.get('x-restli-id') ?? ''})`;
    return { externalId: urn, url: commentUrl(postUrn, urn) };
  } catch (err) {
    if (isNotFound(err)) throw new ParentDeleted('LinkedIn');
    throw err;
  }
}

/**
 * Likes a comment as the account (the Reactions API: `POST /rest/reactions?actor=` with
 * `reactionType: LIKE`), once: a reaction the account already has on it
 * (`GET /rest/reactions/(actor:…,entity:…)`) is kept.
 */
export async function linkedinLike(
  adapter: LinkedInAdapter,
  credentials: OAuthCredentials,
  subject: InboxItemRef,
): Promise<{ externalId: string }> {
  const actor = credentials.account.id;
  const entity = subject.externalId;
  const externalId = `urn:li:reaction:(${actor},${entity})`;
  try {
    await adapter.call(
      credentials,
      'GET',
      `/rest/reactions/(actor:${encodeURIComponent(actor)},entity:${encodeURIComponent(entity)})`,
    );
    return { externalId };
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await adapter.call(credentials, 'POST', `/rest/reactions?actor=${encodeURIComponent(actor)}`, {
      json: { root: entity, reactionType: 'LIKE' },
    });
  } catch (err) {
    if (isNotFound(err)) throw new ChannelError('rejected', 'The message was deleted on LinkedIn; nothing to like');
    throw err;
  }
  return { externalId };
}
