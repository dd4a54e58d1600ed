import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, Unavailable } from '../../contracts/errors';
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
        return [{ field, rule: v.keyword, message: v.message ?? 'is invalid' }];
      });
      problem = new Problem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
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
