import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../db/health';
import { unavailable } from '../problems';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

async function check(work: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(work());
    return 'ok';
  } catch (err) {
    return `unreachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Database and Temporal reachable',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ status: z.literal('ready'), database: z.string(), temporal: z.string() }) },
      },
    },
    async () => {
      const [database, temporal] = await Promise.all([
        check(() => pingDatabase(app.db)),
        check(() => app.temporal.workflowService.getSystemInfo({})),
      ]);
      if (database !== 'ok' || temporal !== 'ok') {
        throw unavailable(`database: ${database}; temporal: ${temporal}`);
      }
      return { status: 'ready' as const, database, temporal };
    },
  );
};
