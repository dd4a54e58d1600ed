import { startLocalBluesky, type LocalBluesky } from '../sandbox/local-bluesky';
import { connectBluesky, connectChannel } from './support/channels';
import { addMember, bearer, createWorkspace, startHarness, type Harness, type TestWorkspace } from './support/harness';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let h: Harness;
let pds: LocalBluesky;
let hook: WebhookReceiver;
let ws: TestWorkspace;
let other: TestWorkspace;
let bluesky: { id: string };
let foreign: { id: string };

beforeAll(async () => {
  [h, pds, hook] = await Promise.all([startHarness(), startLocalBluesky(), startWebhookReceiver()]);
  [ws, other] = await Promise.all([createWorkspace(h, 'Mine'), createWorkspace(h, 'Theirs')]);
  bluesky = await connectBluesky(h, ws.token, pds, await pds.createAccount('limits'), 'Brand Bluesky');
  foreign = await connectChannel(h, other.token, { provider: 'webhook', name: 'Their hook', credentials: { url: hook.url, secret: hook.secret } });
});

afterAll(async () => {
  await h?.close();
  await pds?.stop();
  await hook?.close();
});

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/** Nothing stored and no workflow started for this workspace. */
async function expectNothingCreated(workspaceId: string) {
  const posts = await h.db.selectFrom('posts').select('id').where('workspace_id', '=', workspaceId).execute();
  expect(posts).toEqual([]);
  const workflows = await h.client.workflow.count(`ChorusWorkspace = "${workspaceId}"`);
  expect(workflows.count).toBe(0);
}

function post(payload: unknown, token = ws.token, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/v1/posts', headers: { ...bearer(token), ...headers }, payload: payload as object });
}

describe('POST /v1/posts refuses bad input with a problem document, storing nothing', () => {
  test.each([
    ['publishAt in the past', () => ({ text: 'hi', channelIds: [bluesky.id], publishAt: '2021-05-01T10:00:00+02:00' }), 422, 'publishAt', 'future'],
    ['publishAt without an offset', () => ({ text: 'hi', channelIds: [bluesky.id], publishAt: '2030-05-01T10:00:00' }), 400, 'body.publishAt', 'invalid_format'],
    ['text over the channel limit', () => ({ text: 'é'.repeat(301), channelIds: [bluesky.id] }), 422, 'text', 'channel_limits'],
    ['a variant over the channel limit', () => ({ text: 'ok', channelIds: [bluesky.id], variants: { [bluesky.id]: 'x'.repeat(400) } }), 422, () => `variants.${bluesky.id}`, 'channel_limits'],
    ['an unknown channel', () => ({ text: 'hi', channelIds: [bluesky.id, '00000000-0000-4000-8000-000000000000'] }), 422, 'channelIds.1', 'exists'],
    ["another workspace's channel", () => ({ text: 'hi', channelIds: [foreign.id] }), 422, 'channelIds.0', 'exists'],
    ['a channel id that is not a uuid', () => ({ text: 'hi', channelIds: ['nope'] }), 400, 'body.channelIds.0', 'invalid_format'],
    ['no channels', () => ({ text: 'hi', channelIds: [] }), 400, 'body.channelIds', 'too_small'],
    ['the same channel twice', () => ({ text: 'hi', channelIds: [bluesky.id, bluesky.id] }), 400, 'body.channelIds', 'custom'],
    ['empty text', () => ({ text: '', channelIds: [bluesky.id] }), 400, 'body.text', 'too_small'],
    ['a variant for a channel not in the post', () => ({ text: 'hi', channelIds: [bluesky.id], variants: { [foreign.id]: 'x' } }), 422, () => `variants.${foreign.id}`, 'in_channelIds'],
  ] as [string, () => unknown, number, string | (() => string), string][])('%s', async (_name, payload, status, fieldOf, rule) => {
    const field = typeof fieldOf === 'function' ? fieldOf() : fieldOf;
    const res = await post(payload());
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.status).toBe(status);
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    await expectNothingCreated(ws.workspaceId);
  });

  test('the limit message names the channel and the limit', async () => {
    const res = await post({ text: 'a'.repeat(301), channelIds: [bluesky.id], publishAt: inAnHour() });
    expect(res.json().detail).toContain('Bluesky allows at most 300 characters; this text has 301 (channel "Brand Bluesky")');
  });

  test('the limit counts graphemes, as people see them, and Bluesky\'s byte cap too', async () => {
    // 300 family emoji are 300 graphemes but 5,400 bytes: over Bluesky's 3,000-byte cap.
    const family = await post({ text: '👩‍👩‍👧'.repeat(300), channelIds: [bluesky.id], publishAt: inAnHour() });
    expect(family.statusCode).toBe(422);
    expect(family.json().detail).toContain('3000 bytes');
    // 300 single emoji (1,200 bytes) fit, though they are 600 UTF-16 code units. Posted in a
    // workspace of its own, so the other cases here can assert that nothing was created.
    const own = await createWorkspace(h, 'Emoji');
    const channel = await connectBluesky(h, own.token, pds, await pds.createAccount('emoji'));
    const fits = await post({ text: '🎉'.repeat(300), channelIds: [channel.id], publishAt: inAnHour() }, own.token);
    expect(fits.statusCode).toBe(201);
    await h.app.inject({ method: 'POST', url: `/v1/posts/${fits.json().id}/cancel`, headers: bearer(own.token) });
  });

  test('malformed JSON', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/posts', headers: { ...bearer(ws.token), 'content-type': 'application/json' }, payload: '{"text": "hi",' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ title: 'Bad Request', errors: [{ field: 'body', rule: 'json' }] });
  });

  test('missing token', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/posts', payload: { text: 'hi', channelIds: [bluesky.id] } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  test('wrong token', async () => {
    const res = await post({ text: 'hi', channelIds: [bluesky.id] }, 'chorus_not-a-real-token');
    expect(res.statusCode).toBe(401);
    await expectNothingCreated(ws.workspaceId);
  });

  test('a read-only role cannot post', async () => {
    const analyst = await addMember(h, ws.workspaceId, 'analyst');
    const res = await post({ text: 'hi', channelIds: [bluesky.id] }, analyst.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('"analyst"');
    await expectNothingCreated(ws.workspaceId);
  });
});

describe('channels', () => {
  test('credentials that fail verification are refused and not saved', async () => {
    const before = await h.db.selectFrom('channels').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/channels',
      headers: bearer(ws.token),
      payload: { provider: 'bluesky', name: 'Bad', credentials: { service: pds.pdsUrl, identifier: 'limits.test', password: 'wrong-wrong-wrong' } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'credentials', rule: 'verified' });
    expect(res.json().detail).toContain('Bluesky refused the credentials');
    const after = await h.db.selectFrom('channels').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    expect(after).toHaveLength(before.length);
  });

  test('a webhook that does not answer the verification ping is refused', async () => {
    hook.respondNext({ status: 500 });
    const res = await h.app.inject({ method: 'POST', url: '/v1/channels', headers: bearer(ws.token), payload: { provider: 'webhook', name: 'Down', credentials: { url: hook.url, secret: hook.secret } } });
    expect(res.statusCode).toBe(422);
  });

  test('a webhook secret that is not Standard Webhooks base64 is refused by rule', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/channels', headers: bearer(ws.token), payload: { provider: 'webhook', name: 'Weak', credentials: { url: hook.url, secret: 'short' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.credentials.secret');
  });

  test('credentials are sealed at rest and never returned', async () => {
    const list = await h.app.inject({ method: 'GET', url: '/v1/channels', headers: bearer(ws.token) });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/password|secret|credentials/i);
    const row = await h.db.selectFrom('channels').select('credentials_sealed').where('id', '=', bluesky.id).executeTakeFirstOrThrow();
    expect(row.credentials_sealed).toMatch(/^v1\./);
    expect(row.credentials_sealed).not.toContain('limits.test');
  });

  test("another workspace's channel cannot be seen or removed", async () => {
    const list = (await h.app.inject({ method: 'GET', url: '/v1/channels', headers: bearer(ws.token) })).json();
    expect(list.channels.map((c: { id: string }) => c.id)).not.toContain(foreign.id);
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/channels/${foreign.id}`, headers: bearer(ws.token) });
    expect(del.statusCode).toBe(404);
  });

  test('an editor cannot connect channels; an owner can remove one', async () => {
    const editor = await addMember(h, ws.workspaceId, 'editor');
    const res = await h.app.inject({ method: 'POST', url: '/v1/channels', headers: bearer(editor.token), payload: { provider: 'webhook', name: 'X', credentials: { url: hook.url, secret: hook.secret } } });
    expect(res.statusCode).toBe(403);
    const extra = await connectChannel(h, ws.token, { provider: 'webhook', name: 'Temporary', credentials: { url: hook.url, secret: hook.secret } });
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/channels/${extra.id}`, headers: bearer(ws.token) })).statusCode).toBe(204);
    const list = (await h.app.inject({ method: 'GET', url: '/v1/channels', headers: bearer(ws.token) })).json();
    expect(list.channels.map((c: { id: string }) => c.id)).not.toContain(extra.id);
  });
});

test('health and readiness', async () => {
  expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', database: 'ok', temporal: 'ok' });
  const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/posts', '/v1/posts/{id}/reschedule', '/v1/channels']));
});
