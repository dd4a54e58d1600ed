import { z } from 'zod';

/** Schemas several routes share, so the same input gets the same rule and message everywhere. */

export const isoInstant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00',
});

export const idParams = z.strictObject({ id: z.uuid() });

/** PostgreSQL's largest bigint: an id past it is no row's, and PostgreSQL refuses to compare with it (a 500). */
const MAX_BIGINT = 9223372036854775807n;

/** The id of a row keyed by a bigint (mentions), as a string of digits within bigint range. */
export const bigintId = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of digits')
  .refine((id) => !/^\d+$/.test(id) || BigInt(id) <= MAX_BIGINT, {
    message: `must be at most ${MAX_BIGINT}`,
    params: { rule: 'too_big' },
  });

/** A decision on an approval chain's current step (posts, campaigns, library items), naming the step and round it is for. */
export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject', 'request_changes']),
  step: z
    .number()
    .int()
    .min(1)
    .describe("The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409)"),
  round: z
    .number()
    .int()
    .min(0)
    .describe("The round it is for (the chain's round); after an edit started a new one it is refused (409)"),
  comment: z.string().max(2000).optional(),
});

/** A 204's response: no body, said so in /openapi.json (send it with `reply.code(204).send(undefined)`). */
export const noContent = (description: string) => z.null().optional().describe(description);

/** One broken rule, as problem documents and row reports name it. */
export const fieldProblemView = z.object({ field: z.string(), rule: z.string(), message: z.string() });
