import { recordHistory } from './support/histories';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

const { harness: h, hook, workspace: ws, call } = useChorus({ hook: true, workspace: 'Recurring' });
let channelId: string;

beforeAll(async () => {
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Daily hook')).id;
});

const recurrence = async (id: string) => (await call(ws().token, 'GET', `/v1/recurrences/${id}`)).json();

test('a daily post publishes its first occurrence, schedules the next, and pauses, resumes and stops', async () => {
  const due = new Date(Date.now() + 3000);
  const created = await call(ws().token, 'POST', '/v1/recurrences', {
    text: `Daily digest ${Date.now()}`,
    channelIds: [channelId],
    rule: { frequency: 'daily', time: due.toISOString().slice(11, 19), timezone: 'UTC' },
    startsOn: due.toISOString().slice(0, 10),
    count: 3,
  });
  expect(created.statusCode).toBe(201);
  const r = created.json();
  expect(r.firstOccurrence).toBe(new Date(Math.floor(due.getTime() / 1000) * 1000).toISOString());

  const after = await waitFor('the first occurrence to publish and the second to be scheduled', async () => {
    const now = await recurrence(r.id);
    return now.occurrences.length === 2 && now.occurrences[0].post.status === 'published' && now;
  });
  expect(after.occurrences[1]).toMatchObject({ occurrence: 1, post: { status: 'scheduled' } });
  expect(Date.parse(after.occurrences[1].post.publishAt) - Date.parse(after.occurrences[0].post.publishAt)).toBe(
    24 * 3600_000,
  );
  expect(hook().deliveries.filter((d) => d.payload.data.postId === after.occurrences[0].post.id)).toHaveLength(1);

  expect((await call(ws().token, 'POST', `/v1/recurrences/${r.id}/pause`)).json().status).toBe('paused');
  await waitFor('the next occurrence held', async () => (await recurrence(r.id)).occurrences[1].post.status === 'held');
  expect((await call(ws().token, 'POST', `/v1/recurrences/${r.id}/pause`)).statusCode).toBe(409);
  expect((await call(ws().token, 'POST', `/v1/recurrences/${r.id}/resume`)).json().status).toBe('active');
  await waitFor(
    'the next occurrence released',
    async () => (await recurrence(r.id)).occurrences[1].post.status === 'scheduled',
  );

  expect((await call(ws().token, 'POST', `/v1/recurrences/${r.id}/stop`)).json().status).toBe('stopped');
  await waitFor(
    'the next occurrence cancelled',
    async () => (await recurrence(r.id)).occurrences[1].post.status === 'cancelled',
  );
  const result = await h().client.workflow.getHandle(r.workflowId).result();
  expect(result.status).toBe('stopped');
  expect((await recurrence(r.id)).status).toBe('stopped');
  await recordHistory(h().client, r.workflowId, 'recurrence-stopped');
});

test('recurrence bad input names the field', async () => {
  const base = { text: 'x', channelIds: [channelId], startsOn: '2030-01-01' };
  const cases: [object, string, string][] = [
    [{ rule: { frequency: 'daily', time: '25:00' } }, 'body.rule.time', 'invalid_format'],
    [{ rule: { frequency: 'daily', time: '09:00', weekdays: [1] } }, 'body.rule.weekdays', 'custom'],
    [{ rule: { frequency: 'hourly', time: '09:00' } }, 'body.rule.frequency', 'invalid_value'],
    [{ rule: { frequency: 'daily', time: '09:00', timezone: 'Mars/Olympus' } }, 'rule.timezone', 'iana'],
    [{ rule: { frequency: 'daily', time: '09:00' }, until: '2029-01-01T00:00:00Z' }, 'until', 'occurs'],
  ];
  for (const [body, field, rule] of cases) {
    const res = await call(ws().token, 'POST', '/v1/recurrences', { ...base, ...body });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().errors[0]).toMatchObject({ field, rule });
  }
  expect((await call(ws().token, 'GET', '/v1/recurrences')).json().recurrences).toHaveLength(1);
});
