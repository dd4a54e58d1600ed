import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType } from '../contracts/shared';

/**
 * Integrity violations a concurrent transaction can resolve (a row inserted twice by a race, a row
 * referred to that another transaction is about to commit): retried a few times before they count
 * as bad data too.
 */
const RACY_INTEGRITY_VIOLATIONS = new Set(['23503', '23505']);
const RACY_ATTEMPTS = 5;

/** The SQLSTATE of the PostgreSQL error `err` is, or was caused by (pg's DatabaseError carries it as `code`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * The failure for good that a database error about the data itself stands for, or undefined for any
 * other error (an outage, a lock timeout: retried as before). Class 22 (data exceptions: a NUL in a
 * text, an invalid uuid, a value out of range) never fixes itself on retry; class 23 (integrity
 * violations) neither, except a unique or foreign key violation in its first attempts, which a
 * concurrent transaction may resolve.
 */
export function dataFailure(err: unknown, attempt: number): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure) return undefined;
  const state = sqlStateOf(err);
  if (!state) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (state.startsWith('22'))
    return ApplicationFailure.create({
      type: FailureType.BadData,
      message: `The database refused the data (SQLSTATE ${state}): ${message}`,
      nonRetryable: true,
      details: [{ sqlState: state }],
      cause: err instanceof Error ? err : undefined,
    });
  if (state.startsWith('23') && (!RACY_INTEGRITY_VIOLATIONS.has(state) || attempt >= RACY_ATTEMPTS))
    return ApplicationFailure.create({
      type: FailureType.IntegrityViolation,
      message: `The database refused the change (SQLSTATE ${state}): ${message}`,
      nonRetryable: true,
      details: [{ sqlState: state }],
      cause: err instanceof Error ? err : undefined,
    });
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any activity's arguments
type Activity = (...args: any[]) => Promise<unknown>;

/**
 * Every activity of `activities`, failing for good (`dataFailure`) on a database error about its
 * data instead of being retried forever: one wrapper for all the activity factories
 * (activities/index.ts), so none needs a try/catch of its own.
 */
export function failBadDataForGood<T extends Record<string, Activity>>(activities: T): T {
  const wrapped: Record<string, Activity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await activity(...args);
      } catch (err) {
        throw dataFailure(err, currentAttempt()) ?? err;
      }
    };
  }
  return wrapped as T;
}

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (a test calling it directly)
  }
}
