import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..');

// openapi-typescript loads ES modules that jest's CommonJS runtime cannot: the check runs in its own process.
test('the web app is typed by the API as it is: web/src/api/schema.d.ts is what `npm run gen:api` writes now', async () => {
  // A route changed without `npm run gen:api` fails here; the screens that use it then fail `npm run typecheck`.
  const check = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/web-client.ts', '--check'], {
    cwd: ROOT,
  });
  await expect(check).resolves.toMatchObject({ stderr: '' });
});
