import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { RouteAccess } from '../api/app';
import { ROLES, type Role } from '../contracts/domain';
import { openAlert } from '../db/alerts';
import { hashPassword } from '../db/passwords';
import { connectWebhook } from './support/channels';
import { useChorus, type Method } from './support/chorus';
import { addMember, bearer, createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { png } from './support/images';
import { seedConversation } from './support/inbox';
import { listMentions } from './support/mentions';
import type { JsonSchema, Operation } from './support/openapi';
import { createdPost } from './support/posts';

/**
 * The tenancy × role matrix, generated from the route table (/openapi.json for each route's input,
 * `app.routeAccess` for the roles its requireRole declares), so a new route is covered without
 * anyone writing a test for it. Two workspaces, A and B, each hold a record of every kind. Signed
 * in to A with each role (and as A's owner through a session cookie), every route is called with
 * B's ids in the path, in the body and in each id filter of the query string. No answer may be
 * 2xx for B's record, name anything of B (its ids, or the marker every name and text of B
 * carries), or be a 5xx; a role is refused with 403 exactly where contracts/access.ts says so.
 */

const {
  harness: h,
  hook,
  workspace: ws,
  member,
  call,
} = useChorus({ hook: true, workspace: 'Tenancy A', members: ['admin', 'editor', 'approver', 'analyst'] });

interface Route {
  method: Method;
  path: string;
  access: RouteAccess['access'];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  pathParams: string[];
  body?: JsonSchema;
  /** The body's media type when it is not JSON (a CSV, an image). */
  fileBody?: string;
}

/** A workspace's records, one of each kind, by the path segment that addresses it. */
type Records = Record<Kind, string>;
const KINDS = [
  'posts',
  'campaigns',
  'library',
  'channels',
  'listening/queries',
  'mentions',
  'alerts',
  'recurrences',
  'posts/import',
  'invitations',
  'members',
  'service-accounts',
  'tokens',
  'listening/ingest-keys',
  'content-rules',
  'media',
  'inbox/conversations',
  'inbox/contacts',
  'inbox/replies',
  'inbox/messages',
  'inbox/assignment-rules',
  'short-links',
] as const;
type Kind = (typeof KINDS)[number];

/** Every name and text of B carries it: an answer to A that contains it shows something of B. */
const MARK = `zqb${randomBytes(5).toString('hex')}`;
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

let b: TestWorkspace;
let bApprover: TestWorkspace;
let a: Records;
let bIds: Records;
/** Every id of B an answer to A must not contain: its records', its members', its workspace's. */
let bSecrets: string[];
/** The person both workspaces added (B gave them a name with the marker; A gave none). */
let shared: { userId: string; email: string };
let routes: Route[];
let ownerSession: { cookie: string; csrf: string };
/** What B's owner saw of B before the matrix ran. */
let bBefore: Record<string, string>;

const ok = (res: LightMyRequestResponse, what: string) => {
  if (res.statusCode >= 300) throw new Error(`${what} answered ${res.statusCode}: ${res.body}`);
  return res.body ? res.json() : undefined;
};

/** A record of every kind in the workspace, made through the API by its owner; `mark` in every name and text. */
async function seed(w: TestWorkspace, approver: TestWorkspace, mark: string): Promise<Records> {
  const as = (method: Method, url: string, body?: object) => call(w.token, method, url, body);
  const channel = (await connectWebhook(h(), w.token, hook(), `Hook ${mark}`)).id;
  ok(
    await as('PUT', '/v1/approval-policies', {
      steps: [{ name: `Brand ${mark}`, mode: 'any', approvers: { userIds: [approver.userId] } }],
    }),
    'approval policy',
  );
  const rule = ok(
    await as('POST', '/v1/content-rules', {
      name: `Rule ${mark}`,
      match: { keywords: [`legal${mark}`], linkDomains: [] },
      step: { name: `Legal ${mark}`, mode: 'any', approvers: { userIds: [approver.userId] } },
    }),
    'content rule',
  ).id;
  ok(await as('PUT', '/v1/notifications/webhook', { url: hook().url, secret: hook().secret }), 'notification webhook');
  const post = (
    await createdPost(call, w.token, { text: `Post ${mark}`, channelIds: [channel], publishAt: inAnHour() })
  ).id;
  const campaign = ok(
    await as('POST', '/v1/campaigns', {
      name: `Campaign ${mark}`,
      startsAt: inAnHour(),
      endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      channelIds: [channel],
    }),
    'campaign',
  ).id;
  const library = ok(
    await as('POST', '/v1/library', { kind: 'snippet', name: `Snippet ${mark}`, body: `Body ${mark}`, tags: [mark] }),
    'library item',
  ).id;
  const media = ok(
    await h().app.inject({
      method: 'POST',
      url: `/v1/media?filename=${mark}.png`,
      headers: { ...bearer(w.token), 'content-type': 'image/png' },
      payload: png(8, 8),
    }),
    'media',
  ).id;
  const recurrence = ok(
    await as('POST', '/v1/recurrences', {
      text: `Weekly ${mark}`,
      channelIds: [channel],
      rule: { frequency: 'daily', time: '09:00', timezone: 'UTC' },
      startsOn: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
    }),
    'recurrence',
  ).id;
  const job = ok(
    await h().app.inject({
      method: 'POST',
      url: '/v1/posts/import?dryRun=false',
      headers: { ...bearer(w.token), 'content-type': 'text/csv' },
      payload: `text,channels,publishAt\nImported ${mark},Hook ${mark},${tomorrow()}\n`,
    }),
    'import',
  ).jobId;
  // The import has run before the matrix starts: B's view of it holds still while A calls.
  await waitFor('the import job', async () => (await as('GET', `/v1/posts/import/${job}`)).json().status !== 'running');
  const query = ok(
    await as('POST', '/v1/listening/queries', { name: `Query ${mark}`, expression: 'chorus', sources: { push: true } }),
    'listening query',
  ).id;
  const key = ok(await as('POST', '/v1/listening/ingest-keys', { name: `Key ${mark}` }), 'ingest key');
  const payload = JSON.stringify({ mentions: [{ id: `m-${mark}`, text: `chorus ${mark}`, author: `author${mark}` }] });
  const msgId = `msg_${randomUUID()}`;
  const at = new Date();
  ok(
    await h().app.inject({
      method: 'POST',
      url: '/v1/listening/ingest',
      headers: {
        'content-type': 'application/json',
        'chorus-ingest-key': key.id,
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(key.secret).sign(msgId, at, payload),
      },
      payload,
    }),
    'pushed mention',
  );
  const mention = (await waitFor('the pushed mention', async () => (await listMentions(call, w.token, query))[0])).id;
  const alert = (await openAlert(h().db, {
    workspaceId: w.workspaceId,
    queryId: query,
    queryName: `Query ${mark}`,
    reasons: [`spike ${mark}`],
    details: { mark },
  }))!.id;
  const added = ok(
    await as('POST', '/v1/members', { email: `person-${mark}@example.test`, name: `Person ${mark}`, role: 'editor' }),
    'member',
  );
  const service = ok(
    await as('POST', '/v1/service-accounts', { name: `Bot ${mark}`, role: 'editor' }),
    'service account',
  ).userId;
  const token = ok(await as('POST', '/v1/tokens', { name: `Token ${mark}` }), 'token').id;
  // The inbox: a conversation as the inbound read stores one, a note and a reply on it, a rule.
  const conversation = await seedConversation(h(), {
    workspaceId: w.workspaceId,
    channelId: channel,
    handle: `${mark}.test`,
    displayName: `Contact ${mark}`,
    tags: [mark],
    messages: [{ text: `Message ${mark}` }],
  });
  ok(await as('POST', `/v1/inbox/conversations/${conversation.id}/notes`, { body: `Note ${mark}` }), 'inbox note');
  const reply = await h()
    .db.insertInto('inbox_replies')
    .values({
      workspace_id: w.workspaceId,
      conversation_id: conversation.id,
      in_reply_to_message_id: conversation.messageIds[0]!,
      author_id: w.userId,
      text: `Reply ${mark}`,
      status: 'awaiting_approval',
      conversation_version: conversation.version,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const assignmentRule = ok(
    await as('POST', '/v1/inbox/assignment-rules', {
      name: `Assign ${mark}`,
      conditions: { keywords: [mark] },
      assignees: { role: 'editor' },
    }),
    'assignment rule',
  ).id;
  const shortLink = ok(
    await as('POST', '/v1/analytics/short-links', { url: `https://shop.example/${mark}`, postId: post }),
    'short link',
  ).code;
  return {
    posts: post,
    campaigns: campaign,
    library,
    channels: channel,
    'listening/queries': query,
    mentions: mention,
    alerts: alert,
    recurrences: recurrence,
    'posts/import': job,
    invitations: added.invitation.id,
    members: added.userId,
    'service-accounts': service,
    tokens: token,
    'listening/ingest-keys': key.id,
    'content-rules': rule,
    media,
    'inbox/conversations': conversation.id,
    'inbox/contacts': conversation.contactId,
    'inbox/replies': reply.id,
    'inbox/messages': conversation.messageIds[0]!,
    'inbox/assignment-rules': assignmentRule,
    'short-links': shortLink,
  };
}

beforeAll(async () => {
  b = await createWorkspace(h(), `Tenancy B ${MARK}`);
  bApprover = await addMember(h(), b.workspaceId, 'approver');
  [a, bIds] = await Promise.all([seed(ws(), member('approver'), 'tenancy-a'), seed(b, bApprover, MARK)]);

  // One person in both: B names them, A adds the same address without a name.
  shared = { userId: '', email: `shared-${randomUUID()}@example.test` };
  shared.userId = ok(
    await call(b.token, 'POST', '/v1/members', { email: shared.email, name: `Shared ${MARK}`, role: 'editor' }),
    'shared member in B',
  ).userId;
  const inA = ok(await call(ws().token, 'POST', '/v1/members', { email: shared.email, role: 'editor' }), 'shared in A');
  // They act in A (their token from A's invitation): A's audit log and views name them, as A knows them.
  const theirs = ok(
    await h().app.inject({
      method: 'POST',
      url: '/v1/invitations/accept',
      payload: { code: inA.invitation.code, tokenName: 'shared' },
    }),
    'shared redeems A',
  ).token as string;
  ok(await call(theirs, 'POST', '/v1/library', { kind: 'snippet', name: 'By the shared', body: 'Hi' }), 'shared acts');

  const bMembers = await h()
    .db.selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', b.workspaceId)
    .where('user_id', '!=', shared.userId)
    .execute();
  // Mention ids are small numbers that any answer may hold: B's mention is known by its marked text.
  bSecrets = [...Object.values(bIds), b.workspaceId, ...bMembers.map((m) => m.user_id)].filter((id) => id.length > 20);

  // A's owner signs in with a password: the session routes (and every other) through the cookie.
  const owner = await h()
    .db.selectFrom('users')
    .select('email')
    .where('id', '=', ws().userId)
    .executeTakeFirstOrThrow();
  const password = `pw-${randomUUID()}`;
  await h()
    .db.updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', ws().userId)
    .execute();
  const signedIn = await h().app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email: owner.email, password },
  });
  ownerSession = {
    cookie: signedIn.cookies.find((c) => c.name === 'chorus_session')!.value,
    csrf: ok(signedIn, 'sign-in').csrfToken,
  };

  const doc = (await h().app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  const declared = new Map(h().app.routeAccess.map((r) => [`${r.method} ${r.url}`, r.access]));
  routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]): Route => {
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      if (!declared.has(key)) throw new Error(`${key} is in /openapi.json but not in the route table`);
      const content = op.requestBody?.content ?? {};
      const fileType = Object.keys(content).find((t) => t !== 'application/json');
      return {
        method: method.toUpperCase() as Method,
        path,
        access: declared.get(key),
        query: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema })),
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        body: content['application/json']?.schema,
        ...(fileType && !content['application/json'] ? { fileBody: fileType } : {}),
      };
    }),
  );
  bBefore = await bView();
}, 120_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The parts of an answer that change when a record is changed, moved or removed (not its timestamps or counters). */
/** An ISO 8601 time, also percent-encoded in a link. */
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}(?::|%3A)\d{2}(?::|%3A)\d{2}(?:\.\d+)?Z/g;
/** A time as a report's text writes it (the weekly report's period, "Fri 20 Nov 2026, 14:30"). */
const WRITTEN_TIME = /\b[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b/g;

function fingerprint(body: string): string {
  const found: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      // Times are the clock's, not a record's (a report's range ends now): left out.
      if (UUID.test(value) || value.toLowerCase().includes(MARK) || /^(status|state|role|decision|kind)$/.test(key))
        found.push(`${key}=${value.replace(TIMESTAMP, '<time>').replace(WRITTEN_TIME, '<time>')}`);
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, key));
    else if (value !== null && typeof value === 'object') for (const [k, item] of Object.entries(value)) walk(item, k);
  };
  try {
    walk(JSON.parse(body), '');
  } catch {
    return body;
  }
  return found.sort().join(' ');
}

/** What B's owner sees of B through every GET route (B's ids in the path): each answer's status and fingerprint. */
async function bView(): Promise<Record<string, string>> {
  const bBag = { ...bIds, workspace: b.workspaceId };
  const seen: Record<string, string> = {};
  for (const route of routes.filter((r) => r.method === 'GET' && r.access)) {
    const query = route.query
      .filter((q) => q.required)
      .map((q) => `${q.name}=${encodeURIComponent(String(example(q.schema, bBag, q.name)))}`);
    const url =
      route.path.replace(/\{(\w+)\}/g, (_m, param: string) => pathValue(bIds, route.path, param)) +
      (query.length ? `?${query.join('&')}` : '');
    const res = await call(b.token, 'GET', url);
    seen[route.path] = `${res.statusCode} ${fingerprint(res.body)}`;
  }
  return seen;
}

/**
 * Path parameters that name no record but a thing every workspace may name: an OAuth network
 * (`{provider}`), an export's dataset (`{dataset}`).
 */
const NAMES: Record<string, string> = { provider: 'x', dataset: 'posts' };

/** A path parameter's value: the record of its kind, or one of NAMES. */
function pathValue(ids: Records, path: string, param: string): string {
  return NAMES[param] ?? ids[kindOfParam(path, param)];
}

/** The kind of record a path parameter names: the longest kind the path starts with. */
function kindOfParam(path: string, param: string): Kind {
  if (param === 'jobId') return 'posts/import';
  if (param === 'userId') return 'members';
  // The analytics reports address posts, channels, campaigns.
  const rest = path.replace(/^\/v1\/(analytics\/)?/, '');
  const kind = [...KINDS].sort((x, y) => y.length - x.length).find((k) => rest.startsWith(`${k}/`));
  if (!kind) throw new Error(`No record kind for {${param}} in ${path}; add one to KINDS and seed()`);
  return kind;
}

/** The kind of record an id field in a body or query string names, by its name. */
function kindOfField(key: string): Kind {
  const k = key.toLowerCase();
  if (k.startsWith('channel')) return 'channels';
  if (k.startsWith('campaign')) return 'campaigns';
  if (k.startsWith('libraryitem')) return 'library';
  if (k.startsWith('media')) return 'media';
  if (k.startsWith('query')) return 'listening/queries';
  if (k.startsWith('recurrence')) return 'recurrences';
  if (k.startsWith('job')) return 'posts/import';
  if (k.startsWith('mention')) return 'mentions';
  if (k.startsWith('token')) return 'tokens';
  if (k.startsWith('rule')) return 'content-rules';
  if (k.startsWith('inreplytomessage') || k.startsWith('message')) return 'inbox/messages';
  if (k.startsWith('savedreply')) return 'library';
  if (/^(user|owner|author|actor|createdby|approver|recipient|assignee)/.test(k)) return 'members';
  return 'posts';
}

const isIdField = (key: string, schema: JsonSchema) =>
  schema.format === 'uuid' || /(^id|Id|Ids|^actor|^createdBy|^subject|^subjectId)$/.test(key);

/** A body of the route's schema, with the route's hint (BODY_HINTS) over it. */
function bodyOf(route: Route, ids: Records & { workspace: string }): unknown {
  const body = example(route.body!, ids);
  const hint = BODY_HINTS[`${route.method} ${route.path}`];
  return hint && body !== null && typeof body === 'object' ? { ...body, ...hint } : body;
}

/**
 * Rules across fields a schema cannot tell the generator, for the routes whose generated body
 * would be refused before B's id is looked at (the matrix fails naming such a route: add it here).
 */
const BODY_HINTS: Record<string, object> = {
  'POST /v1/library': { kind: 'media' },
};

/** Values for fields whose rules a schema does not spell out (a pattern, a time zone, cross-field order). */
const FIELD_VALUES: Record<string, unknown> = {
  time: '09:00',
  timezone: 'UTC',
  expression: 'chorus',
  text: 'Hello',
};
/** Fields that must come after another of the same object (the end of a span). */
const LATER = /^(to|endsAt|until|endsOn)$/;

/** The one of a union's options an example takes (the first that is not null). */
function shapeOf(schema: JsonSchema): JsonSchema {
  const options = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  return options ? shapeOf(options.find((o) => o.type !== 'null') ?? options[0]!) : schema;
}

/** Whether the field is an id or a list of ids (not an object holding some). */
const isIdLeaf = (schema: JsonSchema, key: string): boolean =>
  shapeOf(schema).items
    ? isIdLeaf(shapeOf(schema).items!, key)
    : shapeOf(schema).type === 'string' && isIdField(key, schema);

/** Whether an id field is in the schema (itself, or any property or item of it). */
function holdsId(schema: JsonSchema, key: string): boolean {
  if (schema.type === 'string' || schema.format) return isIdField(key, schema);
  const options = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  if (options) return options.some((o) => holdsId(o, key));
  if (schema.items) return holdsId(schema.items, key);
  return Object.entries(schema.properties ?? {}).some(([name, value]) => holdsId(value, name));
}

/**
 * A value of the schema's shape: its required properties, those FIELD_VALUES names and, below
 * the top, its id fields (optional fields filled in at once tend to exclude one another; a body's
 * own id fields get B's ids one at a time); each id field holds the record of `ids` its name
 * points at (a workspace id: that workspace's).
 */
function example(schema: JsonSchema, ids: Records & { workspace: string }, key = '', depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  // For a role, the least one (only an owner may make an owner: not a tenancy matter).
  if (schema.enum) return key === 'role' ? schema.enum[schema.enum.length - 1] : schema.enum[0];
  if (schema.oneOf ?? schema.anyOf ?? schema.allOf) return example(shapeOf(schema), ids, key, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      if (schema.properties)
        return Object.fromEntries(
          Object.entries(schema.properties)
            .filter(
              ([name, value]) =>
                schema.required?.includes(name) || name in FIELD_VALUES || (depth > 0 && isIdLeaf(value, name)),
            )
            .map(([name, value]) => [name, example(value, ids, name, depth + 1)]),
        );
      return {};
    case 'array':
      return schema.items ? [example(schema.items, ids, key, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (key === 'workspaceId') return ids.workspace;
      if (isIdField(key, schema)) return ids[kindOfField(key)];
      if (key in FIELD_VALUES) return FIELD_VALUES[key];
      if (schema.format === 'date-time')
        return new Date(Date.now() + (LATER.test(key) ? 2 * 86_400_000 : 3600_000)).toISOString();
      if (schema.format === 'date') return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      if (schema.format === 'email') return `someone-${randomUUID()}@example.test`;
      if (schema.format === 'uri') return 'https://example.test/';
      if (schema.pattern === '^\\d+$') return '1';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

const isFreeText = (key: string, schema: JsonSchema) =>
  schema.type === 'string' && !schema.enum && !schema.format && !schema.pattern && !isIdField(key, schema);

type Caller = { label: string; role: Role; token?: string; session?: { cookie: string; csrf: string } };

interface Variant {
  what: string;
  url: string;
  body?: unknown;
  /** The path names B's record: the answer must not be 2xx. */
  bInPath: boolean;
  /** The body field holding B's ids: the request must get past input validation to its check. */
  bodyField?: string;
}

/** The requests a route gets: B's ids in the path; A's in the path and B's in the body; then B's in each id filter. */
function variants(route: Route): Variant[] {
  const withIds = (ids: Records) =>
    route.path.replace(/\{(\w+)\}/g, (_m, param: string) => pathValue(ids, route.path, param));
  const bBag = { ...bIds, workspace: b.workspaceId };
  const aBag = { ...a, workspace: ws().workspaceId };
  const requiredQuery = (bag: typeof aBag) =>
    route.query.filter((q) => q.required).map((q) => [q.name, String(example(q.schema, bag, q.name))] as const);
  const qs = (pairs: (readonly [string, string])[]) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
  const out: Variant[] = [];
  // A dataset's name picks what of the caller's own workspace to read: no id of B's can go there.
  const hasParams = route.pathParams.some((param) => param !== 'dataset');
  const bodyA = route.body ? bodyOf(route, aBag) : undefined;
  const urlA = withIds(a) + qs(requiredQuery(aBag));
  if (hasParams)
    out.push({ what: "B's ids in the path", url: withIds(bIds) + qs(requiredQuery(aBag)), body: bodyA, bInPath: true });
  // B's ids in one field of the body at a time, A's in the others: each id reaches its own check.
  const idFields = Object.entries(route.body ? (shapeOf(route.body).properties ?? {}) : {}).filter(([name, schema]) =>
    holdsId(schema, name),
  );
  for (const [name, schema] of idFields)
    out.push({
      what: `B's ids in body.${name}`,
      url: urlA,
      body: { ...(bodyA as object), [name]: example(schema, bBag, name, 1) },
      bInPath: false,
      bodyField: name,
    });
  if (!hasParams && idFields.length === 0)
    out.push({ what: route.body ? "a body of A's" : 'as is', url: urlA, body: bodyA, bInPath: false });
  if (route.query.some((q) => q.required && isIdField(q.name, q.schema)))
    out.push({ what: "B's ids in the required query", url: withIds(a) + qs(requiredQuery(bBag)), bInPath: false });
  for (const filter of route.query.filter((q) => !q.required && isIdField(q.name, q.schema)))
    out.push({
      what: `B's id in the ${filter.name} filter`,
      url: withIds(a) + qs([...requiredQuery(aBag), [filter.name, String(example(filter.schema, bBag, filter.name))]]),
      bInPath: false,
    });
  // A free-text filter (a tag, a source) given the marker B's texts carry (B's library item is tagged with it).
  for (const filter of route.query.filter((q) => !q.required && isFreeText(q.name, q.schema)))
    out.push({
      what: `B's marker in the ${filter.name} filter`,
      url: withIds(a) + qs([...requiredQuery(aBag), [filter.name, MARK]]),
      bInPath: false,
    });
  return out;
}

function send(route: Route, variant: Variant, caller: Caller) {
  const headers: Record<string, string> = caller.token
    ? bearer(caller.token)
    : { 'x-csrf-token': caller.session!.csrf };
  let payload: string | Buffer | undefined;
  if (route.fileBody) {
    headers['content-type'] = route.fileBody;
    payload = route.fileBody === 'text/csv' ? `text,channels,publishAt\nx,Hook tenancy-a,${tomorrow()}\n` : png(4, 4);
  } else if (variant.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(variant.body);
  }
  return h().app.inject({
    method: route.method,
    url: variant.url,
    headers,
    ...(caller.session ? { cookies: { chorus_session: caller.session.cookie } } : {}),
    ...(payload === undefined ? {} : { payload }),
  });
}

/**
 * What is wrong with one answer, or undefined. An id of B that A sent may come back (a problem's
 * `instance` is the URL asked for; "no channel <id> in this workspace"): it tells A nothing.
 */
function judge(route: Route, variant: Variant, caller: Caller, res: LightMyRequestResponse): string | undefined {
  const cell = `${caller.label} ${route.method} ${route.path} (${variant.what}) -> ${res.statusCode}`;
  const body = res.body.toLowerCase();
  const sent = `${variant.url} ${JSON.stringify(variant.body ?? null)}`.toLowerCase();
  // The marker, when A sent it in a filter, is echoed by a problem's `instance`: B's ids tell then.
  const secrets = [...(sent.includes(MARK) ? [] : [MARK]), ...bSecrets.filter((id) => !sent.includes(id))];
  const leaked = secrets.filter((s) => body.includes(s.toLowerCase()));
  if (leaked.length) return `${cell}: the answer shows B's ${leaked.join(', ')}: ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 500) return `${cell}: ${res.body.slice(0, 300)}`;
  if (route.access) {
    const refused = !route.access.roles.includes(caller.role);
    if (refused && res.statusCode !== 403) return `${cell}: role ${caller.role} should be refused with 403`;
    if (!refused && res.statusCode === 403) return `${cell}: role ${caller.role} is allowed: ${res.body.slice(0, 300)}`;
  }
  if (variant.bInPath && res.statusCode < 300) return `${cell}: acted on B's record`;
  if (variant.bodyField && route.access?.roles.includes(caller.role) && res.statusCode === 400)
    return `${cell}: the generated body is refused before B's id in body.${variant.bodyField} is looked at (add a BODY_HINTS entry): ${res.body.slice(0, 300)}`;
  return undefined;
}

/** Requests that end the caller's credentials go last (a session's sign-out). */
const last = (r: Route) => (r.method === 'DELETE' && r.path === '/v1/session' ? 1 : 0);

async function runMatrix(callers: Caller[]) {
  const failures: string[] = [];
  const cells = new Set<string>();
  for (const route of [...routes].sort((x, y) => last(x) - last(y)))
    for (const variant of variants(route))
      for (const caller of callers) {
        cells.add(`${route.method} ${route.path}`);
        const problem = judge(route, variant, caller, await send(route, variant, caller));
        if (problem) failures.push(problem);
      }
  return { failures, cells };
}

test('every route answers every role of A without showing or touching anything of B, refusing exactly the roles contracts/access.ts refuses', async () => {
  const callers: Caller[] = ROLES.map((role) => ({
    label: `A's ${role}`,
    role,
    token: role === 'owner' ? ws().token : member(role).token,
  }));
  const { failures, cells } = await runMatrix(callers);
  expect(failures).toEqual([]);
  // Every route of the table was called (none skipped by the generator).
  expect([...cells].sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  expect(routes.filter((r) => r.access).length).toBeGreaterThan(60);
}, 240_000);

test("through a session cookie too: A's owner never reaches B (switching to B's workspace included)", async () => {
  const { failures } = await runMatrix([{ label: "A's owner (session)", role: 'owner', session: ownerSession }]);
  expect(failures).toEqual([]);
  const moved = await h().app.inject({
    method: 'PUT',
    url: '/v1/session/workspace',
    headers: { 'x-csrf-token': ownerSession.csrf },
    cookies: { chorus_session: ownerSession.cookie },
    payload: { workspaceId: b.workspaceId },
  });
  expect(moved.statusCode).toBeGreaterThanOrEqual(400);
}, 120_000);

test('the route table knows every route the API serves, each with the access its requireRole declares', () => {
  const served = h()
    .app.routeAccess.filter((r) => r.url.startsWith('/v1/'))
    .map((r) => `${r.method} ${r.url}`);
  expect(served.sort()).toEqual(
    routes
      .filter((r) => r.path.startsWith('/v1/'))
      .map((r) => `${r.method} ${r.path.replace(/\{(\w+)\}/g, ':$1')}`)
      .sort(),
  );
  const open = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
  // The routes that take no member: signing in and out, invitation codes, signed pushes, health, and
  // the OAuth callback (the browser comes from the network; its one-use state stands for the member),
  // and Meta's Instagram webhook (its Verify Token and signature stand for Meta).
  expect(open.sort()).toEqual(
    [
      'GET /readyz',
      'GET /v1/inbox/webhooks/instagram',
      'POST /v1/inbox/webhooks/instagram',
      'GET /v1/channels/callback/{provider}',
      'DELETE /v1/session',
      'GET /v1/session',
      'POST /v1/session',
      'PUT /v1/session/workspace',
      'GET /v1/invitations/preview',
      'GET /v1/media/{id}/shared',
      'POST /v1/inbox/ingest',
      'POST /v1/invitations/accept',
      'POST /v1/listening/ingest',
    ].sort(),
  );
});

test("A's member list names the person both workspaces added only as A knows them", async () => {
  const members = (await call(ws().token, 'GET', '/v1/members')).json().members as { userId: string; name: string }[];
  expect(members.find((m) => m.userId === shared.userId)).toMatchObject({ name: null });
  expect(
    ((await call(b.token, 'GET', '/v1/members')).json().members as { userId: string; name: string }[]).find(
      (m) => m.userId === shared.userId,
    ),
  ).toMatchObject({ name: `Shared ${MARK}` });
});

test('B is as it was: every GET of B, as B sees it, answers as before the matrix ran', async () => {
  const after = await bView();
  expect(Object.keys(after).length).toBeGreaterThan(20);
  expect(after).toEqual(bBefore);
});
