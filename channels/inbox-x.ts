import type { InboundItem, InboundPage } from '../contracts/inbox-inbound';
import type { OAuthCredentials } from '../contracts/oauth';
import { ChannelError, InboxReadPaused } from './errors';
import type { InboxItemRef, InboxReplyRequest, InboxReplyResult } from './inbox-replies';
import { ParentDeleted } from './inbox-replies';
import { sameText, tweetUrl, xRateLimitDelay, type XAdapter } from './x';

export const MENTIONS_STREAM = 'mentions';
/** Mentions per page: X returns 5 to 100. */
const PAGE_SIZE = 100;
/** X keeps the 800 most recent mentions of an account: eight pages of 100 reach all it has. */
const MAX_PAGES = 8;
/** Below this many requests left in the rate-limit window, the read stops until `x-rate-limit-reset`. */
const KEEP_IN_RESERVE = 2;
/** How many of the account's latest posts a retried reply looks through (X returns 5 to 100). */
const LOOKUP_POSTS = 50;

const TWEET_FIELDS = 'conversation_id,created_at,referenced_tweets,in_reply_to_user_id,author_id';
const USER_FIELDS = 'username,name,profile_image_url';

interface XUser {
  id: string;
  username: string;
  name?: string;
  profile_image_url?: string;
}
interface XMention {
  id: string;
  text: string;
  author_id?: string;
  conversation_id?: string;
  created_at?: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted' | 'retweeted'; id: string }[];
}
interface MentionsPage {
  data?: XMention[];
  includes?: { users?: XUser[]; tweets?: XMention[] };
  meta?: { result_count?: number; newest_id?: string; oldest_id?: string; next_token?: string };
}

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Text as X returns it has `&<>` as HTML entities. */
const decoded = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Reads what people wrote to an X account, per X's API v2: its mentions
 * (`GET /2/users/:id/mentions`, newest first) since the saved position (`since_id`), following
 * `pagination_token` back to it, with the authors and the posts they reference expanded. A reply,
 * a quote and a plain mention are told apart by `referenced_tweets`; a post's thread is its
 * `conversation_id` (the id of the post that began it), which with the post replied to or quoted
 * links it to a Chorus post. The pages are handed over oldest first, each with the newest id it
 * reaches. A 429 is a rate-limited ChannelError until `x-rate-limit-reset`; a window nearly spent
 * (`x-rate-limit-remaining`) stops the read until then, before X has to refuse it.
 */
export class XInboxReader {
  constructor(private readonly adapter: XAdapter) {}

  async read(
    credentials: OAuthCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const saved = cursors[MENTIONS_STREAM];
    const since = saved && saved !== '0' ? saved : undefined;
    const mentions = new Map<string, XMention>();
    const users = new Map<string, XUser>();
    let token: string | undefined;
    let pauseFor: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({
        max_results: String(PAGE_SIZE),
        expansions: 'author_id,referenced_tweets.id',
        'tweet.fields': TWEET_FIELDS,
        'user.fields': USER_FIELDS,
      });
      if (since) query.set('since_id', since);
      if (token) query.set('pagination_token', token);
      const { body, headers } = await this.adapter.request<MentionsPage>(
        credentials,
        'GET',
        `/2/users/${encodeURIComponent(credentials.account.id)}/mentions?${query.toString()}`,
      );
      for (const user of body.includes?.users ?? []) users.set(user.id, user);
      for (const mention of body.data ?? []) mentions.set(mention.id, mention);
      token = body.meta?.next_token;
      const remaining = Number(headers.get('x-rate-limit-remaining'));
      const nearlySpent = Number.isFinite(remaining) && remaining < KEEP_IN_RESERVE;
      // No saved position (a channel just connected): its latest page only, not its whole past.
      if (!saved || !token) {
        if (nearlySpent) pauseFor = xRateLimitDelay(headers) ?? 15 * 60_000;
        break;
      }
      // More pages to read back to the saved position, and no requests left for them: nothing is
      // handed over (the pages read so far are newer than the ones still to read), the next read
      // starts again from the saved position once the window resets.
      if (nearlySpent) throw new InboxReadPaused('X', xRateLimitDelay(headers) ?? 15 * 60_000);
    }

    const ownId = credentials.account.id;
    const oldestFirst = [...mentions.values()].sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
    if (oldestFirst.length === 0) {
      // Nothing yet on a first read: everything from now on is new (read from the start next time).
      if (!saved) await onPage({ items: [], cursor: { stream: MENTIONS_STREAM, cursor: '0' } });
    }
    for (let i = 0; i < oldestFirst.length; i += PAGE_SIZE) {
      const chunk = oldestFirst.slice(i, i + PAGE_SIZE);
      const items = chunk.filter((m) => m.author_id !== ownId).map((m) => mentionItem(m, users));
      await onPage({ items, cursor: { stream: MENTIONS_STREAM, cursor: chunk[chunk.length - 1]!.id } });
    }
    if (pauseFor !== undefined) throw new InboxReadPaused('X', pauseFor);
  }
}

function mentionItem(mention: XMention, users: Map<string, XUser>): InboundItem {
  const repliedTo = mention.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
  const quoted = mention.referenced_tweets?.find((r) => r.type === 'quoted')?.id;
  const root = mention.conversation_id ?? mention.id;
  const author = mention.author_id ? users.get(mention.author_id) : undefined;
  const username = author?.username ?? mention.author_id ?? 'unknown';
  return {
    network: 'x',
    kind: repliedTo ? 'reply' : quoted ? 'quote' : 'mention',
    conversationKind: 'thread',
    threadKey: root,
    // The thread's root first (a reply anywhere under a Chorus post), then what it answers or quotes.
    answers: [root, repliedTo, quoted].filter((id, i, all): id is string => id !== undefined && all.indexOf(id) === i),
    externalId: mention.id,
    externalCid: null,
    url: author ? `https://x.com/${author.username}/status/${mention.id}` : tweetUrl(mention.id),
    parent: repliedTo ? { id: repliedTo, cid: null } : null,
    root: { id: root, cid: null },
    author: {
      // X's user ids are the same everywhere (a handle can change).
      externalId: mention.author_id ?? username,
      handle: username,
      displayName: author?.name ?? null,
      avatarUrl: author?.profile_image_url ?? null,
      profileUrl: author ? `https://x.com/${author.username}` : null,
    },
    text: decoded(mention.text),
    sentAt: mention.created_at ?? new Date().toISOString(),
  };
}

interface OwnPost {
  id: string;
  text: string;
  referenced_tweets?: { type: string; id: string }[];
}

/** X puts the accounts a reply answers in front of its text (`@ann @bob …`); compared without them. */
const withoutLeadingMentions = (text: string) => text.replace(/^(\s*@\w{1,15})+\s*/, '');

/**
 * Replies on X (`POST /2/tweets` with `reply.in_reply_to_tweet_id`). X has no idempotency key: a
 * retry first looks among the account's latest posts for a reply to the same post with the same
 * text (as the adapter's publish does), and returns it instead of posting a second one. A parent X
 * no longer shows (400 naming `reply.in_reply_to_tweet_id`) is deleted: nothing is sent.
 */
export async function xReply(
  adapter: XAdapter,
  credentials: OAuthCredentials,
  request: InboxReplyRequest,
): Promise<InboxReplyResult> {
  const parentId = request.parent.externalId;
  if (request.isRetry) {
    const { data = [] } = await adapter.call<{ data?: OwnPost[] }>(
      credentials,
      'GET',
      `/2/users/${encodeURIComponent(credentials.account.id)}/tweets?max_results=${LOOKUP_POSTS}` +
        '&tweet.fields=created_at,referenced_tweets&exclude=retweets',
    );
    const found = data.find(
      (t) =>
        t.referenced_tweets?.some((r) => r.type === 'replied_to' && r.id === parentId) &&
        sameText(withoutLeadingMentions(t.text), withoutLeadingMentions(request.text)),
    );
    if (found) return { externalId: found.id, url: tweetUrl(found.id) };
  }
  try {
    const created = await adapter.call<{ data: { id: string } }>(credentials, 'POST', '/2/tweets', {
      json: { text: request.text, reply: { in_reply_to_tweet_id: parentId } },
    });
    return { externalId: created.data.id, url: tweetUrl(created.data.id) };
  } catch (err) {
    if (err instanceof ChannelError && err.field === 'reply.in_reply_to_tweet_id') throw new ParentDeleted('X');
    throw err;
  }
}

/** Likes a post (`POST /2/users/:id/likes`); X answers a second like of the same post as the first. */
export async function xLike(
  adapter: XAdapter,
  credentials: OAuthCredentials,
  subject: InboxItemRef,
): Promise<{ externalId: string }> {
  try {
    await adapter.call<{ data: { liked: boolean } }>(
      credentials,
      'POST',
      `/2/users/${encodeURIComponent(credentials.account.id)}/likes`,
      { json: { tweet_id: subject.externalId } },
    );
  } catch (err) {
    if (err instanceof ChannelError && err.field === 'tweet_id')
      throw new ChannelError('rejected', 'The message was deleted on X; nothing to like');
    throw err;
  }
  return { externalId: subject.externalId };
}
