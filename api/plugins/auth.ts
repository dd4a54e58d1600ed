import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { Roles, type Access } from '../../contracts/access';
import { scopesAllow, type TokenCaller } from '../../db/tokens';
import { forbidden, unauthorized } from '../problems';
import { notMemberAnyMore, SESSION_COOKIE, sessionOf } from '../sessions';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: TokenCaller;
  }
}

// Who may do what (roles and token scopes): one table, which the web app reads too.
export { Roles, type Access };

/** Whether the caller's role and token scopes allow `access`. */
export function may(caller: TokenCaller, access: Access): boolean {
  return access.roles.includes(caller.role) && scopesAllow(caller.scopes, access.scope);
}

/**
 * An onRequest hook (it runs before the body is parsed) that resolves the bearer token (or, with
 * no Authorization header, the session cookie) to a caller and checks the caller's role in the
 * token's (session's) workspace, then the token's scopes. A state-changing request the cookie
 * authenticates needs the session's CSRF token (sessionOf checks it first).
 */
export function requireRole(access: Access): onRequestHookHandler {
  const hook = async function authenticate(this: FastifyInstance, request: FastifyRequest) {
    const header = request.headers.authorization;
    let caller: TokenCaller | undefined;
    if (header === undefined && request.cookies[SESSION_COOKIE] !== undefined) {
      // A signed-in browser: the member's role in the session's workspace, no scope limits.
      const { session, role } = await sessionOf(request);
      if (role === null) throw notMemberAnyMore();
      caller = {
        userId: session.userId,
        workspaceId: session.workspaceId,
        role,
        tokenId: null,
        sessionId: session.id,
        scopes: null,
        tokenExpiresAt: null,
      };
    } else {
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match)
        throw unauthorized('Send an API token as "Authorization: Bearer <token>", or sign in (POST /v1/session)');
      caller = await this.callers.token(match[1]!);
      if (!caller) throw unauthorized('The API token is unknown, revoked or expired');
    }
    if (!access.roles.includes(caller.role)) {
      throw forbidden(`Your role "${caller.role}" cannot do this; it needs one of: ${access.roles.join(', ')}`);
    }
    if (!scopesAllow(caller.scopes, access.scope)) {
      throw forbidden(
        `This token lacks the "${access.scope}" scope this needs (its scopes: ${caller.scopes!.join(', ')})`,
      );
    }
    request.caller = caller;
  };
  return Object.assign(hook, { [ACCESS]: access });
}

const ACCESS = Symbol('chorus.access');

/**
 * The access a route declares with `onRequest: requireRole(...)`; undefined for a route that does
 * not take a member (sign-in, invitation codes, signed ingest, health). The route table
 * (`app.routeAccess`) is built from it, so the declaration on the route stays the one source.
 */
export function accessOf(route: Pick<RouteOptions, 'onRequest'>): Access | undefined {
  const hooks = route.onRequest === undefined ? [] : [route.onRequest].flat();
  for (const hook of hooks) {
    const access = (hook as { [ACCESS]?: Access })[ACCESS];
    if (access) return access;
  }
  return undefined;
}

/** The caller set by requireRole; routes without it are a programming error. */
export function callerOf(request: FastifyRequest): TokenCaller {
  if (!request.caller) throw new Error('Route is missing requireRole');
  return request.caller;
}
