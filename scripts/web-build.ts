import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO = path.join(__dirname, '..');

/**
 * Builds the web app into web/dist when it is not there (`npm start` on a fresh clone, the browser
 * tests); `npm run build:web` rebuilds it after a change.
 */
export async function ensureWebBuilt(log: (line: string) => void = (line) => console.log(line)): Promise<string> {
  const dist = path.join(REPO, 'web', 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  log('Building the web app (web/dist), once…');
  await promisify(execFile)(
    process.execPath,
    [
      path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(REPO, 'web', 'vite.config.mts'),
    ],
    { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
  );
  return dist;
}
