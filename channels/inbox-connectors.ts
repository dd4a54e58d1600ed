import type { InboxItemRef, InboxReplyRequest, InboxReplyResult } from './inbox-replies';
import { blueskyLike, blueskyReply, inboxRecordKey, mastodonFavourite, mastodonReply } from './inbox-replies';
import { BlueskyInboxReader } from './inbox-bluesky';
import type { InboundPage } from '../contracts/inbox-inbound';
import { MastodonInboxReader } from './inbox-mastodon';
import { FacebookInbox, InstagramInbox, ThreadsInbox } from './inbox-meta';
import type { FacebookAdapter } from './facebook';
import type { InstagramAdapter } from './instagram';
import type { ThreadsAdapter } from './threads';
import type { OAuthCredentials } from '../contracts/oauth';
import type { BlueskyAdapter, BlueskyCredentials } from './bluesky';
import type { MastodonAdapter, MastodonCredentials } from './mastodon';
import type { ChannelAdapters } from './registry';
import { linkedinLike, linkedinReply, LinkedInInboxReader } from './inbox-linkedin';
import { XInboxReader, xLike, xReply } from './inbox-x';
import { LinkedInAdapter } from './linkedin';
import { XAdapter } from './x';
import type { InboxChannelProvider } from '../contracts/inbox';
import type { Db } from '../db/database';
import { listInstagramMentions } from '../db/instagram-mentions';

/**
 * What the engagement inbox needs of a network, beside its publishing adapter: reading what people
 * wrote to the account, replying in the thread, and liking. One entry per network that offers them
 * (channels/inbox-<network>.ts); a channel of a network without an entry has no inbox.
 *
 * `read` hands over pages oldest first, each with the position it reaches, so a read cut short
 * resumes there; a network's rate limit ends the read early with InboxReadPaused (the next read
 * waits the time it names), its refusals are ChannelErrors. `reply` and `like` are made exactly once
 * however often they are tried (the network's idempotency mechanism, or a look-up before a retry).
 */
export interface InboxConnector<Credentials = unknown> {
  read(
    credentials: Credentials,
    cursors: Record<string, string>,
    onPage: (page: InboundPage) => Promise<void>,
  ): Promise<void>;
  reply(credentials: Credentials, request: InboxReplyRequest): Promise<InboxReplyResult>;
  like(credentials: Credentials, subject: InboxItemRef, key: string): Promise<{ externalId: string }>;
  /** The reply's idempotency key (default `chorus-reply-<id>`): Bluesky's is its record key. */
  replyKey?(replyId: string, createdAt: Date): string;
}

export type InboxConnectors = Partial<Record<InboxChannelProvider, InboxConnector>>;

/** The inbox's networks, over the process's adapters (their sessions and token handling are shared). */
export function createInboxConnectors(
  adapters: ChannelAdapters,
  /** `db`: where Meta's Instagram webhook recorded mentions (the Instagram read fetches them). */
  options: { blueskyAppviewDid?: string; db: Db },
): InboxConnectors {
  const bluesky = adapters.bluesky as unknown as BlueskyAdapter;
  const mastodon = adapters.mastodon as unknown as MastodonAdapter;
  const blueskyReader = new BlueskyInboxReader({ appviewDid: options.blueskyAppviewDid });
  const mastodonReader = new MastodonInboxReader();
  const connectors: {
    bluesky: InboxConnector<BlueskyCredentials>;
    mastodon: InboxConnector<MastodonCredentials>;
    facebook: InboxConnector<OAuthCredentials>;
    instagram: InboxConnector<OAuthCredentials>;
    threads: InboxConnector<OAuthCredentials>;
    x?: InboxConnector<OAuthCredentials>;
    linkedin?: InboxConnector<OAuthCredentials>;
  } = {
    bluesky: {
      read: (credentials, cursors, onPage) => blueskyReader.read(credentials, cursors, onPage),
      reply: (credentials, request) => blueskyReply(bluesky, credentials, request),
      like: (credentials, subject, key) => blueskyLike(bluesky, credentials, subject, key),
      replyKey: inboxRecordKey,
    },
    mastodon: {
      read: (credentials, cursors, onPage) => mastodonReader.read(credentials, cursors, onPage),
      reply: (credentials, request) => mastodonReply(mastodon, credentials, request),
      like: (credentials, subject) => mastodonFavourite(mastodon, credentials, subject),
    },
    facebook: new FacebookInbox(adapters.facebook as unknown as FacebookAdapter),
    instagram: new InstagramInbox(
      adapters.instagram as unknown as InstagramAdapter,
      options.db
        ? (igUserId, afterId, limit) => listInstagramMentions(options.db!, igUserId, afterId, limit)
        : undefined,
    ),
    threads: new ThreadsInbox(adapters.threads as unknown as ThreadsAdapter),
  };
  // X and LinkedIn through their adapters' calls (token handling); a stand-in adapter (a test's) has no inbox.
  const x = adapters.x;
  if (x instanceof XAdapter) {
    const reader = new XInboxReader(x);
    connectors.x = {
      read: (credentials, cursors, onPage) => reader.read(credentials, cursors, onPage),
      reply: (credentials, request) => xReply(x, credentials, request),
      like: (credentials, subject) => xLike(x, credentials, subject),
    };
  }
  const linkedin = adapters.linkedin;
  if (linkedin instanceof LinkedInAdapter) {
    const reader = new LinkedInInboxReader(linkedin);
    connectors.linkedin = {
      read: (credentials, cursors, onPage) => reader.read(credentials, cursors, onPage),
      reply: (credentials, request) => linkedinReply(linkedin, credentials, request),
      like: (credentials, subject) => linkedinLike(linkedin, credentials, subject),
    };
  }
  return connectors;
}
