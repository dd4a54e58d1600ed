import type { ChannelAdapter } from '../../channels/adapter';
import { ChannelError } from '../../channels/errors';
import type { OAuthClientConfig, OAuthProvider } from '../../channels/oauth';
import type { OAuthProviderName } from '../../contracts/domain';
import {
  oauthCredentialsSchema,
  type OAuthAccount,
  type OAuthCredentials,
  type OAuthTokens,
} from '../../contracts/oauth';
import type { OAuthServer } from './oauth-server';

/**
 * A generic OAuth 2.0 provider (RFC 6749 + PKCE) for test/support/oauth-server.ts, standing in for a
 * network's own (tests only). `crashAfterNextAnswer` makes the next refresh lose the network's
 * answer after the network gave it, as a worker dying between the answer and its save would.
 */
export class TestOAuthProvider implements OAuthProvider {
  readonly scopes = ['post.write', 'offline_access'] as const;
  readonly usesPkce = true;
  crashAfterNextAnswer = false;

  constructor(
    readonly provider: OAuthProviderName,
    private readonly server: OAuthServer,
  ) {}

  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string {
    const url = new URL('/authorize', this.server.url);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: this.scopes.join(' '),
      state: request.state,
      ...(request.codeChallenge ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' } : {}),
    }).toString();
    return url.toString();
  }

  async exchangeCode(config: OAuthClientConfig, grant: { code: string; codeVerifier: string | null }) {
    return this.token(config, {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: config.redirectUri,
      ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}),
    });
  }

  async refresh(config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens> {
    if (!tokens.refreshToken) throw new ChannelError('auth_failed', 'no refresh token');
    const fresh = await this.token(config, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    if (this.crashAfterNextAnswer) {
      this.crashAfterNextAnswer = false;
      throw new Error('injected crash: the network answered, the worker died before saving');
    }
    return fresh;
  }

  async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    const res = await fetch(`${this.server.url}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    if (res.status === 401) throw new ChannelError('auth_failed', 'the access token was refused');
    if (!res.ok) throw new ChannelError('transient', `GET /me answered ${res.status}`);
    const body = (await res.json()) as { accounts: { id: string; name: string; kind: string }[] };
    return body.accounts.map((a) => ({ ...a, accountToken: null }));
  }

  private async token(config: OAuthClientConfig, params: Record<string, string>): Promise<OAuthTokens> {
    let res: Response;
    try {
      res = await fetch(`${this.server.url}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret ?? '')}`).toString('base64')}`,
        },
        body: new URLSearchParams(params),
      });
    } catch (err) {
      throw new ChannelError('transient', `token endpoint unreachable: ${String(err)}`);
    }
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status === 400 && body.error === 'invalid_grant')
      throw new ChannelError('auth_failed', `invalid_grant: ${String(body.error_description)}`);
    if (!res.ok)
      throw new ChannelError(res.status >= 500 ? 'transient' : 'rejected', `token endpoint: ${String(body.error)}`);
    return {
      accessToken: String(body.access_token),
      accessTokenExpiresAt:
        typeof body.expires_in === 'number' ? new Date(Date.now() + body.expires_in * 1000).toISOString() : null,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
      refreshTokenExpiresAt: null,
      scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
    };
  }
}

/** A channel adapter publishing to the test server's resource endpoint with the channel's access token. */
export function testOAuthAdapter(provider: OAuthProviderName, server: OAuthServer): ChannelAdapter<OAuthCredentials> {
  return {
    provider,
    credentialsSchema: oauthCredentialsSchema,
    limits: { maxGraphemes: 280 },
    validate: (text) => (text.trim() ? [] : ['Posts need text']),
    validateMedia: () => [],
    async verify(credentials) {
      return { accountRef: credentials.account.id };
    },
    newIdempotencyKey: (targetId) => `chorus-${targetId}`,
    async publish(credentials, request) {
      const res = await fetch(`${server.url}/posts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${credentials.tokens.accessToken}`,
          'idempotency-key': request.idempotencyKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ text: request.text }),
      });
      if (res.status === 401) throw new ChannelError('auth_failed', 'the access token was refused (401)');
      if (!res.ok) throw new ChannelError('transient', `POST /posts answered ${res.status}`);
      const { id } = (await res.json()) as { id: string };
      return { externalId: id, url: `${server.url}/posts/${id}` };
    },
    async delete() {},
  };
}
