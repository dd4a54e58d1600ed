import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONVERSATION_STATUSES, INBOX_NETWORKS, PRIORITIES } from '../../../contracts/inbox';
import {
  contactView,
  conversationDetailView,
  conversationView,
  countConversations,
  findContact,
  findConversation,
  findConversationDetail,
  findReplying,
  inboxCountsView,
  insertNote,
  listConversations,
  markConversationSpam,
  membersAmong,
  membersForMentions,
  noteView,
  releaseReplyLease,
  renewReplyLease,
  replyingView,
  updateConversation,
  type ConversationCursor,
} from '../../../db/inbox';
import { changed, signalConversation, storeAndSignal } from '../../inbox-workflow';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { invalidField, notFound } from '../../problems';
import { bigintId, noContent } from '../../schemas';

export const conversationParams = z.strictObject({ id: bigintId });
const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;
const tag = z.string().trim().min(1).max(50);

const listQuery = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assignee: z
    .union([z.enum(['me', 'unassigned']), z.uuid()])
    .optional()
    .describe('"me", "unassigned", or a member\'s user id'),
  channelId: z.uuid().optional(),
  network: z.enum(INBOX_NETWORKS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  tag: tag.optional(),
  sentiment: z.enum(SENTIMENTS).optional(),
  lead: z.enum(['true', 'false']).optional().describe('Conversations with (or without) buying intent'),
  campaignId: z.uuid().optional().describe('Conversations on the posts of this campaign'),
  breached: z.enum(['true', 'false']).optional().describe('Past an SLA deadline (first response or resolution)'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Text in a message or note, or the author's handle or name (case-insensitive)"),
  cursor: z.string().max(200).optional().describe("The previous page's `next`"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const encodeCursor = (c: ConversationCursor) =>
  Buffer.from(JSON.stringify([c.lastMessageAt, c.id])).toString('base64url');

function decodeCursor(cursor: string): ConversationCursor {
  try {
    const [lastMessageAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof lastMessageAt === 'string' &&
      !Number.isNaN(Date.parse(lastMessageAt)) &&
      typeof id === 'string' &&
      bigintId.safeParse(id).success
    )
      return { lastMessageAt, id };
  } catch {
    // Falls through to the refusal.
  }
  throw invalidField('cursor', 'valid', "is not a cursor this API gave (use the previous page's `next`)");
}

/** A note's @mentions: `@` then an email, its local part, or a member's name without spaces. */
const MENTION = /(^|[^\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g;

export const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/inbox/conversations',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Conversations of your workspace, newest activity first, filtered; with the filter bar's counts",
        tags: ['inbox'],
        querystring: listQuery,
        response: {
          200: z.object({
            conversations: z.array(conversationView),
            counts: inboxCountsView,
            next: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
          }),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { cursor, limit, lead, breached, assignee, ...filter } = request.query;
      const [page, counts] = await Promise.all([
        listConversations(
          app.db,
          caller.workspaceId,
          {
            ...filter,
            ...(assignee ? { assignee: assignee === 'me' ? caller.userId : assignee } : {}),
            ...(lead ? { lead: lead === 'true' } : {}),
            ...(breached ? { breached: breached === 'true' } : {}),
          },
          { limit, ...(cursor ? { after: decodeCursor(cursor) } : {}) },
        ),
        countConversations(app.db, caller.workspaceId, caller.userId),
      ]);
      return { conversations: page.conversations, counts, next: page.next && encodeCursor(page.next) };
    },
  );

  app.get(
    '/inbox/conversations/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          'One conversation: its thread (in and out), notes, replies and their status, the contact and their past conversations, who is replying, its version',
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: conversationDetailView },
      },
    },
    async (request) =>
      ownedOr404(findConversationDetail(app.db, callerOf(request).workspaceId, request.params.id), 'Conversation'),
  );

  app.patch(
    '/inbox/conversations/:id',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: 'Change status, priority, tags or assignee (audited; the SLA timers follow)',
        tags: ['inbox'],
        params: conversationParams,
        body: z
          .strictObject({
            status: z.enum(CONVERSATION_STATUSES).optional(),
            priority: z.enum(PRIORITIES).optional(),
            tags: z.array(tag).max(20).optional(),
            assigneeId: z.uuid().nullable().optional().describe("A member's user id; null unassigns"),
          })
          .refine((b) => Object.values(b).some((v) => v !== undefined), {
            message: 'give at least one of status, priority, tags, assigneeId',
          }),
        response: { 200: conversationView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const change = { ...request.body, ...(request.body.tags ? { tags: [...new Set(request.body.tags)] } : {}) };
      if (
        change.assigneeId &&
        !(await membersAmong(app.db, caller.workspaceId, [change.assigneeId])).has(change.assigneeId)
      )
        throw invalidField('assigneeId', 'member', `${change.assigneeId} is not a member of this workspace`);
      await ownedOr404(
        storeAndSignal(
          app,
          { id, workspaceId: caller.workspaceId },
          (trx) =>
            updateConversation(trx, {
              workspaceId: caller.workspaceId,
              conversationId: id,
              actorId: caller.userId,
              change,
            }),
          () => changed('updated'),
        ),
        'Conversation',
      );
      return ownedOr404(findConversation(app.db, caller.workspaceId, id), 'Conversation');
    },
  );

  app.post(
    '/inbox/conversations/:id/notes',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: 'Add an internal note; each @member it mentions (by email, its local part, or name) is notified',
        tags: ['inbox'],
        params: conversationParams,
        body: z.strictObject({ body: z.string().trim().min(1).max(5000) }),
        response: { 201: noteView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      await ownedOr404(findConversation(app.db, caller.workspaceId, id), 'Conversation');
      const members = await membersForMentions(app.db, caller.workspaceId);
      const mentioned = new Set<string>();
      for (const match of request.body.body.matchAll(MENTION)) {
        const said = match[2]!.replace(/[.-]+$/, '').toLowerCase();
        const found = members.filter(
          (m) =>
            m.email.toLowerCase() === said ||
            m.email.toLowerCase().split('@')[0] === said ||
            (m.name !== null && m.name.replace(/\s+/g, '').toLowerCase() === said),
        );
        if (found.length === 0) throw invalidField('body', 'mention', `@${match[2]} is not a member of this workspace`);
        if (found.length > 1)
          throw invalidField('body', 'mention', `@${match[2]} names more than one member; mention them by email`);
        mentioned.add(found[0]!.id);
      }
      const note = await app.db.transaction().execute((trx) =>
        insertNote(trx, {
          workspaceId: caller.workspaceId,
          conversationId: id,
          authorId: caller.userId,
          body: request.body.body,
          mentionedUserIds: [...mentioned],
        }),
      );
      return reply.code(201).send(note);
    },
  );

  const leaseView = z.object({
    expiresAt: z.string().describe('Renew before then (PUT again) while the reply box stays open'),
    version: z.number().int().describe("The conversation's version now: send it with the reply"),
    replying: z.array(replyingView).describe('The other members with the reply box open'),
  });

  app.put(
    '/inbox/conversations/:id/lease',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: 'Open or renew your reply box (a lease of about 30 s); answers who else is replying',
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: leaseView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const lease = await ownedOr404(renewReplyLease(app.db, caller.workspaceId, id, caller.userId), 'Conversation');
      return { ...lease, replying: await findReplying(app.db, caller.workspaceId, id, caller.userId) };
    },
  );

  app.delete(
    '/inbox/conversations/:id/lease',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: 'Close your reply box: you no longer show as replying',
        tags: ['inbox'],
        params: conversationParams,
        response: { 204: noContent('Closed') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!(await releaseReplyLease(app.db, caller.workspaceId, request.params.id, caller.userId)))
        throw notFound('Conversation');
      return reply.code(204).send(undefined);
    },
  );

  app.post(
    '/inbox/conversations/:id/spam',
    {
      onRequest: requireRole(Roles.engage),
      schema: {
        summary: "Close as spam: the conversation closes and its author's later items are dropped as noise (audited)",
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: conversationView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const closed = await ownedOr404(
        storeAndSignal(
          app,
          { id, workspaceId: caller.workspaceId },
          (trx) =>
            markConversationSpam(trx, { workspaceId: caller.workspaceId, conversationId: id, actorId: caller.userId }),
          () => changed('spam'),
        ),
        'Conversation',
      );
      // The author's other open conversations closed with it: their workflows stop their timers.
      await Promise.all(
        closed
          .filter((other) => other !== id)
          .map((other) => signalConversation(app, { id: other, workspaceId: caller.workspaceId }, changed('spam'))),
      );
      return ownedOr404(findConversation(app.db, caller.workspaceId, id), 'Conversation');
    },
  );

  app.get(
    '/inbox/contacts/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "A contact's profile and their conversations with the workspace",
        tags: ['inbox'],
        params: conversationParams,
        response: { 200: contactView },
      },
    },
    async (request) => ownedOr404(findContact(app.db, callerOf(request).workspaceId, request.params.id), 'Contact'),
  );
};
