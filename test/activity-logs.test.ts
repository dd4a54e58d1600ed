import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

// The worker's own log, at WARN as a production worker logs.
const logged: LogEntry[] = [];
const {
  harness: h,
  hook,
  workspace: ws,
  call,
} = useChorus({
  harness: { temporalLogger: new DefaultLogger('WARN', (entry) => logged.push(entry)) },
  hook: true,
  workspace: 'Test workspace',
});

test('an expected retry (a 5xx) logs one line naming the attempt and the reason, without a stack trace', async () => {
  const channel = await connectWebhook(h(), ws().token, hook(), 'Flaky hook');
  hook().respondNext({ status: 502 });
  const res = await call(ws().token, 'POST', '/v1/posts', {
    text: `Retried once ${Date.now()}`,
    channelIds: [channel.id],
  });
  expect(res.statusCode).toBe(201);
  await waitFor(
    'the post to publish',
    async () => (await call(ws().token, 'GET', `/v1/posts/${res.json().id}`)).json().status === 'published',
  );

  const about = logged.filter((e) =>
    `${e.message} ${String((e.meta?.error as Error | undefined)?.message)}`.includes('Webhook answered 502'),
  );
  expect(about).toHaveLength(1);
  expect(about[0]).toMatchObject({ level: 'WARN', meta: undefined });
  expect(about[0]!.message).toMatch(
    new RegExp(
      `^publishTargetWhenDue attempt 1 \\(workflow ${res.json().workflowId}\\) failed: ChannelUnavailable: Flaky hook: Webhook answered 502; will retry$`,
    ),
  );
  expect(about[0]!.message).not.toContain('\n');
});
