import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { bearer, type Harness } from './harness';

/**
 * The API's routes as /openapi.json describes them, example inputs of their schemas, and a way
 * to call any of them as a signed-in member: what the tests generated from the document share
 * (test/strict-input.test.ts, test/fuzz.test.ts).
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
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

/** One operation of /openapi.json, as far as the tests read it. */
export interface Operation {
  parameters?: { in: 'query' | 'path' | 'header'; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface Route {
  method: string;
  /** As the document writes it: `/v1/posts/{id}`. */
  path: string;
  query: string[];
  /** Each query parameter's schema. */
  querySchemas: Record<string, JsonSchema>;
  pathParams: Record<string, JsonSchema>;
  /** The names of the headers it reads (`idempotency-key`). */
  headers: string[];
  /** The JSON body's schema; undefined when the route takes none (or takes a file). */
  body?: JsonSchema;
}

/** Every operation of the app's /openapi.json. */
export async function documentedRoutes(h: Harness): Promise<Route[]> {
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      return {
        method: method.toUpperCase(),
        path,
        query: query.map((p) => p.name),
        querySchemas: Object.fromEntries(query.map((p) => [p.name, p.schema])),
        pathParams: Object.fromEntries(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.schema]),
        ),
        headers: (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name),
        body: op.requestBody?.content['application/json']?.schema,
      };
    }),
  );
}

/**
 * A value of the schema's shape, with every optional property filled in so that every string field
 * is there to test. `uuid` makes the ids (a seeded generator's, for a test that must repeat itself).
 */
export function example(schema: JsonSchema, uuid: () => string = randomUUID): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  if (options) return example(options.find((o) => o.type !== 'null') ?? options[0]!, uuid);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      if (schema.properties)
        return Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, example(value, uuid)]));
      if (typeof schema.additionalProperties === 'object')
        return {
          [schema.propertyNames?.format === 'uuid' ? uuid() : 'key']: example(schema.additionalProperties, uuid),
        };
      return {};
    case 'array':
      return schema.items ? [example(schema.items, uuid)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return uuid();
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

/** Paths (keys and indexes) of every value in `value` that `select` picks, as the problem document names fields. */
export function pathsOf(value: unknown, select: (v: unknown) => boolean, at: string[] = []): string[][] {
  const here = select(value) ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, select, [...at, String(i)]))];
  if (value !== null && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, select, [...at, key]))];
  return here;
}

/** Dot paths of every string in a value. */
export const stringPaths = (value: unknown): string[][] => pathsOf(value, (v) => typeof v === 'string');

/** `value` with the value at `path` replaced (undefined: the key removed). */
export function withValueAt(value: unknown, path: string[], replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value))
    return value.map((item, i) => (String(i) === head ? withValueAt(item, rest, replace) : item));
  const copy: Record<string, unknown> = { ...(value as object) };
  const replaced = withValueAt(copy[head], rest, replace);
  if (replaced === undefined) delete copy[head];
  else copy[head] = replaced;
  return copy;
}

export interface RawRequest {
  /** The path with its parameters filled in (default: each one's example). */
  url?: string;
  /** The query string, without `?`. */
  query?: string;
  /** JSON-encoded unless `payload` is given. */
  body?: unknown;
  /** The body as sent, with `contentType`. */
  payload?: string | Buffer;
  contentType?: string;
  /** More headers (the route's own, such as `idempotency-key`). */
  headers?: Record<string, string>;
}

/**
 * Calls a route as its callers authenticate: `token`'s bearer, or for pushed mentions and inbox
 * items an ingest key's signature.
 */
export function callRoute(
  h: Harness,
  auth: { token: string; ingestKey?: { id: string; secret: string } },
  route: Route,
  request: RawRequest,
  uuid: () => string = randomUUID,
): Promise<LightMyRequestResponse> {
  const url =
    (request.url ??
      route.path.replace(/\{(\w+)\}/g, (_m, name: string) => String(example(route.pathParams[name]!, uuid)))) +
    (request.query !== undefined ? `?${request.query}` : '');
  const payload = request.payload ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const headers: Record<string, string> =
    payload === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' };
  if ((route.path === '/v1/listening/ingest' || route.path === '/v1/inbox/ingest') && auth.ingestKey) {
    const id = `msg_${uuid()}`;
    const at = new Date();
    Object.assign(headers, {
      'chorus-ingest-key': auth.ingestKey.id,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(auth.ingestKey.secret).sign(id, at, payload?.toString() ?? ''),
    });
  } else {
    Object.assign(headers, bearer(auth.token));
  }
  Object.assign(headers, request.headers);
  return h.app.inject({ method: route.method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
}
