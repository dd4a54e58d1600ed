import { htmlToText } from '../content/html-text';
import type { InboundItem, InboundPage } from '../contracts/inbox-inbound';
import { ChannelError, InboxReadPaused, retryDelayFromHeaders } from './errors';
import type { MastodonCredentials } from './mastodon';

export const MENTIONS_STREAM = 'mentions';
export const CONVERSATIONS_STREAM = 'conversations';
/** Notifications: default 40, at most 80 per page; conversations: default 20, at most 40. */
const NOTIFICATIONS_LIMIT = 80;
const CONVERSATIONS_LIMIT = 40;
/** Pages read in one read of a stream (the rest wait for the next read, from the saved position). */
const MAX_PAGES = 20;
/** Below this many requests left in the rate-limit window, the read stops until the window resets. */
const KEEP_IN_RESERVE = 5;
const TIMEOUT_MS = 30_000;
/** Thread roots remembered per process (statuses): most replies answer a status of a thread already seen. */
const ROOTS_REMEMBERED = 50_000;

interface Account {
  id: string;
  username: string;
  acct: string;
  display_name?: string;
  avatar?: string;
  url?: string;
}
interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  content: string;
  spoiler_text?: string;
  visibility?: string;
  in_reply_to_id?: string | null;
  account: Account;
  /** Mastodon 4.5 quote posts. */
  quote?: { quoted_status?: { id: string } | null } | null;
}
interface Notification {
  id: string;
  type: string;
  created_at: string;
  account: Account;
  status?: Status | null;
}
interface Conversation {
  id: string;
  accounts: Account[];
  last_status: Status | null;
}

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Mastodon stopped the read for now: come back after this long (its rate-limit window resets). */
/**
 * Reads what people wrote to a Mastodon account, per its documented API: mentions
 * (`GET /api/v1/notifications?types[]=mention`, paged forwards with `min_id`: each page the one
 * right after the saved position, following the `Link` header's `prev`, up to a page short of the
 * limit) and direct conversations
 * (`GET /api/v1/conversations`, newest first; read back to the newest status stored). A mention's
 * thread is its root status (`/api/v1/statuses/:id/context`, asked only when the status it
 * answers is not of a thread already placed); a direct message's is its
 * conversation. Each page is handed over with its position, so a read cut short resumes there.
 * 429 is a rate-limited ChannelError with the instance's reset time; a window nearly spent stops
 * the read (InboxReadPaused) before the instance has to refuse it.
 */
export class MastodonInboxReader {
  /** The account's own id per token: its own statuses in a conversation are not inbound. */
  private readonly own = new Map<string, Promise<string>>();
  /**
   * The thread root of statuses already placed, by instance and status id: a reply to one of them
   * takes its root from here instead of a context call (a status's ancestors do not change), which
   * spares the instance's rate limit (300 calls in 5 minutes) and the read's time. Oldest forgotten first.
   */
  private readonly roots = new Map<string, string>();

  async read(
    credentials: MastodonCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    await this.readMentions(credentials, cursors[MENTIONS_STREAM], onPage);
    await this.readConversations(credentials, cursors[CONVERSATIONS_STREAM], onPage);
  }

  private async readMentions(
    credentials: MastodonCredentials,
    saved: string | undefined,
    onPage: (page: InboundPage) => Promise<void>,
  ) {
    let position = saved;
    let next: string | undefined = position
      ? `/api/v1/notifications?types[]=mention&limit=${NOTIFICATIONS_LIMIT}&min_id=${encodeURIComponent(position)}`
      : // No saved position (a channel just connected): its latest page only, not its whole past.
        `/api/v1/notifications?types[]=mention&limit=${NOTIFICATIONS_LIMIT}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const { body, links }: { body: Notification[]; links: Record<string, string> } = await this.call<Notification[]>(
        credentials,
        next,
      );
      if (body.length === 0) {
        // Nothing yet on a first read: everything from now on is new (read from the start next time).
        if (!position) await onPage({ items: [], cursor: { stream: MENTIONS_STREAM, cursor: '0' } });
        break;
      }
      const oldestFirst: Notification[] = [...body].sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
      const items: InboundItem[] = [];
      for (const n of oldestFirst) {
        // A direct message is read with its conversation (it also notifies as a mention).
        if (n.type !== 'mention' || !n.status || n.status.visibility === 'direct') continue;
        items.push(await this.mentionItem(credentials, n.status));
      }
      const reached: string = oldestFirst[oldestFirst.length - 1]!.id;
      position = reached;
      await onPage({ items, cursor: { stream: MENTIONS_STREAM, cursor: reached } });
      // A page short of the limit is the newest there was when asked: the read has caught up. What
      // arrived since waits for the next read rather than this one chasing it page by page, which
      // under a steady stream would keep the direct conversations (read after) waiting.
      if (!saved || body.length < NOTIFICATIONS_LIMIT) break;
      next = links.prev ?? `/api/v1/notifications?types[]=mention&limit=${NOTIFICATIONS_LIMIT}&min_id=${position}`;
    }
  }

  private async mentionItem(credentials: MastodonCredentials, status: Status): Promise<InboundItem> {
    let root = status.id;
    if (status.in_reply_to_id) {
      const known = this.roots.get(`${credentials.instance} ${status.in_reply_to_id}`);
      if (known) root = known;
      else {
        const context = await this.call<{ ancestors: Status[] }>(
          credentials,
          `/api/v1/statuses/${encodeURIComponent(status.id)}/context`,
        );
        root = context.body.ancestors[0]?.id ?? status.in_reply_to_id;
        for (const ancestor of context.body.ancestors) this.rememberRoot(credentials, ancestor.id, root);
      }
    }
    this.rememberRoot(credentials, status.id, root);
    const quoted = status.quote?.quoted_status?.id;
    return {
      ...statusItem(status, credentials.instance),
      kind: status.in_reply_to_id ? 'reply' : quoted ? 'quote' : 'mention',
      conversationKind: 'thread',
      threadKey: root,
      answers: [root, ...(quoted ? [quoted] : [])].filter((id, i, all) => all.indexOf(id) === i),
      root: { id: root, cid: null },
    };
  }

  private async readConversations(
    credentials: MastodonCredentials,
    saved: string | undefined,
    onPage: (page: InboundPage) => Promise<void>,
  ) {
    const ownId = await this.ownId(credentials);
    const found: { conversation: Conversation; status: Status }[] = [];
    const changed: { conversation: Conversation; status: Status }[] = [];
    let next: string | undefined = `/api/v1/conversations?limit=${CONVERSATIONS_LIMIT}`;
    let newest = saved;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const { body, links }: { body: Conversation[]; links: Record<string, string> } = await this.call<Conversation[]>(
        credentials,
        next,
      );
      let reachedSaved = false;
      for (const conversation of body) {
        const status = conversation.last_status;
        if (!status) continue;
        if (saved && !newer(status.id, saved)) {
          reachedSaved = true;
          continue;
        }
        if (!newest || newer(status.id, newest)) newest = status.id;
        changed.push({ conversation, status });
        if (status.account.id !== ownId) found.push({ conversation, status });
      }
      // Newest first: past the saved position, or no saved position (its latest page only).
      if (reachedSaved || !saved || body.length === 0) break;
      next = links.next;
    }
    // Only a conversation's last status is listed: earlier ones since the saved position are in its context.
    for (const { conversation, status } of changed) {
      if (!saved || !status.in_reply_to_id) continue;
      const context = await this.call<{ ancestors: Status[] }>(
        credentials,
        `/api/v1/statuses/${encodeURIComponent(status.id)}/context`,
      );
      for (const earlier of context.body.ancestors)
        if (newer(earlier.id, saved) && earlier.account.id !== ownId && earlier.visibility === 'direct')
          found.push({ conversation, status: earlier });
    }
    found.sort((a, b) => (newer(a.status.id, b.status.id) ? 1 : -1));
    const items = found.map(({ conversation, status }) => ({
      ...statusItem(status, credentials.instance),
      kind: 'direct' as const,
      conversationKind: 'direct' as const,
      threadKey: conversation.id,
      answers: [],
      root: null,
    }));
    if (newest && newest !== saved) await onPage({ items, cursor: { stream: CONVERSATIONS_STREAM, cursor: newest } });
    // No conversation yet on a first read: every one from now on is new.
    else if (!newest) await onPage({ items: [], cursor: { stream: CONVERSATIONS_STREAM, cursor: '0' } });
  }

  private rememberRoot(credentials: MastodonCredentials, statusId: string, root: string): void {
    const key = `${credentials.instance} ${statusId}`;
    this.roots.delete(key);
    this.roots.set(key, root);
    if (this.roots.size > ROOTS_REMEMBERED) this.roots.delete(this.roots.keys().next().value!);
  }

  private ownId(credentials: MastodonCredentials): Promise<string> {
    const key = `${credentials.instance}\n${credentials.accessToken}`;
    let id = this.own.get(key);
    if (!id) {
      id = this.call<{ id: string }>(credentials, '/api/v1/accounts/verify_credentials').then((r) => r.body.id);
      id.catch(() => this.own.delete(key));
      this.own.set(key, id);
    }
    return id;
  }

  private async call<T>(
    credentials: MastodonCredentials,
    path: string,
  ): Promise<{ body: T; links: Record<string, string> }> {
    let response: Response;
    try {
      response = await fetch(new URL(path, credentials.instance), {
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${credentials.accessToken}`,
          'user-agent': 'Chorus/1',
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      throw new ChannelError(
        'transient',
        `Could not reach Mastodon at ${credentials.instance}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const headers = Object.fromEntries(response.headers);
    const body = (await response.json().catch(() => undefined)) as (T & { error?: string }) | undefined;
    const reason = body && typeof body === 'object' && 'error' in body && body.error ? `: ${body.error}` : '';
    if (response.status === 429)
      throw new ChannelError('rate_limited', `Mastodon rate limit reached${reason}`, retryDelayFromHeaders(headers));
    if (response.status === 401 || response.status === 403)
      throw new ChannelError(
        'auth_failed',
        `Mastodon refused the access token (${response.status}${reason}); reconnect the channel with a token that has the read:notifications and read:statuses scopes`,
      );
    if (response.status >= 500 || response.status === 408)
      throw new ChannelError('transient', `Mastodon is unavailable (${response.status}${reason})`);
    if (!response.ok || body === undefined)
      throw new ChannelError('rejected', `Mastodon refused the request (${response.status}${reason})`);
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining) && remaining < KEEP_IN_RESERVE)
      throw new InboxReadPaused('Mastodon', retryDelayFromHeaders(headers) ?? 60_000);
    return { body, links: parseLinks(headers.link) };
  }
}

/** `Link: <url>; rel="next", <url>; rel="prev"` → { next: path+query, prev: … }. */
function parseLinks(header: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of header?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?(\w+)"?/.exec(part.trim());
    if (match) {
      const url = new URL(match[1]!);
      links[match[2]!] = `${url.pathname}${url.search}`;
    }
  }
  return links;
}

/**
 * A Mastodon account id is the instance's own: the same id on two instances is two people. A
 * contact is keyed by the account's address (`user@host`, the host added for a local account).
 */
function accountKey(account: Account, instance: string): string {
  return account.acct.includes('@') ? account.acct : `${account.acct}@${new URL(instance).host}`;
}

function statusItem(status: Status, instance: string) {
  const text = [status.spoiler_text, htmlToText(status.content)].filter((t) => t && t.trim() !== '').join('\n\n');
  return {
    network: 'mastodon' as const,
    externalId: status.id,
    externalCid: null,
    url: status.url ?? status.uri,
    parent: status.in_reply_to_id ? { id: status.in_reply_to_id, cid: null } : null,
    author: {
      externalId: accountKey(status.account, instance),
      handle: status.account.acct,
      displayName: status.account.display_name || null,
      avatarUrl: status.account.avatar ?? null,
      profileUrl: status.account.url ?? null,
    },
    text,
    sentAt: status.created_at,
  };
}
