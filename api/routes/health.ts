import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../db/health';
import { PartsProblem } from '../problems';

/** Each check answers within this (ms), so the route does within 2 s whatever is down. */
const CHECK_TIMEOUT_MS = 1800;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** 'ok', or 'unreachable: ' and why (the driver's own words: what was refused, what timed out). */
async function check(work: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(work());
    return 'ok';
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    return `unreachable: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`;
  }
}

const partState = z.string().describe("'ok', or 'unreachable: ' and the reason");

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Database and Temporal reachable',
        description:
          'Answers 200 when both are; otherwise 503 problem+json with Retry-After, naming the state of each (`database`, `temporal`). The process rides out either outage and resumes by itself.',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ status: z.literal('ready'), database: partState, temporal: partState }) },
      },
    },
    async () => {
      const [database, temporal] = await Promise.all([
        check(() => pingDatabase(app.db)),
        check(() => app.temporal.workflowService.getSystemInfo({})),
      ]);
      if (database !== 'ok' || temporal !== 'ok') {
        throw new PartsProblem(`database: ${database}; temporal: ${temporal}`, { database, temporal });
      }
      return { status: 'ready' as const, database, temporal };
    },
  );
};
