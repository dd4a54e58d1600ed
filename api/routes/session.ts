import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, verifyPassword } from '../../db/passwords';
import { endSession, signIn, switchSessionWorkspace, workspacesOf } from '../../db/sessions';
import { findPersonByEmail } from '../../db/users';
import { notFound, unauthorized } from '../problems';
import { noContent } from '../schemas';
import {
  clearSessionCookie,
  notMemberAnyMore,
  policyOf,
  sessionOf,
  sessionView,
  sessionViewOf,
  setSessionCookie,
} from '../sessions';

/** Sign-in attempts per IP address and email in SIGN_IN_WINDOW. */
export const SIGN_IN_ATTEMPTS = 10;
export const SIGN_IN_WINDOW = '15 minutes';

/** One answer for every failed sign-in: it never says whether the email, the password or the membership was wrong. */
const WRONG = 'Email or password is wrong';

const signInBody = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  workspaceId: z.uuid().optional().describe('The workspace to act in; default: the first of yours by name'),
});

export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/session',
    {
      config: {
        rateLimit: {
          max: SIGN_IN_ATTEMPTS,
          timeWindow: SIGN_IN_WINDOW,
          // After the body is parsed: the key is the address and the email tried.
          hook: 'preHandler',
          keyGenerator: (request) => {
            const body = request.body as { email?: unknown } | undefined;
            const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
            return `sign-in|${request.ip}|${email}`;
          },
        },
      },
      schema: {
        summary: `Sign in with email and password: sets the ${'chorus_session'} cookie (HttpOnly, SameSite=Lax)`,
        description: `At most ${SIGN_IN_ATTEMPTS} attempts per address and email in ${SIGN_IN_WINDOW} (then 429 with Retry-After). A wrong email, a wrong password, an account without a password or without that workspace all get the same 401.`,
        tags: ['session'],
        security: [],
        body: signInBody,
        response: { 200: sessionView },
      },
    },
    async (request, reply) => {
      const { email, password, workspaceId } = request.body;
      const person = await findPersonByEmail(app.db, email);
      // verifyPassword does the same work without an account or a password, so the time says nothing either.
      const ok = await verifyPassword(password, person?.passwordHash);
      if (!person || !ok) throw unauthorized(WRONG);
      const workspaces = await workspacesOf(app.db, person.id);
      const workspace = workspaceId ? workspaces.find((w) => w.id === workspaceId) : workspaces[0];
      if (!workspace) throw unauthorized(WRONG);
      const { token, session } = await signIn(app.db, {
        userId: person.id,
        workspaceId: workspace.id,
        policy: policyOf(app),
      });
      setSessionCookie(request, reply, token, session.expiresAt);
      const view = await sessionViewOf(app, session);
      if (!view) throw notMemberAnyMore();
      return view;
    },
  );

  app.get(
    '/session',
    {
      schema: {
        summary: 'Your signed-in session: who you are, the workspace you act in, your workspaces and the CSRF token',
        tags: ['session'],
        security: [{ session: [] }],
        response: { 200: sessionView },
      },
    },
    async (request) => {
      const { session } = await sessionOf(request);
      const view = await sessionViewOf(app, session);
      if (!view) throw notMemberAnyMore();
      return view;
    },
  );

  app.put(
    '/session/workspace',
    {
      schema: {
        summary: 'Act in another of your workspaces (needs the x-csrf-token header)',
        tags: ['session'],
        security: [{ session: [] }],
        body: z.strictObject({ workspaceId: z.uuid() }),
        response: { 200: sessionView },
      },
    },
    async (request) => {
      const { session } = await sessionOf(request);
      const moved = await switchSessionWorkspace(app.db, {
        sessionId: session.id,
        userId: session.userId,
        workspaceId: request.body.workspaceId,
      });
      // Not a member: as if the workspace did not exist.
      if (!moved) throw notFound('Workspace');
      const view = await sessionViewOf(app, { ...session, workspaceId: request.body.workspaceId });
      if (!view) throw notFound('Workspace');
      return view;
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        summary: 'Sign out: the session stops working and the cookie is cleared (needs the x-csrf-token header)',
        tags: ['session'],
        security: [{ session: [] }],
        response: { 204: noContent('Signed out') },
      },
    },
    async (request, reply) => {
      const { session } = await sessionOf(request);
      await endSession(app.db, session.id);
      clearSessionCookie(request, reply);
      return reply.code(204).send(undefined);
    },
  );
};
