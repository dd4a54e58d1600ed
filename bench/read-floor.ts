import Fastify from 'fastify';
import pg from 'pg';

/**
 * The floor under `bench:api-load`'s reads: what this machine serves with the same stack and no
 * Chorus in it. Fastify without logging, hooks or schemas, and one pg query a request (a pool of
 * 10, as the API's) reading the same post rows with their targets as JSON. No caller is looked up,
 * nothing is checked, nothing is converted. `bench/api-load.ts` runs it in a process of its own,
 * as it runs the API, against the same database and load, so the API's figures can be read as a
 * share of what the machine allows:
 *
 *   DATABASE_URL=… API_PORT=… node --import tsx bench/read-floor.ts
 */
const WITH_TARGETS = `select p.*, (select coalesce(json_agg(t order by t.id), '[]') from post_targets t where t.post_id = p.id) as targets from posts p`;

async function main() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ ok: true }));
  app.get<{ Params: { id: string } }>('/v1/posts/:id', async (request, reply) => {
    const { rows } = await pool.query(`${WITH_TARGETS} where p.id = $1`, [request.params.id]);
    return rows[0] ?? reply.code(404).send({});
  });
  app.get('/v1/posts', async () => {
    const { rows } = await pool.query(`${WITH_TARGETS} order by p.publish_at, p.id limit 50`);
    return { posts: rows };
  });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.API_PORT) });
  process.once('SIGTERM', () => void app.close().then(() => pool.end()));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
