import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../contracts/domain';
import {
  addMember,
  changeMembership,
  createServiceAccount,
  LastOwnerError,
  listMembers,
  memberView,
  ServiceAccountEmailError,
} from '../../db/members';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { conflict, forbidden, invalidField, notFound } from '../problems';
import { noContent } from '../schemas';
import { deliverInvitation, issuedInvitationView } from './invitations';

const userParams = z.strictObject({ userId: z.uuid() });

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/members',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Members of your workspace and their roles',
        tags: ['members'],
        response: { 200: z.object({ members: z.array(memberView) }) },
      },
    },
    async (request) => ({ members: await listMembers(app.db, callerOf(request).workspaceId) }),
  );

  app.post(
    '/members',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary:
          'Add a member with a role (only an owner can add an owner); the answer carries their invitation code, shown once and emailed when SMTP is set',
        tags: ['members'],
        body: z.strictObject({
          email: z.email(),
          name: z.string().trim().min(1).max(200).optional(),
          role: z.enum(ROLES),
        }),
        response: { 201: memberView.extend({ invitation: issuedInvitationView }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.body.role === 'owner' && caller.role !== 'owner')
        throw forbidden('Only an owner can make someone an owner');
      let added;
      try {
        added = await addMember(app.db, { workspaceId: caller.workspaceId, ...request.body, actorId: caller.userId });
      } catch (err) {
        if (err instanceof ServiceAccountEmailError)
          throw invalidField('email', 'person', 'belongs to a service account');
        throw err;
      }
      if (!added)
        throw conflict('That user is already a member; change their role instead', [
          { field: 'email', rule: 'unique', message: 'is already a member' },
        ]);
      return reply
        .code(201)
        .send({ ...added.member, invitation: await deliverInvitation(app, request, added.invitation) });
    },
  );

  app.post(
    '/service-accounts',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary:
          'Create a service account: a member for an integration, with a role (never owner); mint its tokens with POST /v1/service-accounts/:userId/tokens',
        tags: ['members'],
        body: z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES).exclude(['owner']) }),
        response: { 201: memberView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send(
        await createServiceAccount(app.db, {
          workspaceId: caller.workspaceId,
          ...request.body,
          actorId: caller.userId,
        }),
      );
    },
  );

  app.patch(
    '/members/:userId',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: "Change a member's role",
        tags: ['members'],
        params: userParams,
        body: z.strictObject({ role: z.enum(ROLES) }),
        response: { 200: memberView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const members = await listMembers(app.db, caller.workspaceId);
      const target = members.find((m) => m.userId === request.params.userId);
      if (!target) throw notFound('Member');
      if ((target.role === 'owner' || request.body.role === 'owner') && caller.role !== 'owner')
        throw forbidden('Only an owner can grant or take away the owner role');
      if (target.kind === 'service' && request.body.role === 'owner')
        throw invalidField('role', 'not_owner', 'a service account cannot be an owner');
      await change(() =>
        changeMembership(app.db, {
          workspaceId: caller.workspaceId,
          userId: target.userId,
          role: request.body.role,
          actorId: caller.userId,
        }),
      );
      return { ...target, role: request.body.role };
    },
  );

  app.delete(
    '/members/:userId',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Remove a member; their tokens for this workspace are revoked and their open invitation stops working',
        tags: ['members'],
        params: userParams,
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const target = (await listMembers(app.db, caller.workspaceId)).find((m) => m.userId === request.params.userId);
      if (!target) throw notFound('Member');
      if (target.role === 'owner' && caller.role !== 'owner') throw forbidden('Only an owner can remove an owner');
      await change(() =>
        changeMembership(app.db, {
          workspaceId: caller.workspaceId,
          userId: target.userId,
          role: null,
          actorId: caller.userId,
        }),
      );
      return reply.code(204).send(undefined);
    },
  );
};

async function change(work: () => Promise<boolean>): Promise<void> {
  try {
    if (!(await work())) throw notFound('Member');
  } catch (err) {
    if (err instanceof LastOwnerError)
      throw conflict(err.message, [{ field: 'role', rule: 'keeps_an_owner', message: err.message }]);
    throw err;
  }
}
