import fastifyStatic from '@fastify/static';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The built web app (`npm run build:web`), from the source tree (tsx) or from dist/ (compiled). */
export function defaultWebRoot(): string {
  const candidates = [path.resolve(__dirname, '..', 'web', 'dist'), path.resolve(__dirname, '..', '..', 'web', 'dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/** Paths the API owns: never answered with the app's page. */
const API_PATHS = /^\/(v1|docs|openapi\.json|health)(\/|$|\?)/;

/**
 * Serves the web app at `/`: its files (hashed assets cached for a year; the page, the service
 * worker and the manifest revalidated on every load, so a new build reaches users at once), and
 * its page for every path of its own (`/calendar`, `/posts/…?status=…`: the router in the page
 * takes it from there). Unknown API paths stay problem+json 404s.
 */
export async function registerWeb(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    serve: false,
    setHeaders(reply, file) {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    // The app's pages keep their state in their query strings; nothing here reads them.
    config: { appFiles: true },
    schema: { hide: true },
    handler(request, reply) {
      const file = (request.params as { '*': string })['*'];
      if (file && isFile(root, file)) return reply.sendFile(file);
      if (isAppPage(request)) return reply.sendFile('index.html');
      return reply.callNotFound();
    },
  });
}

function isFile(root: string, file: string): boolean {
  const full = path.resolve(root, file);
  if (!full.startsWith(root + path.sep)) return false;
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}

/** A browser navigating to one of the app's own paths: not the API's, not a file, asking for a page. */
function isAppPage(request: FastifyRequest): boolean {
  return (
    !API_PATHS.test(request.url) &&
    !path.extname(request.url.split('?')[0]!) &&
    (request.headers.accept ?? '').includes('text/html')
  );
}
