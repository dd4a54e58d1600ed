import { startEmbeddedPostgres } from '../../db/embedded';

/**
 * Runs npm start's embedded database (PGlite over the wire protocol) in its own process, because
 * PGlite loads its WASM with a dynamic import that jest's module sandbox refuses. Prints the URL,
 * and stops when its parent closes stdin.
 *   node --import tsx test/support/embedded-db-process.ts <dataDir> <port>
 */
async function main() {
  const [dataDir, port] = process.argv.slice(2);
  const embedded = await startEmbeddedPostgres(dataDir!, Number(port));
  process.stdout.write(`${embedded.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void embedded.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
