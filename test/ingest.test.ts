import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { listeningCountersQuery, listeningWorkflowId } from '../contracts/listening';
import { useChorus } from './support/chorus';
import { listMentions } from './support/mentions';
import { createWorkspace, waitFor, type TestWorkspace } from './support/harness';

let other: TestWorkspace;
let key: { id: string; secret: string };
const queries: Record<'brand' | 'rival' | 'firehoseOnly' | 'elsewhere', string> = {
  brand: '',
  rival: '',
  firehoseOnly: '',
  elsewhere: '',
};

const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Pushers',
  beforeClose: async () => {
    for (const [token, id] of [
      [ws().token, queries.brand],
      [ws().token, queries.rival],
      [ws().token, queries.firehoseOnly],
      [other.token, queries.elsewhere],
    ] as const) {
      if (id) await call(token, 'DELETE', `/v1/listening/queries/${id}`);
    }
  },
});

async function createQuery(token: string, name: string, expression: string, sources: object) {
  const res = await call(token, 'POST', '/v1/listening/queries', { name, expression, sources });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

/** A signed push, as a sender following Standard Webhooks builds it. */
function push(
  body: unknown,
  options: {
    key?: { id: string; secret: string };
    id?: string;
    at?: Date;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const k = options.key ?? key;
  const payload = options.raw ?? JSON.stringify(body);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(k.secret).sign(id, at, payload);
  return h().app.inject({
    method: 'POST',
    url: '/v1/listening/ingest',
    headers: {
      'content-type': 'application/json',
      'chorus-ingest-key': k.id,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
      ...options.headers,
    },
    payload,
  });
}

const mentionsOf = (queryId: string) => listMentions(call, ws().token, queryId);

beforeAll(async () => {
  other = await createWorkspace(h(), 'Other pushers');
  const created = await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'Support desk' });
  expect(created.statusCode).toBe(201);
  key = created.json();
  queries.brand = await createQuery(ws().token, 'Brand', 'chorus', { push: true });
  queries.rival = await createQuery(ws().token, 'Rival', 'hootsuite', { push: true });
  queries.firehoseOnly = await createQuery(ws().token, 'Not pushed', 'chorus', {
    bluesky: { service: 'ws://127.0.0.1:1' },
  });
  queries.elsewhere = await createQuery(other.token, 'Theirs', 'chorus', { push: true });
});

test('an ingest key shows its secret once; lists never show it', async () => {
  expect(key.secret).toMatch(/^whsec_/);
  const listed = (await call(ws().token, 'GET', '/v1/listening/ingest-keys')).json();
  expect(listed.keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
  expect(JSON.stringify(listed)).not.toContain(key.secret.slice(6));
  const stored = await h()
    .db.selectFrom('ingest_keys')
    .select(['secret_sealed'])
    .where('id', '=', key.id)
    .executeTakeFirstOrThrow();
  expect(stored.secret_sealed).not.toContain(key.secret.slice(6));
  // Another workspace neither sees nor revokes it.
  expect((await call(other.token, 'GET', '/v1/listening/ingest-keys')).json().keys).toEqual([]);
  expect((await call(other.token, 'DELETE', `/v1/listening/ingest-keys/${key.id}`)).statusCode).toBe(404);
});

test("a signed push is matched against the workspace's push queries only, stored once per query, and a repeated delivery is answered without re-reading", async () => {
  const body = {
    mentions: [
      {
        id: 'ticket-1',
        source: 'support-desk',
        text: 'Chorus support was quick and friendly, thanks!',
        author: 'dana@customer.example',
        postedAt: new Date().toISOString(),
      },
      {
        id: 'ticket-2',
        source: 'support-desk',
        text: 'Moving from Hootsuite next month',
        author: 'eli@customer.example',
      },
      { id: 'ticket-3', source: 'support-desk', text: 'Printer is broken again', author: 'fay@customer.example' },
    ],
  };
  const res = await push(body, { id: 'msg_first' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({
    deliveryId: 'msg_first',
    received: 3,
    repeatedDelivery: false,
    queries: [
      { queryId: queries.brand, stored: 1, unmatched: 2, filtered: 0, duplicate: 0 },
      { queryId: queries.rival, stored: 1, unmatched: 2, filtered: 0, duplicate: 0 },
    ],
  });
  const brand = await mentionsOf(queries.brand);
  expect(brand).toEqual([
    expect.objectContaining({
      text: 'Chorus support was quick and friendly, thanks!',
      author: 'dana@customer.example',
      source: 'push:support-desk',
      sourceId: 'ticket-1',
    }),
  ]);
  expect((await mentionsOf(queries.rival)).map((m) => m.sourceId)).toEqual(['ticket-2']);
  expect(await mentionsOf(queries.firehoseOnly)).toEqual([]);
  expect((await call(other.token, 'GET', `/v1/mentions?queryId=${queries.elsewhere}`)).json().mentions).toEqual([]);

  // The sender retries the same delivery: the first answer again, nothing stored twice.
  const retried = await push(body, { id: 'msg_first' });
  expect(retried.json()).toMatchObject({
    deliveryId: 'msg_first',
    repeatedDelivery: true,
    queries: [{ stored: 1 }, { stored: 1 }],
  });
  // A new delivery carrying the same items: they are duplicates.
  const again = await push(body);
  expect(again.json().queries[0]).toMatchObject({ stored: 0, duplicate: 1 });
  expect(await mentionsOf(queries.brand)).toHaveLength(1);
});

test("pushed mentions move the query's live counters at once, and the loop's own counters at its next turn", async () => {
  type Live = { runs: number; stored: number; filtered: number };
  const detail = async () =>
    (await call(ws().token, 'GET', `/v1/listening/queries/${queries.rival}`)).json() as {
      mentions: number;
      filteredByReason: Record<string, number>;
      live: Live | null;
    };
  const before = await waitFor('the loop to answer', async () => {
    const d = await detail();
    return d.live && d;
  });
  const res = await push({
    mentions: [
      { id: 'count-1', text: 'Hootsuite is on our list', author: 'hana@customer.example' },
      { id: 'count-2', text: 'Comparing Hootsuite today', author: 'ivan@customer.example' },
      { id: 'count-3', text: 'Hootsuite digest bot post', author: 'digest@customer.example', bot: true },
    ],
  });
  expect(res.json().queries[1]).toMatchObject({ queryId: queries.rival, stored: 2, filtered: 1 });
  const after = await detail();
  expect(after.live).toMatchObject({ stored: before.live!.stored + 2, filtered: before.live!.filtered + 1 });
  expect(after.live!.stored).toBe(after.mentions);
  expect(after.live!.filtered).toBe(Object.values(after.filteredByReason).reduce((sum, n) => sum + n, 0));
  // The workflow's own query (what the Temporal UI shows) catches up after its next read.
  const loop = h().client.workflow.getHandle(listeningWorkflowId(queries.rival));
  const counted = await waitFor('the loop to count the push', async () => {
    const live = await loop.query(listeningCountersQuery);
    return live.runs > before.live!.runs && live.stored === after.mentions && live;
  });
  expect(counted.filtered).toBe(after.live!.filtered);
});

test('a burst of one text from many accounts is noise after the third account', async () => {
  const text = 'Win a free Chorus subscription today just click the link below';
  const res = await push({
    mentions: ['a', 'b', 'c', 'd', 'e'].map((who) => ({ id: `spam-${who}`, text, author: `${who}@spam.example` })),
  });
  expect(res.json().queries[0]).toMatchObject({ stored: 3, filtered: 2 });
  const more = await push({ mentions: [{ id: 'spam-f', text: `${text}!!`, author: 'f@spam.example' }] });
  expect(more.json().queries[0]).toMatchObject({ stored: 0, filtered: 1 });
  const detail = (await call(ws().token, 'GET', `/v1/listening/queries/${queries.brand}`)).json();
  expect(detail.filteredByReason.repeated_text).toBe(3);
});

test('texts survive the array round trip exactly (quotes, backslashes, braces, commas, NULL, emoji)', async () => {
  const text = 'Chorus says "hi" \\ {a,b} NULL, \'ok\' 🎉\nsecond line';
  const res = await push({
    mentions: [
      { id: 'tricky-1', text, author: 'tricky', lang: 'en' },
      { id: 'tricky-2', text: 'Chorus NULL', author: 'NULL' },
    ],
  });
  expect(res.json().queries[0]).toMatchObject({ stored: 2 });
  const stored = await mentionsOf(queries.brand);
  expect(stored.find((m) => m.sourceId === 'tricky-1')).toMatchObject({ text, author: 'tricky' });
  expect(stored.find((m) => m.sourceId === 'tricky-2')).toMatchObject({ text: 'Chorus NULL', author: 'NULL' });
});

test('chorus ingest pushes JSON lines in signed batches; a bad line or a wrong secret is reported and exits 1', async () => {
  const address = await h().app.listen({ host: '127.0.0.1', port: 0 });
  const cli = async (secret: string, lines: string[]) => {
    const child = spawn(
      'node',
      [path.join(__dirname, '..', 'bin', 'chorus.js'), 'ingest', '--key', key.id, '--api', address],
      { env: { ...process.env, CHORUS_INGEST_SECRET: secret } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(lines.join('\n'));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, stdout, stderr };
  };
  const ok = await cli(key.secret, [
    JSON.stringify({ id: 'cli-1', source: 'forum', text: 'Chorus from the forum', author: 'fred' }),
    'not json',
    JSON.stringify({ id: 'cli-2', source: 'forum', text: 'Hootsuite from the forum', author: 'gina' }),
  ]);
  expect(ok.code).toBe(1);
  expect(ok.stderr).toContain('line 2 is not JSON');
  const answer = JSON.parse(ok.stdout.trim());
  expect(answer).toMatchObject({
    received: 2,
    queries: [
      { queryId: queries.brand, stored: 1 },
      { queryId: queries.rival, stored: 1 },
    ],
  });
  expect((await mentionsOf(queries.brand)).find((m) => m.sourceId === 'cli-1')).toMatchObject({
    source: 'push:forum',
    author: 'fred',
  });

  const wrong = await cli(`whsec_${Buffer.alloc(32, 9).toString('base64')}`, [
    JSON.stringify({ id: 'cli-3', text: 'Chorus', author: 'x' }),
  ]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('refused (401)');
  expect((await mentionsOf(queries.brand)).some((m) => m.sourceId === 'cli-3')).toBe(false);
});

describe('refused pushes store nothing', () => {
  const one = { mentions: [{ id: 'refused-1', text: 'Chorus should never see this', author: 'mallory' }] };
  const stored = async () => (await mentionsOf(queries.brand)).filter((m) => m.sourceId === 'refused-1').length;

  test.each([
    [
      'a wrong signature',
      () => push(one, { key: { id: key.id, secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` } }),
    ],
    [
      'a body changed after signing',
      () =>
        push(one, {
          headers: { 'webhook-signature': new Webhook(key.secret).sign('msg_x', new Date(), '{}') },
          id: 'msg_x',
        }),
    ],
    ['a timestamp ten minutes old', () => push(one, { at: new Date(Date.now() - 10 * 60_000) })],
    ['no key header', () => push(one, { headers: { 'chorus-ingest-key': '' } })],
    ['an unknown key', () => push(one, { key: { id: randomUUID(), secret: key.secret } })],
    ['a bearer token instead of a signature', () => call(ws().token, 'POST', '/v1/listening/ingest', one)],
    [
      'bad JSON without a key: refused before it is read',
      () =>
        h().app.inject({
          method: 'POST',
          url: '/v1/listening/ingest',
          headers: { 'content-type': 'application/json' },
          payload: '{"mentions": [',
        }),
    ],
    [
      'bad JSON with a key but no signature',
      () =>
        h().app.inject({
          method: 'POST',
          url: '/v1/listening/ingest',
          headers: { 'content-type': 'application/json', 'chorus-ingest-key': key.id },
          payload: '{"mentions": [',
        }),
    ],
  ])('%s: 401', async (_name, send) => {
    const res = await send();
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await stored()).toBe(0);
  });

  test('bad JSON or a bad field, correctly signed: 400 naming it', async () => {
    const broken = await push(undefined, { raw: '{"mentions": [' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0]).toMatchObject({ field: 'body', rule: 'json' });
    const missing = await push({ mentions: [{ id: 'x', author: 'a' }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({ field: 'body.mentions.0.text' });
    const badSource = await push({ mentions: [{ id: 'x', text: 'Chorus', author: 'a', source: 'Not A Name' }] });
    expect(badSource.json().errors[0]).toMatchObject({ field: 'body.mentions.0.source' });
  });

  test('a revoked key is refused', async () => {
    const temp = (await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'Temporary' })).json();
    expect(
      (await push({ mentions: [{ id: 'before-revoke', text: 'Chorus', author: 'x' }] }, { key: temp })).statusCode,
    ).toBe(200);
    expect((await call(ws().token, 'DELETE', `/v1/listening/ingest-keys/${temp.id}`)).statusCode).toBe(204);
    expect(
      (await push({ mentions: [{ id: 'after-revoke', text: 'Chorus', author: 'x' }] }, { key: temp })).statusCode,
    ).toBe(401);
    await waitFor('the revocation audited', async () => {
      const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${temp.id}`)).json();
      return audit.entries.some((e: { action: string }) => e.action === 'ingest_key.revoked');
    });
  });
});
