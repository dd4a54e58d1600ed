import type { IdResolver } from '@atproto/identity';
import { parseCommitAuthenticated, type CommitEvt } from '@atproto/sync';
// The lexicon check for subscribeRepos messages; @atproto/sync uses it but does not re-export it.
import { isValidRepoEvent } from '@atproto/sync/dist/firehose/lexicons';
import { WebSocketKeepAlive } from '@atproto/ws-client';
import { Frame } from '@atproto/xrpc-server';

const METHOD = 'com.atproto.sync.subscribeRepos';
/**
 * How often an identity (signing key) lookup may fail for one event before it is skipped as
 * unverifiable; the reads between attempts back off (1, 2, 4 … 30 s), about five minutes in all.
 */
const IDENTITY_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 30_000;

export interface FirehoseHandlers {
  /** A verified record creation in the wanted collection. */
  onCreate(evt: CommitEvt & { event: 'create' }): Promise<void>;
  /** Every event up to and including `seq` is handled: save it as the cursor. */
  onCursor(seq: number): Promise<void>;
  /** A frame that cannot be decoded, validated or verified; it is skipped. */
  onMalformed(reason: string): void;
  /** The source failed (unreachable, closed, error frame); reading reconnects from the cursor. */
  onSourceError(err: Error): void;
}

export interface FirehoseRead extends FirehoseHandlers {
  /** ws(s) URL of a relay or PDS. */
  service: string;
  cursor?: number;
  collection: string;
  idResolver: IdResolver;
  signal: AbortSignal;
  reconnectDelayMs?: number;
}

/**
 * Identity failures per event (service and sequence number), kept across reads in this process:
 * a read ends every minute or so, and the count must survive it for the event to be skipped at last.
 */
const identityFailures = new Map<string, number>();

class IdentityUnavailable extends Error {
  override name = 'IdentityUnavailable';
}

/**
 * Reads `com.atproto.sync.subscribeRepos` until `signal` aborts, one event at a time and in
 * order, so the cursor only ever moves past events that are fully handled. Unlike a plain
 * subscription, a frame that does not decode (bad CBOR), does not validate against the lexicon, or
 * whose commit does not verify is counted and skipped instead of dropping the connection: a relay
 * replaying the same bad frame after every reconnect would otherwise stall listening for good.
 * A failed identity lookup is not the frame's fault: it is retried (by reconnecting from the
 * cursor) a few times before the event is skipped.
 */
export async function readFirehose(read: FirehoseRead): Promise<void> {
  let cursor = read.cursor;
  let backoffMs = 0;
  const wanted = (collection: string) => collection === read.collection;

  const handle = async (chunk: Uint8Array) => {
    let frame: ReturnType<typeof Frame.fromBytes>;
    try {
      frame = Frame.fromBytes(chunk);
    } catch (err) {
      read.onMalformed(`undecodable frame: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (frame.isError()) {
      read.onSourceError(
        new Error(`the source sent an error frame: ${frame.code}${frame.message ? ` (${frame.message})` : ''}`),
      );
      return;
    }
    const type = frame.header.t;
    const body = frame.body as Record<string, unknown> | null;
    if (!type || !body || typeof body !== 'object' || Array.isArray(body)) {
      read.onMalformed('a message frame without a type or an object body');
      return;
    }
    let evt: ReturnType<typeof isValidRepoEvent>;
    try {
      evt = isValidRepoEvent({ ...body, $type: type.startsWith('#') ? `${METHOD}${type}` : type });
    } catch (err) {
      read.onMalformed(`invalid ${type} message: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const seq = typeof (evt as { seq?: unknown }).seq === 'number' ? (evt as { seq: number }).seq : undefined;
    if (evt.$type === `${METHOD}#commit`) {
      const commit = evt as Parameters<typeof parseCommitAuthenticated>[1];
      const touchesWanted = commit.ops.some((op) => wanted(op.path.split('/')[0]!));
      const eventKey = `${read.service}#${commit.seq}`;
      if (touchesWanted) {
        let writes: CommitEvt[] = [];
        try {
          await read.idResolver.did.resolveAtprotoKey(commit.repo).catch((err: unknown) => {
            throw new IdentityUnavailable(err instanceof Error ? err.message : String(err));
          });
          writes = await parseCommitAuthenticated(read.idResolver, commit, wanted);
        } catch (err) {
          const failures = (identityFailures.get(eventKey) ?? 0) + 1;
          if (err instanceof IdentityUnavailable && failures < IDENTITY_ATTEMPTS) {
            identityFailures.set(eventKey, failures);
            backoffMs = Math.min(MAX_BACKOFF_MS, (read.reconnectDelayMs ?? 1000) * 2 ** (failures - 1));
            throw err; // reconnect from the cursor, after the backoff, and try this event again
          }
          read.onMalformed(
            `commit ${commit.seq} of ${commit.repo} does not verify: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        identityFailures.delete(eventKey);
        for (const write of writes) if (write.event === 'create') await read.onCreate(write);
      }
    }
    if (seq !== undefined) {
      cursor = seq;
      await read.onCursor(seq);
    }
  };

  while (!read.signal.aborted) {
    const socket = new WebSocketKeepAlive({
      getUrl: async () =>
        `${read.service.replace(/\/+$/, '')}/xrpc/${METHOD}${cursor !== undefined ? `?cursor=${cursor}` : ''}`,
      signal: read.signal,
      maxReconnectSeconds: 30,
      heartbeatIntervalMs: 10_000,
      onReconnectError: (err) => read.onSourceError(err instanceof Error ? err : new Error(String(err))),
    });
    try {
      for await (const chunk of socket) await handle(chunk);
    } catch (err) {
      if (read.signal.aborted) break;
      read.onSourceError(err instanceof Error ? err : new Error(String(err)));
    }
    // The source ended the stream (or failed): start again from the cursor after a pause.
    const pause = backoffMs || (read.reconnectDelayMs ?? 1000);
    backoffMs = 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pause);
      read.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
