import { createHash } from 'node:crypto';
import { sql, type Transaction, type Generated } from 'kysely';
import type { Database, Db } from './database';
import { CAMPAIGN_STATUSES } from '../contracts/domain';
import { POST_STATUSES } from '../contracts/domain';
import type { Timestamp } from './columns';

export interface AuditLogTable {
  id: Generated<string>;
  workspace_id: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  at: Timestamp;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/**
 * Every action the audit log records, named `<subject type>.<what happened, past tense>`; the part
 * before the dot is the row's subject type. A status change is `<subject type>.status_changed`
 * with the old and new status in before/after. Listed in the README (Audit log).
 */
export const AUDIT_ACTIONS = [
  'workspace.created',
  'workspace.notification_webhook_set',
  'member.added',
  'member.role_changed',
  'member.removed',
  'invitation.created',
  'invitation.reissued',
  'invitation.revoked',
  'invitation.accepted',
  'service_account.created',
  'api_token.created',
  'api_token.revoked',
  'session.created',
  'session.switched',
  'session.ended',
  'user.password_set',
  'channel.created',
  'channel.slots_set',
  'channel.reconnected',
  'channel.removed',
  'post.created',
  'post.edited',
  'post.rescheduled',
  'post.status_changed',
  'post.approval_decided',
  'campaign.created',
  'campaign.posts_added',
  'campaign.status_changed',
  'campaign.approval_decided',
  'recurrence.created',
  'recurrence.status_changed',
  'import_job.started',
  'media.uploaded',
  'library_item.created',
  'library_item.status_changed',
  'library_item.approval_decided',
  'approval_policy.created',
  'approval_policy.updated',
  'content_rule.created',
  'content_rule.deleted',
  'listening_query.created',
  'listening_query.updated',
  'alert.opened',
  'alert.acknowledged',
  'ingest_key.created',
  'ingest_key.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

type SubjectOf<A extends string> = A extends `${infer S}.${string}` ? S : never;
export type AuditSubjectType = SubjectOf<AuditAction>;

const decisions = ['approve', 'reject', 'request_changes'];
/**
 * Names rows were stored under before the actions followed one pattern. Stored rows keep them (the
 * hash chain covers the name); reading and filtering treat them as the current name.
 */
export const LEGACY_AUDIT_ACTIONS: Partial<Record<AuditAction, readonly string[]>> = {
  'workspace.notification_webhook_set': ['notifications.webhook_set'],
  'api_token.created': ['token.created'],
  'api_token.revoked': ['token.revoked'],
  'post.status_changed': POST_STATUSES.map((s) => `post.${s}`),
  'post.approval_decided': ['approval.approved', 'approval.rejected', 'approval.changes_requested'],
  'campaign.status_changed': CAMPAIGN_STATUSES.map((s) => `campaign.${s}`),
  'campaign.approval_decided': decisions.map((d) => `campaign_approval.${d}`),
  'recurrence.status_changed': ['active', 'paused', 'stopped', 'completed'].map((s) => `recurrence.${s}`),
  'import_job.started': ['import.started'],
  'library_item.status_changed': ['awaiting_approval', 'approved', 'rejected'].map((s) => `library_item.${s}`),
  'library_item.approval_decided': decisions.map((d) => `library_approval.${d}`),
  'approval_policy.created': ['policy.created'],
  'approval_policy.updated': ['policy.updated'],
};

const currentName = new Map<string, AuditAction>(
  Object.entries(LEGACY_AUDIT_ACTIONS).flatMap(([action, old]) =>
    old.map((name) => [name, action as AuditAction] as const),
  ),
);

/** Every name an action's rows may be stored under: its own and its legacy ones. */
export function auditActionNames(action: AuditAction): string[] {
  return [action, ...(LEGACY_AUDIT_ACTIONS[action] ?? [])];
}

/** One entry per action, its subject type the action's own prefix, so neither can stray. */
export type AuditEntry = {
  [A in AuditAction]: {
    workspaceId: string;
    actorId: string | null;
    action: A;
    subjectType: SubjectOf<A>;
    subjectId: string;
    before?: unknown;
    after?: unknown;
  };
}[AuditAction];

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
export function auditRowHash(
  prevHash: string,
  row: {
    workspaceId: string;
    actorId: string | null;
    action: string;
    subjectType: string;
    subjectId: string;
    at: string;
    before: unknown;
    after: unknown;
  },
): string {
  const content = canonicalJson([
    prevHash,
    row.workspaceId,
    row.actorId,
    row.action,
    row.subjectType,
    row.subjectId,
    row.at,
    row.before ?? null,
    row.after ?? null,
  ]);
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
  for (const entry of entries)
    byWorkspace.set(entry.workspaceId, [...(byWorkspace.get(entry.workspaceId) ?? []), entry]);
  // Locks in one order everywhere, so two batches over the same workspaces cannot deadlock.
  for (const workspaceId of [...byWorkspace.keys()].sort()) {
    await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + workspaceId}))`.execute(trx);
    const last = await trx
      .selectFrom('audit_log')
      .select('hash')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
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
  /** The current name (see AUDIT_ACTIONS), also for rows stored under a legacy one. */
  action: string;
  /** The name the row was stored under, when it predates the current name. */
  recordedAs?: string;
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
  filter: { subject?: string; actor?: string; action?: AuditAction; from?: Date; to?: Date; limit?: number } = {},
): Promise<AuditView[]> {
  let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.subject) query = query.where('subject_id', '=', filter.subject);
  if (filter.action) query = query.where('action', 'in', auditActionNames(filter.action));
  if (filter.actor) query = query.where('actor_id', '=', filter.actor);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => {
    const renamed = currentName.get(r.action);
    return {
      id: r.id,
      actorId: r.actor_id,
      action: renamed ?? r.action,
      ...(renamed ? { recordedAs: r.action } : {}),
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      at: r.at.toISOString(),
      before: r.before,
      after: r.after,
      hash: r.hash,
    };
  });
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
      if (row.prev_hash !== prevHash)
        return {
          ok: false,
          checked,
          firstBroken: {
            id: row.id,
            reason: 'does not link to the previous row (a row before it was removed or changed)',
          },
        };
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
      if (row.hash !== expected)
        return {
          ok: false,
          checked,
          firstBroken: { id: row.id, reason: 'its content does not match its hash (the row was altered)' },
        };
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < 1000) return { ok: true, checked };
    lastId = rows[rows.length - 1]!.id;
  }
}
