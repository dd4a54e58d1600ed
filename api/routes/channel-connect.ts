import { createHash, randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChannelError } from '../../channels/errors';
import { oauthNetwork, type OAuthSetup } from '../../channels/oauth-registry';
import { OAUTH_NETWORK_NAMES, OAUTH_PROVIDERS, type OAuthProviderName } from '../../contracts/domain';
import { oauthAccountSchema, oauthTokensSchema, type OAuthAccount, type OAuthTokens } from '../../contracts/oauth';
import { channelReconnectedSignal } from '../../contracts/post';
import { roleMay } from '../../contracts/access';
import { channelView, insertChannel, reconnectChannel, type ChannelView } from '../../db/channels';
import { findMemberRole } from '../../db/members';
import {
  consumeOAuthState,
  deletePendingConnection,
  findChannelByAccount,
  findPendingConnection,
  insertOAuthState,
  insertPendingConnection,
} from '../../db/oauth';
import { hashToken } from '../../db/tokens';
import { findSession } from '../../db/sessions';
import { startChannelTokens } from '../../services/channel-tokens';
import { startInboxReader } from '../../services/inbox-store';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { conflict, invalidField, notFound } from '../problems';
import { policyOf, SESSION_COOKIE } from '../sessions';

/** How long an authorization request may take, from the connect call to the callback. */
const STATE_TTL_MS = 10 * 60_000;
/** How long a grant with several accounts waits for the user to pick one. */
const PENDING_TTL_MS = 15 * 60_000;
/** Where the callback sends the browser: the app's channel screen, which shows the outcome. */
const CHANNELS_SCREEN = '/settings/channels';

const NETWORK_NAMES = OAUTH_NETWORK_NAMES;

const providerParams = z.strictObject({ provider: z.enum(OAUTH_PROVIDERS) });

const providerView = z.object({
  provider: z.enum(OAUTH_PROVIDERS),
  name: z.string().describe('The network, as people name it'),
  configured: z
    .boolean()
    .describe('Whether this deployment can connect it: the network is built in and its <NETWORK>_CLIENT_ID is set'),
  redirectUri: z
    .string()
    .nullable()
    .describe("The callback to register with the network's app (null when not configured)"),
});

const pendingView = z.object({
  id: z.uuid(),
  provider: z.enum(OAUTH_PROVIDERS),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
  expiresAt: z.string(),
});

/** A grant kept until the user picks an account. */
const grantSchema = z.strictObject({ tokens: oauthTokensSchema, accounts: z.array(oauthAccountSchema) });

/** Why a callback could not connect a channel: shown by the app's channel screen (`?oauth_error=`). */
type CallbackError =
  | 'access_denied'
  | 'provider_error'
  | 'invalid_state'
  | 'state_reused'
  | 'state_expired'
  | 'wrong_session'
  | 'not_allowed'
  | 'not_configured'
  | 'exchange_failed'
  | 'no_accounts';

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** A user who declined on the network's page: RFC 6749's `access_denied`, or LinkedIn's own cancel codes. */
const DECLINED = new Set(['access_denied', 'user_cancelled_authorize', 'user_cancelled_login']);

/**
 * Connecting a channel through its network's authorization page (OAuth 2.0 authorization code,
 * with PKCE where the network takes it): the connect call returns the page's URL with a one-use
 * `state` bound to the caller, their workspace and session; the network sends the browser back to
 * the callback, which checks the state, trades the code for tokens, and connects the account (or,
 * with several, keeps the grant for the user to pick one). The same account connected again in
 * the workspace is a reconnect: new tokens, status `connected`, held posts released.
 */
export const channelConnectRoutes: FastifyPluginAsyncZod = async (app) => {
  const setup = (): OAuthSetup => app.oauth ?? { providers: {}, clients: {} };

  app.get(
    '/channels/providers',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'The networks connected through their authorization page, and which this deployment has configured',
        tags: ['channels'],
        response: { 200: z.object({ providers: z.array(providerView) }) },
      },
    },
    async () => ({
      providers: OAUTH_PROVIDERS.map((provider) => {
        const network = oauthNetwork(setup(), provider);
        return {
          provider,
          name: NETWORK_NAMES[provider],
          configured: network !== undefined,
          redirectUri: network?.client.redirectUri ?? null,
        };
      }),
    }),
  );

  app.post(
    '/channels/connect/:provider',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary:
          "Start connecting (or reconnecting) a channel: the network's authorization page to send the browser to; single use, valid 10 minutes",
        tags: ['channels'],
        params: providerParams,
        response: { 200: z.object({ authorizationUrl: z.string() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { provider } = request.params;
      const network = oauthNetwork(setup(), provider);
      if (!network)
        throw conflict(
          `${NETWORK_NAMES[provider]} is not configured on this deployment: set ${provider.toUpperCase()}_CLIENT_ID and ${provider.toUpperCase()}_CLIENT_SECRET (see GET /v1/channels/providers)`,
        );
      const state = b64url(randomBytes(32));
      const codeVerifier = network.provider.usesPkce ? b64url(randomBytes(48)) : null;
      const codeChallenge = codeVerifier ? b64url(createHash('sha256').update(codeVerifier).digest()) : null;
      await insertOAuthState(app.db, {
        stateHash: hashToken(state),
        workspaceId: caller.workspaceId,
        userId: caller.userId,
        sessionId: caller.sessionId,
        provider,
        codeVerifierSealed: codeVerifier ? app.sealer.seal(codeVerifier) : null,
        expiresAt: new Date(Date.now() + STATE_TTL_MS),
      });
      return { authorizationUrl: network.provider.authorizationUrl(network.client, { state, codeChallenge }) };
    },
  );

  app.get(
    '/channels/callback/:provider',
    {
      // The network's redirect brings the browser here: no bearer token, so no requireRole. The
      // one-use state stands for the member who started, checked against their session below.
      schema: {
        summary:
          "Where the network sends the browser back (register it with the network's app): connects the channel and redirects to the app's channel screen",
        tags: ['channels'],
        params: providerParams,
        // What RFC 6749 §4.1.2 and the networks' documents say a redirect carries (RFC 9207's `iss`,
        // Facebook's `error_reason` and granted scopes); nothing else is expected.
        querystring: z.strictObject({
          code: z.string().max(4096).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(200).optional(),
          error_description: z.string().max(1000).optional(),
          error_reason: z.string().max(200).optional(),
          error_uri: z.string().max(1000).optional(),
          iss: z.string().max(1000).optional(),
          scope: z.string().max(2000).optional(),
          granted_scopes: z.string().max(2000).optional(),
          denied_scopes: z.string().max(2000).optional(),
        }),
        response: { 302: z.null().optional().describe("To the app's channel screen, with the outcome") },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const { code, state, error, error_description: errorDescription } = request.query;
      const fail = (reason: CallbackError, message: string) =>
        reply.redirect(
          `${CHANNELS_SCREEN}?${new URLSearchParams({ provider, oauth_error: reason, message }).toString()}`,
          302,
        );
      const networkName = NETWORK_NAMES[provider];
      if (!state) return fail('invalid_state', `${networkName} sent the browser back without a state; start again`);
      const consumed = await consumeOAuthState(app.db, hashToken(state), provider);
      if (consumed.outcome === 'unknown')
        return fail('invalid_state', `This ${networkName} authorization was not started here; start again`);
      if (consumed.outcome === 'reused')
        return fail('state_reused', `This ${networkName} authorization was already used; start again`);
      if (consumed.outcome === 'expired')
        return fail(
          'state_expired',
          `This ${networkName} authorization took longer than ${STATE_TTL_MS / 60_000} minutes; start again`,
        );
      const started = consumed.row;
      if (started.session_id !== null && !(await sameSession(request, started.session_id)))
        return fail(
          'wrong_session',
          `Finish connecting ${networkName} in the browser and session you started from; start again`,
        );
      if (error !== undefined) {
        if (DECLINED.has(error))
          return fail('access_denied', `You declined Chorus's access on ${networkName}; nothing was connected`);
        return fail(
          'provider_error',
          `${networkName} refused the authorization: ${error}${errorDescription ? ` (${errorDescription})` : ''}`,
        );
      }
      if (!code) return fail('provider_error', `${networkName} sent the browser back without a code; start again`);
      // Still allowed to connect channels in that workspace (a role may have changed meanwhile).
      const role = await findMemberRole(app.db, started.workspace_id, started.user_id);
      if (!role || !roleMay(role, Roles.manageChannels))
        return fail('not_allowed', 'Only owners and admins of the workspace connect channels');
      const network = oauthNetwork(setup(), provider);
      if (!network) return fail('not_configured', `${networkName} is no longer configured on this deployment`);

      let tokens: OAuthTokens;
      let accounts: OAuthAccount[];
      try {
        const codeVerifier = started.code_verifier_sealed
          ? app.sealer.open<string>(started.code_verifier_sealed)
          : null;
        tokens = await network.provider.exchangeCode(network.client, { code, codeVerifier });
        accounts = await network.provider.listAccounts(network.client, tokens);
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err;
        request.log.warn({ err, provider }, 'OAuth code exchange failed');
        return fail('exchange_failed', `${networkName} did not grant access: ${err.message}`);
      }
      if (accounts.length === 0)
        return fail('no_accounts', `${networkName} granted access to no account Chorus can publish as`);
      const actor = { workspaceId: started.workspace_id, userId: started.user_id };
      if (accounts.length === 1) {
        const { channel } = await connectAccount(actor, provider, tokens, accounts[0]!);
        return reply.redirect(`${CHANNELS_SCREEN}?${new URLSearchParams({ provider, connected: channel.id })}`, 302);
      }
      const pendingId = await insertPendingConnection(app.db, {
        ...actor,
        provider,
        grantSealed: app.sealer.seal({ tokens, accounts }),
        expiresAt: new Date(Date.now() + PENDING_TTL_MS),
      });
      return reply.redirect(`${CHANNELS_SCREEN}?${new URLSearchParams({ provider, pending: pendingId })}`, 302);
    },
  );

  app.get(
    '/channels/connect/pending/:id',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary: 'The accounts a grant with several can connect (Facebook Pages, …): pick one with …/complete',
        tags: ['channels'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: pendingView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const pending = await findPendingConnection(app.db, { id: request.params.id, ...caller });
      if (!pending) throw notFound('Pending connection');
      const grant = grantSchema.parse(app.sealer.open(pending.grant_sealed));
      return {
        id: pending.id,
        provider: pending.provider,
        accounts: grant.accounts.map(({ id, name, kind }) => ({ id, name, kind })),
        expiresAt: pending.expires_at.toISOString(),
      };
    },
  );

  app.post(
    '/channels/connect/:provider/complete',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary:
          'Connect the account picked from a grant with several (an account already connected in the workspace is reconnected)',
        tags: ['channels'],
        params: providerParams,
        body: z.strictObject({
          pendingId: z.uuid(),
          accountId: z.string().min(1).max(200),
        }),
        response: { 200: channelView, 201: channelView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { provider } = request.params;
      const pending = await findPendingConnection(app.db, { id: request.body.pendingId, ...caller });
      if (!pending || pending.provider !== provider) throw notFound('Pending connection');
      const grant = grantSchema.parse(app.sealer.open(pending.grant_sealed));
      const account = grant.accounts.find((a) => a.id === request.body.accountId);
      if (!account)
        throw invalidField(
          'accountId',
          'in_grant',
          `is not among the accounts this grant can publish as (${grant.accounts.map((a) => a.id).join(', ')})`,
        );
      const { channel, created } = await connectAccount(caller, provider, grant.tokens, account);
      await deletePendingConnection(app.db, pending.id);
      return reply.code(created ? 201 : 200).send(channel);
    },
  );

  /** The session of the callback's cookie is the one that started the authorization. */
  async function sameSession(request: FastifyRequest, sessionId: string): Promise<boolean> {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return false;
    const found = await findSession(app.db, token, policyOf(app));
    return found.state === 'active' && found.session.id === sessionId;
  }

  /**
   * Connects the account as a channel, or reconnects the workspace's channel that publishes as it:
   * new sealed tokens, status connected, its held posts told; then its token workflow (re)planned.
   */
  async function connectAccount(
    actor: { workspaceId: string; userId: string },
    provider: OAuthProviderName,
    tokens: OAuthTokens,
    account: OAuthAccount,
  ): Promise<{ channel: ChannelView; created: boolean }> {
    const credentialsSealed = app.sealer.seal({ tokens, account });
    const existing = await findChannelByAccount(app.db, actor.workspaceId, provider, account.id);
    let channel: ChannelView;
    let created = false;
    if (existing) {
      const reconnected = await reconnectChannel(app.db, {
        workspaceId: actor.workspaceId,
        channelId: existing.id,
        actorId: actor.userId,
        credentialsSealed,
      });
      if (!reconnected) throw notFound('Channel');
      channel = reconnected.channel;
      await Promise.all(
        reconnected.heldWorkflowIds.map((id) =>
          app.temporal.workflow
            .getHandle(id)
            .signal(channelReconnectedSignal, { channelId: existing.id })
            .catch((err: unknown) => {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
            }),
        ),
      );
    } else {
      channel = await insertChannel(app.db, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        provider,
        name: `${account.name || account.id} on ${NETWORK_NAMES[provider]}`.slice(0, 100),
        accountRef: account.id,
        credentialsSealed,
      });
      created = true;
    }
    // The channel is connected either way: a token workflow that did not start now starts at the next worker start.
    await startChannelTokens(app, { id: channel.id, workspaceId: actor.workspaceId, provider }).catch((err: unknown) =>
      app.log.warn({ err, channelId: channel.id }, 'the token workflow of the channel did not start'),
    );
    // Its inbox (the networks whose inbox Chorus reads); one that did not start starts at the next worker start.
    await startInboxReader(app, { id: channel.id, workspaceId: actor.workspaceId, provider }).catch((err: unknown) =>
      app.log.warn({ err, channelId: channel.id }, 'the inbox read of the channel did not start'),
    );
    return { channel, created };
  }
};
