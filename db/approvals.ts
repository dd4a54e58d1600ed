import type { Db, Role } from './database';
import { appendAudit } from './audit';
import type { ApprovalMode, ApprovalStep } from '../workflows/messages';

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
  updatedBy: string;
  updatedAt: string;
}

/** Resolves each step's approvers to user ids among the workspace's current members. */
export async function resolveSteps(db: Db, workspaceId: string, steps: PolicyStep[], excludeUserId?: string): Promise<ApprovalStep[]> {
  const members = await db.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', workspaceId).execute();
  const resolve = (approvers: Approvers) =>
    [...new Set(members.filter((m) => approvers.userIds?.includes(m.user_id) || approvers.roles?.includes(m.role)).map((m) => m.user_id))]
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

export async function savePolicy(db: Db, input: { workspaceId: string; channelId: string | null; campaignId: string | null; steps: PolicyStep[]; actorId: string }): Promise<PolicyView> {
  return db.transaction().execute(async (trx) => {
    let existingQuery = trx.selectFrom('approval_policies').selectAll().where('workspace_id', '=', input.workspaceId);
    existingQuery = input.channelId ? existingQuery.where('channel_id', '=', input.channelId) : existingQuery.where('channel_id', 'is', null);
    existingQuery = input.campaignId ? existingQuery.where('campaign_id', '=', input.campaignId) : existingQuery.where('campaign_id', 'is', null);
    const existing = await existingQuery.forUpdate().executeTakeFirst();
    const values = { steps: JSON.stringify(input.steps), updated_by: input.actorId, updated_at: new Date() };
    const row = existing
      ? await trx.updateTable('approval_policies').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
      : await trx.insertInto('approval_policies').values({ workspace_id: input.workspaceId, channel_id: input.channelId, campaign_id: input.campaignId, ...values }).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: existing ? 'approval_policy.updated' : 'approval_policy.created',
      subjectType: 'approval_policy',
      subjectId: row.id,
      before: existing ? { steps: existing.steps } : null,
      after: { channelId: input.channelId, campaignId: input.campaignId, steps: input.steps },
    });
    return toPolicyView(row);
  });
}

function toPolicyView(row: { id: string; channel_id: string | null; campaign_id: string | null; steps: unknown; updated_by: string; updated_at: Date }): PolicyView {
  return { id: row.id, channelId: row.channel_id, campaignId: row.campaign_id, steps: row.steps as PolicyStep[], updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
}

export async function listPolicies(db: Db, workspaceId: string): Promise<PolicyView[]> {
  return (await db.selectFrom('approval_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('updated_at').execute()).map(toPolicyView);
}

/** A campaign's own policy steps, if it has a non-empty one (an empty one, like an empty channel policy, removes the override). */
export function campaignOverride(policies: { campaignId: string | null; steps: PolicyStep[] }[], campaignId: string): PolicyStep[] | undefined {
  const steps = policies.find((p) => p.campaignId === campaignId)?.steps;
  return steps?.length ? steps : undefined;
}

/**
 * The chain a new post must pass: its campaign's policy when the campaign has a non-empty one; else the
 * policies of its channels (in channel order) when any has one; else the workspace-wide policy;
 * empty when none applies.
 */
export async function policyStepsFor(db: Db, workspaceId: string, channelIds: string[], campaignId?: string): Promise<PolicyStep[]> {
  const policies = await listPolicies(db, workspaceId);
  const forCampaign = campaignId ? campaignOverride(policies, campaignId) : undefined;
  if (forCampaign) return forCampaign;
  const perChannel = channelIds.flatMap((id) => policies.find((p) => p.channelId === id)?.steps ?? []);
  if (perChannel.length > 0) return perChannel;
  return policies.find((p) => p.channelId === null && p.campaignId === null)?.steps ?? [];
}

/**
 * The chain a new post must pass: its policy's steps, with a step inserted (first or last) for
 * every content rule the post matches.
 */
export async function chainFor(db: Db, workspaceId: string, post: { channelIds: string[]; texts: string[]; campaignId?: string }): Promise<PolicyStep[]> {
  const base = await policyStepsFor(db, workspaceId, post.channelIds, post.campaignId);
  const rules = (await listContentRules(db, workspaceId)).filter((rule) => ruleMatches(rule.match, post));
  const tagged = (rule: ContentRuleView): PolicyStep => ({ ...rule.step, source: `rule:${rule.name}` });
  return [...rules.filter((r) => r.position === 'first').map(tagged), ...base, ...rules.filter((r) => r.position === 'last').map(tagged)];
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

export function ruleMatches(match: RuleMatch, post: { channelIds: string[]; texts: string[] }): boolean {
  const text = post.texts.join('\n');
  const lower = text.toLowerCase();
  if (match.keywords?.length && !match.keywords.some((k) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(k.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u').test(lower))) return false;
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
  const rows = await db.selectFrom('content_rules').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, match: r.match as RuleMatch, step: r.step as PolicyStep, position: r.position, createdBy: r.created_by, createdAt: r.created_at.toISOString() }));
}

export async function createContentRule(db: Db, input: { workspaceId: string; actorId: string; name: string; match: RuleMatch; step: PolicyStep; position: 'first' | 'last' }): Promise<ContentRuleView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('content_rules')
      .values({ workspace_id: input.workspaceId, name: input.name, match: JSON.stringify(input.match), step: JSON.stringify(input.step), position: input.position, created_by: input.actorId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, { workspaceId: input.workspaceId, actorId: input.actorId, action: 'content_rule.created', subjectType: 'content_rule', subjectId: row.id, after: { name: input.name, match: input.match, step: input.step, position: input.position } });
    return { id: row.id, name: row.name, match: input.match, step: input.step, position: row.position, createdBy: row.created_by, createdAt: row.created_at.toISOString() };
  });
}

export async function deleteContentRule(db: Db, workspaceId: string, ruleId: string, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('content_rules').where('id', '=', ruleId).where('workspace_id', '=', workspaceId).returningAll().executeTakeFirst();
    if (!row) return false;
    await appendAudit(trx, { workspaceId, actorId, action: 'content_rule.deleted', subjectType: 'content_rule', subjectId: ruleId, before: { name: row.name, match: row.match, step: row.step } });
    return true;
  });
}
