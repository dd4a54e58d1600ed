import type { FastifyInstance, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema';
import fp from 'fastify-plugin';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType } from 'zod/v4/core';
import { invalidFields, type FieldProblem } from '../problems';

/**
 * One mechanism for all input, so no route can forget it: every body, query string and params
 * schema must be made of strict objects (checked when the route registers), and before any schema
 * runs, every string is checked for NUL and invalid UTF-8, which PostgreSQL would refuse (a 500)
 * or a lossy decoder would silently replace.
 */

const INPUT_PARTS = ['body', 'querystring', 'params'] as const;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body is a file sent with its own content type (a CSV, an image), which the route checks itself, not JSON. */
    fileBody?: boolean;
    /** The web app's files and pages (api/web.ts): no input of ours; their query strings are the app's. */
    appFiles?: boolean;
  }
}

/** Paths of the objects in an input schema that would drop (or keep) unknown keys instead of refusing them. */
export function looseObjects(schema: $ZodType, path: string, seen = new Set<$ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const found: string[] = [];
  if (def.type === 'object') {
    const catchall = def.catchall as $ZodType | undefined;
    if (catchall?._zod.def.type !== 'never') found.push(path);
    for (const [key, child] of Object.entries(def.shape as Record<string, $ZodType>))
      found.push(...looseObjects(child, `${path}.${key}`, seen));
    return found;
  }
  if (def.type === 'lazy') return looseObjects((def.getter as () => $ZodType)(), path, seen);
  // Every other wrapper (optional, default, array, union, pipe, record, tuple, ...) holds its inner schemas in its definition.
  for (const value of Object.values(def)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child instanceof $ZodType)
        found.push(...looseObjects(child, def.type === 'array' ? `${path}[]` : path, seen));
    }
  }
  return found;
}

const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';
/** How deep a body's arrays and objects may nest: deeper is no input of ours, and would overflow the stack of any check that walks it. */
export const MAX_INPUT_DEPTH = 32;
const UTF8_MESSAGE = 'must be valid UTF-8';
/**
 * A JSON escape such as "\\ud800" decodes to half a surrogate pair, which UTF-8 cannot encode:
 * PostgreSQL would store U+FFFD in a text column (the text silently changed) and refuse it in jsonb
 * (an edit's audit entry failed and its workflow update never finished).
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const SURROGATE_MESSAGE =
  'must be valid UTF-8: half of a surrogate pair (\\ud800-\\udfff) on its own cannot be encoded';

/** Keys of a parsed query string whose percent-encoding is not valid UTF-8 (the parser keeps a lossy value). */
const INVALID_QUERY_KEYS = Symbol('invalidQueryKeys');

function percentDecode(text: string): { text: string; valid: boolean } {
  const plus = text.replace(/\+/g, ' ');
  try {
    return { text: decodeURIComponent(plus), valid: true };
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < plus.length;) {
      if (plus[i] === '%' && /^[0-9a-fA-F]{2}$/.test(plus.slice(i + 1, i + 3))) {
        bytes.push(parseInt(plus.slice(i + 1, i + 3), 16));
        i += 3;
      } else {
        const char = String.fromCodePoint(plus.codePointAt(i)!);
        bytes.push(...Buffer.from(char));
        i += char.length;
      }
    }
    return { text: Buffer.from(bytes).toString('utf8'), valid: false };
  }
}

/** Parses a query string as fast-querystring does (a repeated key gives an array), remembering which keys were not valid UTF-8. */
export function parseQueryString(query: string): Record<string, string | string[]> {
  const parsed: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const invalid: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = percentDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1));
    if (!key.valid || !value.valid) invalid.push(key.text);
    const existing = parsed[key.text];
    // Appended in place: copying the array for each repeat took seconds for a query string of a key repeated 20,000 times.
    if (existing === undefined) parsed[key.text] = value.text;
    else if (Array.isArray(existing)) existing.push(value.text);
    else parsed[key.text] = [existing, value.text];
  }
  Object.defineProperty(parsed, INVALID_QUERY_KEYS, { value: invalid, enumerable: false });
  return parsed;
}

/** Every NUL and unpaired surrogate in the strings (keys and values) of a request part, every query key that was not UTF-8, and nesting too deep. */
function inputFlaws(data: unknown, path: string): FieldProblem[] {
  const flaws: FieldProblem[] = [];
  if (data !== null && typeof data === 'object') {
    for (const key of ((data as Record<symbol, unknown>)[INVALID_QUERY_KEYS] as string[] | undefined) ?? [])
      flaws.push({ field: `${path}.${key}`, rule: 'utf8', message: UTF8_MESSAGE });
  }
  const walk = (value: unknown, at: string, depth: number) => {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) flaws.push({ field: at, rule: 'no_nul', message: NUL_MESSAGE });
      if (UNPAIRED_SURROGATE.test(value)) flaws.push({ field: at, rule: 'utf8', message: SURROGATE_MESSAGE });
      return;
    }
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
    if (depth >= MAX_INPUT_DEPTH) {
      flaws.push({ field: at, rule: 'max_depth', message: `must not nest more than ${MAX_INPUT_DEPTH} levels deep` });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${at}.${i}`, depth + 1));
    } else {
      for (const [key, item] of Object.entries(value)) {
        const name = key.replace(/\u0000/g, '\\u0000');
        if (key.includes('\u0000')) flaws.push({ field: `${at}.${name}`, rule: 'no_nul', message: NUL_MESSAGE });
        if (UNPAIRED_SURROGATE.test(key))
          flaws.push({ field: `${at}.${name}`, rule: 'utf8', message: SURROGATE_MESSAGE });
        walk(item, `${at}.${name}`, depth + 1);
      }
    }
  };
  walk(data, path, 0);
  return flaws;
}

/**
 * Decodes a JSON body's bytes as UTF-8, refusing invalid bytes with the fields that hold them
 * (the ones whose lossy decoding shows U+FFFD), instead of silently replacing them.
 */
export function decodeJsonBody(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const fields: string[] = [];
    const collect = (value: unknown, at: string) => {
      if (typeof value === 'string') {
        if (value.includes('\uFFFD')) fields.push(at);
      } else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          if (key.includes('\uFFFD')) fields.push(`${at}.${key}`);
          collect(item, `${at}.${key}`);
        }
      }
    };
    try {
      collect(JSON.parse(bytes.toString('utf8')), 'body');
    } catch {
      // Not JSON either: the body as a whole is named.
    }
    throw invalidFields(
      (fields.length ? fields : ['body']).map((field) => ({ field, rule: 'utf8', message: UTF8_MESSAGE })),
      400,
    );
  }
}

/** A route without a body schema takes no body: one sent anyway is refused, not ignored. */
async function refuseUnexpectedBody(request: FastifyRequest) {
  const body: unknown = request.body;
  if (body === undefined || body === null || Buffer.isBuffer(body)) return;
  if (typeof body === 'object' && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length > 0)
      throw invalidFields(
        keys.map((key) => ({
          field: `body.${key}`,
          rule: 'unknown_key',
          message: 'is not a known field; this request takes no body',
        })),
        400,
      );
    return;
  }
  throw invalidFields([{ field: 'body', rule: 'no_body', message: 'this request takes no body' }], 400);
}

/**
 * A PATCH changes the fields it sends: one that sends none is a client's mistake (a form sent
 * before anything was filled in, a field misnamed and so dropped), refused rather than answered
 * as if something had changed. Every PATCH route gets this, before its schema is checked.
 */
async function refuseEmptyPatch(request: FastifyRequest) {
  const body: unknown = request.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)
    throw invalidFields([{ field: 'body', rule: 'not_empty', message: 'must change at least one field' }], 422);
}

function checkRoute(route: RouteOptions) {
  // The web app's files and pages (api/web.ts) take no input: their query strings belong to the app.
  if (route.config?.appFiles) return;
  const schema: FastifySchema = (route.schema ??= {});
  for (const part of INPUT_PARTS) {
    const partSchema = schema[part];
    if (partSchema === undefined) continue;
    if (!(partSchema instanceof $ZodType))
      throw new Error(`${String(route.method)} ${route.url}: the ${part} schema must be a zod schema`);
    const loose = [...new Set(looseObjects(partSchema, part))];
    if (loose.length > 0) {
      throw new Error(
        `${String(route.method)} ${route.url}: ${loose.join(', ')} would drop unknown keys; input schemas use z.strictObject so an unknown key is refused`,
      );
    }
  }
  // A query string the route does not read is still checked: an unknown key is refused, not ignored.
  schema.querystring ??= z.strictObject({});
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const first =
    schema.body === undefined && !route.config?.fileBody
      ? refuseUnexpectedBody
      : methods.includes('PATCH')
        ? refuseEmptyPatch
        : undefined;
  if (first) {
    const own = route.preValidation;
    route.preValidation = [first, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])];
  }
}

export const inputPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRoute', checkRoute);

  app.setValidatorCompiler((route) => {
    // checkRoute has made sure that every input schema is a zod schema.
    const validate = validatorCompiler(route as FastifyRouteSchemaDef<$ZodType>);
    return (data: unknown) => {
      const part =
        route.httpPart === 'querystring' || route.httpPart === 'params' || route.httpPart === 'body'
          ? route.httpPart
          : undefined;
      const flaws = part ? inputFlaws(data, part) : [];
      return flaws.length > 0 ? { error: invalidFields(flaws, 400) } : validate(data);
    };
  });

  // The API speaks JSON: bodies are decoded strictly; no text/plain bodies.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeJsonBody(body as Buffer);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
});
