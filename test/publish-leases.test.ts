import { randomBytes, randomUUID } from 'node:crypto';
import { endLostWorkerLease } from '../db/publish-leases';
import { Client, Connection } from '@temporalio/client';
import { createServer } from 'node:net';
import { LeaseWatch, PublishLease } from '../services/publish-leases';
import { PublishWaits } from '../services/publish-waits';
import { connectWebhook } from './support/channels';
import { waitFor } from './support/harness';
import { createdPost } from './support/posts';
import { startWorkerProcess, useChorusWithWorkerProcesses } from './support/worker-process';

/**
 * Staged publishes wait without heartbeats, noted under their worker's lease
 * (services/publish-leases.ts). A worker lost while they wait is noticed by the others through its
 * lease standing still, and its publishes are handed on in time to go out on time.
 */
const { harness: h, hook, workspace: ws, call, workers } = useChorusWithWorkerProcesses('Lease drill');

const POSTS = 20;
/** From the kill: the lease found still (5 s), the next watch, the retry's first interval, with room for a loaded machine. */
const DUE_AFTER_KILL_MS = 15_000;
/** Each post delivered this soon after its time: on time, not after a 6-minute start-to-close. */
const ON_TIME_MS = 2_000;

const leasesOf = () =>
  h().db.selectFrom('worker_leases').select(['id', 'beat']).where('task_queue', '=', h().taskQueue).execute();
const holdsUnder = async (leaseIds: string[]) =>
  leaseIds.length === 0
    ? 0
    : Number(
        (
          await h()
            .db.selectFrom('publish_holds')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('lease_id', 'in', leaseIds)
            .executeTakeFirstOrThrow()
        ).n,
      );

test('a worker killed while its staged publishes wait: another worker takes them over from its still lease, and they go out on time, once', async () => {
  const channel = await connectWebhook(h(), ws().token, hook(), 'Lease drill hook');
  const published = () => hook().deliveries.filter((d) => d.payload.type === 'post.published');
  const lost = await startWorkerProcess(h());
  workers.push(lost);
  const lostLease = await waitFor('the worker took its lease', async () => {
    const leases = await leasesOf();
    return leases.length === 1 && leases[0];
  });

  // Room for the set-up below (creating, holding, a second worker process) on a loaded machine:
  // it took 24 s in a CI run on a machine at half its usual speed (2026-11-28).
  const publishAt = new Date(Date.now() + 35_000 + DUE_AFTER_KILL_MS).toISOString();
  const posts = await Promise.all(
    Array.from({ length: POSTS }, (_, i) =>
      createdPost(call, ws().token, { text: `Lease drill ${i}`, channelIds: [channel.id], publishAt }),
    ),
  );
  // Every publish staged on the worker to be lost, and noted under its lease (not heartbeating).
  await waitFor('every publish held under the lease', async () => (await holdsUnder([lostLease.id])) === POSTS, 20_000);
  const replacement = await startWorkerProcess(h());
  workers.push(replacement);
  await lost.kill();
  const killedAt = Date.now();
  expect(Date.parse(publishAt) - killedAt).toBeGreaterThan(DUE_AFTER_KILL_MS - 2_000);

  await waitFor('the lost lease ended', async () => !(await leasesOf()).some((l) => l.id === lostLease.id), 15_000);
  const handedOnAt = Date.now();
  await waitFor(
    'every post delivered',
    async () => published().length >= POSTS,
    Date.parse(publishAt) - Date.now() + 10_000,
  );
  await waitFor(
    'no publish held any more',
    async () => (await holdsUnder((await leasesOf()).map((l) => l.id))) === 0,
    10_000,
  );
  const targetIds = posts.map((p) => p.targets[0]!.id).sort();
  const delivered = published().map((d) => String(d.payload.data.targetId));
  const lateness = published().map((d) => d.receivedAt - Date.parse(publishAt));
  console.log(
    `Lease drill: ${POSTS} staged publishes on the lost worker; its lease ended ${handedOnAt - killedAt} ms after the kill; ` +
      `delivered ${Math.min(...lateness)}–${Math.max(...lateness)} ms after their time`,
  );
  expect(delivered.sort()).toEqual(targetIds); // each once
  for (const late of lateness) {
    expect(late).toBeGreaterThanOrEqual(-50);
    expect(late).toBeLessThan(ON_TIME_MS);
  }
}, 180_000); // its posts are due 50 s after creation, then handed on and sent

test('the compiled worker (`node dist/workers/main.js`) runs from the workflow bundle built beside it: it does not bundle at start, and publishes, with the memory settings docker-compose.yml gives it', async () => {
  for (const w of workers.splice(0)) await w.stop(); // the only worker on the task queue
  const compiled = await startWorkerProcess(h(), {
    compiled: true,
    env: { NODE_OPTIONS: '--max-old-space-size=256', CHORUS_WORKER_CACHED_WORKFLOWS: '300' },
  });
  workers.push(compiled);
  const channel = await connectWebhook(h(), ws().token, hook(), 'Compiled worker hook');
  const marker = `compiled-${Date.now()}`;
  const publishAt = new Date(Date.now() + 6_000).toISOString();
  const post = await createdPost(call, ws().token, {
    text: `From dist ${marker}`,
    channelIds: [channel.id],
    publishAt,
  });
  const ours = () => hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker));
  await waitFor('the post delivered', async () => ours().length > 0, 30_000);
  expect(ours().map((d) => d.payload.data.targetId)).toEqual([post.targets[0]!.id]);
  // The SDK logs this (INFO, as workers/main.ts logs) whenever a worker bundles its workflows itself.
  expect(compiled.output()).toContain('Chorus worker polling');
  expect(compiled.output()).not.toContain('Workflow bundle created');
  // Its start line says what bounds its memory: the heap limit (the old space asked for, plus V8's young space).
  const [, heapMb, cached] = /heap limit (\d+) MB per isolate, (\d+) cached workflows/.exec(compiled.output()) ?? [];
  expect({ heapMb: Number(heapMb) >= 256 && Number(heapMb) < 400, cached }).toEqual({ heapMb: true, cached: '300' });
});

test('a worker whose lease was taken while it still ran (a stall) knows: its held publishes must not claim, new ones hold under a new lease', async () => {
  const taskQueue = `stalled-${randomUUID()}`;
  const lease = await startedLease(taskQueue);
  try {
    const held = await lease.hold(randomBytes(32), randomUUID());
    const leases = () =>
      h().db.selectFrom('worker_leases').select(['id', 'beat']).where('task_queue', '=', taskQueue).execute();
    const [taken] = await leases();
    // As another worker's watch would, had this one stood still for 5 s.
    await waitFor('the lease taken with its hold', async () => {
      const [now] = await leases();
      return now?.id === taken!.id && (await endLostWorkerLease(h().db, now.id, now.beat, async () => undefined)) === 1;
    });
    await waitFor('the worker to find its lease gone', async () => held.lost());
    const [renewed] = await waitFor('a new lease', async () => {
      const now = await leases();
      return now.length === 1 && now[0]!.id !== taken!.id && now;
    });
    const heldAfter = await lease.hold(randomBytes(32), randomUUID());
    expect(heldAfter.lost()).toBe(false);
    expect(held.lost()).toBe(true);
    const notes = await h()
      .db.selectFrom('publish_holds')
      .select('lease_id')
      .where('lease_id', '=', renewed!.id)
      .execute();
    expect(notes).toHaveLength(1);
  } finally {
    await lease.stop();
  }
});

test('a worker stopping while Temporal is unreachable leaves its waiting publishes noted under its lease, and the lease to lapse, for the others to hand on', async () => {
  const taskQueue = `stopping-${randomUUID()}`;
  const scope = { namespace: h().client.options.namespace, taskQueue };
  const lease = new PublishLease({ db: h().db, leasesDb: h().db, temporal: h().client, scope, log: () => undefined });
  await lease.start();
  // A Temporal that cannot be reached: nothing listens on the port.
  const unreachable = new Client({
    connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }),
    namespace: scope.namespace,
  });
  const waits = new PublishWaits({ lease, temporal: unreachable, log: () => undefined });
  let ran = false;
  const staged = (claimAt: number) => ({
    taskToken: randomBytes(32),
    targetId: randomUUID(),
    claimAt,
    activity: { activityType: 'publishTargetWhenDue', attempt: 1 },
  });
  await waits.stage(staged(Date.now() + 60_000), async () => (ran = true));
  expect(waits.size).toBe(1);
  // One already over (sent): it leaves the lease with the stop, so the others' watch skips it.
  (await lease.hold(randomBytes(32), randomUUID())).release();

  const stopping = performance.now();
  expect(await waits.stop()).toBe(1); // not handed on
  // Each report is bounded (the client's own retries would keep each going for about 20 s).
  expect(performance.now() - stopping).toBeLessThan(20_000);
  await lease.stop({ leaveHeld: true });
  expect(ran).toBe(false);
  const [left] = await h()
    .db.selectFrom('worker_leases')
    .select(['id', 'beat'])
    .where('task_queue', '=', taskQueue)
    .execute();
  expect(left).toBeDefined();
  expect(await holdsUnder([left!.id])).toBe(1);
  // A stopped worker takes no new publish.
  await expect(waits.stage(staged(Date.now()), async () => undefined)).rejects.toMatchObject({
    type: 'WorkerLost',
  });
  await endLostWorkerLease(h().db, left!.id, left!.beat, async () => undefined);
  await unreachable.connection.close();
});

/** A lease of this process on its own task queue, renewed every 200 ms, started. */
async function startedLease(taskQueue: string): Promise<PublishLease> {
  const lease = new PublishLease({
    db: h().db,
    leasesDb: h().db,
    temporal: h().client,
    scope: { namespace: h().client.options.namespace, taskQueue },
    renewEveryMs: 200,
    log: () => undefined,
  });
  await lease.start();
  return lease;
}

/** A port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('LeaseWatch', () => {
  const watch = () => new LeaseWatch(5_000, 3_000, 2_000);
  const lease = (id: string, beat: string | number, ageMs = 0) => ({ id, beat: String(beat), ageMs });

  test('a lease is lost once its beat stood still through 5 s of unbroken reads; a moving one never is', () => {
    const w = watch();
    for (let t = 0; t < 5_000; t += 1_000) expect(w.observe([lease('still', 7), lease('moving', t)], t)).toEqual([]);
    expect(w.observe([lease('still', 7), lease('moving', 5_000)], 5_000)).toEqual([lease('still', 7)]);
  });

  test('a gap in its own reads (an outage) starts observation afresh: no lease is lost for a pause it could not see', () => {
    const w = watch();
    w.observe([lease('a', 1)], 0);
    w.observe([lease('a', 1)], 1_000);
    // 20 s without a read (the database was down), then the same beat, 20 s old: its worker may not have reconnected yet.
    for (let t = 21_000; t < 26_000; t += 1_000) expect(w.observe([lease('a', 1, 20_000)], t)).toEqual([]);
    expect(w.observe([lease('a', 1, 25_000)], 26_000)).toEqual([lease('a', 1, 25_000)]);
  });

  test('a failed read (reset) starts observation afresh too, ages not credited; a lease renewed once starts its count again', () => {
    const w = watch();
    w.observe([lease('a', 1)], 0);
    w.observe([lease('a', 1)], 2_000);
    w.reset();
    expect(w.observe([lease('a', 1, 30_000)], 4_000)).toEqual([]);
    expect(w.observe([lease('a', 1, 32_000)], 6_000)).toEqual([]);
    expect(w.observe([lease('a', 2)], 8_000)).toEqual([]);
    expect(w.observe([lease('a', 2)], 10_000)).toEqual([]);
    expect(w.observe([lease('a', 2)], 13_000)).toEqual([lease('a', 2)]);
  });

  test("a new watcher's first read credits an old lease's age, but still sees it stand still for 2 s itself", () => {
    const w = watch();
    // A replacement worker starting 4 s after the lost one's last renewal, beside a live one renewed just now.
    expect(w.observe([lease('lost', 9, 4_000), lease('live', 3, 200)], 0)).toEqual([]);
    expect(w.observe([lease('lost', 9, 5_000), lease('live', 4, 100)], 1_000)).toEqual([]);
    expect(w.observe([lease('lost', 9, 6_000), lease('live', 5, 100)], 2_000)).toEqual([lease('lost', 9, 6_000)]);
    // Only the first read credits ages: a lease first seen later is watched its full 5 s.
    const later = watch();
    later.observe([], 0);
    for (let t = 1_000; t < 6_000; t += 1_000) expect(later.observe([lease('old', 1, 60_000)], t)).toEqual([]);
    expect(later.observe([lease('old', 1, 65_000)], 6_000)).toEqual([lease('old', 1, 65_000)]);
  });
});
