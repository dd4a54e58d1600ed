import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES } from '../contracts/domain';
import type { Role } from '../db/members';
import { DEFAULT_SESSION_POLICY, sessionUser, workspacesOf, type Session, type SessionPolicy } from '../db/sessions';
import { forbidden, sessionExpired, unauthorized } from './problems';

/** The cookie a signed-in browser carries: the session's secret (only its hash is stored). */
export const SESSION_COOKIE = 'chorus_session';
/** The header every state-changing request a session cookie authenticates must carry: the session's csrfToken. */
export const CSRF_HEADER = 'x-csrf-token';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const workspaceRole = z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES) });

export const sessionView = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
  workspace: workspaceRole.describe('The workspace the session acts in now'),
  workspaces: z.array(workspaceRole).describe('Every workspace you are a member of, by name'),
  csrfToken: z
    .string()
    .describe(`Send it as the ${CSRF_HEADER} header with every POST, PUT, PATCH and DELETE the cookie authenticates`),
  expiresAt: z.string().describe('When the session ends at the latest (it ends sooner after a long idle time)'),
  temporalUiUrl: z.string().nullable().describe('The Temporal UI of this installation, if known'),
  temporalNamespace: z
    .string()
    .describe(
      "The Temporal namespace Chorus's workflows run in: a workflow's page in the UI is <temporalUiUrl>/namespaces/<namespace>/workflows/<workflowId>",
    ),
});
export type SessionView = z.infer<typeof sessionView>;

export const policyOf = (app: FastifyInstance): SessionPolicy => app.sessionPolicy ?? DEFAULT_SESSION_POLICY;

/** The session as the app sees it; undefined when the user is no longer a member of its workspace. */
export async function sessionViewOf(app: FastifyInstance, session: Session): Promise<SessionView | undefined> {
  const [user, workspaces] = await Promise.all([
    sessionUser(app.db, session.userId, session.workspaceId),
    workspacesOf(app.db, session.userId),
  ]);
  const workspace = workspaces.find((w) => w.id === session.workspaceId);
  if (!workspace) return undefined;
  return {
    user,
    workspace,
    workspaces,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    temporalUiUrl: app.temporalUiUrl ?? null,
    temporalNamespace: app.temporal.options.namespace,
  };
}

const cookieOptions = (request: FastifyRequest) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' }) as const;

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request), expires: expiresAt });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

export const notMemberAnyMore = () =>
  unauthorized(
    "You are no longer a member of this session's workspace; switch workspace (PUT /v1/session/workspace) or sign in again",
  );

/**
 * The active session of the request's cookie, and the member's role in its workspace now (null:
 * removed since); a 401 without one, of its own type when it expired. A state-changing request
 * must carry the session's CSRF token (403 otherwise), checked before anything else happens.
 */
export async function sessionOf(request: FastifyRequest): Promise<{ session: Session; role: Role | null }> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token)
    throw unauthorized('Sign in first (POST /v1/session), or send an API token as "Authorization: Bearer <token>"');
  const found = await request.server.callers.session(token, policyOf(request.server));
  if (found.state === 'none') throw unauthorized('Your session is unknown or signed out; sign in again');
  if (found.state === 'expired')
    throw sessionExpired(
      found.reason === 'idle'
        ? 'Your session expired after a long time without use; sign in again'
        : 'Your session expired; sign in again',
    );
  if (STATE_CHANGING.has(request.method) && !csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken))
    throw forbidden('CSRF token missing or wrong');
  return { session: found.session, role: found.role };
}

function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
