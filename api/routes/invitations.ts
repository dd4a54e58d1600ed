import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../contracts/domain';
import {
  findInvitation,
  INVITATION_STATES,
  InvitationError,
  invitationView,
  inviteMember,
  listInvitations,
  previewInvitation,
  redeemInvitation,
  redeemInvitationWithPassword,
  reissueInvitation,
  revokeInvitation,
  type IssuedInvitation,
} from '../../db/invitations';
import { findMember } from '../../db/members';
import { invitationEmail } from '../../notifications/mailer';
import { ownedOr404 } from '../owned';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { forbidden, invalidField, notFound, Problem } from '../problems';
import { tokenView } from '../../db/tokens';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../db/passwords';
import { policyOf, sessionView, sessionViewOf, setSessionCookie } from '../sessions';

export const issuedInvitationView = invitationView.extend({
  code: z.string().describe('Shown in this response only: the member redeems it with POST /v1/invitations/accept'),
  emailed: z.boolean().describe('Whether the code was emailed to the member (SMTP configured and the send succeeded)'),
});

/** Emails the code to the member when a mailer is configured; the answer says whether it went. */
export async function deliverInvitation(
  app: FastifyInstance,
  request: FastifyRequest,
  issued: IssuedInvitation,
): Promise<z.infer<typeof issuedInvitationView>> {
  let emailed = false;
  if (app.mailer) {
    try {
      // The member reaches the API where the inviter did.
      const apiUrl = `${request.protocol}://${request.host}`;
      const mail = invitationEmail({
        workspaceName: issued.workspaceName,
        role: issued.invitation.role ?? 'member',
        code: issued.code,
        expiresAt: issued.invitation.expiresAt,
        apiUrl,
      });
      await app.mailer.send({
        to: [issued.invitation.email],
        ...mail,
        messageId: `<inv-${issued.invitation.id}@chorus>`,
      });
      emailed = true;
    } catch (err) {
      // The invitation stands: the inviter has the code and can pass it on.
      request.log.warn({ err, invitationId: issued.invitation.id }, 'invitation email not sent');
    }
  }
  return { ...issued.invitation, code: issued.code, emailed };
}

/** An InvitationError as the problem a caller sees. */
const TITLES: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 410: 'Gone' };

/** Runs `work`, turning an InvitationError into a problem naming `field` (`password` for a password refused) and the reason as its rule. */
async function orRefused<T>(
  work: () => Promise<T>,
  codeField: string,
  statusOf: (err: InvitationError) => number,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof InvitationError)) throw err;
    const status = statusOf(err);
    const field = err.reason === 'wrong_password' || err.reason === 'other_workspaces' ? 'password' : codeField;
    throw new Problem(status, TITLES[status]!, err.message, [{ field, rule: err.reason, message: err.message }]);
  }
}

export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Only an owner may hand out (or take back) the way into an owner's account. */
  const checkTarget = async (request: FastifyRequest, userId: string) => {
    const caller = callerOf(request);
    const member = await ownedOr404(findMember(app.db, caller.workspaceId, userId), 'Member');
    if (member.role === 'owner' && caller.role !== 'owner') throw forbidden('Only an owner can invite an owner');
    if (member.kind !== 'person')
      throw invalidField(
        'userId',
        'person',
        'is a service account; mint it a token with POST /v1/service-accounts/:userId/tokens',
      );
  };

  app.get(
    '/invitations',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Invitations of your workspace, newest first (pending by default)',
        tags: ['members'],
        querystring: z.strictObject({ state: z.enum([...INVITATION_STATES, 'all']).default('pending') }),
        response: { 200: z.object({ invitations: z.array(invitationView) }) },
      },
    },
    async (request) => {
      const { state } = request.query;
      return {
        invitations: await listInvitations(app.db, callerOf(request).workspaceId, {
          state: state === 'all' ? undefined : state,
        }),
      };
    },
  );

  app.post(
    '/invitations',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary:
          'Invite a member again (one added before invitations, or who lost their token); their open invitation stops working',
        tags: ['members'],
        body: z.strictObject({ userId: z.uuid() }),
        response: { 201: issuedInvitationView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await checkTarget(request, request.body.userId);
      const issued = await orRefused(
        () =>
          inviteMember(app.db, {
            workspaceId: caller.workspaceId,
            userId: request.body.userId,
            actorId: caller.userId,
          }),
        'userId',
        () => 409,
      );
      return reply.code(201).send(await deliverInvitation(app, request, issued));
    },
  );

  app.post(
    '/invitations/:id/reissue',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'A new code (and expiry) for an open invitation; the old code stops working',
        tags: ['members'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 201: issuedInvitationView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const current = await ownedOr404(findInvitation(app.db, caller.workspaceId, request.params.id), 'Invitation');
      await checkTarget(request, current.userId);
      const issued = await orRefused(
        () =>
          reissueInvitation(app.db, {
            workspaceId: caller.workspaceId,
            invitationId: request.params.id,
            actorId: caller.userId,
          }),
        'id',
        () => 409,
      );
      if (!issued) throw notFound('Invitation');
      return reply.code(201).send(await deliverInvitation(app, request, issued));
    },
  );

  app.delete(
    '/invitations/:id',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Revoke an open invitation: its code stops working',
        tags: ['members'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: invitationView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const current = await ownedOr404(findInvitation(app.db, caller.workspaceId, request.params.id), 'Invitation');
      if (current.role === 'owner' && caller.role !== 'owner')
        throw forbidden("Only an owner can revoke an owner's invitation");
      const revoked = await orRefused(
        () =>
          revokeInvitation(app.db, {
            workspaceId: caller.workspaceId,
            invitationId: request.params.id,
            actorId: caller.userId,
          }),
        'id',
        () => 409,
      );
      if (!revoked) throw notFound('Invitation');
      return revoked;
    },
  );

  /** How a refused code is answered: unknown 404, not for this kind of account or password 403, ended 410. */
  const acceptStatus = (err: InvitationError) =>
    err.reason === 'unknown'
      ? 404
      : err.reason === 'not_a_person' || err.reason === 'wrong_password' || err.reason === 'other_workspaces'
        ? 403
        : 410;

  app.get(
    '/invitations/preview',
    {
      schema: {
        summary: 'Who an invitation code invites to which workspace (no bearer token needed); it stays unused',
        description:
          'For the page that opens an invitation link: 404 for an unknown code, 410 for one used, revoked, replaced or expired.',
        tags: ['members'],
        security: [],
        querystring: z.strictObject({ code: z.string().trim().min(1).max(200) }),
        response: {
          200: z.object({
            workspaceName: z.string(),
            email: z.string(),
            role: z.enum(ROLES),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request) => orRefused(() => previewInvitation(app.db, request.query.code), 'code', acceptStatus),
  );

  const tokenAnswer = tokenView.extend({
    token: z.string(),
    workspaceId: z.uuid(),
    email: z.string(),
    role: z.enum(ROLES),
  });
  const sessionAnswer = z.object({
    workspaceId: z.uuid(),
    userId: z.uuid(),
    email: z.string(),
    role: z.enum(ROLES),
    session: sessionView.describe('The session started (its cookie is set); no API token is minted'),
  });

  app.post(
    '/invitations/accept',
    {
      schema: {
        summary:
          'Redeem an invitation code (no bearer token needed): for an API token of your own (shown in this response only), or, with a password, to sign in',
        description: `Without \`password\`: an API token (the CLI's \`chorus invite accept\`). With \`password\` (${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters): it becomes your password (or, when your account has one already, it must be that one), the chorus_session cookie is set and the answer carries the session. A member's invitation cannot set the first password of an account that belongs to other workspaces too (403 other_workspaces); the owner's link from \`chorus workspace create\` can. A refused code changes nothing.`,
        tags: ['members'],
        security: [],
        body: z.strictObject({
          code: z.string().trim().min(1).max(200),
          tokenName: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .optional()
            .describe('Defaults to "invitation"; not with password'),
          password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).optional(),
          name: z.string().trim().min(1).max(200).optional().describe('Your name, with password'),
        }),
        response: { 201: z.union([tokenAnswer, sessionAnswer]) },
      },
    },
    async (request, reply) => {
      const { code, tokenName, password, name } = request.body;
      if (password === undefined) {
        if (name !== undefined) throw invalidField('name', 'with_password', 'goes with password', 400);
        const redeemed = await orRefused(
          () => redeemInvitation(app.db, { code, tokenName: tokenName ?? 'invitation' }),
          'code',
          acceptStatus,
        );
        return reply.code(201).send({
          ...redeemed.view,
          token: redeemed.token,
          workspaceId: redeemed.workspaceId,
          email: redeemed.email,
          role: redeemed.role,
        });
      }
      if (tokenName !== undefined)
        throw invalidField(
          'tokenName',
          'without_password',
          'names an API token; with password no token is minted',
          400,
        );
      const redeemed = await orRefused(
        () =>
          redeemInvitationWithPassword(app.db, {
            code,
            password,
            ...(name === undefined ? {} : { name }),
            policy: policyOf(app),
          }),
        'code',
        acceptStatus,
      );
      setSessionCookie(request, reply, redeemed.token, redeemed.session.expiresAt);
      const view = await sessionViewOf(app, redeemed.session);
      if (!view) throw notFound('Workspace');
      return reply.code(201).send({
        workspaceId: redeemed.workspaceId,
        userId: redeemed.userId,
        email: redeemed.email,
        role: redeemed.role,
        session: view,
      });
    },
  );
};
