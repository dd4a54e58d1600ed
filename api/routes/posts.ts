import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../db/audit';
import { findChannels } from '../../db/channels';
import { POST_STATUSES, TARGET_STATUSES } from '../../db/database';
import { chainFor, resolveSteps } from '../../db/approvals';
import { findCampaign, type CampaignView } from '../../db/campaigns';
import type { Channel, Db } from '../../db/database';
import { findPost, findPosts } from '../../db/posts';
import { addUtm } from '../../content/utm';
import { nextFreeSlot } from '../../content/queue-slots';
import {
  approvalsNeeded,
  cancelUpdate,
  editUpdate,
  postStatusQuery,
  postWorkflowId,
  PUBLISH_POST_WORKFLOW,
  rescheduleUpdate,
  SearchAttributes,
  type PostWorkflowInput,
  type PublishPostWorkflow,
} from '../../workflows/messages';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { invalidField, invalidFields, notFound, unavailable, type FieldProblem } from '../problems';
import { runWorkflowUpdate } from '../workflow-updates';

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00' });

const targetView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  text: z.string(),
  status: z.enum(TARGET_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  externalId: z.string().nullable().describe('The network\'s id, e.g. the at:// URI of the Bluesky record'),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
});
const postView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  authorId: z.uuid(),
  text: z.string(),
  publishAt: z.string(),
  status: z.enum(POST_STATUSES),
  workflowId: z.string(),
  campaignId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  targets: z.array(targetView),
});

const createPostBody = z.object({
  text: z.string().min(1, 'must not be empty'),
  channelIds: z
    .array(z.uuid())
    .min(1, 'name at least one channel')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel'),
  variants: z.record(z.uuid(), z.string().min(1, 'must not be empty')).optional().describe('Per-channel text, by channel id'),
  publishAt: isoInstant.optional().describe('When to publish; omit to publish now'),
  queue: z.boolean().optional().describe('Take the next free queue slot shared by all the channels (instead of publishAt)'),
  campaignId: z.uuid().optional().describe('Join a campaign: its links get the campaign\'s UTM tags, and it publishes only while the campaign runs'),
}).refine((b) => !(b.queue && b.publishAt), { message: 'give either publishAt or queue, not both', path: ['queue'] });

const idParams = z.object({ id: z.uuid() });

function mustBeFuture(publishAt: string, field = 'publishAt'): Date {
  const at = new Date(publishAt);
  if (at.getTime() <= Date.now()) throw invalidField(field, 'future', `must be in the future (it is ${publishAt}, now is ${new Date().toISOString()})`);
  return at;
}

function summarise(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

/** Campaign posts: each channel's text gets the campaign's UTM tags (utm_source per channel). */
function utmTagger(campaign: CampaignView): ((channel: Channel, text: string) => string) | undefined {
  const utm = campaign.utm;
  if (!utm) return undefined;
  return (channel, text) => addUtm(text, { source: utm.sources?.[channel.id] ?? channel.provider, medium: utm.medium, campaign: utm.campaign });
}

/**
 * Checks what a post would send: every channel in the caller's workspace, variants only for listed
 * channels, each text (after `transform`, e.g. UTM tags) within its network's limits. Throws one
 * problem naming every broken rule; returns the channels and the text each will get.
 */
async function checkContent(
  app: FastifyInstance,
  workspaceId: string,
  body: { text: string; channelIds: string[]; variants?: Record<string, string> },
  transform: (channel: Channel, text: string) => string = (_channel, text) => text,
) {
  const variants = body.variants ?? {};
  const problems: FieldProblem[] = Object.keys(variants)
    .filter((id) => !body.channelIds.includes(id))
    .map((id) => ({ field: `variants.${id}`, rule: 'in_channelIds', message: 'is a variant for a channel not listed in channelIds' }));
  const channels = await findChannels(app.db, workspaceId, body.channelIds);
  body.channelIds.forEach((id, i) => {
    if (!channels.some((c) => c.id === id)) problems.push({ field: `channelIds.${i}`, rule: 'exists', message: `no channel ${id} in this workspace` });
  });
  const texts: Record<string, string> = {};
  for (const channel of channels) {
    const field = variants[channel.id] !== undefined ? `variants.${channel.id}` : 'text';
    const text = transform(channel, variants[channel.id] ?? body.text);
    texts[channel.id] = text;
    for (const message of app.adapters[channel.provider].validate(text)) {
      problems.push({ field, rule: 'channel_limits', message: `${message} (channel "${channel.name}")` });
    }
  }
  if (problems.length > 0) throw invalidFields(problems);
  return { channels, texts };
}

/** Posts still to go out occupy their slot. */
const SLOT_HOLDING_STATUSES = ['awaiting_approval', 'changes_requested', 'scheduled', 'held'] as const;
const CAMPAIGN_RUNNING: string[] = ['scheduled', 'live'];

/** The first queue slot free on every one of the channels (their slots must coincide). */
async function nextSharedSlot(db: Db, channels: Channel[]): Promise<Date> {
  const now = new Date();
  const taken = await db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['t.channel_id', 'p.publish_at'])
    .where('t.channel_id', 'in', channels.map((c) => c.id))
    .where('p.status', 'in', [...SLOT_HOLDING_STATUSES])
    .where('p.publish_at', '>', now)
    .execute();
  const takenOn = (id: string) => taken.filter((t) => t.channel_id === id).map((t) => t.publish_at);
  const [first, ...others] = channels;
  const horizon = new Date(now.getTime() + 8 * 7 * 24 * 3600_000);
  let after = now;
  for (;;) {
    const candidate = nextFreeSlot(first!.slots, first!.timezone, after, takenOn(first!.id), first!.min_gap_minutes);
    if (!candidate || candidate > horizon) {
      const problem = first!.slots.length === 0 ? `channel "${first!.name}" has no queue slots; set them with PUT /v1/channels/${first!.id}/slots` : 'the channels share no free queue slot in the next eight weeks';
      throw invalidField('queue', 'free_slot', problem);
    }
    const freeEverywhere = others.every((c) => {
      const slot = nextFreeSlot(c.slots, c.timezone, new Date(candidate.getTime() - 1), takenOn(c.id), c.min_gap_minutes);
      return slot?.getTime() === candidate.getTime();
    });
    if (freeEverywhere) return candidate;
    after = candidate;
  }
}

export const postRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/posts',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Schedule a post to one or more channels (now when publishAt is omitted)',
        description: 'Stores the post and starts its workflow in one step: either both happen or neither.',
        tags: ['posts'],
        body: createPostBody,
        response: { 201: postView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const requestedAt = body.publishAt ? mustBeFuture(body.publishAt) : undefined;
      const campaign = body.campaignId ? await findCampaign(app.db, caller.workspaceId, body.campaignId) : undefined;
      if (body.campaignId && !campaign) throw invalidField('campaignId', 'exists', `no campaign ${body.campaignId} in this workspace`);
      if (campaign && ['completed', 'cancelled', 'rejected'].includes(campaign.status)) throw invalidField('campaignId', 'open', `the campaign is ${campaign.status}`);

      const { channels, texts } = await checkContent(app, caller.workspaceId, body, campaign ? utmTagger(campaign) : undefined);
      const publishAt = requestedAt ?? (body.queue ? await nextSharedSlot(app.db, channels) : new Date());
      if (campaign?.enforceDates && (publishAt < new Date(campaign.startsAt) || publishAt > new Date(campaign.endsAt))) {
        throw invalidField(body.queue ? 'queue' : 'publishAt', 'within_campaign_dates', `${publishAt.toISOString()} is outside the campaign's dates (${campaign.startsAt} to ${campaign.endsAt})`);
      }
      const variants = body.variants ?? {};

      // The approval chain is fixed when the post is created, approvers resolved among today's members:
      // the policy's steps, plus a step for each content rule the post matches.
      const policySteps = await chainFor(app.db, caller.workspaceId, { channelIds: body.channelIds, texts: [body.text, ...Object.values(variants)] });
      const steps = await resolveSteps(app.db, caller.workspaceId, policySteps, caller.userId);
      const problems: FieldProblem[] = [];
      steps.forEach((step, i) => {
        if (step.eligibleUserIds.length < approvalsNeeded(step)) {
          problems.push({ field: 'channelIds', rule: 'approvable', message: `approval step ${i + 1} ("${step.name}") needs ${approvalsNeeded(step)} approver(s) other than you; it has ${step.eligibleUserIds.length}` });
        }
      });
      if (problems.length > 0) throw invalidFields(problems);
      const approval = steps.length > 0 ? { authorId: caller.userId, steps } : undefined;

      const postId = randomUUID();
      const workflowId = postWorkflowId(postId);
      const targets = body.channelIds.map((channelId) => {
        const channel = channels.find((c) => c.id === channelId)!;
        const id = randomUUID();
        return { id, channel, text: texts[channelId]!, idempotencyKey: app.adapters[channel.provider].newIdempotencyKey(id) };
      });
      const input: PostWorkflowInput = {
        postId,
        workspaceId: caller.workspaceId,
        publishAt: publishAt.toISOString(),
        targets: targets.map((t) => ({ targetId: t.id, channelId: t.channel.id, provider: t.channel.provider })),
        ...(approval ? { approval, publishOnApproval: !body.publishAt && !body.queue } : {}),
        ...(campaign ? { campaignId: campaign.id, held: !CAMPAIGN_RUNNING.includes(campaign.status) } : {}),
      };
      const status = approval ? 'awaiting_approval' : 'scheduled';

      let started = false;
      try {
        await app.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('posts')
            .values({
              id: postId,
              workspace_id: caller.workspaceId,
              author_id: caller.userId,
              text: body.text,
              publish_at: publishAt,
              status,
              workflow_id: workflowId,
              campaign_id: campaign?.id ?? null,
              awaiting_user_ids: approval?.steps[0]!.eligibleUserIds ?? [],
              updated_at: new Date(),
            })
            .execute();
          await trx
            .insertInto('post_targets')
            .values(targets.map((t) => ({ id: t.id, post_id: postId, channel_id: t.channel.id, text: t.text, status: 'pending' as const, idempotency_key: t.idempotencyKey, updated_at: new Date() })))
            .execute();
          await appendAudit(trx, {
            workspaceId: caller.workspaceId,
            actorId: caller.userId,
            action: 'post.created',
            subjectType: 'post',
            subjectId: postId,
            after: { text: body.text, publishAt: input.publishAt, channelIds: body.channelIds, approvalSteps: steps.map((st) => st.name) },
          });
          // Started inside the transaction: if the start fails, nothing is stored; if the commit
          // fails, the workflow finds no post and ends (and we terminate it below).
          await app.temporal.workflow.start<PublishPostWorkflow>(PUBLISH_POST_WORKFLOW, {
            workflowId,
            taskQueue: app.taskQueue,
            args: [input],
            typedSearchAttributes: [
              { key: SearchAttributes.workspace, value: caller.workspaceId },
              { key: SearchAttributes.post, value: postId },
              { key: SearchAttributes.channels, value: body.channelIds },
              { key: SearchAttributes.postStatus, value: status },
              ...(campaign ? [{ key: SearchAttributes.campaign, value: campaign.id }] : []),
            ],
            staticSummary: `Post "${summarise(body.text)}" → ${channels.map((c) => c.name).join(', ')}`,
            staticDetails: `Workspace ${caller.workspaceId} · publish at ${input.publishAt} · author ${caller.userId}`,
          });
          started = true;
        });
      } catch (err) {
        if (started) {
          await app.temporal.workflow.getHandle(workflowId).terminate('post was not stored').catch(() => undefined);
          throw err;
        }
        request.log.error({ err }, 'could not start the post workflow');
        throw unavailable('The scheduler (Temporal) is unreachable; nothing was stored. Try again shortly.');
      }
      return reply.code(201).send((await findPost(app.db, caller.workspaceId, postId))!);
    },
  );

  app.get(
    '/posts',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Posts by publish time, status and channel',
        tags: ['posts'],
        querystring: z.object({
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          status: z.enum(POST_STATUSES).optional(),
          channelId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ posts: z.array(postView) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && to <= from) throw invalidField('querystring.to', 'after_from', 'must be after from', 400);
      return { posts: await findPosts(app.db, callerOf(request).workspaceId, { from, to, status: q.status, channelId: q.channelId, limit: q.limit }) };
    },
  );

  app.get(
    '/posts/:id',
    { onRequest: requireRole(Roles.read), schema: { summary: 'A post and the status of each target', tags: ['posts'], params: idParams, response: { 200: postView } } },
    async (request) => {
      const post = await findPost(app.db, callerOf(request).workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      return post;
    },
  );

  app.get(
    '/posts/:id/live',
    { onRequest: requireRole(Roles.read), schema: { summary: 'Live status, straight from the post\'s workflow', tags: ['posts'], params: idParams } },
    async (request) => {
      const post = await findPost(app.db, callerOf(request).workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      return app.temporal.workflow.getHandle(post.workflowId).query(postStatusQuery);
    },
  );

  app.post(
    '/posts/:id/reschedule',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: { summary: 'Move a scheduled post', tags: ['posts'], params: idParams, body: z.object({ publishAt: isoInstant }), response: { 200: postView } },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await findPost(app.db, caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      const publishAt = mustBeFuture(request.body.publishAt);
      await runWorkflowUpdate(
        () => app.temporal.workflow.getHandle(post.workflowId).executeUpdate(rescheduleUpdate, { args: [{ publishAt: publishAt.toISOString(), actorId: caller.userId }] }),
        `The post is ${post.status}; its workflow has finished`,
      );
      return (await findPost(app.db, caller.workspaceId, post.id))!;
    },
  );

  app.post(
    '/posts/:id/edit',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Change the text (and variants) of a post that has not started publishing; with an approval chain, approval starts over',
        tags: ['posts'],
        params: idParams,
        body: z.object({ text: z.string().min(1, 'must not be empty'), variants: createPostBody.shape.variants }),
        response: { 200: postView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await findPost(app.db, caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      const channelIds = post.targets.map((t) => t.channelId);
      const campaign = post.campaignId ? await findCampaign(app.db, caller.workspaceId, post.campaignId) : undefined;
      const { texts } = await checkContent(app, caller.workspaceId, { ...request.body, channelIds }, campaign ? utmTagger(campaign) : undefined);
      const targets = post.targets.map((t) => ({ targetId: t.id, text: texts[t.channelId]! }));
      await runWorkflowUpdate(
        () => app.temporal.workflow.getHandle(post.workflowId).executeUpdate(editUpdate, { args: [{ actorId: caller.userId, text: request.body.text, targets }] }),
        `The post is ${post.status}; its workflow has finished`,
      );
      return (await findPost(app.db, caller.workspaceId, post.id))!;
    },
  );

  app.post(
    '/posts/:id/cancel',
    { onRequest: requireRole(Roles.writeContent), schema: { summary: 'Cancel a scheduled post', tags: ['posts'], params: idParams, response: { 200: postView } } },
    async (request) => {
      const caller = callerOf(request);
      const post = await findPost(app.db, caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      await runWorkflowUpdate(
        () => app.temporal.workflow.getHandle(post.workflowId).executeUpdate(cancelUpdate, { args: [{ actorId: caller.userId }] }),
        `The post is ${post.status}; its workflow has finished`,
      );
      return (await findPost(app.db, caller.workspaceId, post.id))!;
    },
  );
};
