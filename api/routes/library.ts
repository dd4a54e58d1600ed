import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inspectMedia, MAX_MEDIA_BYTES } from '../../content/media';
import { templateVariables } from '../../content/templates';
import { SAVED_REPLY_VARIABLES, savedReplyVariables, unknownSavedReplyVariables } from '../../content/saved-replies';
import { approvableSteps, policyStepsFor } from '../../db/approvals';
import { appendAudit } from '../../db/audit';
import { LIBRARY_ITEM_KINDS } from '../../contracts/domain';
import {
  findLibraryItem,
  findMediaAsset,
  findMediaAssetById,
  insertLibraryItem,
  insertMediaAsset,
  libraryItemView,
  listLibraryItems,
} from '../../db/library';
import { libraryItemWorkflowId } from '../../contracts/library-item';
import type { reviewLibraryItem } from '../../workflows/library-item';
import { SearchAttributes } from '../../contracts/shared';
import { storeAndStart } from '../../services/store-and-start';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { idParams, isoInstant } from '../schemas';
import { chainRoutes } from '../chain-routes';
import { ownedOr404 } from '../owned';
import { invalidField } from '../problems';
import { NotFound } from '../../contracts/errors';

const createItemBody = z
  .strictObject({
    kind: z.enum(LIBRARY_ITEM_KINDS),
    name: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(10_000).optional().describe('Text of a snippet, or a template with {{variables}}'),
    mediaId: z.uuid().optional().describe('An uploaded media asset (POST /v1/media), for kind "media"'),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
    expiresAt: isoInstant.optional(),
  })
  .refine((b) => (b.kind === 'media') === (b.mediaId !== undefined), {
    message: 'required for kind "media", and only then',
    path: ['mediaId'],
  })
  .refine((b) => b.kind === 'media' || b.body !== undefined, {
    message: 'required for snippets, templates and saved replies',
    path: ['body'],
  })
  .refine((b) => b.kind !== 'saved_reply' || unknownSavedReplyVariables(b.body ?? '').length === 0, {
    message: `a saved reply's variables are ${SAVED_REPLY_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
    path: ['body'],
  });

/** An upload as stored: its facts, not its bytes (GET /v1/media/{id}/content). */
const mediaView = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  sha256: z.string(),
});

export const libraryRoutes: FastifyPluginAsyncZod = async (app) => {
  // Uploads arrive as the raw file with its own content type; the bytes decide what it really is.
  app.addContentTypeParser(
    /^(image|video)\//,
    { parseAs: 'buffer', bodyLimit: MAX_MEDIA_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/media',
    {
      onRequest: requireRole(Roles.writeContent),
      config: { fileBody: true },
      schema: {
        summary:
          'Upload an image (PNG, JPEG, GIF, WebP; ≤ 10 MB, ≤ 8000 px a side) or an MP4 video (≤ 100 MB) as the request body',
        tags: ['library'],
        querystring: z.strictObject({ filename: z.string().trim().min(1).max(200).default('upload') }),
        response: { 201: mediaView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!Buffer.isBuffer(request.body))
        throw invalidField(
          'body',
          'media',
          'send the file itself as the body, with its content type (e.g. image/png)',
          415,
        );
      const { problems, media } = inspectMedia(request.body, request.headers['content-type'] ?? '');
      if (!media)
        throw invalidField(
          'body',
          'media',
          problems.join('; '),
          problems[0]!.includes('not supported') ? 415 : problems[0]!.includes('at most') ? 413 : 422,
        );
      await app.media.put(media.sha256, request.body);
      const row = await insertMediaAsset(app.db, {
        workspace_id: caller.workspaceId,
        owner_id: caller.userId,
        filename: request.query.filename,
        content_type: media.contentType,
        bytes: media.bytes,
        width: media.width,
        height: media.height,
        sha256: media.sha256,
        storage_key: media.sha256,
      });
      return reply.code(201).send({
        id: row.id,
        filename: row.filename,
        contentType: row.content_type,
        bytes: row.bytes,
        width: row.width,
        height: row.height,
        sha256: row.sha256,
      });
    },
  );

  app.get(
    '/media/:id/content',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'The uploaded file',
        tags: ['library'],
        params: idParams,
        response: {
          200: {
            description: 'The file, in its content type',
            content: { '*/*': { schema: z.any().describe("The file's bytes") } },
          },
        },
      },
    },
    async (request, reply) => {
      const row = await ownedOr404(findMediaAsset(app.db, callerOf(request).workspaceId, request.params.id), 'Media');
      return reply.type(row.content_type).send(await app.media.get(row.storage_key));
    },
  );

  app.get(
    '/media/:id/shared',
    {
      schema: {
        summary:
          'An uploaded file at a signed, expiring URL (for networks that fetch media themselves: Instagram, Threads)',
        description:
          'No sign-in: the URL is the authority. Chorus hands such URLs to the network when it publishes a post with media; they expire after MEDIA_URL_TTL_SECONDS.',
        tags: ['library'],
        params: idParams,
        querystring: z.strictObject({
          expires: z.coerce.number().int().describe('When the URL stops working (Unix seconds)'),
          signature: z.string().max(100).describe('HMAC of the id and the expiry'),
        }),
        response: {
          200: {
            description: 'The file, in its content type',
            content: { '*/*': { schema: z.any().describe("The file's bytes") } },
          },
        },
      },
    },
    async (request, reply) => {
      const { expires, signature } = request.query;
      // One answer for a wrong, expired or unknown URL: nothing tells them apart.
      const gone = () => new NotFound('No such media URL (or it has expired)');
      if (!app.mediaUrls?.verify(request.params.id, expires, signature)) throw gone();
      const row = await findMediaAssetById(app.db, request.params.id);
      if (!row) throw gone();
      return reply
        .type(row.content_type)
        .header('cache-control', 'private, max-age=300')
        .send(await app.media.get(row.storage_key));
    },
  );

  app.post(
    '/library',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: "Add a snippet, template, media item or saved reply; it goes through the workspace's approval chain",
        tags: ['library'],
        body: createItemBody,
        response: { 201: libraryItemView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      if (body.expiresAt && Date.parse(body.expiresAt) <= Date.now())
        throw invalidField('expiresAt', 'future', 'must be in the future');
      if (body.mediaId) {
        const media = await findMediaAsset(app.db, caller.workspaceId, body.mediaId);
        if (!media) throw invalidField('mediaId', 'exists', `no media ${body.mediaId} in this workspace`);
      }
      const policy = await policyStepsFor(app.db, caller.workspaceId, []);
      const steps = await approvableSteps(
        app.db,
        caller.workspaceId,
        policy,
        { userId: caller.userId, besides: 'you' },
        'approval',
      );

      const id = randomUUID();
      const workflowId = libraryItemWorkflowId(id);
      await storeAndStart(app, workflowId, async (trx, start) => {
        await insertLibraryItem(trx, {
          id,
          workspace_id: caller.workspaceId,
          kind: body.kind,
          name: body.name,
          body: body.body ?? null,
          variables:
            body.kind === 'template' && body.body
              ? templateVariables(body.body)
              : body.kind === 'saved_reply' && body.body
                ? savedReplyVariables(body.body)
                : [],
          media_id: body.mediaId ?? null,
          tags: body.tags,
          owner_id: caller.userId,
          expires_at: body.expiresAt ?? null,
          status: 'awaiting_approval',
          workflow_id: workflowId,
          updated_at: new Date(),
        });
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'library_item.created',
          subjectType: 'library_item',
          subjectId: id,
          after: { kind: body.kind, name: body.name, body: body.body ?? null, expiresAt: body.expiresAt ?? null },
        });
        await start(() =>
          app.temporal.workflow.start<typeof reviewLibraryItem>('reviewLibraryItem', {
            workflowId,
            taskQueue: app.taskQueue,
            args: [
              {
                itemId: id,
                workspaceId: caller.workspaceId,
                ownerId: caller.userId,
                steps,
                distinctApprovers: policy.distinctApprovers,
              },
            ],
            typedSearchAttributes: [{ key: SearchAttributes.workspace, value: caller.workspaceId }],
            staticSummary: `Library ${body.kind} "${body.name}"`,
          }),
        );
      });
      return reply.code(201).send(await ownedOr404(findLibraryItem(app.db, caller.workspaceId, id), 'Library item'));
    },
  );

  app.get(
    '/library',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Library items, by tag and kind; usable=true: approved and unexpired',
        tags: ['library'],
        querystring: z.strictObject({
          tag: z.string().optional(),
          kind: z.enum(LIBRARY_ITEM_KINDS).optional(),
          usable: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(libraryItemView) }) },
      },
    },
    async (request) => ({
      items: await listLibraryItems(app.db, callerOf(request).workspaceId, {
        ...request.query,
        usable: request.query.usable === 'true',
      }),
    }),
  );

  app.get(
    '/library/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'A library item and the posts that used it',
        tags: ['library'],
        params: idParams,
        response: { 200: libraryItemView },
      },
    },
    async (request) => {
      return ownedOr404(findLibraryItem(app.db, callerOf(request).workspaceId, request.params.id), 'Library item');
    },
  );

  chainRoutes(app, {
    path: '/library/:id/approval',
    tags: ['library'],
    decide: "Decide on a library item's approval (naming the step and round)",
    view: "A library item's approval chain (steps from 1), each person named",
    find: (workspaceId, id) => ownedOr404(findLibraryItem(app.db, workspaceId, id), 'Library item'),
    finished: (item) => `The item is ${item.status}; no approval is pending`,
  });
};
