import { STATUS_CODES } from 'node:http';
import {
  Conflict,
  fieldErrorsLine,
  Forbidden,
  Invalid,
  NotFound,
  Unavailable,
  type DomainError,
  type FieldError,
} from '../contracts/errors';

/** The status's own reason phrase as a problem title (422 by its RFC 9110 name). */
export const titleFor = (status: number) =>
  status === 422 ? 'Unprocessable Content' : (STATUS_CODES[status] ?? 'Error');

/** One broken rule: which field, which rule, in words. */
export type FieldProblem = FieldError;

/**
 * An RFC 9457 problem document. Route code throws these; the error handler renders them as
 * `application/problem+json`.
 */
export class Problem extends Error {
  override name = 'Problem';

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
    /** The problem type's last path segment when it is more specific than the title (`session-expired`). */
    readonly kind?: string,
  ) {
    super(detail);
  }

  toJSON(instance?: string) {
    return {
      type: `https://chorus.dev/problems/${this.kind ?? this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors.length ? { errors: this.errors } : {}),
    };
  }
}

export const invalidField = (field: string, rule: string, message: string, status = 422) =>
  new Problem(status, titleFor(status), `${field}: ${message}`, [{ field, rule, message }]);

export const invalidFields = (errors: FieldProblem[], status = 422) =>
  new Problem(status, titleFor(status), fieldErrorsLine(errors), errors);

export const notFound = (what: string) => new Problem(404, 'Not Found', `${what} not found`);

export const unauthorized = (detail: string) =>
  new Problem(401, 'Unauthorized', detail, [], { 'www-authenticate': 'Bearer realm="chorus"' });

/** A signed-in session that has run out (idle too long, or past its end): a type of its own, so the app can say so. */
export const sessionExpired = (detail: string) =>
  new Problem(
    401,
    'Unauthorized',
    detail,
    [{ field: 'cookie.chorus_session', rule: 'expired', message: 'the session expired' }],
    {},
    'session-expired',
  );

export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);

export const conflict = (detail: string, errors: FieldProblem[] = []) => new Problem(409, 'Conflict', detail, errors);

/** How long a client should wait before trying again after a 503 (seconds): an outage's usual length. */
export const RETRY_AFTER_SECONDS = 5;

/** 503, with Retry-After; `cause` is logged by the error handler, never shown to the caller. */
export const unavailable = (detail: string, cause?: unknown) =>
  Object.assign(new Problem(503, 'Service Unavailable', detail, [], { 'retry-after': String(RETRY_AFTER_SECONDS) }), {
    cause,
  });

/** A 503 that also names the state of each part it depends on (`{ database: 'ok', temporal: 'unreachable: …' }`). */
export class PartsProblem extends Problem {
  constructor(
    detail: string,
    readonly parts: Record<string, string>,
  ) {
    super(503, 'Service Unavailable', detail, [], { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }

  override toJSON(instance?: string) {
    return { ...super.toJSON(instance), ...this.parts };
  }
}

/** A domain error as the problem the API answers: the only place domain errors meet HTTP. */
export function problemFrom(error: DomainError): Problem {
  if (error instanceof Invalid) return new Problem(422, titleFor(422), error.message, error.errors);
  if (error instanceof NotFound) return new Problem(404, 'Not Found', error.message, error.errors);
  if (error instanceof Conflict) return new Problem(409, 'Conflict', error.message, error.errors);
  if (error instanceof Forbidden) return new Problem(403, 'Forbidden', error.message, error.errors);
  if (error instanceof Unavailable) return unavailable(error.message, error.cause);
  return Object.assign(
    new Problem(500, 'Internal Server Error', 'Something went wrong on our side; the error has been logged'),
    { cause: error },
  );
}
