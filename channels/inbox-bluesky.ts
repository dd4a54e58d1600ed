import { createHash } from 'node:crypto';
import { AtpAgent, type AppBskyNotificationListNotifications } from '@atproto/api';
import type { InboundItem, InboundPage, InboundRef } from '../contracts/inbox-inbound';
import type { BlueskyCredentials } from './bluesky';
import { toChannelError } from './bluesky';

type Notification = AppBskyNotificationListNotifications.Notification;

/** The reasons the inbox takes: what someone wrote to or about the account (not likes, follows, reposts). */
const REASONS = ['reply', 'mention', 'quote'] as const;
const PAGE_SIZE = 50;
/** Notifications pages read back to the saved position in one read (the rest wait for the next). */
const MAX_PAGES = 20;
/** Stored in chunks this size, each with its position: a read cut short keeps what it stored. */
const CHUNK = 25;
/** app.bsky.actor.getProfiles takes at most 25 actors. */
const PROFILES_PER_CALL = 25;
export const NOTIFICATIONS_STREAM = 'notifications';
/** How far before the saved position each read looks again. */
const LOOK_BACK_MS = 10 * 60_000;

interface PostRecord {
  text?: string;
  createdAt?: string;
  reply?: { root?: { uri: string; cid: string }; parent?: { uri: string; cid: string } };
  embed?: { $type?: string; record?: { uri?: string; cid?: string; record?: { uri?: string; cid?: string } } };
}

/**
 * Reads what people wrote to a Bluesky account (replies, mentions, quotes), as Bluesky's apps do:
 * `app.bsky.notification.listNotifications` through the account's PDS, which passes it on to the
 * appview named in the `atproto-proxy` header (without `appviewDid`: the appview the PDS is
 * configured with). Notifications come newest first, and their cursor only pages backwards; the
 * saved position is the `indexedAt` of the newest one stored, and a read pages back to it, then
 * stores oldest first, each chunk with its position, so a read cut short resumes where it stopped.
 * Each item keeps its thread's root and parent as strong refs (URI and CID: a reply needs both),
 * and its author's profile (app.bsky.actor.getProfiles).
 */
export class BlueskyInboxReader {
  private readonly sessions = new Map<string, Promise<AtpAgent>>();

  constructor(private readonly options: { appviewDid?: string } = {}) {}

  async read(
    credentials: BlueskyCredentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void> {
    const agent = await this.agentFor(credentials);
    const saved = cursors[NOTIFICATIONS_STREAM];
    // A notification's time is its post's createdAt (when not later than its indexing), so the appview
    // may index one after a newer-dated one was read: each read looks back a while before the saved
    // position (what it sees again is skipped by the unique item key).
    const mark = saved === undefined ? undefined : new Date(Date.parse(saved) - LOOK_BACK_MS).toISOString();
    const proxy = this.options.appviewDid
      ? { headers: { 'atproto-proxy': `${this.options.appviewDid}#bsky_appview` } }
      : {};
    const found: Notification[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const { data } = await agent.app.bsky.notification.listNotifications(
          { limit: PAGE_SIZE, cursor, reasons: [...REASONS] },
          proxy,
        );
        // Equal times are read again (the unique item key skips what was stored).
        const newer = data.notifications.filter((n) => mark === undefined || n.indexedAt >= mark);
        found.push(...newer);
        // No saved position (a channel just connected): its latest page only, not its whole past.
        if (mark === undefined || newer.length < data.notifications.length || !data.cursor) break;
        cursor = data.cursor;
      }
      const wanted = found
        .filter((n) => (REASONS as readonly string[]).includes(n.reason) && n.author.did !== agent.session!.did)
        .sort((a, b) => a.indexedAt.localeCompare(b.indexedAt));
      // The newest seen, even when none of them is wanted (it still moves the position on).
      const newest = found.reduce<string | undefined>(
        (max, n) => (!max || n.indexedAt > max ? n.indexedAt : max),
        saved,
      );
      if (wanted.length === 0) {
        // Nothing yet on a first read: everything from now on is new (paged back to the start next time).
        const position = newest ?? new Date(0).toISOString();
        if (position !== saved) await onPage({ items: [], cursor: { stream: NOTIFICATIONS_STREAM, cursor: position } });
        return;
      }
      const profiles = await this.profiles(agent, [...new Set(wanted.map((n) => n.author.did))], proxy);
      for (let i = 0; i < wanted.length; i += CHUNK) {
        const chunk = wanted.slice(i, i + CHUNK);
        const last = i + CHUNK >= wanted.length;
        await onPage({
          items: chunk.map((n) => toItem(n, profiles.get(n.author.did))),
          // Never behind the saved position (the look-back re-reads older ones).
          cursor: {
            stream: NOTIFICATIONS_STREAM,
            cursor: last ? newest! : [saved ?? '', chunk[chunk.length - 1]!.indexedAt].sort()[1]!,
          },
        });
      }
    } catch (err) {
      throw toChannelError(err);
    }
  }

  private async profiles(agent: AtpAgent, dids: string[], proxy: object) {
    const found = new Map<string, { displayName?: string; avatar?: string; handle: string }>();
    for (let i = 0; i < dids.length; i += PROFILES_PER_CALL) {
      const { data } = await agent.app.bsky.actor.getProfiles({ actors: dids.slice(i, i + PROFILES_PER_CALL) }, proxy);
      for (const p of data.profiles) found.set(p.did, p);
    }
    return found;
  }

  private agentFor(credentials: BlueskyCredentials): Promise<AtpAgent> {
    const key = createHash('sha256')
      .update(`${credentials.service}\n${credentials.identifier}\n${credentials.password}`)
      .digest('hex');
    let session = this.sessions.get(key);
    if (!session) {
      session = (async () => {
        const agent = new AtpAgent({ service: credentials.service });
        await agent.login({ identifier: credentials.identifier, password: credentials.password });
        return agent;
      })();
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session.catch((err: unknown) => {
      throw toChannelError(err);
    });
  }
}

const ref = (r: { uri?: string; cid?: string } | undefined): InboundRef | null =>
  r?.uri ? { id: r.uri, cid: r.cid ?? null } : null;

/**
 * One notification as an inbound item. Its thread is the reply's root; a mention or quote that is
 * not a reply starts its own. A quote answers the post it quotes (and, if it is also a reply, the
 * thread's root first).
 */
function toItem(
  n: Notification,
  profile: { displayName?: string; avatar?: string; handle: string } | undefined,
): InboundItem {
  const record = n.record as PostRecord;
  const root = ref(record.reply?.root);
  const parent = ref(record.reply?.parent);
  const embedded = record.embed?.record?.uri ? record.embed.record : record.embed?.record?.record;
  const quoted = n.reason === 'quote' ? (n.reasonSubject ?? embedded?.uri) : undefined;
  const rkey = n.uri.split('/').pop()!;
  const handle = profile?.handle ?? n.author.handle;
  return {
    network: 'bluesky',
    kind: n.reason as 'reply' | 'mention' | 'quote',
    conversationKind: 'thread',
    threadKey: root?.id ?? n.uri,
    answers: [...(root ? [root.id] : []), ...(quoted ? [quoted] : [])],
    externalId: n.uri,
    externalCid: n.cid,
    url: `https://bsky.app/profile/${handle}/post/${rkey}`,
    parent,
    root,
    author: {
      externalId: n.author.did,
      handle,
      displayName: profile?.displayName ?? n.author.displayName ?? null,
      avatarUrl: profile?.avatar ?? n.author.avatar ?? null,
      profileUrl: `https://bsky.app/profile/${handle}`,
    },
    text: typeof record.text === 'string' ? record.text : '',
    sentAt: record.createdAt ?? n.indexedAt,
  };
}
