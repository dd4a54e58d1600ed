import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import {
  sql,
  type ColumnType,
  type Generated,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type Selectable,
  type Transaction,
  type UnknownRow,
} from 'kysely';
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
  /** The audit key the row was sealed with (AuditKey.id); null: written before the chain was keyed (sha256 only). */
  key_id: string | null;
}

/** A signed statement of a workspace's chain: its length and newest row at `at`. */
export interface AuditCheckpointsTable {
  id: Generated<string>;
  workspace_id: string;
  count: ColumnType<string, number, never>;
  head_id: string;
  head_hash: string;
  at: Timestamp;
  key_id: string;
  signature: string;
  /** Sent to the workspace's notification webhook. */
  delivered_at: Timestamp | null;
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
  'channel.needs_reconnect',
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
  'conversation.updated',
  'conversation.note_added',
  'conversation.reply_requested',
  'conversation.marked_spam',
  'reply.approval_decided',
  'inbox_settings.updated',
  'inbox_settings.sla_targets_set',
  'assignment_rule.created',
  'assignment_rule.updated',
  'assignment_rule.deleted',
  'member.away_set',
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

/**
 * The key that seals the audit chain (HMAC-SHA256) and signs its checkpoints. It is held outside
 * the database: derived with HKDF-SHA256, under a label of its own, from the same key material as
 * the credentials' sealing key (CHORUS_ENCRYPTION_KEY, or the key file in CHORUS_DATA_DIR), so
 * there is no second secret to keep and back up, and neither key says anything about the other.
 *
 * It travels with the database handle, as a Kysely plugin that leaves every query as it is
 * (`withAuditKey`): every transaction opened on a keyed handle carries it to `appendAudit`, so
 * the many repositories that write audit rows inside their own transactions need no new argument.
 * Writing or verifying on a handle without it throws, rather than writing rows no one can check.
 */
export class AuditKey implements KyselyPlugin {
  /** A public fingerprint of the key (16 hex), stored on each row and checkpoint it sealed. */
  readonly id: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The audit key must be 32 bytes');
    this.#key = Buffer.from(key);
    this.id = this.mac('chorus audit key id').slice(0, 16);
  }

  /** The audit key of this key material (base64, as CHORUS_ENCRYPTION_KEY). */
  static derive(keyMaterialBase64: string): AuditKey {
    const material = Buffer.from(keyMaterialBase64, 'base64');
    return new AuditKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'chorus audit log v1', 32)));
  }

  /** HMAC-SHA256 of `content` under the key, hex. */
  mac(content: string): string {
    return createHmac('sha256', this.#key).update(content).digest('hex');
  }

  /** Whether `mac` is this key's MAC of `content` (compared in constant time). */
  verify(content: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(content), 'hex');
    const given = Buffer.from(mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** The database handle that seals and checks the audit chain with `key` (see AuditKey). */
export function withAuditKey(db: Db, key: AuditKey): Db {
  return db.withPlugin(key);
}

/** The audit key `db` (or a transaction opened on it) carries; throws when it carries none. */
export function auditKeyOf(db: Kysely<Database>): AuditKey {
  const key = db.getExecutor().plugins.find((p): p is AuditKey => p instanceof AuditKey);
  if (!key)
    throw new Error(
      'This database handle has no audit key: open it with withAuditKey (createDeps and openDatabase do)',
    );
  return key;
}

/** JSON with object keys sorted, so a value read back from jsonb (which reorders keys) hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface AuditRowContent {
  workspaceId: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  at: string;
  before: unknown;
  after: unknown;
}

function rowContent(prevHash: string, row: AuditRowContent): string {
  return canonicalJson([
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
}

/**
 * The hash a row must carry, over the previous row's hash and this row's content: sealed with the
 * audit key (HMAC-SHA256) when given, as every row since the chain was keyed is; the plain sha256
 * of rows written before.
 */
export function auditRowHash(prevHash: string, row: AuditRowContent, key?: AuditKey): string {
  const content = rowContent(prevHash, row);
  return key ? key.mac(content) : createHash('sha256').update(content).digest('hex');
}

/** What a checkpoint's signature covers. */
function checkpointContent(c: { workspaceId: string; count: number; headId: string; headHash: string; at: string }) {
  return canonicalJson(['chorus audit checkpoint', c.workspaceId, c.count, c.headId, c.headHash, c.at]);
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
  const key = auditKeyOf(trx);
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
      const hash = auditRowHash(prevHash, { ...entry, at, before, after }, key);
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
        key_id: key.id,
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
  /** Rows that verified, from the first. */
  checked: number;
  /** The first row whose link or content does not match, and why. */
  firstBroken?: { id: string; reason: string };
  /** Of the rows checked, those written before the chain was keyed (plain sha256, anchored by the first sealed row after them). */
  unsealed: number;
  /** The audit key's fingerprint (AuditKey.id) rows and checkpoints must carry. */
  keyId: string;
  /** Checkpoints checked against the chain. */
  checkpoints: number;
  /** The first checkpoint that was altered or that the chain no longer matches (rows deleted or rewritten), and why. */
  brokenCheckpoint?: { id: string; reason: string };
}

interface CheckpointRow {
  id: string;
  count: number;
  headId: string;
  headHash: string;
  at: string;
}

/**
 * Walks a workspace's audit chain from its first row: each row must point at the previous row's
 * hash and carry its seal (HMAC under the audit key; the plain sha256 only for rows written before
 * the chain was keyed, which may only come first). An edited, deleted or inserted row breaks the
 * chain there, also when the following hashes were recomputed, since that needs the key. Then each
 * checkpoint must carry a valid signature and match the chain: the row at its count must be the
 * head it names, so deleting the newest rows, or rewriting the chain, up to a checkpoint shows.
 */
export async function verifyAuditChain(db: Db, workspaceId: string): Promise<AuditVerification> {
  const key = auditKeyOf(db);
  const stored = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
  // Every checkpoint's first problem; the answer names the earliest checkpoint that has one.
  const problems = new Map<string, string>();
  const problem = (id: string, reason: string) => {
    if (!problems.has(id)) problems.set(id, reason);
  };
  const checkpoints: CheckpointRow[] = [];
  for (const c of stored) {
    const cp = { id: c.id, count: Number(c.count), headId: c.head_id, headHash: c.head_hash, at: c.at.toISOString() };
    const reason =
      c.key_id !== key.id
        ? `it was signed with another audit key (key id ${c.key_id}; this server's is ${key.id})`
        : !key.verify(checkpointContent({ workspaceId, ...cp }), c.signature)
          ? 'its signature does not match its content (the checkpoint was altered)'
          : undefined;
    if (reason) problem(c.id, reason);
    else checkpoints.push(cp);
  }
  const byCount = new Map<number, CheckpointRow[]>();
  for (const c of checkpoints) byCount.set(c.count, [...(byCount.get(c.count) ?? []), c]);

  let prevHash = GENESIS;
  let checked = 0;
  let unsealed = 0;
  let firstBroken: AuditVerification['firstBroken'];
  let lastId: string | undefined;
  walk: for (;;) {
    let page = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').limit(1000);
    if (lastId) page = page.where('id', '>', lastId);
    const rows = await page.execute();
    for (const row of rows) {
      const content: AuditRowContent = {
        workspaceId: row.workspace_id,
        actorId: row.actor_id,
        action: row.action,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        at: row.at.toISOString(),
        before: row.before,
        after: row.after,
      };
      const reason =
        row.prev_hash !== prevHash
          ? 'does not link to the previous row (a row before it was removed or changed)'
          : row.key_id === null
            ? checked > unsealed
              ? 'it is not sealed, yet rows before it are (a row was forged or rewritten without the audit key)'
              : row.hash !== auditRowHash(prevHash, content)
                ? 'its content does not match its hash (the row was altered)'
                : undefined
            : row.key_id !== key.id
              ? `it was sealed with another audit key (key id ${row.key_id}; this server's is ${key.id})`
              : !key.verify(rowContent(prevHash, content), row.hash)
                ? 'its content does not match its seal (the row was altered, or its hash recomputed without the audit key)'
                : undefined;
      if (reason) {
        firstBroken = { id: row.id, reason };
        break walk;
      }
      if (row.key_id === null) unsealed++;
      prevHash = row.hash;
      checked++;
      for (const c of byCount.get(checked) ?? [])
        if (c.headId !== row.id || c.headHash !== row.hash)
          problem(
            c.id,
            `checkpoint of ${c.at} vouched for row ${c.headId} (${c.headHash}) as number ${c.count} of the chain, which is now row ${row.id} (${row.hash}): rows up to it were rewritten or removed`,
          );
    }
    if (rows.length < 1000) break;
    lastId = rows[rows.length - 1]!.id;
  }
  if (!firstBroken)
    for (const c of checkpoints)
      if (c.count > checked)
        problem(
          c.id,
          `checkpoint of ${c.at} vouched for ${c.count} rows, the chain has ${checked}: its newest rows were deleted`,
        );
  const earliest = [...problems.keys()].sort((a, b) => Number(a) - Number(b))[0];
  const brokenCheckpoint = earliest === undefined ? undefined : { id: earliest, reason: problems.get(earliest)! };
  return {
    ok: !firstBroken && !brokenCheckpoint,
    checked,
    ...(firstBroken ? { firstBroken } : {}),
    unsealed,
    keyId: key.id,
    checkpoints: checkpoints.length,
    ...(brokenCheckpoint ? { brokenCheckpoint } : {}),
  };
}

export interface AuditCheckpointView {
  id: string;
  /** Rows in the chain when the checkpoint was made. */
  count: number;
  /** The newest of them: its id and hash. */
  headId: string;
  headHash: string;
  at: string;
  /** The audit key's fingerprint; the signature is its HMAC-SHA256 over the other fields, hex. */
  keyId: string;
  signature: string;
  /** When it reached the workspace's notification webhook; null: not (yet) sent. */
  deliveredAt: string | null;
}

function checkpointView(c: Selectable<AuditCheckpointsTable>): AuditCheckpointView {
  return {
    id: c.id,
    count: Number(c.count),
    headId: c.head_id,
    headHash: c.head_hash,
    at: c.at.toISOString(),
    keyId: c.key_id,
    signature: c.signature,
    deliveredAt: c.delivered_at?.toISOString() ?? null,
  };
}

/**
 * Signs and stores a checkpoint of the workspace's chain as it is now, unless it has no rows or
 * its newest row is the one the last checkpoint names. Reads the committed chain without the
 * append lock: rows of a workspace commit in chain order (appends hold its lock until they commit),
 * so what one statement sees is a prefix of the chain. Two callers at once make one checkpoint.
 * Runs in its own transaction, or in `db` when it is one (with rows written in it). Not
 * when the newest row was sealed with another key (see findWorkspacesDueCheckpoint).
 */
export async function createAuditCheckpoint(
  db: Db | Transaction<Database>,
  workspaceId: string,
): Promise<AuditCheckpointView | undefined> {
  const key = auditKeyOf(db);
  const inTransaction = async (trx: Transaction<Database>) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'audit-checkpoint:' + workspaceId}))`.execute(trx);
    const head = await trx
      .selectFrom('audit_log')
      .select(['id', 'hash', 'key_id'])
      .select((eb) =>
        eb
          .selectFrom('audit_log')
          .select(eb.fn.countAll<string>().as('n'))
          .where('workspace_id', '=', workspaceId)
          .as('count'),
      )
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!head || (head.key_id !== null && head.key_id !== key.id)) return undefined;
    const last = await trx
      .selectFrom('audit_checkpoints')
      .select(['head_id', 'count'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const count = Number(head.count);
    if (last && last.head_id === head.id && Number(last.count) === count) return undefined;
    const at = new Date().toISOString();
    const signature = key.mac(checkpointContent({ workspaceId, count, headId: head.id, headHash: head.hash, at }));
    const row = await trx
      .insertInto('audit_checkpoints')
      .values({
        workspace_id: workspaceId,
        count,
        head_id: head.id,
        head_hash: head.hash,
        at,
        key_id: key.id,
        signature,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return checkpointView(row);
  };
  return db.isTransaction ? inTransaction(db as Transaction<Database>) : db.transaction().execute(inTransaction);
}

/**
 * Workspaces whose chain has a row newer than their last checkpoint (or rows and no checkpoint),
 * its newest row sealed with this handle's key or written before the chain was keyed: a chain
 * sealed with another key is a misconfiguration for a person to look at, not one to vouch for.
 */
export async function findWorkspacesDueCheckpoint(db: Db): Promise<string[]> {
  const key = auditKeyOf(db);
  const { rows } = await sql<{ id: string }>`
    select w.id from workspaces w
    cross join lateral (
      select a.id, a.key_id from audit_log a where a.workspace_id = w.id order by a.id desc limit 1
    ) head
    where (head.key_id = ${key.id} or head.key_id is null)
      and head.id > coalesce((select max(c.head_id) from audit_checkpoints c where c.workspace_id = w.id), 0)
  `.execute(db);
  return rows.map((r) => r.id);
}

/** A workspace's checkpoints, newest first. */
export async function listAuditCheckpoints(
  db: Db,
  workspaceId: string,
  { limit = 100 }: { limit?: number } = {},
): Promise<AuditCheckpointView[]> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(checkpointView);
}

/**
 * Checkpoints not yet sent, oldest first, of workspaces that have a notification webhook, with it
 * (sealed); only those signed with this handle's key: a server with another key (another
 * deployment on the same database, a misconfiguration) cannot open that webhook's secret either.
 */
export async function findUndeliveredCheckpoints(
  db: Db,
  { workspaceId, limit = 100 }: { workspaceId?: string; limit?: number } = {},
) {
  let query = db
    .selectFrom('audit_checkpoints as c')
    .innerJoin('workspaces as w', 'w.id', 'c.workspace_id')
    .selectAll('c')
    .select('w.notification_webhook_sealed as webhook')
    .where('c.delivered_at', 'is', null)
    .where('c.key_id', '=', auditKeyOf(db).id)
    .where('w.notification_webhook_sealed', 'is not', null);
  if (workspaceId) query = query.where('c.workspace_id', '=', workspaceId);
  const rows = await query.orderBy('c.id').limit(limit).execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, webhook: r.webhook!, checkpoint: checkpointView(r) }));
}

export async function markCheckpointDelivered(db: Db, checkpointId: string): Promise<void> {
  await db.updateTable('audit_checkpoints').set({ delivered_at: new Date() }).where('id', '=', checkpointId).execute();
}
