import { buildApp, type AppDeps } from '../api/app';

/**
 * The typed web client is generated from /openapi.json: every operation must say what it answers
 * on success. A 2xx with a body declares its schema (a file: its bytes); a 204 declares a null one (no body),
 * and so does a route whose success is a redirect (302).
 */

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: object }> }>;
}

test('every operation in /openapi.json declares a response schema for its success status', async () => {
  // The document needs no database, Temporal or adapters: nothing here is called.
  const app = await buildApp({} as AppDeps, { logger: false });
  try {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(50);
    const undeclared = operations
      .filter(({ operation }) => {
        // A browser's landing route (the OAuth callback) succeeds with its redirect.
        const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^(2\d\d|302)$/.test(status));
        // Fastify's placeholder for a status no route declared is "Default Response" without a schema.
        return (
          success.length === 0 ||
          success.some(
            ([, response]) => !Object.values(response.content ?? {}).some((body) => body.schema !== undefined),
          )
        );
      })
      .map(({ name }) => name);
    expect(undeclared).toEqual([]);
  } finally {
    await app.close();
  }
});
