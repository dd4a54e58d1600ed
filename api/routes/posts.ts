import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { POST_STATUSES, TARGET_STATUSES } from '../../contracts/domain';
import { findCampaign } from '../../db/campaigns';
import { findPost, findPosts, postView } from '../../db/posts';
import { checkContent, createPlannedPost, mustBeFuture, planPost, previewPost, utmTagger } from '../../services/posts';
import { cancelUpdate, editUpdate, postStatusQuery, rescheduleUpdate } from '../../contracts/post';
import { checkDailyPublishingLimitsOnMove } from '../../services/publishing-limits';
import { ownedOr404 } from '../owned';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { fieldProblemView, idParams, isoInstant } from '../schemas';
import { peopleNamer, personSchema } from '../people';
import { approvalStepView } from '../workflow-updates';
import { invalidField } from '../problems';
import { runWorkflowUpdate } from '../workflow-updates';

/** The post's workflow as it answers (its own fields, as it holds them). */
const postLiveView = z.looseObject({
  postId: z.uuid(),
  status: z.enum(POST_STATUSES),
  publishAt: z.string(),
  targets: z.array(
    z.looseObject({
      targetId: z.uuid(),
      channelId: z.uuid(),
      provider: z.string(),
      status: z.enum(TARGET_STATUSES),
      externalId: z.string().optional(),
      url: z.string().nullable().optional(),
      error: z.string().optional(),
    }),
  ),
});

const alt = z.string().max(2000).optional().describe('Alt text, for people who cannot see the image');

const createPostBody = z
  .strictObject({
    text: z.string().min(1, 'must not be empty').optional().describe('Required unless libraryItemId gives it'),
    channelIds: z
      .array(z.uuid())
      .min(1, 'name at least one channel')
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel'),
    variants: z
      .record(z.uuid(), z.string().min(1, 'must not be empty'))
      .optional()
      .describe('Per-channel text, by channel id'),
    publishAt: isoInstant.optional().describe('When to publish; omit to publish now'),
    queue: z
      .boolean()
      .optional()
      .describe('Take the next free queue slot shared by all the channels (instead of publishAt)'),
    campaignId: z
      .uuid()
      .optional()
      .describe(
        "Join a campaign: its links get the campaign's UTM tags, and it publishes only while the campaign runs",
      ),
    libraryItemId: z
      .uuid()
      .optional()
      .describe('Make the post from an approved library snippet or template; unchanged, it skips approval'),
    variables: z.record(z.string(), z.string()).optional().describe("Values for the template's {{variables}}"),
    media: z
      .array(
        z.union([
          z.strictObject({ mediaId: z.uuid().describe('An upload (POST /v1/media)'), alt }),
          z.strictObject({ libraryItemId: z.uuid().describe('An approved, unexpired library media item'), alt }),
        ]),
      )
      .max(4)
      .refine(
        (m) => new Set(m.map((x) => ('mediaId' in x ? x.mediaId : x.libraryItemId))).size === m.length,
        'must not repeat a medium',
      )
      .optional()
      .describe(
        'Media to attach, in order, each an upload or a library media item; each network checks its own rules (Bluesky: up to 4 images of at most 1,000,000 bytes)',
      ),
  })
  .refine((b) => !(b.queue && b.publishAt), { message: 'give either publishAt or queue, not both', path: ['queue'] })
  .refine((b) => b.text !== undefined || b.libraryItemId !== undefined, {
    message: 'give the text, or a libraryItemId to take it from',
    path: ['text'],
  });

/** What creating a post would do (POST /v1/posts/preview). */
const postPreviewView = z.object({
  problems: z
    .array(fieldProblemView)
    .describe('Every broken rule, as POST /v1/posts would list them in its 422; empty when it can be created'),
  channels: z
    .array(
      z.object({
        channelId: z.uuid(),
        text: z
          .string()
          .describe('What this channel would get: its variant or the text, template and UTM tags applied'),
        problems: z.array(fieldProblemView).describe("The network's problems with this text and media"),
        asPublished: z
          .string()
          .nullable()
          .describe(
            'The text as it will be published when that differs: in a campaign with short links on, each link as `<app>/l/<code>` (the code, made at publishing, shown as xxxxxxxx); null: as `text`',
          ),
      }),
    )
    .describe('Each channel in the workspace, in channelIds order (empty when the text cannot be told yet)'),
  approval: z
    .object({
      policies: z
        .array(
          z.object({
            id: z.uuid(),
            scope: z.enum(['campaign', 'channel', 'workspace']),
            channelId: z.uuid().nullable(),
            campaignId: z.uuid().nullable(),
          }),
        )
        .describe('The approval policies the steps come from (content rules add steps with source "rule:<name>")'),
      distinctApprovers: z.boolean(),
      steps: z.array(
        approvalStepView.extend({
          step: z.number().int().describe('From 1'),
          approvers: z.array(personSchema).describe('Who may decide the step (the author excluded)'),
        }),
      ),
    })
    .nullable()
    .describe('The chain the post would wait for; null: it publishes without approval'),
  publishAt: z
    .string()
    .nullable()
    .describe('When it would publish (the queue slot resolved); null: as soon as approved, or not yet known'),
  status: z.enum(POST_STATUSES).nullable().describe('Its status once created; null when it cannot be created'),
});

export const postRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/posts/preview',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'What creating this post would do, stored nowhere: its problems, approval chain and publish time',
        description:
          'Takes the body of POST /v1/posts. Answers 200 even when the post could not be created: `problems` then lists why.',
        tags: ['posts'],
        body: createPostBody,
        response: { 200: postPreviewView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const preview = await previewPost(app, caller, request.body);
      const steps = preview.approval?.steps ?? [];
      const person = await peopleNamer(
        app.db,
        caller.workspaceId,
        steps.flatMap((s) => s.eligibleUserIds),
      );
      return {
        ...preview,
        approval: preview.approval && {
          ...preview.approval,
          policies: preview.approval.policies.map((p) => ({
            ...p,
            scope: p.campaignId ? ('campaign' as const) : p.channelId ? ('channel' as const) : ('workspace' as const),
          })),
          steps: steps.map((s, i) => ({ ...s, step: i + 1, approvers: s.eligibleUserIds.map(person) })),
        },
      };
    },
  );

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
      const postId = await createPlannedPost(app, await planPost(app, caller, request.body));
      return reply.code(201).send((await findPost(app.db, caller.workspaceId, postId))!);
    },
  );

  app.get(
    '/posts',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Posts by publish time, status, channel and campaign',
        tags: ['posts'],
        querystring: z.strictObject({
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          status: z.enum(POST_STATUSES).optional(),
          channelId: z.uuid().optional(),
          campaignId: z.uuid().optional(),
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
      return {
        posts: await findPosts(app.db, callerOf(request).workspaceId, {
          from,
          to,
          status: q.status,
          channelId: q.channelId,
          campaignId: q.campaignId,
          limit: q.limit,
        }),
      };
    },
  );

  app.get(
    '/posts/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'A post and the status of each target',
        tags: ['posts'],
        params: idParams,
        response: { 200: postView },
      },
    },
    async (request) => {
      const post = await ownedOr404(findPost(app.db, callerOf(request).workspaceId, request.params.id), 'Post');
      return post;
    },
  );

  app.get(
    '/posts/:id/live',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Live status, straight from the post's workflow",
        tags: ['posts'],
        params: idParams,
        response: { 200: postLiveView },
      },
    },
    async (request) => {
      const post = await ownedOr404(findPost(app.db, callerOf(request).workspaceId, request.params.id), 'Post');
      const live = await app.temporal.workflow.getHandle(post.workflowId).query(postStatusQuery);
      return { ...live, targets: live.targets.map((t) => ({ ...t })) };
    },
  );

  app.post(
    '/posts/:id/reschedule',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Move a scheduled post',
        tags: ['posts'],
        params: idParams,
        body: z.strictObject({ publishAt: isoInstant }),
        response: { 200: postView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await ownedOr404(findPost(app.db, caller.workspaceId, request.params.id), 'Post');
      const publishAt = mustBeFuture(request.body.publishAt);
      await checkDailyPublishingLimitsOnMove(app.db, caller.workspaceId, post, publishAt);
      await runWorkflowUpdate(
        () =>
          app.temporal.workflow.getHandle(post.workflowId).executeUpdate(rescheduleUpdate, {
            args: [{ publishAt: publishAt.toISOString(), actorId: caller.userId }],
          }),
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
        summary:
          'Change the text (and variants) of a post that has not started publishing; with an approval chain, approval starts over',
        tags: ['posts'],
        params: idParams,
        body: z.strictObject({ text: z.string().min(1, 'must not be empty'), variants: createPostBody.shape.variants }),
        response: { 200: postView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await ownedOr404(findPost(app.db, caller.workspaceId, request.params.id), 'Post');
      const channelIds = post.targets.map((t) => t.channelId);
      const campaign = post.campaignId ? await findCampaign(app.db, caller.workspaceId, post.campaignId) : undefined;
      const { texts } = await checkContent(
        app,
        caller.workspaceId,
        { ...request.body, channelIds },
        campaign ? utmTagger(campaign) : undefined,
      );
      const targets = post.targets.map((t) => ({ targetId: t.id, text: texts[t.channelId]! }));
      await runWorkflowUpdate(
        () =>
          app.temporal.workflow
            .getHandle(post.workflowId)
            .executeUpdate(editUpdate, { args: [{ actorId: caller.userId, text: request.body.text, targets }] }),
        `The post is ${post.status}; its workflow has finished`,
      );
      return (await findPost(app.db, caller.workspaceId, post.id))!;
    },
  );

  app.post(
    '/posts/:id/cancel',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: { summary: 'Cancel a scheduled post', tags: ['posts'], params: idParams, response: { 200: postView } },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await ownedOr404(findPost(app.db, caller.workspaceId, request.params.id), 'Post');
      await runWorkflowUpdate(
        () =>
          app.temporal.workflow
            .getHandle(post.workflowId)
            .executeUpdate(cancelUpdate, { args: [{ actorId: caller.userId }] }),
        `The post is ${post.status}; its workflow has finished`,
      );
      return (await findPost(app.db, caller.workspaceId, post.id))!;
    },
  );
};
