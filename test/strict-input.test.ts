import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inputPlugin } from '../api/plugins/input';
import { useChorus } from './support/chorus';
import { bearer } from './support/harness';

/**
 * Generated from /openapi.json, so a new route is checked without anyone writing a test for it:
 * an unknown key in a body or query string, and a NUL in any string field, are a 4xx naming the
 * field, and nothing answers 5xx.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
}
interface Operation {
  parameters?: { in: 'query' | 'path' | 'header'; name: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface Route {
  method: string;
  path: string;
  query: string[];
  pathParams: Record<string, JsonSchema>;
  body?: JsonSchema;
}

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Strict input' });
let ingestKey: { id: string; secret: string };
let routes: Route[];

beforeAll(async () => {
  ingestKey = (await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'Generated check' })).json();
  const doc = (await h().app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      pathParams: Object.fromEntries(
        (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.schema]),
      ),
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
});

/** A value of the schema's shape, with every optional property filled in so that every string field is there to test. */
function example(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  if (options) return example(options.find((o) => o.type !== 'null') ?? options[0]!);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      if (schema.properties)
        return Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, example(value)]));
      if (typeof schema.additionalProperties === 'object')
        return {
          [schema.propertyNames?.format === 'uuid' ? randomUUID() : 'key']: example(schema.additionalProperties),
        };
      return {};
    case 'array':
      return schema.items ? [example(schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 3600_000).toISOString();
      if (schema.format === 'date') return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'uri') return 'https://example.test/';
      if (schema.pattern === '^\\d+$') return '1';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** Dot paths of every string in a value, as the problem document names fields. */
function stringPaths(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...at, String(i)]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...at, key]));
  return [];
}

function withValueAt(value: unknown, path: string[], replace: (old: string) => string): unknown {
  if (path.length === 0) return replace(value as string);
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value))
    return value.map((item, i) => (String(i) === head ? withValueAt(item, rest, replace) : item));
  return { ...(value as object), [head]: withValueAt((value as Record<string, unknown>)[head], rest, replace) };
}

/** The routes requests were sent to, counted to show that the check covered every route that takes input. */
const sent = new Set<string>();

/** Sends a request as its route authenticates: a bearer token, or for pushed mentions an ingest key's signature. */
function send(route: Route, options: { query?: string; body?: unknown }) {
  sent.add(`${route.method} ${route.path}`);
  const url =
    route.path.replace(/\{(\w+)\}/g, (_m, name: string) => String(example(route.pathParams[name]!))) +
    (options.query ? `?${options.query}` : '');
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
  if (route.path === '/v1/listening/ingest') {
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    Object.assign(headers, {
      'chorus-ingest-key': ingestKey.id,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(ingestKey.secret).sign(id, at, payload ?? ''),
    });
  } else {
    Object.assign(headers, bearer(ws().token));
  }
  return h().app.inject({ method: route.method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
}

/** What went wrong with one request, or undefined when it was refused with a 4xx problem naming the field. */
async function refusal(
  route: Route,
  what: string,
  options: { query?: string; body?: unknown },
  field: string,
  rule: string,
  orStatus?: number,
): Promise<string | undefined> {
  const res = await send(route, options);
  if (res.statusCode === orStatus) return undefined;
  const errors = String(res.headers['content-type']).includes('application/problem+json')
    ? ((res.json() as { errors?: { field: string; rule: string }[] }).errors ?? [])
    : [];
  if (res.statusCode >= 400 && res.statusCode < 500 && errors.some((e) => e.field === field && e.rule === rule))
    return undefined;
  return `${route.method} ${route.path}, ${what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
}

const unknownQueryKey = (route: Route) =>
  refusal(route, 'an unknown query key', { query: 'unexpectedKey=x' }, 'querystring.unexpectedKey', 'unknown_key');

const takesInput = (r: Route) => r.body !== undefined || r.query.length > 0;

test('every route with a body or a query string refuses an unknown key and a NUL in any string field, naming the field, never with a 5xx', async () => {
  const failures: (string | undefined)[] = [];
  sent.clear();
  for (const route of routes.filter(takesInput)) {
    if (route.body) {
      const body = example(route.body);
      failures.push(
        await refusal(
          route,
          'an unknown body key',
          { body: { ...(body as object), unexpectedKey: 'x' } },
          'body.unexpectedKey',
          'unknown_key',
        ),
      );
      for (const path of stringPaths(body)) {
        failures.push(
          await refusal(
            route,
            `a NUL in body.${path.join('.')}`,
            { body: withValueAt(body, path, (old) => `${old}\u0000`) },
            ['body', ...path].join('.'),
            'no_nul',
          ),
        );
      }
    }
    if (route.query.length > 0) {
      failures.push(await unknownQueryKey(route));
      for (const name of route.query)
        failures.push(
          await refusal(
            route,
            `a NUL in querystring.${name}`,
            { query: `${name}=x%00` },
            `querystring.${name}`,
            'no_nul',
          ),
        );
    }
  }
  expect(failures.filter(Boolean)).toEqual([]);
  expect(sent.size).toBeGreaterThan(0);
  expect(sent.size).toBe(routes.filter(takesInput).length);
});

// A body is checked before the query string, so this is for the routes without one; the others are in the test above.
test('a route without a body refuses a query key it does not know, and a body sent anyway', async () => {
  const failures: (string | undefined)[] = [];
  const bodyless = routes.filter((r) => !r.body);
  for (const route of bodyless) {
    failures.push(await unknownQueryKey(route));
    // A route that takes a file (a CSV, an image) answers a JSON body with 415.
    if (route.method !== 'GET')
      failures.push(
        await refusal(route, 'a body where none is taken', { body: { force: true } }, 'body.force', 'unknown_key', 415),
      );
  }
  expect(failures.filter(Boolean)).toEqual([]);
  expect(bodyless.length).toBeGreaterThan(0);
});

test('a route whose input schema would drop unknown keys cannot be registered', async () => {
  const app = Fastify({ logger: false });
  app.setSerializerCompiler(serializerCompiler);
  await app.register(inputPlugin);
  const register = () =>
    app.post(
      '/loose',
      { schema: { body: z.strictObject({ outer: z.array(z.object({ inner: z.string() })).optional() }) } },
      async () => ({}),
    );
  expect(register).toThrow('POST /loose: body.outer[] would drop unknown keys');
  // Response schemas are not input: a plain z.object there is fine.
  app.get(
    '/fine',
    {
      schema: {
        querystring: z.strictObject({ q: z.string().optional() }),
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
  await app.close();
});
