import Fastify from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inputPlugin } from '../api/plugins/input';
import { useChorus } from './support/chorus';
import { callRoute, documentedRoutes, example, stringPaths, withValueAt, type Route } from './support/openapi';

/**
 * Generated from /openapi.json, so a new route is checked without anyone writing a test for it:
 * an unknown key in a body or query string, and a NUL in any string field, are a 4xx naming the
 * field, and nothing answers 5xx.
 */

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Strict input' });
let ingestKey: { id: string; secret: string };
let routes: Route[];

beforeAll(async () => {
  ingestKey = (await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'Generated check' })).json();
  routes = await documentedRoutes(h());
});

/** The routes requests were sent to, counted to show that the check covered every route that takes input. */
const sent = new Set<string>();

/** Sends a request as its route authenticates: a bearer token, or for pushed mentions an ingest key's signature. */
function send(route: Route, options: { query?: string; body?: unknown }) {
  sent.add(`${route.method} ${route.path}`);
  return callRoute(h(), { token: ws().token, ingestKey }, route, options);
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

/**
 * Bodies another party's server writes, not a Chorus client: Meta's Instagram webhook, signed by
 * Meta, whose deliveries may carry keys Meta adds (Chorus reads the ones it knows past them, and
 * its own tests check the signature and the parsing). Here, unsigned as these requests are, it
 * must refuse before reading the body (403), never answer 5xx.
 */
const THIRD_PARTY_BODIES = new Set(['POST /v1/inbox/webhooks/instagram']);

test('every route with a body or a query string refuses an unknown key and a NUL in any string field, naming the field, never with a 5xx', async () => {
  const failures: (string | undefined)[] = [];
  sent.clear();
  for (const route of routes.filter(takesInput)) {
    if (route.body && THIRD_PARTY_BODIES.has(`${route.method} ${route.path}`)) {
      const body = { ...(example(route.body) as object), unexpectedKey: 'x' };
      failures.push(await refusal(route, 'an unsigned delivery', { body }, '', '', 403));
    } else if (route.body) {
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
            { body: withValueAt(body, path, (old) => `${String(old)}\u0000`) },
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
