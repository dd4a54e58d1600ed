import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createWorkspaceWithOwner } from '../db/workspaces';

const USAGE = `Usage:
  chorus workspace create --name <name> --owner <email>   create a workspace; prints its id and an owner API token as JSON

The database is DATABASE_URL, or the embedded one that a running \`npm start\` serves on PGLITE_PORT.`;

/** The `chorus` command line: administration that precedes having an API token. */
async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'workspace' && command === 'create') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, owner: { type: 'string' } } });
    if (!values.name?.trim() || !values.owner || !/^[^@\s]+@[^@\s]+$/.test(values.owner)) {
      console.error(`chorus workspace create needs --name <name> and --owner <email>\n\n${USAGE}`);
      return 2;
    }
    const config = loadConfig();
    const db = createDb(config.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${config.PGLITE_PORT}/postgres?sslmode=disable`, 2);
    try {
      await migrateToLatest(db);
      const created = await createWorkspaceWithOwner(db, { name: values.name.trim(), ownerEmail: values.owner });
      console.log(JSON.stringify(created));
      return 0;
    } finally {
      await db.destroy();
    }
  }
  console.error(USAGE);
  return group === undefined || group === '--help' || group === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
