import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderSavedReply } from '../../../content/saved-replies';
import {
  conversationStateQuery,
  decideReplyUpdate,
  INBOX_WITHOUT_LIKES,
  likeMessageUpdate,
  replyRefusal,
} from '../../../contracts/inbox';
import { REPLY_RULES } from '../../../contracts/text-rules';
import { messageView, replyView } from '../../../db/inbox';
import {
  findConversationMessage,
  findLatestInbound,
  findReply,
  findReplyTarget,
  findUsableSavedReply,
  findWorkspaceMessage,
  insertReply,
  listUsableSavedReplies,
  newerThan,
  savedReplyValues,
} from '../../../db/inbox-replies';
import { replyApprovalSteps } from '../../../db/inbox-settings';
import { conversationHandle, replyRequested, storeAndSignal, updateConversationWithStart } from '../../inbox-workflow';
import { ownedOr404 } from '../../owned';
import { approvalViewSchema, approvalWithPeople } from '../../people';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { conflict, invalidField, invalidFields, notFound, Problem, type FieldProblem } from '../../problems';
import { bigintId, decisionBody } from '../../schemas';
import {
  answerOnce,
  approvalChainView,
  approvalView,
  idempotencyHeaders,
  runWorkflowUpdate,
} from '../../workflow-updates';
import { conversationParams } from './conversations';

type Newer = Awaited<ReturnType<typeof newerThan>>;

/** 409 for a reply written against an older version: it carries what the member had not seen. */
class StaleVersion extends Problem {
  constructor(
    readonly version: number,
    readonly newer: Newer,
  ) {
    super(
      409,
      'Conflict',
      `The conversation changed since you opened it (version ${version} now): read the new messages, then reply again`,
      [{ field: 'version', rule: 'current', message: `the conversation's version is ${version}` }],
      {},
      'stale-conversation',
    );
  }

  override toJSON(instance?: string) {
    return {
      ...super.toJSON(instance),
      version: this.version,
      newMessages: this.newer.messages,
      newReplies: this.newer.replies,
    };
  }
}

const replyBody = z.strictObject({
  text: z.string().trim().min(1).max(10_000).describe("Plain text; checked against the channel's network limits"),
  inReplyToMessageId: bigintId
    .optional()
    .describe("The conversation's message it answers; omitted: its latest inbound message"),
  savedReplyId: z.uuid().optional().describe('The saved reply it started from (an approved one)'),
  version: z
    .number()
    .int()
    .min(0)
    .describe("The conversation's version the reply was written against (detail or lease); older: 409"),
});

const savedReplyView = z.object({
  id: z.uuid(),
  name: z.string(),
  tags: z.array(z.string()),
  text: z.string().describe("Rendered with the conversation's author name and handle and the post's link"),
  template: z.string(),
});

export const replyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/inbox/conversations/:id/replies',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary:
          "Reply (written against the conversation's version): sent through the channel, or first approved when the workspace's policy asks",
        tags: ['inbox'],
        params: conversationParams,
        body: replyBody,
        response: { 201: z.object({ reply: replyView, version: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const body = request.body;
      const target = await ownedOr404(findReplyTarget(app.db, caller.workspaceId, id), 'Conversation');

      const problems: FieldProblem[] = [];
      if (target.channel_id === null || target.provider === null || target.provider === 'webhook')
        problems.push({
          field: 'channel',
          rule: 'replyable',
          message: 'the conversation came through no connected channel (pushed by another system): reply there',
        });
      else if (target.deleted_at !== null)
        problems.push({
          field: 'channel',
          rule: 'removed',
          message: `the channel "${target.channel_name}" was removed; connect it again to reply`,
        });
      else if (!target.healthy)
        problems.push({
          field: 'channel',
          rule: 'healthy',
          message: `the channel "${target.channel_name}" is failing (${target.last_error ?? 'credentials refused'}); reconnect it to reply`,
        });
      if (target.provider && target.provider !== 'webhook')
        for (const message of REPLY_RULES[target.provider].validate(body.text))
          problems.push({ field: 'text', rule: 'limit', message });

      const parent = body.inReplyToMessageId
        ? await findConversationMessage(app.db, id, body.inReplyToMessageId)
        : await findLatestInbound(app.db, id);
      if (!parent)
        problems.push(
          body.inReplyToMessageId
            ? {
                field: 'inReplyToMessageId',
                rule: 'in_conversation',
                message: `no message ${body.inReplyToMessageId} in this conversation`,
              }
            : { field: 'inReplyToMessageId', rule: 'required', message: 'the conversation has no message to answer' },
        );
      else if (parent.deleted)
        problems.push({
          field: 'inReplyToMessageId',
          rule: 'not_deleted',
          message: `message ${parent.id} was deleted on the network; there is nothing to reply to`,
        });
      else {
        const refusal = replyRefusal({
          network: target.network,
          kind: parent.kind,
          parentExternalId: parent.parent_external_id,
        });
        if (refusal) problems.push({ field: 'inReplyToMessageId', rule: 'replyable', message: refusal });
      }

      if (body.savedReplyId) {
        const saved = await findUsableSavedReply(app.db, caller.workspaceId, body.savedReplyId);
        if (!saved)
          problems.push({
            field: 'savedReplyId',
            rule: 'exists',
            message: `no saved reply ${body.savedReplyId} in this workspace`,
          });
        else if (saved.status !== 'approved' || (saved.expires_at !== null && saved.expires_at <= new Date()))
          problems.push({
            field: 'savedReplyId',
            rule: 'usable',
            message: 'the saved reply is not approved, or has expired',
          });
      }
      if (body.version > target.version)
        problems.push({
          field: 'version',
          rule: 'known',
          message: `the conversation has no version ${body.version} yet (it is at ${target.version})`,
        });
      if (problems.length > 0) throw invalidFields(problems);
      if (body.version < target.version)
        throw new StaleVersion(target.version, await newerThan(app.db, id, body.version, target.version));

      const steps = await replyApprovalSteps(app.db, caller.workspaceId, {
        authorId: caller.userId,
        authorRole: caller.role,
        text: body.text,
        channelId: target.channel_id,
      });
      const stored = await storeAndSignal(
        app,
        { id, workspaceId: caller.workspaceId },
        (trx) =>
          insertReply(trx, {
            workspaceId: caller.workspaceId,
            conversationId: id,
            version: body.version,
            authorId: caller.userId,
            inReplyToMessageId: parent!.id,
            text: body.text,
            savedReplyId: body.savedReplyId ?? null,
            status: steps ? 'awaiting_approval' : 'sending',
            approvalSteps: steps,
          }),
        (result) => replyRequested(result.reply.id),
      );
      if (!stored) {
        // Another reply or message took the version between the check and the write.
        const now = await ownedOr404(findReplyTarget(app.db, caller.workspaceId, id), 'Conversation');
        throw new StaleVersion(now.version, await newerThan(app.db, id, body.version, now.version));
      }
      return reply.code(201).send(stored);
    },
  );

  app.get(
    '/inbox/conversations/:id/saved-replies',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "The workspace's approved saved replies, rendered for this conversation",
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: z.object({ savedReplies: z.array(savedReplyView) }) },
      },
    },
    async (request) => {
      const { workspaceId } = callerOf(request);
      const values = await ownedOr404(savedReplyValues(app.db, workspaceId, request.params.id), 'Conversation');
      const items = await listUsableSavedReplies(app.db, workspaceId);
      return {
        savedReplies: items.map((item) => ({
          id: item.id,
          name: item.name,
          tags: item.tags,
          template: item.body ?? '',
          text: renderSavedReply(item.body ?? '', values),
        })),
      };
    },
  );

  app.post(
    '/inbox/replies/:id/decisions',
    {
      onRequest: requireRole(Roles.decide),
      schema: {
        summary: "Approve or reject the current step of a reply's approval chain (its approvers, never its author)",
        tags: ['inbox'],
        params: conversationParams,
        headers: idempotencyHeaders,
        body: decisionBody,
        response: { 200: approvalChainView },
      },
    },
    async (request, reply) =>
      answerOnce(app, request, reply, async (updateId) => {
        const caller = callerOf(request);
        const found = await ownedOr404(findReply(app.db, caller.workspaceId, request.params.id), 'Reply');
        if (found.status !== 'awaiting_approval')
          throw conflict(`The reply is ${found.status.replace('_', ' ')}; no approval is pending`);
        const { decision, comment, step, round } = request.body;
        const chain = await runWorkflowUpdate(
          () =>
            conversationHandle(app, found.conversation_id).executeUpdate(decideReplyUpdate, {
              args: [{ replyId: found.id, userId: caller.userId, decision, comment, step: step - 1, round }],
              ...(updateId ? { updateId } : {}),
            }),
          "The conversation's workflow is not running; the reply's approval cannot be decided now",
        );
        return approvalView(chain);
      }),
  );

  app.get(
    '/inbox/replies/:id/approval',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          "A reply's approval chain as its conversation's workflow holds it (steps from 1, each person named): the step and round a decision names",
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: approvalViewSchema },
      },
    },
    async (request) => {
      const { workspaceId } = callerOf(request);
      const found = await ownedOr404(findReply(app.db, workspaceId, request.params.id), 'Reply');
      if (found.status !== 'awaiting_approval')
        throw conflict(`The reply is ${found.status.replace('_', ' ')}; it has no approval pending`);
      const state = await runWorkflowUpdate(
        () => conversationHandle(app, found.conversation_id).query(conversationStateQuery),
        "The conversation's workflow is not running; the reply's approval cannot be read now",
      );
      const chain = state.pendingReplies.find((r) => r.replyId === found.id)?.approval;
      // Stored, but its workflow has not loaded it yet (a moment after the reply was written).
      if (!chain) throw conflict("The reply's approval chain has not started yet; try again in a moment");
      return approvalWithPeople(app.db, workspaceId, approvalView(chain));
    },
  );

  app.post(
    '/inbox/messages/:id/like',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: "Like an inbound message on its network, as the channel's account (once, however often asked)",
        tags: ['inbox'],
        params: z.strictObject({ id: bigintId }),
        response: { 200: z.object({ liked: z.literal(true), message: messageView.pick({ id: true, url: true }) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const message = await findWorkspaceMessage(app.db, caller.workspaceId, request.params.id);
      if (!message) throw notFound('Message');
      if (message.direction !== 'in')
        throw invalidField('id', 'inbound', 'only a message from someone else can be liked');
      if (message.deleted) throw invalidField('id', 'not_deleted', 'the message was deleted on the network');
      if (INBOX_WITHOUT_LIKES.some((n) => n === message.network))
        throw invalidField('id', 'likeable', `${message.network} does not let an app like a message; reply instead`);
      await runWorkflowUpdate(
        () =>
          updateConversationWithStart(
            app,
            { id: message.conversation_id, workspaceId: caller.workspaceId },
            likeMessageUpdate,
            [{ messageId: message.id, actorId: caller.userId }],
          ),
        "The conversation's workflow is not running; try again shortly",
      );
      return { liked: true as const, message: { id: message.id, url: message.url } };
    },
  );
};
