import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './database';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './database';

/** The channel migration 0047's triggers notify when what decides a caller changes. */
export const CALLERS_CHANNEL = 'chorus_callers';

/** What a notification on `chorus_callers` says changed (payloads: see migration 0047). */
export type CallerChange =
  | { kind: 'token'; tokenHash: string }
  | { kind: 'session'; tokenHash: string }
  | { kind: 'member'; userId: string; workspaceId: string }
  | { kind: 'probe'; id: string }
  | { kind: 'all' };

/** A payload read as a change; one not understood forgets everything (never a stale caller). */
export function parseCallerChange(payload: string): CallerChange {
  const [kind, a, b] = payload.split(':');
  if (kind === 't' && a) return { kind: 'token', tokenHash: a };
  if (kind === 's' && a) return { kind: 'session', tokenHash: a };
  if (kind === 'm' && a && b) return { kind: 'member', userId: a, workspaceId: b };
  if (kind === 'p' && a) return { kind: 'probe', id: a };
  return { kind: 'all' };
}

/** A dedicated connection LISTENing on `chorus_callers` (not one of the pool's: LISTEN lasts a session). */
export interface CallerListener {
  /** The PostgreSQL backend serving it (tests end it with pg_terminate_backend). */
  readonly pid: number;
  /**
   * A round trip on the listening connection. PostgreSQL signals the listening backends before it
   * acknowledges a commit, and a backend sends what it was signalled before its next ReadyForQuery:
   * once this resolves, every change committed before it was sent has been handed to `onChange`.
   */
  fence(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the listening connection; it throws when the connection or the LISTEN fails. `onLost` is
 * called once, when the connection fails or ends after the LISTEN succeeded (not after `close`);
 * the caller opens a new one.
 */
export async function listenForCallerChanges(
  url: string,
  handlers: { onChange: (change: CallerChange) => void; onLost: (err: Error) => void },
): Promise<CallerListener> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'chorus-caller-cache',
  });
  let listening = false;
  let closing = false;
  let lost = false;
  const loseOnce = (err: Error) => {
    if (!listening || closing || lost) return;
    lost = true;
    handlers.onLost(err);
  };
  // Both come on a terminated backend ('error' first); either alone means the listener is gone.
  client.on('error', loseOnce);
  client.on('end', () => loseOnce(new Error('The caller listener connection ended')));
  client.on('notification', (message) => {
    if (message.channel === CALLERS_CHANNEL) handlers.onChange(parseCallerChange(message.payload ?? ''));
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${CALLERS_CHANNEL}`);
    listening = true;
  } catch (err) {
    closing = true;
    await endWithin(client, CLOSE_WAIT_MS);
    throw err;
  }
  const pid = (client as unknown as { processID: number }).processID;
  return {
    pid,
    async fence() {
      await client.query('SELECT 1');
    },
    async close() {
      closing = true;
      await endWithin(client, CLOSE_WAIT_MS);
    },
  };
}

const CLOSE_WAIT_MS = 1000;

/**
 * Ends the connection; one the server no longer answers (the reason to close it, often) would keep
 * `end()` waiting for the server's goodbye, so past `waitMs` its socket is destroyed.
 */
async function endWithin(client: pg.Client, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().catch(() => undefined);
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
  if ((await Promise.race([ended, late])) === 'late')
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  clearTimeout(timer);
}

/** Sends a payload on `chorus_callers` through the pool (a listener checks notifications reach it across connections). */
export async function notifyCallers(db: Db, payload: string): Promise<void> {
  await sql`select pg_notify(${CALLERS_CHANNEL}, ${payload})`.execute(db);
}
