import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { connectChannel } from './support/channels';
import { bearer, createWorkspace, startHarness, waitFor, type Harness, type TestWorkspace } from './support/harness';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

// The worker's own log, at WARN as a production worker logs.
const logged: LogEntry[] = [];
let h: Harness;
let hook: WebhookReceiver;
let ws: TestWorkspace;

beforeAll(async () => {
  [h, hook] = await Promise.all([startHarness({ temporalLogger: new DefaultLogger('WARN', (entry) => logged.push(entry)) }), startWebhookReceiver()]);
  ws = await createWorkspace(h);
});

afterAll(async () => {
  await h?.close();
  await hook?.close();
});

test('an expected retry (a 5xx) logs one line naming the attempt and the reason, without a stack trace', async () => {
  const channel = await connectChannel(h, ws.token, { provider: 'webhook', name: 'Flaky hook', credentials: { url: hook.url, secret: hook.secret } });
  hook.respondNext({ status: 502 });
  const res = await h.app.inject({ method: 'POST', url: '/v1/posts', headers: bearer(ws.token), payload: { text: `Retried once ${Date.now()}`, channelIds: [channel.id] } });
  expect(res.statusCode).toBe(201);
  await waitFor('the post to publish', async () => (await h.app.inject({ method: 'GET', url: `/v1/posts/${res.json().id}`, headers: bearer(ws.token) })).json().status === 'published');

  const about = logged.filter((e) => `${e.message} ${String((e.meta?.error as Error | undefined)?.message)}`.includes('Webhook answered 502'));
  expect(about).toHaveLength(1);
  expect(about[0]).toMatchObject({ level: 'WARN', meta: undefined });
  expect(about[0]!.message).toMatch(new RegExp(`^publishTargetWhenDue attempt 1 \\(workflow ${res.json().workflowId}\\) failed: ChannelUnavailable: Flaky hook: Webhook answered 502; will retry$`));
  expect(about[0]!.message).not.toContain('\n');
});
