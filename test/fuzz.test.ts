import net from 'node:net';
import { findPosts } from '../db/posts';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { seedChannel, seedConversation } from './support/inbox';
import {
  callRoute,
  documentedRoutes,
  example,
  pathsOf,
  stringPaths,
  withValueAt,
  type JsonSchema,
  type RawRequest,
  type Route,
} from './support/openapi';

/**
 * Fuzzing generated from /openapi.json: every route and method gets wrong types, missing and unknown
 * keys, huge and NUL strings in every field, bad ids, bad content types and bad query strings, as
 * the workspace's owner (the widest role) so that requests get past authentication and roles. Not
 * one may answer 5xx, and every error must be a problem document (application/problem+json).
 * Deterministic: the cases and their values come from a seeded generator.
 */

const { harness: h, hook, workspace: ws, call } = useChorus({ hook: true, workspace: 'Fuzz' });

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(13);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** A version-4 uuid from the seeded generator. */
function uuid(): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
/** A short string of awkward characters: controls, quotes, markup, astral and combining characters, a lone surrogate. */
function junk(): string {
  const pieces = [
    '\u0001',
    '\t',
    '"',
    "'",
    '\\',
    '<script>',
    '%',
    '&',
    '=',
    '\u202e',
    '😀',
    'e\u0301',
    '\ud800',
    ' ',
    '𝔘',
  ];
  return Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join('');
}

const HUGE = 'x'.repeat(100_000);
const PAST_BIGINT = '99999999999999999999';
/** Values for a path parameter that no id can be. */
const BAD_IDS = ['x', PAST_BIGINT, '-1', '0', '1.5', '%00', 'a%00b', '%E0%A4%A', '%zz', '%', '%20', 'a'.repeat(200)];
/** Query values that no parameter takes. */
const BAD_QUERY_VALUES = [
  '%00',
  'x%00y',
  '%E0%A4%A',
  '%',
  '%zz',
  '',
  PAST_BIGINT,
  '-1',
  '1.5',
  'x',
  'x'.repeat(10_000),
];

let ingestKey: { id: string; secret: string };
let routes: Route[];
/** Real ids of the seeded workspace's records, for routes under these paths (so their inputs reach the handlers). */
const known = new Map<string, string>();

beforeAll(async () => {
  const token = ws().token;
  ingestKey = (await call(token, 'POST', '/v1/listening/ingest-keys', { name: 'Fuzz' })).json();
  const channel = await connectWebhook(h(), token, hook(), 'Fuzz hook');
  const inADay = new Date(Date.now() + 86_400_000).toISOString();
  const created = async (url: string, body: object) => {
    const res = await call(token, 'POST', url, body);
    if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { id: string }).id;
  };
  known.set('/v1/channels/{id}', channel.id);
  known.set(
    '/v1/posts/{id}',
    await created('/v1/posts', { text: 'Fuzz', channelIds: [channel.id], publishAt: inADay }),
  );
  known.set(
    '/v1/recurrences/{id}',
    await created('/v1/recurrences', {
      text: 'Daily fuzz',
      channelIds: [channel.id],
      rule: { frequency: 'daily', time: '09:00', timezone: 'UTC' },
      startsOn: inADay.slice(0, 10),
    }),
  );
  known.set(
    '/v1/campaigns/{id}',
    await created('/v1/campaigns', {
      name: 'Fuzz',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      channelIds: [channel.id],
    }),
  );
  known.set('/v1/library/{id}', await created('/v1/library', { kind: 'snippet', name: 'Fuzz', body: 'Hello' }));
  known.set(
    '/v1/listening/queries/{id}',
    await created('/v1/listening/queries', {
      name: 'Fuzz',
      expression: 'chorus',
      kind: 'brand',
      sources: { push: true },
    }),
  );
  // The inbox: a conversation (on a Bluesky channel row, so replies reach their checks) with a reply, and a rule.
  const bluesky = await seedChannel(h(), {
    workspaceId: ws().workspaceId,
    createdBy: ws().userId,
    provider: 'bluesky',
  });
  known.set('bluesky', bluesky);
  const conversation = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
  known.set('/v1/inbox/conversations/{id}', conversation.id);
  known.set('/v1/inbox/contacts/{id}', conversation.contactId);
  known.set('/v1/inbox/messages/{id}', conversation.messageIds[0]!);
  const reply = await call(token, 'POST', `/v1/inbox/conversations/${conversation.id}/replies`, {
    text: 'Fuzz',
    version: conversation.version,
  });
  if (reply.statusCode !== 201) throw new Error(`POST replies answered ${reply.statusCode}: ${reply.body}`);
  known.set('/v1/inbox/replies/{id}', reply.json().reply.id);
  known.set(
    '/v1/inbox/assignment-rules/{id}',
    await created('/v1/inbox/assignment-rules', { name: 'Fuzz', conditions: {}, assignees: { role: 'editor' } }),
  );
  routes = await documentedRoutes(h());
});

/**
 * Bodies the API accepts, for the routes whose generated example it refuses (every optional field
 * filled in makes some contradictory): their mutations then reach the checks past the schema.
 */
function acceptedBody(route: Route): unknown {
  const channel = known.get('/v1/channels/{id}')!;
  const inADay = new Date(Date.now() + 86_400_000).toISOString();
  const step = {
    name: 'Review',
    mode: 'any',
    approvers: { roles: ['owner'] },
    deadlineSeconds: 3600,
    remindBeforeSeconds: 60,
    escalateTo: { roles: ['owner'] },
  };
  const filters = { minLength: 0, languages: ['en'], blockAuthors: ['x'], blockDomains: ['example.com'] };
  const alerting = {
    windowSeconds: 600,
    baselineWindows: 3,
    minVolume: 1,
    volumeFactor: 2,
    negativeShareIncrease: 0.1,
  };
  const bodies: Record<string, () => unknown> = {
    'PUT /v1/channels/{id}/slots': () => ({
      timezone: 'Europe/Paris',
      slots: [{ day: 1, time: '09:00' }],
      minGapMinutes: 5,
    }),
    'PUT /v1/channels/{id}/credentials': () => ({ credentials: { url: hook().url, secret: hook().secret } }),
    'POST /v1/posts/preview': () => ({
      text: 'Hello',
      channelIds: [channel],
      variants: { [channel]: 'Hi' },
      publishAt: inADay,
      campaignId: known.get('/v1/campaigns/{id}'),
    }),
    'POST /v1/posts': () => ({
      text: 'Hello',
      channelIds: [channel],
      variants: { [channel]: 'Hi' },
      publishAt: inADay,
      campaignId: known.get('/v1/campaigns/{id}'),
    }),
    'POST /v1/posts/{id}/edit': () => ({ text: 'Edited', variants: { [channel]: 'Edited too' } }),
    'POST /v1/recurrences': () => ({
      text: 'Daily',
      channelIds: [channel],
      variants: { [channel]: 'Daily too' },
      rule: { frequency: 'daily', interval: 1, time: '09:00', timezone: 'UTC' },
      startsOn: inADay.slice(0, 10),
      count: 3,
    }),
    'POST /v1/library': () => ({
      kind: 'snippet',
      name: 'Snippet',
      body: 'Hello {{name}}',
      tags: ['x'],
      expiresAt: inADay,
    }),
    'POST /v1/listening/queries': () => ({
      name: 'Query',
      expression: 'chorus OR "social media"',
      kind: 'brand',
      sources: { push: true },
      filters,
      alerting,
    }),
    'PATCH /v1/listening/queries/{id}': () => ({ name: 'Renamed', expression: 'chorus', filters, alerting }),
    'POST /v1/listening/ingest': () => ({
      mentions: [
        {
          id: 'fuzz-1',
          source: 'fuzz',
          text: 'chorus is nice',
          author: 'someone',
          url: 'https://example.test/1',
          lang: 'en',
          postedAt: new Date().toISOString(),
          links: ['https://example.test/'],
          bot: false,
        },
      ],
    }),
    'POST /v1/inbox/conversations/{id}/replies': () => ({ text: 'Hello', version: 1 }),
    'PATCH /v1/inbox/conversations/{id}': () => ({
      status: 'pending',
      priority: 'high',
      tags: ['x'],
      assigneeId: ws().userId,
    }),
    'PUT /v1/inbox/settings': () => ({ replyApproval: { mode: 'roles', roles: ['editor'], steps: [step] } }),
    'PUT /v1/inbox/sla-targets': () => ({
      targets: [{ priority: 'normal', firstResponseMinutes: 60, resolutionMinutes: 120, remindBeforeMinutes: 10 }],
    }),
    'POST /v1/inbox/assignment-rules': () => ({
      name: 'Rule',
      enabled: true,
      conditions: { channelIds: [known.get('bluesky')], keywords: ['refund'], sentiment: 'negative', lead: true },
      assignees: { userIds: [ws().userId] },
      position: 1,
    }),
    'PUT /v1/inbox/assignment-rules/{id}': () => ({
      name: 'Rule',
      enabled: false,
      conditions: { keywords: ['refund'] },
      assignees: { userIds: [ws().userId] },
      position: 1,
    }),
    'POST /v1/inbox/ingest': () => ({
      items: [
        {
          id: 'fuzz-1',
          source: 'fuzz',
          thread: 'ticket-1',
          text: 'where is my order?',
          author: { id: 'someone', name: 'Someone', handle: 'someone', url: 'https://example.test/someone' },
          url: 'https://example.test/1',
          postedAt: new Date().toISOString(),
        },
      ],
    }),
    'POST /v1/invitations/accept': () => ({ code: 'not-a-code', password: 'a long password', name: 'Someone' }),
    'PUT /v1/approval-policies': () => ({ channelId: channel, steps: [step], distinctApprovers: false }),
    'POST /v1/content-rules': () => ({
      name: 'Legal',
      match: { keywords: ['guarantee'], linkDomains: ['example.com'], channelIds: [channel] },
      step,
      position: 'first',
    }),
    'PUT /v1/notifications/webhook': () => ({ url: hook().url, secret: hook().secret }),
    'POST /v1/campaigns': () => ({
      name: 'Campaign',
      objective: 'Reach',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      channelIds: [channel],
      tags: ['x'],
      utm: { medium: 'social', campaign: 'fuzz', sources: { [channel]: 'hook' } },
      enforceDates: false,
    }),
  };
  const made = bodies[`${route.method} ${route.path}`];
  return made ? made() : withKnownIds(example(route.body!, uuid));
}

/** The path with its parameters filled in: a seeded record's id where there is one (not for streams or deletions), else an example. */
function urlOf(route: Route, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (params[name] !== undefined) return params[name];
    const prefix = [...known.keys()].find((p) => route.path.startsWith(p));
    if (prefix && route.method !== 'DELETE' && !route.path.endsWith('/live')) return known.get(prefix)!;
    return String(example(route.pathParams[name]!, uuid));
  });
}

interface Case {
  route: Route;
  what: string;
  request: RawRequest;
}

/** A value of another JSON type than `value`'s. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return pick([12345, true, ['x'], { x: 1 }]);
  if (typeof value === 'number') return pick(['1', true, [1], null]);
  if (typeof value === 'boolean') return pick(['true', 1, null]);
  if (Array.isArray(value)) return pick(['x', { 0: value[0] }, 1]);
  if (value !== null && typeof value === 'object') return pick(['x', [value], 1]);
  return pick([{}, 'x', 1]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value with each id replaced by the seeded record its field names (channelIds: the channel), so that checks past "exists" run. */
function withKnownIds(value: unknown): unknown {
  return pathsOf(value, (v) => typeof v === 'string' && UUID.test(v)).reduce((body, path) => {
    const name = [...path].reverse().find((key) => !/^\d+$/.test(key) && !UUID.test(key)) ?? '';
    const prefix = Object.entries({
      channel: 'channels',
      post: 'posts',
      campaign: 'campaigns',
      library: 'library',
    }).find(([word]) => name.toLowerCase().includes(word));
    const id = prefix && known.get(`/v1/${prefix[1]}/{id}`);
    return id ? withValueAt(body, path, () => id) : body;
  }, value);
}

function bodyCases(route: Route, schema: JsonSchema): Case[] {
  const url = urlOf(route);
  const random = example(schema, uuid);
  const valid = acceptedBody(route);
  const cases: Case[] = [
    { route, what: 'the example body', request: { url, body: valid } },
    { route, what: 'the example body with unknown ids', request: { url, body: random } },
  ];
  for (const body of [{}, [], null, 'x', 0, true])
    cases.push({ route, what: `the body ${JSON.stringify(body)}`, request: { url, body } });
  cases.push({ route, what: 'an unknown key', request: { url, body: { ...(valid as object), fuzz: junk() } } });
  for (const path of pathsOf(valid, () => true).filter((p) => p.length > 0)) {
    const at = `body.${path.join('.')}`;
    const old = path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], valid);
    cases.push({ route, what: `${at} missing`, request: { url, body: withValueAt(valid, path, () => undefined) } });
    cases.push({ route, what: `${at} of the wrong type`, request: { url, body: withValueAt(valid, path, wrongType) } });
    if (old !== null && typeof old === 'object' && !Array.isArray(old))
      cases.push({
        route,
        what: `an unknown key in ${at}`,
        request: { url, body: withValueAt(valid, path, (o) => ({ ...(o as object), fuzz: 1 })) },
      });
    if (typeof old === 'number')
      for (const n of [-1, 0, 1.5, 2 ** 53 + 2, 1e308])
        cases.push({ route, what: `${at} = ${n}`, request: { url, body: withValueAt(valid, path, () => n) } });
  }
  for (const path of stringPaths(valid)) {
    const at = `body.${path.join('.')}`;
    for (const [name, replace] of [
      ['huge', () => HUGE],
      ['a NUL', (o: unknown) => `${String(o)}\u0000`],
      ['only a NUL', () => '\u0000'],
      ['empty', () => ''],
      ['junk', () => junk()],
    ] as const)
      cases.push({ route, what: `${at} ${name}`, request: { url, body: withValueAt(valid, path, replace) } });
  }
  return cases;
}

/** Bodies as they should not be sent: other content types, broken JSON, an empty body declared as JSON. */
function contentTypeCases(route: Route): Case[] {
  const url = urlOf(route);
  return [
    { route, what: 'a text/plain body', request: { url, payload: 'hello', contentType: 'text/plain' } },
    {
      route,
      what: 'a form body',
      request: { url, payload: 'a=1&b=%00', contentType: 'application/x-www-form-urlencoded' },
    },
    { route, what: 'malformed JSON', request: { url, payload: '{"text": "hi",', contentType: 'application/json' } },
    { route, what: 'an empty JSON body', request: { url, payload: '', contentType: 'application/json' } },
    {
      route,
      what: 'JSON of invalid UTF-8',
      request: {
        url,
        payload: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
        contentType: 'application/json',
      },
    },
    {
      route,
      what: 'a NUL escaped in a JSON key',
      request: { url, payload: '{"\\u0000":1}', contentType: 'application/json' },
    },
    {
      route,
      what: 'deeply nested JSON',
      request: { url, payload: '['.repeat(5000) + ']'.repeat(5000), contentType: 'application/json' },
    },
  ];
}

function queryCases(route: Route): Case[] {
  const url = urlOf(route);
  const names = [...route.query, 'unexpectedKey'];
  const cases: Case[] = [
    { route, what: 'a NUL as a query key', request: { url, query: '%00=1' } },
    { route, what: 'bad percent-encoding in a query key', request: { url, query: '%E0%A4%A=1' } },
    { route, what: 'a query string of only separators', request: { url, query: '&&=&' } },
  ];
  for (const name of names) {
    // A key the route does not take is refused whatever its value: three values are enough there.
    for (const value of name === 'unexpectedKey' ? ['%00', '%E0%A4%A', 'x'.repeat(10_000)] : BAD_QUERY_VALUES)
      cases.push({
        route,
        what: `querystring.${name}=${value.slice(0, 20)}`,
        request: { url, query: `${name}=${value}` },
      });
    cases.push({ route, what: `querystring.${name} twice`, request: { url, query: `${name}=a&${name}=b` } });
    cases.push({
      route,
      what: `querystring.${name} junk`,
      request: { url, query: `${name}=${encodeURIComponent(junk().replace(/\ud800/g, ''))}` },
    });
    const schema = route.querySchemas[name];
    if (schema)
      cases.push({
        route,
        what: `querystring.${name} an example`,
        request: { url, query: `${name}=${encodeURIComponent(String(example(schema, uuid)))}` },
      });
  }
  return cases;
}

/** Bad ids, with a valid body where the route takes one (so that the id, not the body, is what is wrong). */
function pathCases(route: Route): Case[] {
  const body = route.body ? acceptedBody(route) : undefined;
  return Object.keys(route.pathParams).flatMap((name) =>
    BAD_IDS.map((id) => ({
      route,
      what: `params.${name}=${id.slice(0, 20)}`,
      request: { url: urlOf(route, { [name]: id }), body },
    })),
  );
}

/** Odd values of the headers a route reads: huge, junk, empty. */
function headerCases(route: Route): Case[] {
  const body = route.body ? acceptedBody(route) : undefined;
  return route.headers.flatMap((name) =>
    ['x'.repeat(8000), '\t<>"\'%00', ' ', 'é'].map((value) => ({
      route,
      what: `the header ${name}: ${value.slice(0, 10)}`,
      request: { url: urlOf(route), body, headers: { [name]: value } },
    })),
  );
}

function casesOf(route: Route): Case[] {
  return [
    ...headerCases(route),
    ...(route.body ? bodyCases(route, route.body) : [{ route, what: 'no input', request: { url: urlOf(route) } }]),
    ...(route.method === 'GET' ? [] : contentTypeCases(route)),
    ...queryCases(route),
    ...pathCases(route),
  ];
}

/** What is wrong with the answer to a case: a 5xx, or an error that is not a problem document. */
function flaw(c: Case, res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  const problem = String(res.headers['content-type']).startsWith('application/problem+json');
  if (res.statusCode < 500 && (res.statusCode < 400 || problem)) return undefined;
  return `${c.route.method} ${c.route.path}, ${c.what}: ${res.statusCode} ${String(res.headers['content-type'])} ${res.body.slice(0, 200)}`;
}

test('no generated request answers 5xx, and every error is a problem document', async () => {
  const cases = routes.flatMap(casesOf);
  const failures: string[] = [];
  const routesSent = new Set<string>();
  for (const c of cases) {
    routesSent.add(`${c.route.method} ${c.route.path}`);
    const res = await callRoute(h(), { token: ws().token, ingestKey }, c.route, c.request, uuid);
    const wrong = flaw(c, res);
    if (wrong) failures.push(wrong);
  }
  expect(failures).toEqual([]);
  expect(routesSent.size).toBe(routes.length);
  expect(cases.length).toBeGreaterThan(3000);
  // Over 3,000 requests one after another: past the suite's 120 s on a machine at half its speed
  // (CI, 2026-11-28), so this one test has more.
}, 300_000);

/** The answer's status and its errors' fields and rules. */
async function refused(route: Route, request: RawRequest) {
  const res = await callRoute(h(), { token: ws().token, ingestKey }, route, request, uuid);
  const body = String(res.headers['content-type']).startsWith('application/problem+json')
    ? (res.json() as { errors?: { field: string; rule: string }[] })
    : {};
  return { status: res.statusCode, errors: (body.errors ?? []).map((e) => `${e.field} ${e.rule}`) };
}

const routeOf = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;

test('a mention id past bigint range is refused naming the id and the rule', async () => {
  const route = routeOf('PATCH', '/v1/mentions/{id}');
  expect(await refused(route, { url: '/v1/mentions/99999999999999999999', body: { sentiment: 'neutral' } })).toEqual({
    status: 400,
    errors: ['params.id too_big'],
  });
  // The largest bigint is an id like any other: no such mention.
  expect(
    (await refused(route, { url: '/v1/mentions/9223372036854775807', body: { sentiment: 'neutral' } })).status,
  ).toBe(404);
});

test('every PATCH route refuses an empty patch with 422 naming the body', async () => {
  const patches = routes.filter((r) => r.method === 'PATCH');
  expect(patches.length).toBeGreaterThanOrEqual(3);
  for (const route of patches)
    expect([route.path, await refused(route, { url: urlOf(route), body: {} })]).toEqual([
      route.path,
      { status: 422, errors: ['body not_empty'] },
    ]);
});

test('half a surrogate pair, escaped in JSON, is refused naming the field, as invalid UTF-8 is', async () => {
  const route = routeOf('POST', '/v1/posts');
  const channelId = known.get('/v1/channels/{id}')!;
  expect(await refused(route, { payload: `{"text":"a\\ud800b","channelIds":["${channelId}"]}` })).toEqual({
    status: 400,
    errors: ['body.text utf8'],
  });
});

test('JSON nested too deep is refused naming where', async () => {
  const route = routeOf('POST', '/v1/posts');
  const deep = {
    text: 'hi',
    channelIds: ['x'],
    variants: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) as object,
  };
  const { status, errors } = await refused(route, { body: deep });
  expect(status).toBe(400);
  expect(errors).toEqual([`body.variants${'.a'.repeat(31)} max_depth`]);
});

test('a recurrence is read right after its creation, before any occurrence is planned', async () => {
  const channelId = (await call(ws().token, 'GET', '/v1/channels')).json().channels[0].id as string;
  const res = await call(ws().token, 'POST', '/v1/recurrences', {
    text: 'Weekly',
    channelIds: [channelId],
    rule: { frequency: 'daily', time: '09:00', timezone: 'UTC' },
    startsOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
  });
  expect(res.statusCode).toBe(201);
  const read = await call(ws().token, 'GET', `/v1/recurrences/${res.json().id}`);
  expect(read.statusCode).toBe(200);
});

test('an empty list in a query matches nothing (in) or excludes nothing (not in), in every repository', async () => {
  expect(await findPosts(h().db, ws().workspaceId, { ids: [] })).toEqual([]);
  const all = await h().db.selectFrom('posts').select('id').where('workspace_id', '=', ws().workspaceId).execute();
  const notIn = await h()
    .db.selectFrom('posts')
    .select('id')
    .where('workspace_id', '=', ws().workspaceId)
    .where('id', 'not in', [])
    .execute();
  expect(notIn).toEqual(all);
  expect(all.length).toBeGreaterThan(0);
});

test('a URL too long for the router, a bad one, and a request line too long for the server are problem documents', async () => {
  const route: Route = { method: 'GET', path: '/', query: [], querySchemas: {}, pathParams: {}, headers: [] };
  expect(await refused(route, { url: '/v1/posts/%E0%A4%A' })).toEqual({
    status: 400,
    errors: ['path percent_encoding'],
  });
  expect(await refused(route, { url: `/v1/posts/${'a'.repeat(101)}` })).toEqual({
    status: 414,
    errors: ['path max_length'],
  });
  for (const url of [
    `/v1/posts/${'a'.repeat(5000)}`,
    '/v1/posts/%E0%A4%A',
    '/v1/mentions/%zz',
    '/%',
    `/v1/posts?${'a=b&'.repeat(20_000)}`,
  ]) {
    const res = await callRoute(h(), { token: ws().token }, route, { url });
    expect(flaw({ route, what: url.slice(0, 40), request: { url } }, res)).toBeUndefined();
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  }
  // Node's HTTP parser refuses a request line over its header limit before Fastify routes it.
  const address = await h().app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = new URL(address);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () =>
      socket.write(`GET /v1/posts?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
});
