import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { seedChannel, seedConversation, terminateConversations } from './support/inbox';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { testEnv } from './setup/test-env';

/**
 * The inbox's changes that tell a conversation's workflow (a reply, a PATCH, spam) while the API
 * cannot reach Temporal: 503 with Retry-After and nothing stored, then the same request goes through
 * once Temporal is back. The API reaches Temporal through a TCP proxy the test stops.
 */
let temporalProxy: TcpProxy;
beforeAll(async () => {
  temporalProxy = await startTcpProxy(`http://${testEnv('temporalAddress')}`);
});
afterAll(async () => {
  await temporalProxy?.close();
});

const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Inbox outage',
  harness: () => ({ apiTemporalAddress: new URL(temporalProxy.url).host }),
  beforeClose: (c) => terminateConversations(c.harness()),
});

test('with Temporal unreachable, a reply, a change and a spam close answer 503 and store nothing; then they go through', async () => {
  const channelId = await seedChannel(h(), {
    workspaceId: ws().workspaceId,
    createdBy: ws().userId,
    provider: 'bluesky',
  });
  const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId });
  const row = () =>
    h()
      .db.selectFrom('inbox_conversations')
      .select(['version', 'status', 'priority', 'spam'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
  const replies = () => h().db.selectFrom('inbox_replies').select('id').where('conversation_id', '=', c.id).execute();
  const audited = () => h().db.selectFrom('audit_log').select('action').where('subject_id', '=', c.id).execute();
  const before = await row();

  await temporalProxy.stop();
  try {
    for (const [method, url, body] of [
      ['POST', `/v1/inbox/conversations/${c.id}/replies`, { text: 'Hello', version: c.version }],
      ['PATCH', `/v1/inbox/conversations/${c.id}`, { priority: 'urgent' }],
      ['POST', `/v1/inbox/conversations/${c.id}/spam`, undefined],
    ] as const) {
      const res = await call(ws().token, method, url, body);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 503 });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json().detail).toMatch(/nothing was stored/);
    }
    expect(await row()).toEqual(before);
    expect(await replies()).toEqual([]);
    expect(await audited()).toEqual([]);
  } finally {
    await temporalProxy.start();
  }

  // The client reconnects within seconds of Temporal answering again; until then, still 503 and nothing stored.
  await waitFor('the reply once Temporal is back', async () => {
    const res = await call(ws().token, 'POST', `/v1/inbox/conversations/${c.id}/replies`, {
      text: 'Hello',
      version: c.version,
    });
    if (res.statusCode !== 503) expect(res.statusCode).toBe(201);
    return res.statusCode === 201;
  });
  expect(await replies()).toHaveLength(1);
  expect((await call(ws().token, 'PATCH', `/v1/inbox/conversations/${c.id}`, { priority: 'urgent' })).statusCode).toBe(
    200,
  );
});
