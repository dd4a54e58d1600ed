import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp, type AppDeps } from '../api/app';

/** Where the web app's typed API client finds the API's types. */
export const CLIENT_TYPES_FILE = path.join(__dirname, '..', 'web', 'src', 'api', 'schema.d.ts');

/**
 * The TypeScript types of every route, generated from the API's own /openapi.json: the web app's
 * client (openapi-fetch) is typed by them, so a screen that no longer matches the API fails to compile.
 */
export async function generateClientTypes(): Promise<string> {
  // The document needs no database, Temporal or adapters: nothing is called.
  const app = await buildApp({} as AppDeps, { logger: false });
  try {
    await app.ready();
    const document = app.swagger() as Parameters<typeof openapiTS>[0];
    const ast = await openapiTS(document, { alphabetize: true });
    return `// Generated from /openapi.json by \`npm run gen:api\`; do not edit.\n${astToString(ast)}`;
  } finally {
    await app.close();
  }
}

/** `--check`: exits 1 when the file is not what the API generates now (CI), instead of writing it. */
async function main(check: boolean): Promise<number> {
  const types = await generateClientTypes();
  const file = path.relative(process.cwd(), CLIENT_TYPES_FILE);
  if (!check) {
    await writeFile(CLIENT_TYPES_FILE, types);
    console.log(`wrote ${file}`);
    return 0;
  }
  const current = await readFile(CLIENT_TYPES_FILE, 'utf8').catch(() => '');
  if (current === types) return 0;
  console.error(`${file} is out of date with the API's routes: run \`npm run gen:api\``);
  return 1;
}

if (require.main === module) {
  main(process.argv.includes('--check')).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
