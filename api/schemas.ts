import { z } from 'zod';

/** Schemas several routes share, so the same input gets the same rule and message everywhere. */

export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00' });

export const idParams = z.strictObject({ id: z.uuid() });

/** A decision on an approval chain's current step (posts, campaigns, library items). */
export const decisionBody = z.strictObject({ decision: z.enum(['approve', 'reject', 'request_changes']), comment: z.string().max(2000).optional() });
