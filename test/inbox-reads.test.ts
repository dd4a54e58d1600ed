import { inboxReadsTaskQueue, inboxWorkflowId } from '../contracts/inbox';
import { connectMastodon } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { recordHistory } from './support/histories';
import { moreReads } from './support/inbox';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

/**
 * A channel's inbound read with the harness's workers, built as every process that runs workers
 * builds them (workers/worker.ts `createChorusWorker`): the reads run on a task queue of their own
 * (contracts/inbox.ts `inboxReadsTaskQueue`), so a process without the reads' worker would store
 * nothing, silently; here the mention is stored within seconds, by a read scheduled on that queue,
 * and the channel's workflow ends when the channel is removed.
 */
let mastodon: MastodonFake;
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  harness: { inboxPollSeconds: 0.5 },
  workspace: 'Inbox reads',
  beforeClose: async () => {
    await mastodon?.close();
  },
});

beforeAll(async () => {
  mastodon = await startMastodonFake();
});

test("a channel's mention is read and stored by the harness's workers; removing the channel ends its read", async () => {
  const channel = await connectMastodon(h(), ws().token, mastodon);
  const mention = mastodon.post({ text: '@chorus is the shop open on Sunday?', acct: 'ann' });
  await waitFor(
    'the mention stored',
    () =>
      h()
        .db.selectFrom('inbox_messages')
        .select('id')
        .where('channel_id', '=', channel.id)
        .where('external_id', '=', mention.id)
        .executeTakeFirst(),
    15_000,
    50,
  );

  await moreReads(h(), channel.id, 2);
  const removed = await call(ws().token, 'DELETE', `/v1/channels/${channel.id}`);
  expect(removed.statusCode).toBe(204);
  const handle = h().client.workflow.getHandle(inboxWorkflowId(channel.id));
  const counters = await handle.result();
  expect(counters.stored).toBeGreaterThanOrEqual(1);
  await recordHistory(h().client, inboxWorkflowId(channel.id), 'inbox-channel-read');
  // Every read was scheduled on the reads' own task queue, none on the deployment's.
  const history = await handle.fetchHistory();
  const reads = (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    return scheduled?.activityType?.name === 'readInbox' ? [scheduled.taskQueue?.name] : [];
  });
  expect(reads.length).toBeGreaterThanOrEqual(1);
  expect(new Set(reads)).toEqual(new Set([inboxReadsTaskQueue(h().taskQueue)]));
  // A read that waited out its last interval itself is followed by the next at once, with no timer
  // between them (a timer costs a busy server two more workflow tasks).
  const steps = (history.events ?? []).flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? ['read'] : e.timerStartedEventAttributes ? ['timer'] : [],
  );
  expect(steps.join(' ')).toContain('read read');
}, 60_000);
