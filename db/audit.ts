import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from './database';

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
  await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + entry.workspaceId}))`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select('hash')
    .where('workspace_id', '=', entry.workspaceId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date().toISOString();
  const before = entry.before ?? null;
  const after = entry.after ?? null;
  const hash = auditRowHash(prevHash, { ...entry, at, before, after });
  await trx
    .insertInto('audit_log')
    .values({
      workspace_id: entry.workspaceId,
      actor_id: entry.actorId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      at,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
      prev_hash: prevHash,
      hash,
    })
    .execute();
}
