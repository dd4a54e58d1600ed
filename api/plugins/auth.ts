import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../../db/database';
import { findCallerByToken, type Caller } from '../../db/tokens';
import { forbidden, unauthorized } from '../problems';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Who may do what, per workspace role. */
export const Roles = {
  read: ['owner', 'admin', 'editor', 'approver', 'analyst'],
  writeContent: ['owner', 'admin', 'editor'],
  manageChannels: ['owner', 'admin'],
  manageMembers: ['owner', 'admin'],
  manageIntegrations: ['owner', 'admin'],
  audit: ['owner', 'admin', 'analyst'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * An onRequest hook (it runs before the body is parsed) that resolves the bearer token to a
 * caller and checks the caller's role in the token's workspace.
 */
export function requireRole(allowed: readonly Role[]): onRequestHookHandler {
  return async function authenticate(request: FastifyRequest) {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw unauthorized('Send an API token as "Authorization: Bearer <token>"');
    const caller = await findCallerByToken(this.db, match[1]!);
    if (!caller) throw unauthorized('The API token is unknown, revoked or expired');
    if (!allowed.includes(caller.role)) {
      throw forbidden(`Your role "${caller.role}" cannot do this; it needs one of: ${allowed.join(', ')}`);
    }
    request.caller = caller;
  };
}

/** The caller set by requireRole; routes without it are a programming error. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('Route is missing requireRole');
  return request.caller;
}
