import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approvableSteps, campaignOverride, listPolicies, policyStepsFor } from '../../db/approvals';
import { appendAudit } from '../../db/audit';
import {
  addPostsToCampaign,
  campaignProgress,
  campaignProgressView,
  campaignView,
  findCampaign,
  insertCampaign,
  listCampaigns,
} from '../../db/campaigns';
import { findPostHandles } from '../../db/posts';
import { utmTagger } from '../../services/posts';
import { findChannels } from '../../db/channels';
import { CAMPAIGN_STATUSES } from '../../contracts/domain';
import {
  campaignStatusQuery,
  campaignWorkflowId,
  cancelCampaignUpdate,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  submitCampaignUpdate,
} from '../../contracts/campaign';
import type { runCampaign } from '../../workflows/campaign';
import { joinCampaignSignal } from '../../contracts/post';
import { SearchAttributes } from '../../contracts/shared';
import { storeAndStart } from '../../services/store-and-start';
import { chainRoutes } from '../chain-routes';
import { ownedOr404 } from '../owned';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { beyondHorizon } from '../../content/publish-horizon';
import { decisionBody, idParams, isoInstant } from '../schemas';
import { conflict, invalidField, invalidFields, notFound, Problem, unavailable, type FieldProblem } from '../problems';
import {
  answerOnce,
  approvalChainView,
  approvalView,
  idempotencyHeaders,
  runDecision,
  runWorkflowUpdate,
} from '../workflow-updates';

const createCampaignBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  objective: z.string().trim().max(2000).optional(),
  startsAt: isoInstant,
  endsAt: isoInstant,
  channelIds: z.array(z.uuid()).min(1).max(50),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  utm: z
    .strictObject({
      medium: z.string().trim().min(1).max(100).default('social'),
      campaign: z.string().trim().min(1).max(100).optional().describe('Defaults to the campaign name'),
      sources: z
        .record(z.uuid(), z.string().trim().min(1).max(100))
        .optional()
        .describe("utm_source per channel id; default: the channel's network"),
    })
    .optional(),
  enforceDates: z.boolean().default(true).describe("Refuse posts outside the campaign's dates"),
  shortLinks: z
    .boolean()
    .default(false)
    .describe(
      "Publish every link of the campaign's posts as a Chorus short link (one per post, channel and link, UTM tags kept in its target), so clicks are counted per post, channel and campaign",
    ),
});

const bulkDecisionBody = z.strictObject({
  decisions: z
    .array(z.strictObject({ postId: z.uuid(), ...decisionBody.shape }))
    .min(1)
    .max(100)
    .describe('Each decided on its own, in order: one refused does not stop the others'),
});

const problemView = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
});
const bulkDecisionResult = z.object({
  postId: z.uuid(),
  status: z.number().int().describe("What this decision alone would have answered: 200, or the problem's status"),
  approval: approvalChainView.optional().describe("The post's chain after the decision (status 200)"),
  problem: problemView.optional().describe('Why the decision was refused (any other status)'),
});
type BulkDecisionResult = z.infer<typeof bulkDecisionResult>;

/** The campaign's workflow's own view of itself. */
const campaignLiveView = z.object({
  campaignId: z.uuid(),
  status: z.enum(CAMPAIGN_STATUSES),
  approval: approvalChainView,
  pausedAt: z.string().nullable(),
});

const campaignWithProgress = campaignView.extend({ progress: campaignProgressView });

/** What pause, resume and cancel answer: the workflow's status as it holds it (its chain's steps from 0). */
const campaignWorkflowStatus = z.object({
  campaignId: z.uuid(),
  status: z.enum(CAMPAIGN_STATUSES),
  approval: z.looseObject({}).describe('The approval chain as the workflow holds it'),
  pausedAt: z.string().nullable(),
});

export const campaignRoutes: FastifyPluginAsyncZod = async (app) => {
  const campaignOr404 = (workspaceId: string, id: string) =>
    ownedOr404(findCampaign(app.db, workspaceId, id), 'Campaign');

  app.post(
    '/campaigns',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Create a campaign (a draft); its workflow starts with it',
        tags: ['campaigns'],
        body: createCampaignBody,
        response: { 201: campaignView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const problems: FieldProblem[] = [];
      if (Date.parse(body.endsAt) <= Date.parse(body.startsAt))
        problems.push({ field: 'endsAt', rule: 'after_startsAt', message: 'must be after startsAt' });
      problems.push(
        ...beyondHorizon(new Date(body.startsAt), 'startsAt'),
        ...beyondHorizon(new Date(body.endsAt), 'endsAt'),
      );
      const channels = await findChannels(app.db, caller.workspaceId, body.channelIds);
      body.channelIds.forEach((id, i) => {
        if (!channels.some((c) => c.id === id))
          problems.push({ field: `channelIds.${i}`, rule: 'exists', message: `no channel ${id} in this workspace` });
      });
      Object.keys(body.utm?.sources ?? {}).forEach((id) => {
        if (!body.channelIds.includes(id))
          problems.push({
            field: `utm.sources.${id}`,
            rule: 'in_channelIds',
            message: "is not one of the campaign's channels",
          });
      });
      if (problems.length > 0) throw invalidFields(problems);

      const id = randomUUID();
      const workflowId = campaignWorkflowId(id);
      const utm = body.utm
        ? { medium: body.utm.medium, campaign: body.utm.campaign ?? body.name, sources: body.utm.sources }
        : null;
      await storeAndStart(app, workflowId, async (trx, start) => {
        await insertCampaign(trx, {
          id,
          workspace_id: caller.workspaceId,
          name: body.name,
          objective: body.objective ?? null,
          starts_at: body.startsAt,
          ends_at: body.endsAt,
          channel_ids: body.channelIds,
          owner_id: caller.userId,
          tags: body.tags,
          utm: utm ? JSON.stringify(utm) : null,
          enforce_dates: body.enforceDates,
          short_links: body.shortLinks,
          status: 'draft',
          workflow_id: workflowId,
          updated_at: new Date(),
        });
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'campaign.created',
          subjectType: 'campaign',
          subjectId: id,
          after: { name: body.name, startsAt: body.startsAt, endsAt: body.endsAt, channelIds: body.channelIds },
        });
        await start(() =>
          app.temporal.workflow.start<typeof runCampaign>('runCampaign', {
            workflowId,
            taskQueue: app.taskQueue,
            args: [
              {
                campaignId: id,
                workspaceId: caller.workspaceId,
                ownerId: caller.userId,
                startsAt: new Date(body.startsAt).toISOString(),
                endsAt: new Date(body.endsAt).toISOString(),
              },
            ],
            typedSearchAttributes: [
              { key: SearchAttributes.workspace, value: caller.workspaceId },
              { key: SearchAttributes.campaign, value: id },
              { key: SearchAttributes.channels, value: body.channelIds },
            ],
            staticSummary: `Campaign "${body.name}"`,
            staticDetails: `Workspace ${caller.workspaceId} · ${body.startsAt} → ${body.endsAt} · owner ${caller.userId}`,
          }),
        );
      });
      return reply.code(201).send(await campaignOr404(caller.workspaceId, id));
    },
  );

  app.get(
    '/campaigns',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Campaigns of your workspace',
        tags: ['campaigns'],
        querystring: z.strictObject({ status: z.enum(CAMPAIGN_STATUSES).optional() }),
        response: { 200: z.object({ campaigns: z.array(campaignView) }) },
      },
    },
    async (request) => ({ campaigns: await listCampaigns(app.db, callerOf(request).workspaceId, request.query) }),
  );

  app.get(
    '/campaigns/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'A campaign with its progress: posts by status, overall and per channel',
        tags: ['campaigns'],
        params: idParams,
        response: { 200: campaignWithProgress },
      },
    },
    async (request) => {
      const campaign = await campaignOr404(callerOf(request).workspaceId, request.params.id);
      return { ...campaign, progress: await campaignProgress(app.db, campaign.id) };
    },
  );

  app.post(
    '/campaigns/:id/submit',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: "Send the plan through the workspace's approval chain",
        tags: ['campaigns'],
        params: idParams,
        response: { 200: campaignLiveView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const campaign = await campaignOr404(caller.workspaceId, request.params.id);
      const policy = await policyStepsFor(app.db, caller.workspaceId, [], campaign.id);
      const steps = await approvableSteps(
        app.db,
        caller.workspaceId,
        policy,
        { userId: campaign.ownerId, besides: "the campaign's owner" },
        'approval',
      );
      const status = await runWorkflowUpdate(
        () =>
          app.temporal.workflow.getHandle(campaign.workflowId).executeUpdate(submitCampaignUpdate, {
            args: [{ actorId: caller.userId, steps, distinctApprovers: policy.distinctApprovers }],
          }),
        'The campaign has finished',
      );
      return { ...status, approval: approvalView(status.approval) };
    },
  );

  chainRoutes(app, {
    path: '/campaigns/:id/approval',
    tags: ['campaigns'],
    decide: "Decide on the campaign plan's current approval step (naming the step and round)",
    view: "The campaign plan's approval chain (steps from 1), each person named",
    find: campaignOr404,
    finished: () => 'The campaign has finished',
  });

  app.post(
    '/campaigns/:id/posts/approval',
    {
      onRequest: requireRole(Roles.decide),
      schema: {
        summary: "Decide on many of the campaign's posts at once; each decision is checked and answered on its own",
        description:
          "Never all-or-nothing: each result carries the status that decision alone would have had, with the post's chain (200) or the problem. Posts of other campaigns (422) or workspaces (404) are refused per item.",
        tags: ['campaigns'],
        params: idParams,
        headers: idempotencyHeaders,
        body: bulkDecisionBody,
        response: { 200: z.object({ results: z.array(bulkDecisionResult) }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const campaign = await campaignOr404(caller.workspaceId, request.params.id);
      const { decisions } = request.body;
      const posts = await findPostHandles(
        app.db,
        caller.workspaceId,
        decisions.map((d) => d.postId),
      );
      return answerOnce(
        app,
        request,
        reply,
        async (updateId) => {
          const results: BulkDecisionResult[] = [];
          for (const [i, { postId, ...decision }] of decisions.entries()) {
            try {
              const post = posts.find((p) => p.id === postId);
              if (!post) throw notFound('Post');
              if (post.campaign_id !== campaign.id)
                throw invalidField(
                  `decisions.${i}.postId`,
                  'in_campaign',
                  "the post is not one of this campaign's posts",
                );
              const approval = await runDecision(
                app.temporal,
                post.workflow_id,
                caller,
                decision,
                `The post is ${post.status}; no approval is pending`,
                updateId && `${updateId}:${i}:${postId}`,
              );
              results.push({ postId, status: 200, approval });
            } catch (err) {
              if (!(err instanceof Problem)) request.log.error({ err, postId }, 'bulk decision failed');
              const problem =
                err instanceof Problem
                  ? err
                  : unavailable("The post's workflow could not be reached; try this decision again");
              results.push({ postId, status: problem.status, problem: problem.toJSON() });
            }
          }
          return { results };
        },
        (body) => (body as { results: BulkDecisionResult[] }).results.every((r) => r.status < 500),
      );
    },
  );

  app.get(
    '/campaigns/:id/live',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Live state, straight from the campaign's workflow",
        tags: ['campaigns'],
        params: idParams,
        response: { 200: campaignLiveView },
      },
    },
    async (request) => {
      const campaign = await campaignOr404(callerOf(request).workspaceId, request.params.id);
      const live = await app.temporal.workflow.getHandle(campaign.workflowId).query(campaignStatusQuery);
      return { ...live, approval: approvalView(live.approval) };
    },
  );

  app.get(
    '/campaigns/:id/utm-preview',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "How a text's links will look on each of the campaign's channels, with the campaign's UTM tags",
        tags: ['campaigns'],
        params: idParams,
        querystring: z.strictObject({
          text: z.string().min(1).max(10_000).describe('A link, or a post text with links'),
        }),
        response: {
          200: z.object({
            tagged: z.boolean().describe('false: the campaign has no UTM settings, texts go out as written'),
            previews: z.array(z.object({ channelId: z.uuid(), channelName: z.string(), text: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = callerOf(request);
      const campaign = await campaignOr404(workspaceId, request.params.id);
      const tag = utmTagger(campaign);
      const channels = await findChannels(app.db, workspaceId, campaign.channelIds);
      return {
        tagged: tag !== undefined,
        previews: channels.map((channel) => ({
          channelId: channel.id,
          channelName: channel.name,
          text: tag ? tag(channel, request.query.text) : request.query.text,
        })),
      };
    },
  );

  for (const [action, update, summary] of [
    ['pause', pauseCampaignUpdate, 'Hold every pending post of the campaign'],
    [
      'resume',
      resumeCampaignUpdate,
      'Release the held posts; those whose time passed go out from a minute after the resume, spaced per channel',
    ],
    ['cancel', cancelCampaignUpdate, 'Cancel the campaign and every pending post'],
  ] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        onRequest: requireRole(Roles.writeContent),
        schema: { summary, tags: ['campaigns'], params: idParams, response: { 200: campaignWorkflowStatus } },
      },
      async (request) => {
        const caller = callerOf(request);
        const campaign = await campaignOr404(caller.workspaceId, request.params.id);
        const { approval, ...status } = await runWorkflowUpdate(
          () =>
            app.temporal.workflow
              .getHandle(campaign.workflowId)
              .executeUpdate(update, { args: [{ actorId: caller.userId }] }),
          'The campaign has finished',
        );
        return { ...status, approval: { ...approval } };
      },
    );
  }

  app.post(
    '/campaigns/:id/posts',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Add existing posts to the campaign (their text is not re-tagged)',
        tags: ['campaigns'],
        params: idParams,
        body: z.strictObject({ postIds: z.array(z.uuid()).min(1).max(500) }),
        response: { 200: campaignWithProgress },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const campaign = await campaignOr404(caller.workspaceId, request.params.id);
      if (['completed', 'cancelled', 'rejected'].includes(campaign.status))
        throw conflict(`The campaign is ${campaign.status}`);
      const posts = await findPostHandles(app.db, caller.workspaceId, request.body.postIds);
      const problems: FieldProblem[] = [];
      // A post's chain is fixed when it is made: with a policy of its own, the campaign's posts must
      // be made in it (campaignId at creation), or they would join without its approval board.
      if (campaignOverride(await listPolicies(app.db, caller.workspaceId), campaign.id)) {
        throw invalidField(
          'postIds',
          'campaign_policy',
          'this campaign has its own approval policy: create its posts with campaignId so they go through it',
        );
      }
      request.body.postIds.forEach((id, i) => {
        const post = posts.find((p) => p.id === id);
        if (!post) problems.push({ field: `postIds.${i}`, rule: 'exists', message: `no post ${id} in this workspace` });
        else if (!['awaiting_approval', 'changes_requested', 'scheduled', 'expired'].includes(post.status))
          problems.push({ field: `postIds.${i}`, rule: 'pending', message: `the post is ${post.status}` });
        else if (post.campaign_id && post.campaign_id !== campaign.id)
          problems.push({
            field: `postIds.${i}`,
            rule: 'one_campaign',
            message: 'the post belongs to another campaign',
          });
        else if (
          campaign.enforceDates &&
          (post.publish_at < new Date(campaign.startsAt) || post.publish_at > new Date(campaign.endsAt))
        ) {
          problems.push({
            field: `postIds.${i}`,
            rule: 'within_campaign_dates',
            message: "the post is outside the campaign's dates",
          });
        }
      });
      if (problems.length > 0) throw invalidFields(problems);
      const held = ['draft', 'in_review', 'paused'].includes(campaign.status);
      await addPostsToCampaign(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        campaignId: campaign.id,
        postIds: request.body.postIds,
      });
      for (const post of posts)
        await app.temporal.workflow
          .getHandle(post.workflow_id)
          .signal(joinCampaignSignal, { campaignId: campaign.id, held });
      return { ...campaign, progress: await campaignProgress(app.db, campaign.id) };
    },
  );
};
