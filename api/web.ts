import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The built web app (`npm run build:web`), from the source tree (tsx) or from dist/ (compiled). */
export function defaultWebRoot(): string {
  const candidates = [path.resolve(__dirname, '..', 'web', 'dist'), path.resolve(__dirname, '..', '..', 'web', 'dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/** Paths the API owns: never answered with the app's page. */
const API_PATHS = /^\/(v1|docs|openapi\.json|health)(\/|$|\?)/;

/**
 * Serves the web app's files at `/`. Hashed assets are cached for a year; the page, the service
 * worker and the manifest are revalidated on every load so a new build reaches users at once.
 */
export async function registerWeb(app: FastifyInstance, root: string): Promise<void> {
  // The app's pages take query strings the page reads (`/welcome?code=…`, `/listening?query=…`):
  // the file routes accept any, where the input plugin's default would refuse every key (a 400 page).
  app.addHook('onRoute', (route) => {
    if (route.url === '/*' || route.url === '/')
      route.schema = { ...route.schema, querystring: z.record(z.string(), z.unknown()) };
  });
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    index: 'index.html',
    setHeaders(reply, file) {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

/**
 * A browser navigating to one of the app's own paths (`/calendar`, `/posts/…`): the router in the
 * page takes it from there. Anything else that is not found stays a problem+json 404.
 */
export function isAppPage(app: FastifyInstance, request: FastifyRequest): boolean {
  return (
    app.webRoot !== undefined &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    !API_PATHS.test(request.url) &&
    !path.extname(request.url.split('?')[0]!) &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

export function sendAppPage(reply: FastifyReply) {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
