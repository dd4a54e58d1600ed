import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Scope } from '../../db/tokens';
import { SCOPES } from '../../contracts/domain';
import { findMember } from '../../db/members';
import { issueToken, listTokens, revokeToken, scopesBeyond, tokenView, type TokenCaller } from '../../db/tokens';
import { callerOf, may, requireRole, Roles } from '../plugins/auth';
import { isoInstant, noContent } from '../schemas';
import { forbidden, invalidField, notFound } from '../problems';

const newToken = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresAt: isoInstant.optional(),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .max(SCOPES.length)
    .optional()
    .describe(
      'Limits the token within the role: read, publish (content), approve (approval decisions), listening (queries, ingest keys), admin (members, channels, policies); every scope includes read. Omitted: everything the role allows',
    ),
});

/**
 * What a new token may be: never broader than the token asking for it, in scopes or in time (a
 * token that expires makes tokens that expire no later, by default at the same moment).
 */
function mintable(
  caller: TokenCaller,
  body: z.infer<typeof newToken>,
): { scopes: Scope[] | null; expiresAt: Date | null } {
  const scopes = body.scopes ? SCOPES.filter((s) => body.scopes!.includes(s)) : null;
  const beyond = scopesBeyond(caller.scopes, scopes);
  if (beyond.length > 0) {
    throw forbidden(
      `This token is limited to the scopes ${caller.scopes!.join(', ')}; a token it makes cannot have ${beyond.map((s) => `"${s}"`).join(', ')}${scopes ? '' : ' (name its scopes)'}`,
    );
  }
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : caller.tokenExpiresAt;
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw invalidField('expiresAt', 'future', 'must be in the future');
  if (caller.tokenExpiresAt && expiresAt && expiresAt > caller.tokenExpiresAt) {
    throw invalidField(
      'expiresAt',
      'within_token_expiry',
      `must not be later than the expiry of the token making it (${caller.tokenExpiresAt.toISOString()})`,
    );
  }
  return { scopes, expiresAt };
}

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  /** A new token of `userId` (the caller, or a service account) made by the caller: its secret is in this answer only. */
  const mint = async (caller: TokenCaller, userId: string, body: z.infer<typeof newToken>) => {
    const { scopes, expiresAt } = mintable(caller, body);
    const { token, view } = await app.db.transaction().execute((trx) =>
      issueToken(trx, {
        userId,
        workspaceId: caller.workspaceId,
        name: body.name,
        expiresAt,
        scopes,
        actorId: caller.userId,
      }),
    );
    return { ...view, token };
  };

  app.get(
    '/tokens',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Your API tokens (owners and admins: everyone's, with all=true)",
        tags: ['tokens'],
        querystring: z.strictObject({ all: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ tokens: z.array(tokenView) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const everyone = request.query.all === 'true' && may(caller, Roles.manageMembers);
      return { tokens: await listTokens(app.db, caller.workspaceId, everyone ? undefined : caller.userId) };
    },
  );

  app.post(
    '/tokens',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          'Create an API token for yourself, optionally limited to scopes; the token is shown in this response only',
        tags: ['tokens'],
        body: newToken,
        response: { 201: tokenView.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send(await mint(caller, caller.userId, request.body));
    },
  );

  app.post(
    '/service-accounts/:userId/tokens',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary:
          'Mint an API token for a service account, optionally limited to scopes; the token is shown in this response only',
        tags: ['tokens'],
        params: z.strictObject({ userId: z.uuid() }),
        body: newToken,
        response: { 201: tokenView.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const account = await findMember(app.db, caller.workspaceId, request.params.userId);
      if (!account || account.kind !== 'service') throw notFound('Service account');
      return reply.code(201).send(await mint(caller, account.userId, request.body));
    },
  );

  app.delete(
    '/tokens/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Revoke a token (yours; owners and admins: anyone's)",
        tags: ['tokens'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: noContent('Revoked') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const anyUser = may(caller, Roles.manageMembers);
      if (
        !(await revokeToken(app.db, {
          workspaceId: caller.workspaceId,
          tokenId: request.params.id,
          actorId: caller.userId,
          anyUser,
        }))
      )
        throw notFound('Token');
      return reply.code(204).send(undefined);
    },
  );
};
