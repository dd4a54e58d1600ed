import type { FieldError } from '../contracts/errors';

const PUBLISH_HORIZON_YEARS = 2;

/** The one rule for every publish time (posts, reschedules, imports, recurrences, campaigns): at most two years ahead, since a later one is almost always a mistyped year. */
export function beyondHorizon(at: Date, field: string): FieldError[] {
  const horizon = new Date();
  horizon.setUTCFullYear(horizon.getUTCFullYear() + PUBLISH_HORIZON_YEARS);
  return at > horizon
    ? [
        {
          field,
          rule: 'within_two_years',
          message: `must be at most ${PUBLISH_HORIZON_YEARS} years ahead, no later than ${horizon.toISOString()} (it is ${at.toISOString()})`,
        },
      ]
    : [];
}
