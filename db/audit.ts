import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from './database';

export interface AuditEntry {
  workspaceId: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
}

const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted, so a value read back from jsonb (which reorders keys) hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash a row must carry: sha256 over the previous row's hash and this row's content. */
export function auditRowHash(prevHash: string, row: { workspaceId: string; actorId: string | null; action: string; subjectType: string; subjectId: string; at: string; before: unknown; after: unknown }): string {
  const content = canonicalJson([prevHash, row.workspaceId, row.actorId, row.action, row.subjectType, row.subjectId, row.at, row.before ?? null, row.after ?? null]);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Appends to the workspace's hash chain. Must run inside the transaction that makes the change, so
 * the change and its audit row commit together; the advisory lock keeps the chain linear.
 */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<void> {
  await appendAuditEntries(trx, [entry]);
}

/**
 * Appends several entries, in order, with one lock, one read of each chain's head and one insert
 * per workspace: a batch of changes committed together (a burst of posts claimed at once).
 */
export async function appendAuditEntries(trx: Transaction<Database>, entries: AuditEntry[]): Promise<void> {
  const byWorkspace = new Map<string, AuditEntry[]>();
  for (const entry of entries) byWorkspace.set(entry.workspaceId, [...(byWorkspace.get(entry.workspaceId) ?? []), entry]);
  // Locks in one order everywhere, so two batches over the same workspaces cannot deadlock.
  for (const workspaceId of [...byWorkspace.keys()].sort()) {
    await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + workspaceId}))`.execute(trx);
    const last = await trx.selectFrom('audit_log').select('hash').where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    let prevHash = last?.hash ?? GENESIS;
    const at = new Date().toISOString();
    const rows = byWorkspace.get(workspaceId)!.map((entry) => {
      const before = entry.before ?? null;
      const after = entry.after ?? null;
      const hash = auditRowHash(prevHash, { ...entry, at, before, after });
      const row = {
        workspace_id: workspaceId,
        actor_id: entry.actorId,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        at,
        before: JSON.stringify(before),
        after: JSON.stringify(after),
        prev_hash: prevHash,
        hash,
      };
      prevHash = hash;
      return row;
    });
    // Ids are drawn in the order of the rows, which is the order of the chain.
    await trx.insertInto('audit_log').values(rows).execute();
  }
}

export interface AuditView {
  id: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  at: string;
  before: unknown;
  after: unknown;
  hash: string;
}

export async function findAudit(
  db: Db,
  workspaceId: string,
  filter: { subject?: string; actor?: string; from?: Date; to?: Date; limit?: number } = {},
): Promise<AuditView[]> {
  let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.subject) query = query.where('subject_id', '=', filter.subject);
  if (filter.actor) query = query.where('actor_id', '=', filter.actor);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit ?? 200).execute();
  return rows.map((r) => ({ id: r.id, actorId: r.actor_id, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, at: r.at.toISOString(), before: r.before, after: r.after, hash: r.hash }));
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first row whose link or content does not match, and why. */
  firstBroken?: { id: string; reason: string };
}

/**
 * Walks a workspace's audit chain from its first row: each row must point at the previous row's
 * hash and hash to what it stores. An edited, deleted or inserted row breaks the chain there.
 */
export async function verifyAuditChain(db: Db, workspaceId: string): Promise<AuditVerification> {
  let prevHash = GENESIS;
  let checked = 0;
  let lastId: string | undefined;
  for (;;) {
    let page = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').limit(1000);
    if (lastId) page = page.where('id', '>', lastId);
    const rows = await page.execute();
    for (const row of rows) {
      if (row.prev_hash !== prevHash) return { ok: false, checked, firstBroken: { id: row.id, reason: 'does not link to the previous row (a row before it was removed or changed)' } };
      const expected = auditRowHash(prevHash, {
        workspaceId: row.workspace_id,
        actorId: row.actor_id,
        action: row.action,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        at: row.at.toISOString(),
        before: row.before,
        after: row.after,
      });
      if (row.hash !== expected) return { ok: false, checked, firstBroken: { id: row.id, reason: 'its content does not match its hash (the row was altered)' } };
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < 1000) return { ok: true, checked };
    lastId = rows[rows.length - 1]!.id;
  }
}
