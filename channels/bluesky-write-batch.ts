import type { AtpAgent } from '@atproto/api';
import { XRPCError } from '@atproto/xrpc';

/**
 * The PDS takes at most 200 writes in one applyWrites call. Fewer per commit bring the first records
 * back sooner but all of them later (bench/publish-burst: p50 1.8 s / p99 4.4 s at 100, 3.8 / 3.9 s
 * at 200).
 */
const MAX_WRITES_PER_COMMIT = 200;
/** How long the first record of a batch waits for others to the same repository. */
const GATHER_WINDOW_MS = 15;

interface PendingCreate {
  collection: string;
  rkey: string;
  record: Record<string, unknown>;
  done: (err?: unknown) => void;
}

interface RepoQueue {
  agent: AtpAgent;
  repo: string;
  waiting: PendingCreate[];
  /** A commit to this repository is on its way; what arrives meanwhile waits for the next one. */
  sending: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Gathers record creations to one repository into `com.atproto.repo.applyWrites` calls (group
 * commit): posts due at the same moment on one account go out in a few commits instead of one
 * request each (the reference PDS writes about five times as many records per second this way).
 * One commit per repository is in flight at a time (the PDS writes a repository's commits one by
 * one anyway); what arrives meanwhile goes in the next, so batches grow as the PDS slows down. A
 * record waits at most GATHER_WINDOW_MS for company when nothing is in flight; a lone record is
 * sent with createRecord.
 *
 * A commit is all or nothing. When the PDS refuses one for its content (a duplicate key — which the
 * reference PDS answers with a 500 —, an invalid record) each of its records is sent again on its
 * own, so one bad record cannot fail the others and each caller gets its own record's outcome. A
 * rate limit, refused credentials or an unreachable PDS fail every record of the commit with that
 * error instead, so each publish is retried when the network says, without a burst of single
 * requests first.
 */
export class RepoWriteBatcher {
  private readonly queues = new Map<string, RepoQueue>();

  /**
   * Resolves once the record is in the repository; rejects with what the PDS said about it. Records
   * share commits only with others of the same `session` (one login: the commit goes out with it).
   */
  create(
    agent: AtpAgent,
    session: string,
    repo: string,
    collection: string,
    rkey: string,
    record: Record<string, unknown>,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const key = `${session} ${repo}`;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { agent, repo, waiting: [], sending: false, timer: undefined };
        this.queues.set(key, queue);
      }
      queue.waiting.push({ collection, rkey, record, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (queue.sending) return;
      if (queue.waiting.length >= MAX_WRITES_PER_COMMIT) this.sendNext(key, queue);
      else queue.timer ??= setTimeout(() => this.sendNext(key, queue), GATHER_WINDOW_MS);
    });
  }

  private sendNext(key: string, queue: RepoQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    if (queue.waiting.length === 0) {
      this.queues.delete(key);
      return;
    }
    const creates = queue.waiting.splice(0, MAX_WRITES_PER_COMMIT);
    queue.sending = true;
    void this.send(queue, creates).finally(() => {
      queue.sending = false;
      this.sendNext(key, queue);
    });
  }

  private async send({ agent, repo }: RepoQueue, creates: PendingCreate[]): Promise<void> {
    if (creates.length > 1) {
      try {
        await agent.com.atproto.repo.applyWrites({
          repo,
          validate: true,
          writes: creates.map((c) => ({
            $type: 'com.atproto.repo.applyWrites#create' as const,
            collection: c.collection,
            rkey: c.rkey,
            value: c.record,
          })),
        });
        for (const c of creates) c.done();
        return;
      } catch (err) {
        if (!refusedForContent(err)) {
          for (const c of creates) c.done(err ?? new Error('applyWrites failed'));
          return;
        }
        // Each on its own below, for its own outcome.
      }
    }
    await Promise.all(
      creates.map((c) =>
        agent.com.atproto.repo
          .createRecord({ repo, collection: c.collection, rkey: c.rkey, record: c.record, validate: true })
          .then(
            () => c.done(),
            (err: unknown) => c.done(err ?? new Error('createRecord failed')),
          ),
      ),
    );
  }
}

/** The PDS answered, and not about the rate or the credentials: something in the commit's records. */
function refusedForContent(err: unknown): boolean {
  return err instanceof XRPCError && err.status >= 400 && ![401, 403, 429].includes(err.status);
}
