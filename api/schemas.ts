import { z } from 'zod';
import type { FieldProblem } from './problems';

/** Schemas several routes share, so the same input gets the same rule and message everywhere. */

export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00' });

export const idParams = z.strictObject({ id: z.uuid() });

/** A decision on an approval chain's current step (posts, campaigns, library items), naming the step and round it is for. */
export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject', 'request_changes']),
  step: z.number().int().min(1).describe('The step it is for, from 1 (the chain\'s currentStep); a decision for another step is refused (409)'),
  round: z.number().int().min(0).describe('The round it is for (the chain\'s round); after an edit started a new one it is refused (409)'),
  comment: z.string().max(2000).optional(),
});

const PUBLISH_HORIZON_YEARS = 2;

/** The one rule for every publish time (posts, reschedules, imports, recurrences, campaigns): at most two years ahead, since a later one is almost always a mistyped year. */
export function beyondHorizon(at: Date, field: string): FieldProblem[] {
  const horizon = new Date();
  horizon.setUTCFullYear(horizon.getUTCFullYear() + PUBLISH_HORIZON_YEARS);
  return at > horizon ? [{ field, rule: 'within_two_years', message: `must be at most ${PUBLISH_HORIZON_YEARS} years ahead, no later than ${horizon.toISOString()} (it is ${at.toISOString()})` }] : [];
}

/** A 204's response: no body, said so in /openapi.json (send it with `reply.code(204).send(undefined)`). */
export const noContent = (description: string) => z.null().optional().describe(description);

/** One broken rule, as problem documents and row reports name it. */
export const fieldProblemView = z.object({ field: z.string(), rule: z.string(), message: z.string() });
