import { sql, type ColumnType, type Generated } from 'kysely';
import type { Db } from './database';
import type { Role } from './members';
import { appendAudit, auditActionNames } from './audit';
import { approvalsNeeded, type ApprovalMode, type ApprovalStep, type ChainDecision } from '../contracts/approval';
import type { CreatedAt, Timestamp } from './columns';
import { invalidFields } from '../contracts/errors';

export interface ApprovalPoliciesTable {
  id: Generated<string>;
  workspace_id: string;
  /** null: the workspace-wide policy; otherwise it overrides it for posts to this channel. */
  channel_id: string | null;
  /** A campaign's policy: overrides the others for the campaign's posts and its plan's review. */
  campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
  steps: ColumnType<unknown, string, string>;
  /** One person approves at most one step of a round. */
  distinct_approvers: Generated<boolean>;
  updated_by: string;
  updated_at: Timestamp;
}

/** The first answer to a request sent with an Idempotency-Key, per caller and key. */
export interface IdempotentRequestsTable {
  workspace_id: string;
  user_id: string;
  key: string;
  /** The request's method, path and body, hashed: the same key with another request is refused. */
  fingerprint: string;
  status_code: number;
  body: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

export interface ApprovalDecisionsTable {
  id: Generated<string>;
  post_id: string;
  /** Each edit starts a new round of the chain. */
  round: Generated<number>;
  step: number;
  user_id: string;
  decision: 'approve' | 'reject' | 'request_changes';
  comment: string | null;
  at: Timestamp;
}

export interface ContentRulesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  match: ColumnType<unknown, string, string>;
  step: ColumnType<unknown, string, string>;
  position: 'first' | 'last';
  created_by: string;
  created_at: CreatedAt;
}

/** A policy step as configured: approvers named by user and/or role, resolved per post. */
export interface Approvers {
  userIds?: string[];
  roles?: Role[];
}

export interface PolicyStep {
  name: string;
  mode: ApprovalMode;
  quorum?: number;
  approvers: Approvers;
  deadlineSeconds?: number;
  remindBeforeSeconds?: number;
  escalateTo?: Approvers;
  /** Set on steps a content rule inserted. */
  source?: string;
}

/** What makes a content rule match a post; every condition given must hold. */
export interface RuleMatch {
  keywords?: string[];
  regex?: string;
  linkDomains?: string[];
  channelIds?: string[];
}

export interface ContentRuleView {
  id: string;
  name: string;
  match: RuleMatch;
  step: PolicyStep;
  position: 'first' | 'last';
  createdBy: string;
  createdAt: string;
}

export interface PolicyView {
  id: string;
  channelId: string | null;
  campaignId: string | null;
  steps: PolicyStep[];
  /** One person approves at most one step of a round. */
  distinctApprovers: boolean;
  updatedBy: string;
  updatedAt: string;
}

/** A policy's chain: its steps and whether one person may approve more than one of them in a round. */
export interface PolicyChain {
  steps: PolicyStep[];
  distinctApprovers: boolean;
  /** The policies the steps come from (a campaign's, the channels', or the workspace's); none for no chain. */
  policies?: { id: string; channelId: string | null; campaignId: string | null }[];
}

/** The workspace's members today. */
export async function currentMembers(db: Db, workspaceId: string): Promise<{ userId: string; role: Role }[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['user_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((r) => ({ userId: r.user_id, role: r.role }));
}

/**
 * With distinct approvers, a step that cannot get the approvals it needs from people who approve
 * no other step of the round (a matching of distinct eligible people to every approval each step
 * needs); undefined when every step can.
 */
export function stepWithoutDistinctApprovers(steps: ApprovalStep[]): number | undefined {
  const slots = steps.flatMap((step, i) => Array.from({ length: approvalsNeeded(step) }, () => i));
  const slotOf = new Map<string, number>();
  // Kuhn's augmenting paths: a slot that finds none cannot be filled in any complete assignment.
  const assign = (slot: number, seen: Set<string>): boolean => {
    for (const userId of steps[slots[slot]!]!.eligibleUserIds) {
      if (seen.has(userId)) continue;
      seen.add(userId);
      const taken = slotOf.get(userId);
      if (taken === undefined || assign(taken, seen)) {
        slotOf.set(userId, slot);
        return true;
      }
    }
    return false;
  };
  for (let slot = 0; slot < slots.length; slot++) if (!assign(slot, new Set())) return slots[slot];
  return undefined;
}

/**
 * Why a resolved chain cannot be satisfied by people other than its author (`besides`, e.g.
 * "you"): a step with too few eligible approvers, or with distinct approvers, a step that cannot
 * get its approvals from people the other steps do not need. Empty when it can be satisfied.
 */
export function unsatisfiableSteps(steps: ApprovalStep[], distinctApprovers: boolean, besides: string): string[] {
  const short = steps
    .map((step, i) => ({ step, i }))
    .filter(({ step }) => step.eligibleUserIds.length < approvalsNeeded(step))
    .map(
      ({ step, i }) =>
        `approval step ${i + 1} ("${step.name}") needs ${approvalsNeeded(step)} approver(s) other than ${besides}; it has ${step.eligibleUserIds.length}`,
    );
  const i = short.length === 0 && distinctApprovers ? stepWithoutDistinctApprovers(steps) : undefined;
  if (i !== undefined)
    short.push(
      `approval step ${i + 1} ("${steps[i]!.name}") cannot get its ${approvalsNeeded(steps[i]!)} approval(s) from people other than ${besides} who approve no other step (the policy wants distinct approvers)`,
    );
  return short;
}

/**
 * A chain's steps, approvers resolved among today's members other than its owner; refused as
 * `field` breaking rule "approvable" when people other than the owner (`besides`, e.g. "you")
 * cannot satisfy it.
 */
export async function approvableSteps(
  db: Db,
  workspaceId: string,
  chain: PolicyChain,
  owner: { userId: string; besides: string },
  field: string,
): Promise<ApprovalStep[]> {
  const steps = await resolveSteps(db, workspaceId, chain.steps, owner.userId);
  const problems = unsatisfiableSteps(steps, chain.distinctApprovers, owner.besides);
  if (problems.length > 0) throw invalidFields(problems.map((message) => ({ field, rule: 'approvable', message })));
  return steps;
}

/** Resolves each step's approvers to user ids among the workspace's current members. */
export async function resolveSteps(
  db: Db,
  workspaceId: string,
  steps: PolicyStep[],
  excludeUserId?: string,
): Promise<ApprovalStep[]> {
  const members = await db
    .selectFrom('memberships')
    .select(['user_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const resolve = (approvers: Approvers) =>
    [
      ...new Set(
        members
          .filter((m) => approvers.userIds?.includes(m.user_id) || approvers.roles?.includes(m.role))
          .map((m) => m.user_id),
      ),
    ]
      .filter((id) => id !== excludeUserId)
      .sort();
  return steps.map((step) => ({
    name: step.name,
    mode: step.mode,
    quorum: step.quorum,
    eligibleUserIds: resolve(step.approvers),
    ...(step.source ? { source: step.source } : {}),
    ...(step.deadlineSeconds !== undefined ? { deadlineSeconds: step.deadlineSeconds } : {}),
    ...(step.remindBeforeSeconds !== undefined ? { remindBeforeSeconds: step.remindBeforeSeconds } : {}),
    ...(step.escalateTo ? { escalateToUserIds: resolve(step.escalateTo) } : {}),
  }));
}

export async function savePolicy(
  db: Db,
  input: {
    workspaceId: string;
    channelId: string | null;
    campaignId: string | null;
    steps: PolicyStep[];
    distinctApprovers: boolean;
    actorId: string;
  },
): Promise<PolicyView> {
  return db.transaction().execute(async (trx) => {
    let existingQuery = trx.selectFrom('approval_policies').selectAll().where('workspace_id', '=', input.workspaceId);
    existingQuery = input.channelId
      ? existingQuery.where('channel_id', '=', input.channelId)
      : existingQuery.where('channel_id', 'is', null);
    existingQuery = input.campaignId
      ? existingQuery.where('campaign_id', '=', input.campaignId)
      : existingQuery.where('campaign_id', 'is', null);
    const existing = await existingQuery.forUpdate().executeTakeFirst();
    const values = {
      steps: JSON.stringify(input.steps),
      distinct_approvers: input.distinctApprovers,
      updated_by: input.actorId,
      updated_at: new Date(),
    };
    const row = existing
      ? await trx
          .updateTable('approval_policies')
          .set(values)
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('approval_policies')
          .values({
            workspace_id: input.workspaceId,
            channel_id: input.channelId,
            campaign_id: input.campaignId,
            ...values,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: existing ? 'approval_policy.updated' : 'approval_policy.created',
      subjectType: 'approval_policy',
      subjectId: row.id,
      before: existing ? { steps: existing.steps, distinctApprovers: existing.distinct_approvers } : null,
      after: {
        channelId: input.channelId,
        campaignId: input.campaignId,
        steps: input.steps,
        distinctApprovers: input.distinctApprovers,
      },
    });
    return toPolicyView(row);
  });
}

function toPolicyView(row: {
  id: string;
  channel_id: string | null;
  campaign_id: string | null;
  steps: unknown;
  distinct_approvers: boolean;
  updated_by: string;
  updated_at: Date;
}): PolicyView {
  return {
    id: row.id,
    channelId: row.channel_id,
    campaignId: row.campaign_id,
    steps: row.steps as PolicyStep[],
    distinctApprovers: row.distinct_approvers,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function listPolicies(db: Db, workspaceId: string): Promise<PolicyView[]> {
  return (
    await db
      .selectFrom('approval_policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('updated_at')
      .execute()
  ).map(toPolicyView);
}

/** A campaign's own policy, if it has a non-empty one (an empty one, like an empty channel policy, removes the override). */
export function campaignOverride(policies: PolicyView[], campaignId: string): PolicyView | undefined {
  const policy = policies.find((p) => p.campaignId === campaignId);
  return policy?.steps.length ? policy : undefined;
}

/**
 * The chain a new post must pass: its campaign's policy when the campaign has a non-empty one; else the
 * policies of its channels (in channel order) when any has one; else the workspace-wide policy;
 * empty when none applies. Approvers are distinct unless every policy that gave steps says otherwise.
 */
export async function policyStepsFor(
  db: Db,
  workspaceId: string,
  channelIds: string[],
  campaignId?: string,
): Promise<PolicyChain> {
  const policies = await listPolicies(db, workspaceId);
  const chainOf = (chosen: PolicyView[]): PolicyChain => ({
    steps: chosen.flatMap((p) => p.steps),
    distinctApprovers: chosen.length === 0 || chosen.some((p) => p.distinctApprovers),
    policies: chosen
      .filter((p) => p.steps.length > 0)
      .map((p) => ({ id: p.id, channelId: p.channelId, campaignId: p.campaignId })),
  });
  const forCampaign = campaignId ? campaignOverride(policies, campaignId) : undefined;
  if (forCampaign) return chainOf([forCampaign]);
  const perChannel = channelIds.flatMap((id) => policies.filter((p) => p.channelId === id && p.steps.length > 0));
  if (perChannel.length > 0) return chainOf(perChannel);
  return chainOf(policies.filter((p) => p.channelId === null && p.campaignId === null));
}

/**
 * The chain a new post must pass: its policy's steps, with a step inserted (first or last) for
 * every content rule the post matches.
 */
export async function chainFor(
  db: Db,
  workspaceId: string,
  post: { channelIds: string[]; texts: string[]; campaignId?: string },
): Promise<PolicyChain> {
  const base = await policyStepsFor(db, workspaceId, post.channelIds, post.campaignId);
  const rules = (await listContentRules(db, workspaceId)).filter((rule) => ruleMatches(rule.match, post));
  const tagged = (rule: ContentRuleView): PolicyStep => ({ ...rule.step, source: `rule:${rule.name}` });
  return {
    steps: [
      ...rules.filter((r) => r.position === 'first').map(tagged),
      ...base.steps,
      ...rules.filter((r) => r.position === 'last').map(tagged),
    ],
    distinctApprovers: base.distinctApprovers,
    policies: base.policies,
  };
}

/** The first answer given to a caller's request with this Idempotency-Key, if any. */
export async function findIdempotentAnswer(
  db: Db,
  scope: { workspaceId: string; userId: string; key: string },
): Promise<{ fingerprint: string; statusCode: number; body: unknown } | undefined> {
  const row = await db
    .selectFrom('idempotent_requests')
    .select(['fingerprint', 'status_code', 'body'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .where('key', '=', scope.key)
    .executeTakeFirst();
  return row && { fingerprint: row.fingerprint, statusCode: row.status_code, body: row.body };
}

/** Keeps the first answer to a request with this key; a concurrent retry's answer loses to it. Returns the kept one. */
export async function saveIdempotentAnswer(
  db: Db,
  answer: { workspaceId: string; userId: string; key: string; fingerprint: string; statusCode: number; body: unknown },
): Promise<{ fingerprint: string; statusCode: number; body: unknown }> {
  await db
    .insertInto('idempotent_requests')
    .values({
      workspace_id: answer.workspaceId,
      user_id: answer.userId,
      key: answer.key,
      fingerprint: answer.fingerprint,
      status_code: answer.statusCode,
      body: JSON.stringify(answer.body),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'key']).doNothing())
    .execute();
  return (await findIdempotentAnswer(db, answer))!;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

export function ruleMatches(match: RuleMatch, post: { channelIds: string[]; texts: string[] }): boolean {
  const text = post.texts.join('\n');
  const lower = text.toLowerCase();
  if (
    match.keywords?.length &&
    !match.keywords.some((k) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(k.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u').test(lower),
    )
  )
    return false;
  if (match.regex && !new RegExp(match.regex, 'iu').test(text)) return false;
  if (match.linkDomains?.length) {
    const hosts = (text.match(URL_PATTERN) ?? []).flatMap((u) => {
      try {
        return [new URL(u).hostname.toLowerCase()];
      } catch {
        return [];
      }
    });
    const domains = match.linkDomains.map((d) => d.toLowerCase().replace(/^\*?\./, ''));
    if (!hosts.some((h) => domains.some((d) => h === d || h.endsWith(`.${d}`)))) return false;
  }
  if (match.channelIds?.length && !match.channelIds.some((id) => post.channelIds.includes(id))) return false;
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function listContentRules(db: Db, workspaceId: string): Promise<ContentRuleView[]> {
  const rows = await db
    .selectFrom('content_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    match: r.match as RuleMatch,
    step: r.step as PolicyStep,
    position: r.position,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function createContentRule(
  db: Db,
  input: {
    workspaceId: string;
    actorId: string;
    name: string;
    match: RuleMatch;
    step: PolicyStep;
    position: 'first' | 'last';
  },
): Promise<ContentRuleView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('content_rules')
      .values({
        workspace_id: input.workspaceId,
        name: input.name,
        match: JSON.stringify(input.match),
        step: JSON.stringify(input.step),
        position: input.position,
        created_by: input.actorId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'content_rule.created',
      subjectType: 'content_rule',
      subjectId: row.id,
      after: { name: input.name, match: input.match, step: input.step, position: input.position },
    });
    return {
      id: row.id,
      name: row.name,
      match: input.match,
      step: input.step,
      position: row.position,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
    };
  });
}

export async function deleteContentRule(
  db: Db,
  workspaceId: string,
  ruleId: string,
  actorId: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('content_rules')
      .where('id', '=', ruleId)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    await appendAudit(trx, {
      workspaceId,
      actorId,
      action: 'content_rule.deleted',
      subjectType: 'content_rule',
      subjectId: ruleId,
      before: { name: row.name, match: row.match, step: row.step },
    });
    return true;
  });
}

const audited = {
  campaign: { table: 'campaigns', action: 'campaign.approval_decided', subjectType: 'campaign' },
  library_item: { table: 'library_items', action: 'library_item.approval_decided', subjectType: 'library_item' },
  reply: { table: 'inbox_replies', action: 'reply.approval_decided', subjectType: 'reply' },
} as const;

/**
 * Records a decision on a campaign's, library item's or inbox reply's chain in the audit log, once:
 * the same decision on the same step and round is not written twice, whatever the retries.
 */
export async function recordDecisionInAudit(
  db: Db,
  input: ChainDecision & { subjectType: keyof typeof audited; subjectId: string },
): Promise<void> {
  const { table, ...action } = audited[input.subjectType];
  await db.transaction().execute(async (trx) => {
    const subject = await trx
      .selectFrom(table)
      .select('workspace_id')
      .where('id', '=', input.subjectId)
      .executeTakeFirstOrThrow();
    const key = `${input.round}:${input.step + 1}`; // round and step as people see them (steps from 1)
    // One decision per approver and step: a row under this action's older names counts too.
    const existing = await trx
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', input.subjectId)
      .where('action', 'in', auditActionNames(action.action))
      .where('actor_id', '=', input.userId)
      .where(sql<boolean>`after->>'key' = ${key}`)
      .executeTakeFirst();
    if (existing) return;
    await appendAudit(trx, {
      workspaceId: subject.workspace_id,
      actorId: input.userId,
      ...action,
      subjectId: input.subjectId,
      after: {
        decision: input.decision,
        key,
        step: input.step + 1,
        stepName: input.stepName,
        comment: input.comment ?? null,
      },
    });
  });
}
