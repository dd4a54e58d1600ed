import type { SandboxAccount, LocalBluesky } from '../../sandbox/local-bluesky';
import type { Provider } from '../../contracts/domain';
import type { OAuthCredentials } from '../../contracts/oauth';
import { channelTokensWorkflowId } from '../../contracts/channel-tokens';
import { insertChannel } from '../../db/channels';
import { bearer, type Harness, type TestWorkspace } from './harness';
import type { MastodonFake } from './mastodon-fake';

/** Connects a channel through the API, as a user would; fails the test if the API refuses. */
export async function connectChannel(
  h: Harness,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/channels', headers: bearer(token), payload: body });
  if (res.statusCode !== 201) throw new Error(`POST /v1/channels answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Connects a webhook channel that delivers to `receiver` (a test's webhook receiver). */
export function connectWebhook(h: Harness, token: string, receiver: { url: string; secret: string }, name: string) {
  return connectChannel(h, token, {
    provider: 'webhook',
    name,
    credentials: { url: receiver.url, secret: receiver.secret },
  });
}

export function connectBluesky(
  h: Harness,
  token: string,
  pds: LocalBluesky | { pdsUrl: string },
  account: SandboxAccount,
  name = account.handle,
) {
  return connectChannel(h, token, {
    provider: 'bluesky',
    name,
    credentials: { service: pds.pdsUrl, identifier: account.handle, password: account.appPassword },
  });
}

/** Connects a Mastodon channel posting as the fake instance's own account. */
export function connectMastodon(h: Harness, token: string, fake: MastodonFake, name = 'Chorus on Mastodon') {
  return connectChannel(h, token, {
    provider: 'mastodon',
    name,
    credentials: { instance: fake.url, accessToken: fake.token },
  });
}

/**
 * A channel of an OAuth network (X, LinkedIn) with these credentials sealed, as the connect flow
 * stores it once the user consented (that flow is tested on its own): verified with the network first.
 */
export async function connectOAuthChannel(
  h: Harness,
  ws: TestWorkspace,
  provider: Provider,
  name: string,
  credentials: OAuthCredentials,
): Promise<{ id: string; name: string }> {
  const { accountRef } = await h.adapters[provider].verify(credentials);
  return insertChannel(h.db, {
    workspaceId: ws.workspaceId,
    actorId: ws.userId,
    provider,
    name,
    accountRef,
    credentialsSealed: h.sealer.seal(credentials),
  });
}

/** Credentials as an OAuth network's token endpoint grants them, for the account `account`. */
export function oauthCredentials(accessToken: string, account: OAuthCredentials['account']): OAuthCredentials {
  return {
    tokens: {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + 7200_000).toISOString(),
      refreshToken: null,
      refreshTokenExpiresAt: null,
      scopes: [],
    },
    account,
  };
}

/**
 * Ends the token workflows of one workspace's channels (a test's `beforeClose`). Only that
 * workspace's: test files share the database and the Temporal namespace, and ending another file's
 * token workflows (or rewriting its channels) would break that file's test.
 */
export async function endTokenWorkflows(h: Harness, workspaceId: string): Promise<void> {
  const channels = await h.db.selectFrom('channels').select('id').where('workspace_id', '=', workspaceId).execute();
  await Promise.all(
    channels.map((c) =>
      h.client.workflow
        .getHandle(channelTokensWorkflowId(c.id))
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
}
