import { publishAuditCheckpoints } from '../notifications/audit-checkpoints';
import { verifyAudit, workspaceWithAuditRows } from './support/audit';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace, waitFor } from './support/harness';

// The worker's checkpointer runs here as in production, every half second.
const { harness: h, hook, call } = useChorus({ hook: true, harness: { auditCheckpointMs: 500 } });

function chain(workspaceId: string) {
  return h().db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

const verify = (token: string) => verifyAudit(call, token);
const workspaceWithRows = (name: string, tokens?: number) => workspaceWithAuditRows({ harness: h, call }, name, tokens);

test('checkpoints are made periodically, served by the API and sent to the notification webhook', async () => {
  const ws = await workspaceWithRows('Witnessed', 1);
  const analyst = await addMember(h(), ws.workspaceId, 'analyst');
  const editor = await addMember(h(), ws.workspaceId, 'editor');
  expect(
    (await call(ws.token, 'PUT', '/v1/notifications/webhook', { url: hook().url, secret: hook().secret })).statusCode,
  ).toBe(204);
  expect((await call(ws.token, 'POST', '/v1/tokens', { name: 'witnessed' })).statusCode).toBe(201);
  const head = (await chain(ws.workspaceId)).at(-1)!;

  // No POST here: the worker's checkpointer signs and sends it.
  const delivery = await waitFor('a checkpoint of the newest row at the webhook', async () =>
    hook().deliveries.find((d) => d.payload.type === 'audit.checkpoint' && d.payload.data.headId === head.id),
  );
  const rows = await chain(ws.workspaceId);
  expect(delivery.payload.data).toEqual({
    workspaceId: ws.workspaceId,
    checkpointId: expect.any(String),
    count: rows.length,
    headId: head.id,
    headHash: head.hash,
    at: expect.any(String),
    keyId: head.key_id,
    signature: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(delivery.id).toBe(`audit_checkpoint_${String(delivery.payload.data.checkpointId)}`);

  const listed = await waitFor('the checkpoint marked delivered', async () => {
    const res = await call(analyst.token, 'GET', '/v1/audit/checkpoints');
    expect(res.statusCode).toBe(200);
    const found = res
      .json()
      .checkpoints.find((c: { id: string }) => c.id === String(delivery.payload.data.checkpointId));
    return found?.deliveredAt ? found : undefined;
  });
  expect(listed).toMatchObject({
    count: rows.length,
    headId: head.id,
    headHash: head.hash,
    signature: delivery.payload.data.signature,
  });

  // Roles: reading is the audit log's (not an editor's); signing one now is an owner's or admin's.
  expect((await call(editor.token, 'GET', '/v1/audit/checkpoints')).statusCode).toBe(403);
  expect((await call(analyst.token, 'POST', '/v1/audit/checkpoints')).statusCode).toBe(403);
  expect((await call(ws.token, 'GET', '/v1/audit/checkpoints?limit=0')).statusCode).toBe(400);
  // Workspace scoped: another workspace sees none of these.
  const other = await createWorkspace(h(), 'Elsewhere');
  const theirs = (await call(other.token, 'GET', '/v1/audit/checkpoints')).json().checkpoints as { id: string }[];
  expect(theirs.map((c) => c.id)).not.toContain(listed.id);

  // A chain that did not move gets no new checkpoint.
  const again = await call(ws.token, 'POST', '/v1/audit/checkpoints');
  expect(again.statusCode).toBe(200);
  expect(again.json().checkpoint.headId).toBe(head.id);
  expect(await verify(ws.token)).toMatchObject({ ok: true, checked: rows.length });
});

test('concurrent writes still chain correctly, and checkpoints taken meanwhile match the chain', async () => {
  const [a, b] = await Promise.all([workspaceWithRows('Busy A', 0), workspaceWithRows('Busy B', 0)]);
  const before = (await chain(a.workspaceId)).length + (await chain(b.workspaceId)).length;
  await Promise.all([
    ...Array.from({ length: 30 }, (_, i) => call((i % 2 ? a : b).token, 'POST', '/v1/tokens', { name: `c${i}` })),
    ...Array.from({ length: 5 }, () => call(a.token, 'POST', '/v1/audit/checkpoints')),
  ]);
  const [rowsA, rowsB] = await Promise.all([chain(a.workspaceId), chain(b.workspaceId)]);
  expect(rowsA.length + rowsB.length).toBe(before + 30);
  for (const ws of [a, b]) {
    const result = await verify(ws.token);
    expect(result).toMatchObject({ ok: true, checked: (ws === a ? rowsA : rowsB).length });
  }
  const checkpoints = (await call(a.token, 'GET', '/v1/audit/checkpoints')).json().checkpoints as {
    count: number;
    headId: string;
  }[];
  expect(checkpoints.length).toBeGreaterThan(0);
  for (const c of checkpoints) expect(rowsA[c.count - 1]!.id).toBe(c.headId);
});

test('a checkpoint the webhook refused is sent again on a later round', async () => {
  const ws = await workspaceWithRows('Refused once', 0);
  expect(
    (await call(ws.token, 'PUT', '/v1/notifications/webhook', { url: hook().url, secret: hook().secret })).statusCode,
  ).toBe(204);
  hook().respondNext({ status: 503 });
  expect((await call(ws.token, 'POST', '/v1/tokens', { name: 'refused' })).statusCode).toBe(201);
  const head = (await chain(ws.workspaceId)).at(-1)!;
  const delivered = await waitFor('the refused checkpoint delivered', async () =>
    hook().deliveries.find((d) => d.payload.type === 'audit.checkpoint' && d.payload.data.headId === head.id),
  );
  const checkpoints = (await call(ws.token, 'GET', '/v1/audit/checkpoints')).json().checkpoints as {
    id: string;
    deliveredAt: string | null;
  }[];
  expect(checkpoints.find((c) => c.id === String(delivered.payload.data.checkpointId))?.deliveredAt).toEqual(
    expect.any(String),
  );
  // Delivered once: a later round does not send it again.
  expect(
    hook().deliveries.filter((d) => d.id === `audit_checkpoint_${String(delivered.payload.data.checkpointId)}`),
  ).toHaveLength(1);
});

test("a checkpoint signed with another audit key is left to that key's server (it could not open the webhook's secret either)", async () => {
  const ws = await workspaceWithRows('Shared database');
  expect(
    (await call(ws.token, 'PUT', '/v1/notifications/webhook', { url: hook().url, secret: hook().secret })).statusCode,
  ).toBe(204);
  const head = (await chain(ws.workspaceId)).at(-1)!;
  const foreign = await h()
    .db.insertInto('audit_checkpoints')
    .values({
      workspace_id: ws.workspaceId,
      count: 1,
      head_id: head.id,
      head_hash: head.hash,
      at: new Date(),
      key_id: 'another-deployments-key',
      signature: '0'.repeat(64),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const run = await publishAuditCheckpoints(
    { db: h().db, adapters: h().adapters, sealer: h().sealer },
    { workspaceId: ws.workspaceId },
  );
  expect(run.failures).toEqual([]);
  const row = await h()
    .db.selectFrom('audit_checkpoints')
    .select('delivered_at')
    .where('id', '=', foreign.id)
    .executeTakeFirstOrThrow();
  expect(row.delivered_at).toBeNull();
  expect(hook().deliveries.some((d) => d.id === `audit_checkpoint_${foreign.id}`)).toBe(false);
});
