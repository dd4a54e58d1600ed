/**
 * Errors the domain raises (services, activities, repositories), in the domain's terms. Only the
 * API's error handler turns them into problem+json (api/problems.ts `problemFrom`); an activity
 * reads them as outcomes.
 */

/** One broken rule: which field, which rule, in words. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export abstract class DomainError extends Error {
  constructor(
    message: string,
    /** Every broken rule, when the error is about input. */
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The input breaks a rule (the API answers 422). */
export class Invalid extends DomainError {
  override name = 'Invalid';
}

/** The record asked for does not exist, or not for this caller (404). */
export class NotFound extends DomainError {
  override name = 'NotFound';
}

/** The record's state does not allow the change (409). */
export class Conflict extends DomainError {
  override name = 'Conflict';
}

/** The caller may not do this (403). */
export class Forbidden extends DomainError {
  override name = 'Forbidden';
}

/** A part Chorus needs (Temporal, the database) is unreachable (503); `cause` is logged, never shown. */
export class Unavailable extends DomainError {
  override name = 'Unavailable';

  constructor(message: string, cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}

/** One field breaks one rule; the message says it as `field: message`. */
export const invalidField = (field: string, rule: string, message: string) =>
  new Invalid(`${field}: ${message}`, [{ field, rule, message }]);

/** Broken rules in one line ("field: message; …"): the message of `invalidFields` and the detail of a 400/422. */
export const fieldErrorsLine = (errors: readonly Omit<FieldError, 'rule'>[]) =>
  errors.map((e) => `${e.field}: ${e.message}`).join('; ');

/** Several fields break rules; the message joins them. */
export const invalidFields = (errors: FieldError[]) => new Invalid(fieldErrorsLine(errors), errors);
