import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { listenForCallerChanges, notifyCallers, type CallerChange, type CallerListener } from '../db/caller-cache';
import type { Db } from '../db/database';
import {
  findSessionByHash,
  hashSessionToken,
  sessionEnded,
  TOUCH_EVERY_MS,
  type SessionLookup,
  type SessionPolicy,
} from '../db/sessions';
import { findCallerByTokenHash, hashToken, isTokenShaped, type TokenCaller } from '../db/tokens';

export interface CallerCacheOptions {
  db: Db;
  /** The database to LISTEN on for changes (a connection of its own); unset: no cache, every caller is looked up. */
  url?: string;
  log?: FastifyBaseLogger;
  /** Entries kept per kind (tokens, sessions), least recently used dropped first. */
  maxEntries?: number;
  /** An entry is looked up again after this long, whatever the notifications said (belt and braces). */
  maxAgeMs?: number;
  /** The first wait before opening a lost listener again; doubled after each failure up to `maxReconnectMs`. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** A fence that does not come back within this long counts as a lost listener. */
  fenceTimeoutMs?: number;
}

type ActiveSession = Extract<SessionLookup, { state: 'active' }>;

interface Entry<T> {
  value: T;
  storedAt: number;
  /** Whose caller it is: a membership's change (m:<user>:<workspace>) drops their entries. */
  userId: string;
  workspaceId: string;
  /** Set when a notification (or the listener's loss) drops it: a hit waiting on a fence then looks up. */
  dropped: boolean;
}

/** A Map in least-recently-used order, capped: a hit moves its key to the end, the first key goes when full. */
class Lru<T> {
  private readonly map = new Map<string, Entry<T>>();
  constructor(private readonly max: number) {}

  get(key: string): Entry<T> | undefined {
    const entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
      this.map.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: Entry<T>): void {
    this.map.delete(key);
    this.map.set(key, entry);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  /** Drops an entry a change made wrong (not merely replaced or evicted: hits holding it must not be served). */
  drop(key: string): void {
    const entry = this.map.get(key);
    if (entry) entry.dropped = true;
    this.map.delete(key);
  }

  dropOf(userId: string, workspaceId: string): void {
    for (const [key, entry] of this.map)
      if (entry.userId === userId && entry.workspaceId === workspaceId) this.drop(key);
  }

  dropAll(): void {
    for (const entry of this.map.values()) entry.dropped = true;
    this.map.clear();
  }
}

/**
 * The callers the API resolved (bearer tokens, session cookies), kept in this process so a request
 * by a known caller needs no query of its own (issue 13). It must never serve a caller that a
 * committed change (a token revoked, a member removed or their role changed, a session ended)
 * has made wrong, in any API process:
 *
 * - A connection of its own LISTENs on `chorus_callers`, which migration 0047's triggers notify;
 *   each notification drops the entries it names.
 * - A hit is served only after a fence (a round trip on that connection, one for all the hits
 *   of a turn of the event loop; about 8 hits a fence under the bench's 100 connections):
 *   PostgreSQL signals a listener before acknowledging the commit, so a change committed before
 *   the request arrived has been applied by then. Without it a request
 *   sent right after a revocation was answered could be served from the cache in the
 *   milliseconds before the notification is read.
 * - A generation counter, moved by every notification and every change of the listener: a lookup
 *   stores its result only if the generation is the one read before it queried, so a lookup that
 *   raced a change never stores what it read before the change.
 * - Off (every caller looked up, nothing stored) until the LISTEN succeeded and a probe sent
 *   through the pool arrived on it, and from the moment the listener fails until it is back
 *   (reopened with backoff); the entries are dropped when it fails. PGlite's socket server, or a
 *   pooler in transaction mode, do not deliver notifications across connections: the probe fails
 *   and the cache stays off.
 * - Entries are capped in number and age; a token's expiry, a session's end and idle time are
 *   checked on every hit. Unknown tokens are never stored (a spray of random ones costs no memory).
 */
export class CallerCache {
  private state: 'off' | 'on' | 'closed' = 'off';
  private generation = 0;
  private listener: CallerListener | undefined;
  /** Which listener is current: a loss reported by an older one is ignored. */
  private attempt = 0;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private probe: { id: string; seen: boolean } | undefined;
  private fenceWaiters: ((ok: boolean) => void)[] = [];
  private fenceInFlight = false;
  private fenceScheduled = false;
  private readonly tokens: Lru<TokenCaller>;
  private readonly sessions: Lru<ActiveSession>;
  private readonly maxAgeMs: number;
  /** What the cache did, for tests and the bench. */
  readonly stats = { hits: 0, lookups: 0, stored: 0, notifications: 0, fences: 0 };
  /**
   * Seams for tests: `afterLookup` runs between a lookup's query and its store (a test commits a
   * change there); `beforeReconnect` before a lost listener is opened again (a test holds it off).
   */
  readonly seams: { afterLookup?: () => Promise<void>; beforeReconnect?: () => Promise<void> } = {};

  constructor(private readonly options: CallerCacheOptions) {
    this.tokens = new Lru(options.maxEntries ?? 10_000);
    this.sessions = new Lru(options.maxEntries ?? 10_000);
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.retryMs = options.reconnectMs ?? 250;
    if (options.url) this.connecting = this.connect(options.url);
  }

  /** Whether hits are served and results stored (the listener is up). */
  get active(): boolean {
    return this.state === 'on';
  }

  /** The backend of the current listener (tests end it). */
  get listenerPid(): number | undefined {
    return this.listener?.pid;
  }

  /** The caller of a bearer token; undefined when unknown, revoked or expired (findCallerByToken). */
  async token(token: string): Promise<TokenCaller | undefined> {
    if (!isTokenShaped(token)) return undefined;
    const hash = hashToken(token);
    const hit = this.tokens.get(hash);
    const expiresAt = hit?.value.tokenExpiresAt;
    if (hit && this.fresh(hit) && (!expiresAt || expiresAt.getTime() > Date.now()) && (await this.confirm(hit)))
      return { ...hit.value };
    const generation = this.generation;
    const found = await findCallerByTokenHash(this.options.db, hash);
    this.stats.lookups++;
    await this.seams.afterLookup?.();
    if (found && this.storable(generation)) this.store(this.tokens, hash, { ...found }, found);
    return found;
  }

  /**
   * A cookie's session (findSession). A hit is served while the session lasts and its last_seen_at
   * is less than a minute old; past that the lookup runs, which moves last_seen_at as before.
   * Only active sessions of current members are stored.
   */
  async session(token: string, policy: SessionPolicy): Promise<SessionLookup> {
    const hash = hashSessionToken(token);
    const hit = this.sessions.get(hash);
    const now = Date.now();
    if (
      hit &&
      this.fresh(hit) &&
      now - hit.value.lastSeenAt.getTime() < TOUCH_EVERY_MS &&
      !sessionEnded(hit.value.session.expiresAt, hit.value.lastSeenAt, policy, now) &&
      (await this.confirm(hit))
    )
      return hit.value;
    const generation = this.generation;
    const found = await findSessionByHash(this.options.db, hash, policy);
    this.stats.lookups++;
    await this.seams.afterLookup?.();
    if (found.state === 'active' && found.role !== null && this.storable(generation))
      this.store(this.sessions, hash, found, found.session);
    return found;
  }

  /** Stops listening and forgets everything; lookups still work (uncached) until the pool closes. */
  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    this.forget();
    this.settleFences(this.fenceWaiters.splice(0), false);
    await this.connecting;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }

  private fresh(entry: Entry<unknown>): boolean {
    return this.state === 'on' && Date.now() - entry.storedAt < this.maxAgeMs;
  }

  /**
   * After the fence: no notification dropped the entry meanwhile. (Replaced by a newer lookup's
   * result, it is still right: comparing identities would send every hit waiting on the fence to
   * look up again whenever one lookup stores, and each of those lookups would store again.)
   */
  private async confirm<T>(hit: Entry<T>): Promise<boolean> {
    if (!(await this.fence()) || hit.dropped || this.state !== 'on') return false;
    this.stats.hits++;
    return true;
  }

  private storable(generation: number): boolean {
    return this.state === 'on' && generation === this.generation;
  }

  private store<T>(lru: Lru<T>, hash: string, value: T, who: { userId: string; workspaceId: string }) {
    lru.set(hash, { value, storedAt: Date.now(), userId: who.userId, workspaceId: who.workspaceId, dropped: false });
    this.stats.stored++;
  }

  private forget() {
    this.tokens.dropAll();
    this.sessions.dropAll();
  }

  private changed(change: CallerChange) {
    if (change.kind === 'probe') {
      if (this.probe?.id === change.id) this.probe.seen = true;
      return;
    }
    this.stats.notifications++;
    this.generation++;
    if (change.kind === 'token') this.tokens.drop(change.tokenHash);
    else if (change.kind === 'session') this.sessions.drop(change.tokenHash);
    else if (change.kind === 'member') {
      this.tokens.dropOf(change.userId, change.workspaceId);
      this.sessions.dropOf(change.userId, change.workspaceId);
    } else this.forget();
  }

  /**
   * Opens the listener and turns the cache on once a probe sent through the pool has reached it
   * (notifications travel across connections here); on failure, tries again later.
   */
  private async connect(url: string): Promise<void> {
    const attempt = ++this.attempt;
    let listener: CallerListener | undefined;
    try {
      listener = await listenForCallerChanges(url, {
        onChange: (change) => this.changed(change),
        onLost: (err) => this.lost(attempt, err),
      });
      if (this.state === 'closed') return void (await listener.close());
      this.listener = listener;
      const probe = { id: randomUUID(), seen: false };
      this.probe = probe;
      await notifyCallers(this.options.db, `p:${probe.id}`);
      await listener.fence();
      if (!probe.seen)
        throw new Error('a notification sent on another connection did not arrive (PGlite, or a transaction pooler?)');
      if (this.attempt !== attempt || (this.state as string) === 'closed') return;
      this.generation++;
      this.state = 'on';
      this.retryMs = this.options.reconnectMs ?? 250;
      this.options.log?.info('Caller cache on: listening for changes on chorus_callers');
    } catch (err) {
      // Closed meanwhile: close() ends the listener; lost meanwhile: lost() ended it.
      if (this.state === 'closed' || this.attempt !== attempt) return;
      this.options.log?.warn(
        { err },
        `Caller cache off: ${(err as Error).message}; trying again in ${this.retryMs} ms`,
      );
      this.listener = undefined;
      await listener?.close();
      this.reconnectLater(url);
    } finally {
      this.probe = undefined;
    }
  }

  /** The listener failed: off and empty at once, and a new one later. */
  private lost(attempt: number, err: Error) {
    if (this.attempt !== attempt || this.state === 'closed') return;
    this.attempt++;
    this.state = 'off';
    this.generation++;
    this.forget();
    this.settleFences(this.fenceWaiters.splice(0), false);
    const listener = this.listener;
    this.listener = undefined;
    void listener?.close();
    this.options.log?.warn({ err }, `Caller cache off: its listener was lost; reconnecting in ${this.retryMs} ms`);
    this.reconnectLater(this.options.url!);
  }

  private reconnectLater(url: string) {
    this.retryTimer = setTimeout(() => {
      this.connecting = (async () => {
        await this.seams.beforeReconnect?.();
        if (this.state !== 'closed') await this.connect(url);
      })();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.options.maxReconnectMs ?? 10_000);
  }

  /** Resolves after a round trip on the listener begun after this call (false: none could be made). */
  private fence(): Promise<boolean> {
    return new Promise((resolve) => {
      this.fenceWaiters.push(resolve);
      if (this.fenceInFlight || this.fenceScheduled) return;
      // Sent once the requests read in this turn of the event loop have all asked: one fence for them all.
      this.fenceScheduled = true;
      setImmediate(() => {
        this.fenceScheduled = false;
        if (!this.fenceInFlight) this.sendFence();
      });
    });
  }

  /** One round trip for every hit waiting now; the hits arriving meanwhile wait for the next. */
  private sendFence() {
    const batch = this.fenceWaiters.splice(0);
    if (batch.length === 0) return;
    const listener = this.listener;
    if (!listener || this.state !== 'on') return this.settleFences(batch, false);
    const attempt = this.attempt;
    this.fenceInFlight = true;
    this.stats.fences++;
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.fenceInFlight = false;
      if (!ok) this.lost(attempt, new Error('The caller listener did not answer a fence'));
      this.settleFences(batch, ok);
      if (this.fenceWaiters.length) this.sendFence();
    };
    const timer = setTimeout(() => settle(false), this.options.fenceTimeoutMs ?? 5000);
    listener.fence().then(
      () => settle(true),
      () => settle(false),
    );
  }

  private settleFences(waiters: ((ok: boolean) => void)[], ok: boolean) {
    for (const resolve of waiters) resolve(ok);
  }
}
