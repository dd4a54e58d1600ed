import { CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ChannelError, InboxReadPaused } from '../channels/errors';
import type { InboxConnectors } from '../channels/inbox-connectors';
import { readsInbox } from '../contracts/inbox';
import type { InboundCounts, InboundPage } from '../contracts/inbox-inbound';
import { findChannel, recordChannelFailure } from '../db/channels';
import type { Db } from '../db/database';
import { loadInboxCursors } from '../db/inbox-ingest';
import type { Sealer } from '../db/sealing';
import { relayQueuedSignals, storeInbound } from '../services/inbox-store';

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
  /** How long the workflow waits before the next read; 0: the next read is due now. */
  pollAfterMs: number;
}

/** The I/O of the inbox's inbound read: one read of a channel's streams, storing page by page. */
export function createInboxActivities(deps: InboxDeps) {
  const pollMs = deps.inbox?.pollMs ?? DEFAULT_INBOX_POLL_MS;

  return {
    /**
     * Reads the channel's streams from their saved positions; each page is stored with its
     * position, and the signals of the conversations it changed queued, in one transaction (the
     * relay sends them: the read never waits on Temporal). It reads again every poll interval
     * (from one pass's start to the next's: a pass that took the whole interval is followed at
     * once) for `READ_FOR_POLLS` intervals, heartbeating while it waits, and returns when the next
     * read is due (`pollAfterMs` 0), so that the channel's cadence does not hang on Temporal
     * dispatching a timer and an activity per poll, which a busy server (thousands of conversation
     * workflows starting) delays by seconds. A network that refuses or fails ends the read with
     * `lastError` (the next read tries again; refused credentials also mark the channel unhealthy);
     * a rate limit, after the network's delay. Cancelled (the worker shutting down) while it
     * waits: it returns what it stored.
     */
    async readInbox({ channelId, workspaceId }: { channelId: string; workspaceId: string }): Promise<InboxRead> {
      const read: InboxRead = { stored: 0, skipped: 0, filtered: 0, gone: false, lastError: null, pollAfterMs: pollMs };
      const until = Date.now() + READ_FOR_POLLS * pollMs;
      for (;;) {
        const passStartedAt = Date.now();
        const channel = await findChannel(deps.db, workspaceId, channelId);
        if (!channel || !readsInbox(channel.provider)) return { ...read, gone: true };
        const connector = deps.inboxConnectors[channel.provider];
        if (!connector) return { ...read, gone: true };
        const cursors = await loadInboxCursors(deps.db, channelId);
        const source = { workspaceId, channelId, network: channel.provider };
        try {
          await connector.read(deps.sealer.open(channel.credentials_sealed), cursors, async (page: InboundPage) => {
            const stored = await storeInbound(deps, source, page.items, page.cursor);
            read.stored += stored.stored;
            read.skipped += stored.skipped;
            read.filtered += stored.filtered;
            heartbeat();
          });
        } catch (err) {
          if (err instanceof InboxReadPaused) return { ...read, pollAfterMs: Math.max(pollMs, err.resumeAfterMs) };
          if (!(err instanceof ChannelError)) throw err;
          if (err.kind === 'auth_failed')
            await recordChannelFailure(deps.db, channelId, { error: err.message, authFailed: true });
          return { ...read, lastError: err.message, pollAfterMs: Math.max(pollMs, err.retryAfterMs ?? 0) };
        }
        if (!(await pause(passStartedAt + pollMs - Date.now()))) return read;
        // The next read is due now: its workflow starts it at once, without a timer of its own (a
        // timer costs a busy Temporal server two more workflow tasks before the read, seconds).
        if (Date.now() >= until) return { ...read, pollAfterMs: 0 };
      }
    },

    /**
     * Sends the conversation signals this deployment's stores queued (db/inbox-signals.ts), as they
     * come, for about a minute (then the relay's workflow runs it again); heartbeats as it goes,
     * and stops early when cancelled (the worker shutting down).
     */
    async relayConversationSignals(_: Record<string, never>): Promise<{ sent: number }> {
      const context = Context.current();
      const until = Date.now() + RELAY_RUN_MS;
      let sent = 0;
      for (;;) {
        const relayed = await relayQueuedSignals(deps, { limit: RELAY_BATCH, concurrency: RELAY_CONCURRENCY });
        sent += relayed;
        context.heartbeat({ sent });
        if (relayed > 0) continue;
        if (Date.now() >= until) return { sent };
        await context.sleep(RELAY_IDLE_MS);
      }
    },
  };
}

/** Signals read from the queue at once, and sent at once (the Temporal server starts workflows at its own pace). */
const RELAY_BATCH = 200;
const RELAY_CONCURRENCY = 16;
/** How often an idle relay looks for new signals, and how long one relay activity runs. */
const RELAY_IDLE_MS = 250;
const RELAY_RUN_MS = 60_000;

/**
 * A read goes on reading, every poll interval, for this many intervals before it returns to its
 * workflow, whose durable wait comes between two such reads (two minutes at the default 30 s).
 */
const READ_FOR_POLLS = 4;

/** Waits `ms` in an activity, heartbeating; false when cancelled (or not in an activity). */
async function pause(ms: number): Promise<boolean> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return false;
  }
  // A cancel is seen even with no wait left (a pass that took its whole interval).
  if (context.cancellationSignal.aborted) return false;
  const until = Date.now() + ms;
  try {
    while (Date.now() < until) {
      context.heartbeat();
      await context.sleep(Math.min(until - Date.now(), 4_000));
    }
  } catch (err) {
    if (err instanceof CancelledFailure) return false;
    throw err;
  }
  return true;
}

function heartbeat() {
  try {
    Context.current().heartbeat();
  } catch {
    // Not in an activity (a bench or test calling the function directly).
  }
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;
