import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { appendAudit, canonicalJson, createAuditCheckpoint, verifyAuditChain } from '../db/audit';
import type { Database } from '../db/database';
import { verifyAudit, workspaceWithAuditRows } from './support/audit';
import { useChorus } from './support/chorus';
import { createWorkspace, type TestWorkspace } from './support/harness';

// Without the worker's periodic checkpointer (audit-checkpoints.test.ts has it): checkpoints are
// made here with POST /v1/audit/checkpoints only, so each test knows every checkpoint there is.
const { harness: h, call } = useChorus();

/** The workspace's audit rows in chain order, as stored. */
function chain(workspaceId: string) {
  return h().db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

/** The hash of the unkeyed chain (what rows carried before it was keyed): all someone without the key can compute. */
function sha256Hash(prevHash: string, r: Awaited<ReturnType<typeof chain>>[number]): string {
  const content = canonicalJson([
    prevHash,
    r.workspace_id,
    r.actor_id,
    r.action,
    r.subject_type,
    r.subject_id,
    r.at.toISOString(),
    r.before ?? null,
    r.after ?? null,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * What someone with write access to the database but not the key does: changes row `index`'s
 * `after` (when given), then recomputes every hash from `from` on so that each row links to the
 * one before and hashes to what it stores. Only SQL, no Chorus code; `unseal` also clears the
 * rows' key id, to pass them off as rows written before the chain was keyed.
 */
async function rewrite(
  workspaceId: string,
  opts: { index?: number; after?: unknown; from?: number; unseal?: boolean },
): Promise<Awaited<ReturnType<typeof chain>>> {
  const rows = await chain(workspaceId);
  const from = opts.from ?? opts.index ?? 0;
  let prevHash = from === 0 ? '0'.repeat(64) : rows[from - 1]!.hash;
  for (let i = from; i < rows.length; i++) {
    const row = rows[i]!;
    if (i === opts.index) row.after = opts.after;
    const hash = sha256Hash(prevHash, row);
    await sql`update audit_log set after = ${JSON.stringify(row.after)}::jsonb, prev_hash = ${prevHash}, hash = ${hash} where id = ${row.id}`.execute(
      h().db,
    );
    if (opts.unseal) await sql`update audit_log set key_id = null where id = ${row.id}`.execute(h().db);
    prevHash = hash;
  }
  return rows;
}

const verify = (token: string) => verifyAudit(call, token);
const workspaceWithRows = (name: string, tokens?: number) => workspaceWithAuditRows({ harness: h, call }, name, tokens);

/** Signs a checkpoint now (the API's button for what the worker does periodically). */
async function checkpoint(ws: TestWorkspace) {
  const res = await call(ws.token, 'POST', '/v1/audit/checkpoints');
  expect([200, 201]).toContain(res.statusCode);
  return res.json().checkpoint as { id: string; count: number; headId: string; headHash: string };
}

test('an untampered chain verifies: every row sealed with the key, every checkpoint matching', async () => {
  const ws = await workspaceWithRows('Untouched');
  await checkpoint(ws);
  expect((await call(ws.token, 'POST', '/v1/tokens', { name: 'later' })).statusCode).toBe(201);
  const rows = await chain(ws.workspaceId);
  expect(rows.every((r) => r.key_id !== null && r.key_id === rows[0]!.key_id)).toBe(true);
  expect(await verify(ws.token)).toEqual({
    ok: true,
    checked: rows.length,
    unsealed: 0,
    keyId: rows[0]!.key_id,
    checkpoints: expect.any(Number),
  });
});

test('a row edited and the following hashes recomputed without the key is detected at that row', async () => {
  const ws = await workspaceWithRows('Edited');
  const rows = await rewrite(ws.workspaceId, { index: 3, after: { name: 'not what was done' } });
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    checked: 3,
    firstBroken: { id: rows[3]!.id, reason: expect.stringContaining('does not match its seal') },
  });
});

test('rows passed off as written before the chain was keyed are detected', async () => {
  const ws = await workspaceWithRows('Unsealed');
  // From row 3 on only: rows before it are sealed, so unsealed ones cannot follow.
  const rows = await rewrite(ws.workspaceId, { index: 3, after: { name: 'x' }, unseal: true });
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    checked: 3,
    firstBroken: { id: rows[3]!.id, reason: expect.stringContaining('not sealed, yet rows before it are') },
  });

  // The whole chain, after a checkpoint: it passes for an old unkeyed chain, but not for the one
  // the checkpoint vouched for.
  const whole = await workspaceWithRows('Unsealed whole');
  const signed = await checkpoint(whole);
  await rewrite(whole.workspaceId, { index: 2, after: { name: 'x' }, from: 0, unseal: true });
  expect(await verify(whole.token)).toMatchObject({
    ok: false,
    unsealed: signed.count,
    brokenCheckpoint: { id: signed.id, reason: expect.stringContaining('rewritten or removed') },
  });
});

test('the newest rows deleted are detected against the last checkpoint', async () => {
  const ws = await workspaceWithRows('Truncated');
  const signed = await checkpoint(ws);
  const rows = await chain(ws.workspaceId);
  expect(signed).toMatchObject({ count: rows.length, headId: rows.at(-1)!.id, headHash: rows.at(-1)!.hash });
  expect(await verify(ws.token)).toMatchObject({ ok: true });

  await sql`delete from audit_log where id in (${rows.at(-1)!.id}, ${rows.at(-2)!.id})`.execute(h().db);
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    checked: rows.length - 2,
    brokenCheckpoint: { id: signed.id, reason: expect.stringContaining('newest rows were deleted') },
  });
  expect((await verify(ws.token)).firstBroken).toBeUndefined();

  // Deleting rows and then appending: the chain links again, but is shorter than vouched for.
  expect((await call(ws.token, 'POST', '/v1/tokens', { name: 'after' })).statusCode).toBe(201);
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    checked: rows.length - 1,
    brokenCheckpoint: { id: signed.id, reason: expect.stringContaining('newest rows were deleted') },
  });
  expect((await verify(ws.token)).firstBroken).toBeUndefined();
});

test('a checkpoint edited is detected; so is one deleted along with the rows it vouched for, by what was sent', async () => {
  const ws = await workspaceWithRows('Checkpoint edited', 2);
  const first = await checkpoint(ws);
  for (const name of ['a', 'b']) await call(ws.token, 'POST', '/v1/tokens', { name });
  const second = await checkpoint(ws);
  const rows = await chain(ws.workspaceId);

  // Truncate, then make the newest checkpoint agree with the shorter chain.
  const kept = rows.at(-3)!;
  await sql`delete from audit_log where id in (${rows.at(-1)!.id}, ${rows.at(-2)!.id})`.execute(h().db);
  await sql`update audit_checkpoints set count = ${second.count - 2}, head_id = ${kept.id}, head_hash = ${kept.hash} where id = ${second.id}`.execute(
    h().db,
  );
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    brokenCheckpoint: { id: second.id, reason: expect.stringContaining('checkpoint was altered') },
  });

  // The signature of another checkpoint does not fit either.
  const signature = await h()
    .db.selectFrom('audit_checkpoints')
    .select('signature')
    .where('id', '=', first.id)
    .executeTakeFirstOrThrow();
  await sql`update audit_checkpoints set signature = ${signature.signature} where id = ${second.id}`.execute(h().db);
  expect((await verify(ws.token)).brokenCheckpoint).toMatchObject({ id: second.id });

  // Deleting the newest checkpoint too leaves a chain the database alone cannot fault: the earlier
  // checkpoint still matches. The webhook receiver, which got the deleted one, is the witness.
  await sql`delete from audit_checkpoints where id = ${second.id}`.execute(h().db);
  expect(await verify(ws.token)).toMatchObject({ ok: true, checkpoints: 1 });
});

/** Replaces the workspace's chain by `names.length` rows as an older Chorus wrote them: the unkeyed sha256 chain, key_id null. */
async function writeUnsealedChain(trx: Transaction<Database>, ws: TestWorkspace, names: string[]): Promise<string> {
  await sql`delete from audit_log where workspace_id = ${ws.workspaceId}`.execute(trx);
  let prevHash = '0'.repeat(64);
  for (const name of names) {
    const row = {
      workspace_id: ws.workspaceId,
      actor_id: ws.userId,
      action: 'token.created',
      subject_type: 'api_token',
      subject_id: name,
      at: new Date(),
      before: null,
      after: { name },
    };
    const hash = sha256Hash(prevHash, { ...row, id: '', prev_hash: prevHash, hash: '', key_id: null });
    await trx
      .insertInto('audit_log')
      .values({ ...row, after: JSON.stringify(row.after), prev_hash: prevHash, hash })
      .execute();
    prevHash = hash;
  }
  return prevHash;
}

// Each writes its old rows and what anchors them in one transaction: the periodic checkpointer of
// a test file running beside this one (another key) must not vouch for them in between.
test('rows written before the chain was keyed stay verifiable, and are anchored by the first sealed row', async () => {
  const ws = await createWorkspace(h(), 'Upgraded');
  const oldHead = await h()
    .db.transaction()
    .execute(async (trx) => {
      const head = await writeUnsealedChain(trx, ws, ['old-a', 'old-b', 'old-c']);
      expect(await verifyAuditChain(trx, ws.workspaceId)).toMatchObject({ ok: true, checked: 3, unsealed: 3 });
      await appendAudit(trx, {
        workspaceId: ws.workspaceId,
        actorId: ws.userId,
        action: 'api_token.created',
        subjectType: 'api_token',
        subjectId: 'new',
        after: { name: 'new' },
      });
      return head;
    });
  const rows = await chain(ws.workspaceId);
  expect(rows[3]).toMatchObject({ prev_hash: oldHead, key_id: expect.any(String) });
  expect(await verify(ws.token)).toMatchObject({ ok: true, checked: 4, unsealed: 3 });

  // Rewriting the old rows (recomputing their sha256 chain) breaks the sealed row's link, and
  // relinking it breaks its seal.
  await rewrite(ws.workspaceId, { index: 1, after: { name: 'forged' }, from: 0 });
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    checked: 3,
    firstBroken: { id: rows[3]!.id, reason: expect.stringContaining('does not match its seal') },
  });
});

test('a chain of only old rows is anchored by its first checkpoint', async () => {
  const ws = await createWorkspace(h(), 'Dormant');
  const signed = await h()
    .db.transaction()
    .execute(async (trx) => {
      await writeUnsealedChain(trx, ws, ['old-a', 'old-b']);
      return createAuditCheckpoint(trx, ws.workspaceId);
    });
  expect(await verify(ws.token)).toMatchObject({ ok: true, checked: 2, unsealed: 2, checkpoints: 1 });
  await rewrite(ws.workspaceId, { index: 0, after: { name: 'forged' } });
  expect(await verify(ws.token)).toMatchObject({
    ok: false,
    unsealed: 2,
    brokenCheckpoint: { id: signed!.id, reason: expect.stringContaining('rewritten or removed') },
  });
});
