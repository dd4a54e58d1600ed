import { randomUUID } from 'node:crypto';
import { connectBluesky, connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, bearer, createWorkspace, type TestWorkspace } from './support/harness';

const { harness: h, pds, hook, workspace: ws, call } = useChorus({ pds: true, hook: true, workspace: 'Mine' });
let other: TestWorkspace;
let bluesky: { id: string };
let foreign: { id: string };

beforeAll(async () => {
  other = await createWorkspace(h(), 'Theirs');
  bluesky = await connectBluesky(h(), ws().token, pds(), await pds().createAccount('limits'), 'Brand Bluesky');
  foreign = await connectWebhook(h(), other.token, hook(), 'Their hook');
});

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const inThreeYears = () => new Date(Date.now() + 3 * 365 * 86_400_000).toISOString();

/** Nothing stored and no workflow started for this workspace. */
async function expectNothingCreated(workspaceId: string) {
  const posts = await h().db.selectFrom('posts').select('id').where('workspace_id', '=', workspaceId).execute();
  expect(posts).toEqual([]);
  const workflows = await h().client.workflow.count(`ChorusWorkspace = "${workspaceId}"`);
  expect(workflows.count).toBe(0);
}

function post(payload: unknown, token = ws().token) {
  return call(token, 'POST', '/v1/posts', payload as object);
}

describe('POST /v1/posts refuses bad input with a problem document, storing nothing', () => {
  test.each([
    [
      'publishAt in the past',
      () => ({ text: 'hi', channelIds: [bluesky.id], publishAt: '2021-05-01T10:00:00+02:00' }),
      422,
      'publishAt',
      'future',
    ],
    [
      'publishAt without an offset',
      () => ({ text: 'hi', channelIds: [bluesky.id], publishAt: '2030-05-01T10:00:00' }),
      400,
      'body.publishAt',
      'invalid_format',
    ],
    [
      'text over the channel limit',
      () => ({ text: 'é'.repeat(301), channelIds: [bluesky.id] }),
      422,
      'text',
      'channel_limits',
    ],
    [
      'a variant over the channel limit',
      () => ({ text: 'ok', channelIds: [bluesky.id], variants: { [bluesky.id]: 'x'.repeat(400) } }),
      422,
      () => `variants.${bluesky.id}`,
      'channel_limits',
    ],
    [
      'an unknown channel',
      () => ({ text: 'hi', channelIds: [bluesky.id, '00000000-0000-4000-8000-000000000000'] }),
      422,
      'channelIds.1',
      'exists',
    ],
    ["another workspace's channel", () => ({ text: 'hi', channelIds: [foreign.id] }), 422, 'channelIds.0', 'exists'],
    [
      'a channel id that is not a uuid',
      () => ({ text: 'hi', channelIds: ['nope'] }),
      400,
      'body.channelIds.0',
      'invalid_format',
    ],
    ['no channels', () => ({ text: 'hi', channelIds: [] }), 400, 'body.channelIds', 'too_small'],
    [
      'the same channel twice',
      () => ({ text: 'hi', channelIds: [bluesky.id, bluesky.id] }),
      400,
      'body.channelIds',
      'custom',
    ],
    ['empty text', () => ({ text: '', channelIds: [bluesky.id] }), 400, 'body.text', 'too_small'],
    [
      'a variant for a channel not in the post',
      () => ({ text: 'hi', channelIds: [bluesky.id], variants: { [foreign.id]: 'x' } }),
      422,
      () => `variants.${foreign.id}`,
      'in_channelIds',
    ],
    // A misspelt field was dropped and the post published at once: an embargo broken.
    [
      'a misspelt field (publish_at)',
      () => ({ text: 'hi', channelIds: [bluesky.id], publish_at: inThreeYears() }),
      400,
      'body.publish_at',
      'unknown_key',
    ],
    [
      'a NUL in the text',
      () => ({ text: 'a\u0000b', channelIds: [bluesky.id], publishAt: inAnHour() }),
      400,
      'body.text',
      'no_nul',
    ],
    [
      'a NUL in a variant',
      () => ({ text: 'hi', channelIds: [bluesky.id], variants: { [bluesky.id]: '\u0000' }, publishAt: inAnHour() }),
      400,
      () => `body.variants.${bluesky.id}`,
      'no_nul',
    ],
    ['no channelIds', () => ({ text: 'hi' }), 400, 'body.channelIds', 'required'],
    [
      'publishAt more than two years ahead',
      () => ({ text: 'hi', channelIds: [bluesky.id], publishAt: inThreeYears() }),
      422,
      'publishAt',
      'within_two_years',
    ],
  ] as [string, () => unknown, number, string | (() => string), string][])(
    '%s',
    async (_name, payload, status, fieldOf, rule) => {
      const field = typeof fieldOf === 'function' ? fieldOf() : fieldOf;
      const res = await post(payload());
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json();
      expect(problem.status).toBe(status);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      await expectNothingCreated(ws().workspaceId);
    },
  );

  test('the limit message names the channel and the limit', async () => {
    const res = await post({ text: 'a'.repeat(301), channelIds: [bluesky.id], publishAt: inAnHour() });
    expect(res.json().detail).toContain(
      'Bluesky allows at most 300 characters; this text has 301 (channel "Brand Bluesky")',
    );
  });

  test("the limit counts graphemes, as people see them, and Bluesky's byte cap too", async () => {
    // 300 family emoji are 300 graphemes but 5,400 bytes: over Bluesky's 3,000-byte cap.
    const family = await post({ text: '👩‍👩‍👧'.repeat(300), channelIds: [bluesky.id], publishAt: inAnHour() });
    expect(family.statusCode).toBe(422);
    expect(family.json().detail).toContain('3000 bytes');
    // 300 single emoji (1,200 bytes) fit, though they are 600 UTF-16 code units. Posted in a
    // workspace of its own, so the other cases here can assert that nothing was created.
    const own = await createWorkspace(h(), 'Emoji');
    const channel = await connectBluesky(h(), own.token, pds(), await pds().createAccount('emoji'));
    const fits = await post({ text: '🎉'.repeat(300), channelIds: [channel.id], publishAt: inAnHour() }, own.token);
    expect(fits.statusCode).toBe(201);
    await call(own.token, 'POST', `/v1/posts/${fits.json().id}/cancel`);
  });

  test('malformed JSON', async () => {
    const res = await h().app.inject({
      method: 'POST',
      url: '/v1/posts',
      headers: { ...bearer(ws().token), 'content-type': 'application/json' },
      payload: '{"text": "hi",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ title: 'Bad Request', errors: [{ field: 'body', rule: 'json' }] });
  });

  test('missing token', async () => {
    const res = await call(undefined, 'POST', '/v1/posts', { text: 'hi', channelIds: [bluesky.id] });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  test('wrong token', async () => {
    const res = await post({ text: 'hi', channelIds: [bluesky.id] }, 'chorus_not-a-real-token');
    expect(res.statusCode).toBe(401);
    await expectNothingCreated(ws().workspaceId);
  });

  test('a read-only role cannot post', async () => {
    const analyst = await addMember(h(), ws().workspaceId, 'analyst');
    const res = await post({ text: 'hi', channelIds: [bluesky.id] }, analyst.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('"analyst"');
    await expectNothingCreated(ws().workspaceId);
  });
});

describe('channels', () => {
  test('credentials that fail verification are refused and not saved', async () => {
    const before = await h()
      .db.selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', ws().workspaceId)
      .execute();
    const res = await call(ws().token, 'POST', '/v1/channels', {
      provider: 'bluesky',
      name: 'Bad',
      credentials: { service: pds().pdsUrl, identifier: 'limits.test', password: 'wrong-wrong-wrong' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'credentials', rule: 'verified' });
    expect(res.json().detail).toContain('Bluesky refused the credentials');
    const after = await h()
      .db.selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', ws().workspaceId)
      .execute();
    expect(after).toHaveLength(before.length);
  });

  test('a webhook that does not answer the verification ping is refused', async () => {
    hook().respondNext({ status: 500 });
    const res = await call(ws().token, 'POST', '/v1/channels', {
      provider: 'webhook',
      name: 'Down',
      credentials: { url: hook().url, secret: hook().secret },
    });
    expect(res.statusCode).toBe(422);
  });

  test('a webhook secret that is not Standard Webhooks base64 is refused by rule', async () => {
    const res = await call(ws().token, 'POST', '/v1/channels', {
      provider: 'webhook',
      name: 'Weak',
      credentials: { url: hook().url, secret: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.credentials.secret');
  });

  test('credentials are sealed at rest and never returned', async () => {
    const list = await call(ws().token, 'GET', '/v1/channels');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/password|secret|credentials/i);
    const row = await h()
      .db.selectFrom('channels')
      .select('credentials_sealed')
      .where('id', '=', bluesky.id)
      .executeTakeFirstOrThrow();
    expect(row.credentials_sealed).toMatch(/^v1\./);
    expect(row.credentials_sealed).not.toContain('limits.test');
  });

  test("another workspace's channel cannot be seen or removed", async () => {
    const list = (await call(ws().token, 'GET', '/v1/channels')).json();
    expect(list.channels.map((c: { id: string }) => c.id)).not.toContain(foreign.id);
    const del = await call(ws().token, 'DELETE', `/v1/channels/${foreign.id}`);
    expect(del.statusCode).toBe(404);
  });

  test('an editor cannot connect channels; an owner can remove one', async () => {
    const editor = await addMember(h(), ws().workspaceId, 'editor');
    const res = await call(editor.token, 'POST', '/v1/channels', {
      provider: 'webhook',
      name: 'X',
      credentials: { url: hook().url, secret: hook().secret },
    });
    expect(res.statusCode).toBe(403);
    const extra = await connectWebhook(h(), ws().token, hook(), 'Temporary');
    expect((await call(ws().token, 'DELETE', `/v1/channels/${extra.id}`)).statusCode).toBe(204);
    const list = (await call(ws().token, 'GET', '/v1/channels')).json();
    expect(list.channels.map((c: { id: string }) => c.id)).not.toContain(extra.id);
  });
});

describe('strict input: unknown keys, NULs and invalid UTF-8 are refused, naming the field', () => {
  const errorsOf = (res: { json(): unknown }) =>
    (res.json() as { errors: { field: string; rule: string; message: string }[] }).errors;

  test('invalid UTF-8 in a JSON body names the field, instead of being replaced with U+FFFD', async () => {
    const payload = Buffer.concat([
      Buffer.from('{"text":"Caf'),
      Buffer.from([0xe9]),
      Buffer.from(`","channelIds":["${bluesky.id}"],"publishAt":"${inAnHour()}"}`),
    ]);
    const res = await h().app.inject({
      method: 'POST',
      url: '/v1/posts',
      headers: { ...bearer(ws().token), 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(errorsOf(res)).toEqual([{ field: 'body.text', rule: 'utf8', message: 'must be valid UTF-8' }]);
    await expectNothingCreated(ws().workspaceId);
  });

  test('a query string: an unknown key, a NUL and invalid percent-encoded UTF-8', async () => {
    const unknown = await call(ws().token, 'GET', '/v1/posts?campaign_id=x&limit=5');
    expect(unknown.statusCode).toBe(400);
    expect(errorsOf(unknown)).toEqual([
      { field: 'querystring.campaign_id', rule: 'unknown_key', message: 'is not a known field' },
    ]);
    const nul = await call(ws().token, 'GET', '/v1/audit?subject=a%00b');
    expect(nul.statusCode).toBe(400);
    expect(errorsOf(nul)).toEqual([expect.objectContaining({ field: 'querystring.subject', rule: 'no_nul' })]);
    const latin1 = await call(ws().token, 'GET', '/v1/library?tag=caf%E9');
    expect(latin1.statusCode).toBe(400);
    expect(errorsOf(latin1)).toEqual([expect.objectContaining({ field: 'querystring.tag', rule: 'utf8' })]);
  });

  test('POST /v1/tokens with a userId is refused, and no token is made', async () => {
    const before = (await call(ws().token, 'GET', '/v1/tokens?all=true')).json().tokens.length;
    const res = await call(ws().token, 'POST', '/v1/tokens', { name: 'For someone else', userId: randomUUID() });
    expect(res.statusCode).toBe(400);
    expect(errorsOf(res)).toEqual([{ field: 'body.userId', rule: 'unknown_key', message: 'is not a known field' }]);
    expect((await call(ws().token, 'GET', '/v1/tokens?all=true')).json().tokens).toHaveLength(before);
  });

  test('a route that takes no body refuses one', async () => {
    const res = await call(ws().token, 'POST', `/v1/posts/${randomUUID()}/cancel`, { force: true });
    expect(res.statusCode).toBe(400);
    expect(errorsOf(res)).toEqual([expect.objectContaining({ field: 'body.force', rule: 'unknown_key' })]);
  });

  test('a missing required field says "required"', async () => {
    const res = await call(ws().token, 'GET', '/v1/listening/stats?interval=day');
    expect(res.statusCode).toBe(400);
    expect(errorsOf(res)).toEqual([
      { field: 'querystring.from', rule: 'required', message: 'is required' },
      { field: 'querystring.to', rule: 'required', message: 'is required' },
    ]);
  });

  test('413 and 415 are titled by their own status', async () => {
    const tooLarge = await post({ text: 'a'.repeat(1_100_000), channelIds: [bluesky.id] });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ status: 413, title: 'Payload Too Large' });
    for (const type of ['application/xml', 'text/plain']) {
      const unsupported = await h().app.inject({
        method: 'POST',
        url: '/v1/posts',
        headers: { ...bearer(ws().token), 'content-type': type },
        payload: 'hi',
      });
      expect(unsupported.statusCode).toBe(415);
      expect(unsupported.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
    }
    const tiff = await h().app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(ws().token), 'content-type': 'image/tiff' },
      payload: Buffer.from('II*\u0000'),
    });
    expect(tiff.statusCode).toBe(415);
    expect(tiff.json().title).toBe('Unsupported Media Type');
  });

  test('a CSV import with a NUL names its line and column', async () => {
    const res = await h().app.inject({
      method: 'POST',
      url: '/v1/posts/import?dryRun=true',
      headers: { ...bearer(ws().token), 'content-type': 'text/csv' },
      payload: `text,channels,publishAt\nhi\u0000,Brand Bluesky,${inAnHour()}\n`,
    });
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual([expect.objectContaining({ field: 'lines.2.text', rule: 'no_nul' })]);
  });
});

describe('in a workspace of its own (it creates posts)', () => {
  let own: TestWorkspace;
  let hookChannel: { id: string };

  beforeAll(async () => {
    own = await createWorkspace(h(), 'Filters');
    hookChannel = await connectWebhook(h(), own.token, hook(), 'Hook');
  });

  test("GET /v1/posts?campaignId= gives only the campaign's posts", async () => {
    const campaign = await call(own.token, 'POST', '/v1/campaigns', {
      name: 'Launch',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      channelIds: [hookChannel.id],
    });
    expect(campaign.statusCode).toBe(201);
    const inside = await call(own.token, 'POST', '/v1/posts', {
      text: 'In the campaign',
      channelIds: [hookChannel.id],
      publishAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      campaignId: campaign.json().id,
    });
    const outside = await call(own.token, 'POST', '/v1/posts', {
      text: 'Not in it',
      channelIds: [hookChannel.id],
      publishAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    });
    expect([inside.statusCode, outside.statusCode]).toEqual([201, 201]);
    const listed = await call(own.token, 'GET', `/v1/posts?campaignId=${campaign.json().id}`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().posts.map((p: { id: string }) => p.id)).toEqual([inside.json().id]);
    expect((await call(own.token, 'GET', '/v1/posts')).json().posts).toHaveLength(2);
  });

  test('a publish time more than two years ahead is refused wherever one is given', async () => {
    const scheduled = await call(own.token, 'POST', '/v1/posts', {
      text: 'Soon',
      channelIds: [hookChannel.id],
      publishAt: inAnHour(),
    });
    expect(scheduled.statusCode).toBe(201);
    const reschedule = await call(own.token, 'POST', `/v1/posts/${scheduled.json().id}/reschedule`, {
      publishAt: inThreeYears(),
    });
    expect(reschedule.statusCode).toBe(422);
    expect(reschedule.json().errors).toEqual([
      expect.objectContaining({ field: 'publishAt', rule: 'within_two_years' }),
    ]);

    const campaign = await call(own.token, 'POST', '/v1/campaigns', {
      name: 'Far off',
      startsAt: inThreeYears(),
      endsAt: new Date(Date.now() + 4 * 365 * 86_400_000).toISOString(),
      channelIds: [hookChannel.id],
    });
    expect(campaign.statusCode).toBe(422);
    expect(campaign.json().errors).toEqual([
      expect.objectContaining({ field: 'startsAt', rule: 'within_two_years' }),
      expect.objectContaining({ field: 'endsAt', rule: 'within_two_years' }),
    ]);

    const recurrence = await call(own.token, 'POST', '/v1/recurrences', {
      text: 'Weekly',
      channelIds: [hookChannel.id],
      rule: { frequency: 'daily', time: '09:00', timezone: 'UTC' },
      startsOn: inThreeYears().slice(0, 10),
    });
    expect(recurrence.statusCode).toBe(422);
    expect(recurrence.json().errors).toEqual([
      expect.objectContaining({ field: 'startsOn', rule: 'within_two_years' }),
    ]);

    const csv = await h().app.inject({
      method: 'POST',
      url: '/v1/posts/import?dryRun=true',
      headers: { ...bearer(own.token), 'content-type': 'text/csv' },
      payload: `text,channels,publishAt\nFar,Hook,${inThreeYears()}\n`,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.json().invalid).toEqual([
      { line: 2, errors: [expect.objectContaining({ field: 'publishAt', rule: 'within_two_years' })] },
    ]);
  });
});

test('health and readiness', async () => {
  expect((await call(undefined, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
  expect((await call(undefined, 'GET', '/readyz')).json()).toMatchObject({
    status: 'ready',
    database: 'ok',
    temporal: 'ok',
  });
  const spec = (await call(undefined, 'GET', '/openapi.json')).json();
  expect(Object.keys(spec.paths)).toEqual(
    expect.arrayContaining(['/v1/posts', '/v1/posts/{id}/reschedule', '/v1/channels']),
  );
});
