import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ChannelError, InboxReadPaused } from '../channels/errors';
import type { InboxConnector, InboxConnectors } from '../channels/inbox-connectors';
import { readsInbox } from '../contracts/inbox';
import type { InboundCounts, InboundPage } from '../contracts/inbox-inbound';
import { findChannel, recordChannelFailure } from '../db/channels';
import type { Db } from '../db/database';
import { loadInboxCursors } from '../db/inbox-ingest';
import type { Sealer } from '../db/sealing';
import { ConversationSignals, storeInbound } from '../services/inbox-store';

/** How the inbound read runs (config: CHORUS_INBOX_POLL_SECONDS, BLUESKY_APPVIEW_DID). */
export interface InboxReadOptions {
  /** The pause between two reads of a channel. */
  pollMs: number;
  /** Sent as `atproto-proxy: <did>#bsky_appview`; unset: the appview the account's PDS is configured with. */
  blueskyAppviewDid?: string;
}

export const DEFAULT_INBOX_POLL_MS = 30_000;

export interface InboxDeps {
  db: Db;
  sealer: Sealer;
  temporal: Client;
  taskQueue: string;
  inbox?: InboxReadOptions;
  /** The networks a channel's inbox can be read from (channels/inbox-connectors.ts). */
  inboxConnectors: InboxConnectors;
}

/** One read of a channel: what it stored, and when to read again. */
export interface InboxRead extends InboundCounts {
  /** The channel was removed (or never was in that workspace): the read ends for good. */
  gone: boolean;
  lastError: string | null;
  pollAfterMs: number;
}

/** The I/O of the inbox's inbound read: one read of a channel's streams, storing page by page. */
export function createInboxActivities(deps: InboxDeps) {
  const pollMs = deps.inbox?.pollMs ?? DEFAULT_INBOX_POLL_MS;

  return {
    /**
     * Reads the channel's streams from their saved positions; each page is stored with its
     * position in one transaction, and the conversations it changed are told. A network that
     * refuses or fails ends the read with `lastError` (the next read tries again; refused
     * credentials also mark the channel unhealthy); a rate limit, after the network's delay.
     */
    async readInbox({ channelId, workspaceId }: { channelId: string; workspaceId: string }): Promise<InboxRead> {
      const read: InboxRead = { stored: 0, skipped: 0, filtered: 0, gone: false, lastError: null, pollAfterMs: pollMs };
      const channel = await findChannel(deps.db, workspaceId, channelId);
      if (!channel || !readsInbox(channel.provider)) return { ...read, gone: true };
      const found = deps.inboxConnectors[channel.provider];
      if (!found) return { ...read, gone: true };
      const connector: InboxConnector = found;
      let cursors = await loadInboxCursors(deps.db, channelId);
      const source = { workspaceId, channelId, network: channel.provider };
      const credentials = channel.credentials_sealed;
      // The conversations each page changed are signalled beside the read (bounded), and awaited
      // before the read returns: see ConversationSignals for what a crash in between loses.
      const signals = new ConversationSignals(deps, SIGNAL_CONCURRENCY, heartbeat);
      const onPage = async (page: InboundPage) => {
        const stored = await storeInbound(deps, source, page.items, page.cursor, signals);
        read.stored += stored.stored;
        read.skipped += stored.skipped;
        read.filtered += stored.filtered;
        heartbeat();
      };
      let outcome: InboxRead;
      try {
        outcome = await readStreams(onPage);
        // While signals are still going out (the Temporal server starts workflows slower than a read
        // stores), the read goes on storing what arrives instead of waiting idle for them, within a
        // budget well under the activity's timeout; it stops on an error or a network's pause.
        const until = Date.now() + READ_ON_WHILE_SIGNALLING_MS;
        while (signals.pending && outcome.lastError === null && outcome.pollAfterMs === pollMs && Date.now() < until) {
          await signals.idleWithin(pollMs);
          if (!signals.pending) break;
          cursors = await loadInboxCursors(deps.db, channelId);
          outcome = await readStreams(onPage);
        }
      } catch (err) {
        // What was stored before the failure is still signalled; the read's own error is the one reported.
        await signals.drain().catch(() => undefined);
        throw err;
      }
      await signals.drain();
      return outcome;

      async function readStreams(onPage: (page: InboundPage) => Promise<void>): Promise<InboxRead> {
        try {
          await connector.read(deps.sealer.open(credentials), cursors, onPage);
        } catch (err) {
          if (err instanceof InboxReadPaused) return { ...read, pollAfterMs: Math.max(pollMs, err.resumeAfterMs) };
          if (!(err instanceof ChannelError)) throw err;
          if (err.kind === 'auth_failed')
            await recordChannelFailure(deps.db, channelId, { error: err.message, authFailed: true });
          return { ...read, lastError: err.message, pollAfterMs: Math.max(pollMs, err.retryAfterMs ?? 0) };
        }
        return read;
      }
    },
  };
}

/** Conversation workflows signalled at once by one read (the Temporal server is the bottleneck). */
const SIGNAL_CONCURRENCY = 8;
/** How long a read goes on reading while its signals drain (the activity's start-to-close is 10 min). */
const READ_ON_WHILE_SIGNALLING_MS = 4 * 60_000;

function heartbeat() {
  try {
    Context.current().heartbeat();
  } catch {
    // Not in an activity (a bench or test calling the function directly).
  }
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;
