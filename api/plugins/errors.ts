import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { Problem, type FieldProblem } from '../problems';

const PROBLEM_JSON = 'application/problem+json';

function fieldName(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return [context ?? 'body', ...parts].join('.');
}

/** Turns every error into an RFC 9457 problem document; only unknown errors become a 500, and say nothing inside. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem: Problem;
    if (error instanceof Problem) {
      problem = error;
      if (problem.status >= 500) request.log.error({ err: problem.cause ?? problem }, problem.detail);
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const errors: FieldProblem[] = error.validation.map((v) => ({
        field: fieldName(error.validationContext, v.instancePath),
        rule: v.keyword,
        message: v.message ?? 'is invalid',
      }));
      problem = new Problem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      problem = new Problem(400, 'Bad Request', 'The request body is not valid JSON', [{ field: 'body', rule: 'json', message: error.message }]);
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new Problem(415, 'Unsupported Media Type', 'Send the body as application/json');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      problem = new Problem(error.statusCode, 'Bad Request', error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new Problem(500, 'Internal Server Error', 'Something went wrong on our side; the error has been logged');
    }
    return reply.code(problem.status).headers(problem.headers).type(PROBLEM_JSON).send(problem.toJSON(request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type(PROBLEM_JSON).send(new Problem(404, 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}`).toJSON(request.url)),
  );
});
