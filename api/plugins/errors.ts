import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, fieldErrorsLine, Unavailable } from '../../contracts/errors';
import { isConnectionError } from '../../db/database';
import { temporalOutage } from '../../temporal/connection';
import { Problem, problemFrom, titleFor, type FieldProblem } from '../problems';

const PROBLEM_JSON = 'application/problem+json';

function fieldName(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return [context ?? 'body', ...parts].join('.');
}

/** Zod's codes for a value of the wrong type or not among the options: for a value never sent, "required" says it better. */
const MISSING_CODES = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

/** The value the client sent at a path of a request part (undefined when it sent none). */
function sentValue(request: FastifyRequest, context: string | undefined, instancePath: string): unknown {
  const part: unknown =
    context === 'querystring' ? request.query : context === 'params' ? request.params : request.body;
  return instancePath
    .split('/')
    .filter(Boolean)
    .reduce<unknown>(
      (value, key) =>
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      part,
    );
}

/** A refinement's rule: its own name where it gives one (`refine(check, { params: { rule } })`), else zod's code. */
function ruleOf(v: { keyword: string; params: Record<string, unknown> }): string {
  const own = (v.params.params as { rule?: unknown } | undefined)?.rule;
  return v.keyword === 'custom' && typeof own === 'string' ? own : v.keyword;
}

/**
 * The errors Fastify meets before a request reaches a route, as problem documents (the server
 * option `frameworkErrors`): a path that is not valid percent-encoded UTF-8, a path segment over
 * the router's limit (`maxParamLength`, 100 characters).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? new Problem(400, 'Bad Request', 'The path is not valid percent-encoded UTF-8', [
          { field: 'path', rule: 'percent_encoding', message: 'must be valid percent-encoded UTF-8' },
        ])
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new Problem(414, titleFor(414), 'A path segment is longer than 100 characters', [
            { field: 'path', rule: 'max_length', message: 'each path segment must be at most 100 characters' },
          ])
        : Object.assign(
            new Problem(500, 'Internal Server Error', 'Something went wrong on our side; the error has been logged'),
            { cause: error },
          );
  if (problem.status >= 500) request.log.error({ err: error }, 'framework error');
  void reply.code(problem.status).type(PROBLEM_JSON).send(problem.toJSON(request.url));
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (the server option
 * `clientErrorHandler`): headers or a request line over the size limit (431), a request too slow
 * (408), a malformed request (400); answered as problem documents, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are larger than the server takes (16 KiB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(new Problem(status, titleFor(status), detail).toJSON());
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${titleFor(status)}\r\nContent-Type: ${PROBLEM_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/** Turns every error into an RFC 9457 problem document; only unknown errors become a 500, and say nothing inside. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((raised: FastifyError, request, reply) => {
    let problem: Problem;
    // A part that cannot be reached (Temporal; PostgreSQL outside the repositories, which say so
    // themselves) is an outage, not a bug: the domain's Unavailable (503), not a 500.
    const error: FastifyError | DomainError =
      raised instanceof Problem || raised instanceof DomainError
        ? raised
        : (temporalOutage(raised) ??
          (isConnectionError(raised)
            ? new Unavailable('The database (PostgreSQL) is unreachable; try again shortly.', raised)
            : raised));
    if (error instanceof Problem || error instanceof DomainError) {
      problem = error instanceof Problem ? error : problemFrom(error);
      if (problem.status >= 500) request.log.error({ err: problem.cause ?? problem }, problem.detail);
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const errors: FieldProblem[] = error.validation.flatMap((v) => {
        const field = fieldName(error.validationContext, v.instancePath);
        // One problem per unknown key, named by its full path.
        if (v.keyword === 'unrecognized_keys')
          return (v.params.keys as string[]).map((key) => ({
            field: `${field}.${key}`,
            rule: 'unknown_key',
            message: 'is not a known field',
          }));
        if (MISSING_CODES.has(v.keyword) && sentValue(request, error.validationContext, v.instancePath) === undefined)
          return [{ field, rule: 'required', message: 'is required' }];
        return [{ field, rule: ruleOf(v), message: v.message ?? 'is invalid' }];
      });
      problem = new Problem(400, 'Bad Request', fieldErrorsLine(errors), errors);
    } else if (
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error instanceof SyntaxError
    ) {
      problem = new Problem(400, 'Bad Request', 'The request body is not valid JSON', [
        { field: 'body', rule: 'json', message: error.message },
      ]);
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new Problem(415, 'Unsupported Media Type', 'Send the body as application/json');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      problem = new Problem(error.statusCode, titleFor(error.statusCode), error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new Problem(
        500,
        'Internal Server Error',
        'Something went wrong on our side; the error has been logged',
      );
    }
    return reply.code(problem.status).headers(problem.headers).type(PROBLEM_JSON).send(problem.toJSON(request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(PROBLEM_JSON)
      .send(
        new Problem(404, 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}`).toJSON(request.url),
      ),
  );
});
