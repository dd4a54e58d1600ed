import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { insertChannel } from '../db/channels';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { createDeps } from '../deps/create-deps';
import { startInboxReader } from '../services/inbox-store';
import { ensureSearchAttributes } from '../temporal/connection';
import { startMastodonFake, type FakeStatus, type MastodonFake } from '../test/support/mastodon-fake';
import {
  createBenchDatabase,
  machineDescription,
  percentile,
  runCleanups,
  startTemporal,
  startWorker,
  type Cleanup,
} from './support';

/**
 * The inbox's inbound read under load:
 *
 *   npm run bench:inbox                              # 10,000 items over 20 channels
 *   npm run bench:inbox -- --items 2000 --rate 200   # a quick check
 *
 * 20 Mastodon channels, each on a Mastodon fake of its own (test/support/mastodon-fake.ts, the
 * documented notifications and conversations API; its rate limit lifted), read by Chorus's
 * `inbox/<channelId>` workflows in this process's worker, polling every CHORUS_INBOX_POLL_SECONDS
 * (default here 1 s). Items are written on the fakes at `--rate` per second, spread over the
 * channels: mentions that start a thread, replies in an earlier thread (the read fetches each
 * one's context), direct messages. Figures: items stored per second (from the first item written
 * to the last stored), and the time from an item existing on its network to its conversation
 * holding it where the inbox API reads it (a probe of the database every 100 ms; counted when
 * first seen), p50 and p99. Target: p99 ≤ 5 s. Exits 0 only when every item is stored once and
 * the target is met. The last line of output is a JSON summary.
 */
const TARGET_P99_MS = 5_000;

function options() {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '10000' },
      channels: { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
      poll: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '300' },
    },
  });
  const n = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    items: n('items'),
    channels: n('channels'),
    rate: n('rate'),
    pollSeconds: n('poll'),
    timeoutS: n('timeout'),
  };
}

async function main() {
  const opts = options();
  const cleanups: Cleanup[] = [];
  try {
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      CHORUS_INBOX_POLL_SECONDS: String(opts.pollSeconds),
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...(process.env.TEMPORAL_ADDRESS ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS } : {}),
    });
    const [target, databaseUrl] = await Promise.all([
      startTemporal(config, cleanups),
      createBenchDatabase(config, cleanups),
    ]);
    const taskQueue = `bench-${randomUUID()}`;
    const deps = await createDeps(
      { ...config, DATABASE_URL: databaseUrl, CHORUS_TASK_QUEUE: taskQueue },
      { temporalAddress: target.address, sealerKey: generateKey() },
    );
    cleanups.push({ what: 'database pool and Temporal connections', run: () => deps.close() });
    await ensureSearchAttributes(deps.temporal, target.namespace);
    const worker = await startWorker(target, taskQueue, deps);
    cleanups.push(worker.stop);

    // --- One workspace, one Mastodon channel per fake instance, each read by its workflow.
    const owner = await createWorkspaceWithOwner(deps.db, { name: 'Inbox load', ownerEmail: 'bench@chorus.example' });
    const fakes: MastodonFake[] = [];
    const channelIds: string[] = [];
    for (let i = 0; i < opts.channels; i++) {
      const fake = await startMastodonFake();
      cleanups.push({ what: `Mastodon fake ${i}`, run: () => fake.close() });
      // The fake's budget is Mastodon's default (300 per 5 min); a bench measures Chorus, not the limit.
      fake.rateLimit = { limit: 1e9, remaining: 1e9, resetAt: new Date(Date.now() + 3600_000) };
      fakes.push(fake);
      const channel = await insertChannel(deps.db, {
        workspaceId: owner.workspaceId,
        actorId: owner.userId,
        provider: 'mastodon',
        name: `Mastodon ${i}`,
        accountRef: `chorus@fake-${i}`,
        credentialsSealed: deps.sealer.seal({ instance: fake.url, accessToken: fake.token }),
      });
      channelIds.push(channel.id);
      await startInboxReader(deps, { id: channel.id, workspaceId: owner.workspaceId, provider: 'mastodon' });
    }
    // Every read has run once (nothing there yet: positions start empty), so the load is read as it comes.
    await new Promise((resolve) => setTimeout(resolve, opts.pollSeconds * 1000 + 1000));

    // --- The probe: every 100 ms, the messages stored since the last look. Ids are taken in insert
    // order but committed in any order (twenty reads store at once): each look goes back a window.
    const written = new Map<string, number>(); // `${channel}/${status id}` → when it existed on its network
    const seen = new Map<string, number>();
    let lastId = '0';
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const rows = await deps.db
          .selectFrom('inbox_messages as m')
          .innerJoin('inbox_conversations as c', 'c.id', 'm.conversation_id')
          .select(['m.id', 'm.channel_id', 'm.external_id'])
          .where('c.workspace_id', '=', owner.workspaceId)
          .where('m.id', '>', String(Math.max(0, Number(lastId) - 5000)))
          .orderBy('m.id')
          .execute();
        const now = Date.now();
        for (const row of rows) {
          const key = `${row.channel_id}/${row.external_id}`;
          if (!seen.has(key)) seen.set(key, now);
          if (Number(row.id) > Number(lastId)) lastId = row.id;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // --- The load: mentions (new threads), replies in earlier threads, direct messages.
    const threads: FakeStatus[][] = fakes.map(() => []);
    const directs: FakeStatus[][] = fakes.map(() => []);
    const startedAt = Date.now();
    for (let i = 0; i < opts.items; i++) {
      const due = startedAt + (i / opts.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const c = i % opts.channels;
      const fake = fakes[c]!;
      const kind = i % 10;
      let status: FakeStatus;
      if (kind < 6 || threads[c]!.length === 0) {
        status = fake.post({ text: `@chorus question ${i}: is the order shipped?`, acct: `customer${i % 300}` });
        threads[c]!.push(status);
      } else if (kind < 9) {
        const parent = threads[c]![Math.floor(Math.random() * threads[c]!.length)]!;
        status = fake.post({
          text: `@chorus following up on ${i}, thanks!`,
          acct: `customer${i % 300}`,
          inReplyTo: parent,
        });
      } else {
        const earlier = directs[c]!.length > 0 && Math.random() < 0.3 ? directs[c]![directs[c]!.length - 1] : undefined;
        status = fake.post({
          text: `@chorus private ${i}`,
          acct: `customer${i % 300}`,
          visibility: 'direct',
          ...(earlier ? { inReplyTo: earlier } : {}),
        });
        directs[c]!.push(status);
      }
      written.set(`${channelIds[c]}/${status.id}`, Date.now());
    }
    const writtenAt = Date.now();
    console.log(`Wrote ${opts.items} items in ${((writtenAt - startedAt) / 1000).toFixed(1)} s`);

    const deadline = Date.now() + opts.timeoutS * 1000;
    while ([...written.keys()].some((k) => !seen.has(k)) && Date.now() < deadline) {
      worker.assertRunning();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    probing = false;
    await probe;

    const latencies = [...written].filter(([k]) => seen.has(k)).map(([k, at]) => seen.get(k)! - at);
    latencies.sort((a, b) => a - b);
    const lastSeen = Math.max(...seen.values());
    const counts = await deps.db
      .selectFrom('inbox_messages')
      .select((eb) => [
        eb.fn.countAll<string>().as('messages'),
        eb.fn.count<string>('conversation_id').distinct().as('conversations'),
      ])
      .where('workspace_id', '=', owner.workspaceId)
      .executeTakeFirstOrThrow();
    const figures = {
      machine: machineDescription(),
      items: opts.items,
      channels: opts.channels,
      source: 'Mastodon fake (one per channel)',
      writeRatePerSecond: opts.rate,
      pollSeconds: opts.pollSeconds,
      stored: Number(counts.messages),
      conversations: Number(counts.conversations),
      missing: opts.items - latencies.length,
      storedPerSecond: Math.round((latencies.length / ((lastSeen - startedAt) / 1000)) * 10) / 10,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: latencies[latencies.length - 1],
    };
    console.log(
      `${figures.stored} of ${opts.items} items stored (${figures.conversations} conversations) over ${opts.channels} channels: ` +
        `${figures.storedPerSecond} stored/s; from existing on the network to its conversation holding it ` +
        `p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms (target ≤ ${TARGET_P99_MS} ms), max ${figures.latencyMaxMs} ms`,
    );
    console.log(JSON.stringify(figures));
    process.exitCode =
      figures.missing === 0 && figures.stored === opts.items && (figures.latencyP99Ms ?? Infinity) <= TARGET_P99_MS
        ? 0
        : 1;
  } finally {
    await runCleanups(cleanups);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
