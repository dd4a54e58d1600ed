import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OAuth 2.0 authorization server for tests, written to RFC 6749 (authorization code grant,
 * refresh tokens, error responses §5.2), RFC 7636 (PKCE, S256 only, required) and the refresh-token
 * rotation of the OAuth 2.0 Security BCP (RFC 9700 §4.14.2: each refresh returns a new refresh token
 * and invalidates the old; the old one used again revokes the whole grant, unless within a grace
 * period some servers allow). It has a consent page (Allow / Deny) for the browser, an account
 * listing (`GET /me`) and a resource server of one endpoint (`POST /posts`, idempotent by its
 * `Idempotency-Key` header) that accepts only live access tokens.
 *
 * Our own rather than oidc-provider: the tests switch its grace period and reuse detection per case.
 */
export interface OAuthServerOptions {
  /** Access tokens' lifetime (seconds). */
  accessTokenTtlSeconds?: number;
  /** How long after a rotation the replaced refresh token is still accepted (0: never; then its use revokes the grant). */
  refreshGraceSeconds?: number;
  /** The accounts every grant can publish as. */
  accounts?: { id: string; name: string; kind: string }[];
}

interface Grant {
  id: string;
  revoked: boolean;
  scope: string;
}

interface RefreshToken {
  grantId: string;
  /** When it was replaced by a rotation (null: current). */
  rotatedAt: number | null;
}

export interface OAuthServer {
  url: string;
  clientId: string;
  clientSecret: string;
  /** How many refresh grants it answered with new tokens, and how many it refused. */
  readonly stats: { refreshed: number; refused: number; codes: number };
  /** Posts created through the resource server, in order. */
  readonly posts: { id: string; text: string; idempotencyKey: string; accessToken: string }[];
  /** The refresh tokens currently valid (not rotated, not revoked). */
  liveRefreshTokens(): string[];
  /** Revokes every grant (a user removing the app's access on the network): refreshes fail for good. */
  revokeAll(): void;
  setAccounts(accounts: { id: string; name: string; kind: string }[]): void;
  setAccessTokenTtl(seconds: number): void;
  setRefreshGrace(seconds: number): void;
  /**
   * Awaited after a refresh has rotated the tokens and before the answer is written: a test kills
   * the client there, and the answer goes to a dead connection, as in a crash after the network acted.
   */
  beforeRefreshAnswer: (() => Promise<void>) | null;
  /**
   * Follows an authorization URL as a user would: the consent page, then Allow or Deny. Returns the
   * redirect it answers with (the client's redirect URI with code and state, or error and state).
   */
  consent(authorizationUrl: string, decision: 'allow' | 'deny'): Promise<URL>;
  close(): Promise<void>;
}

const form = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthServer> {
  let accessTtl = options.accessTokenTtlSeconds ?? 3600;
  let grace = options.refreshGraceSeconds ?? 0;
  let accounts = options.accounts ?? [{ id: 'acct-1', name: 'Acme', kind: 'member' }];
  const clientId = `client-${randomUUID()}`;
  const clientSecret = randomBytes(16).toString('hex');
  const token = () => randomBytes(24).toString('base64url');

  const grants = new Map<string, Grant>();
  /** Authorization requests waiting for the user's decision. */
  const requests = new Map<string, { redirectUri: string; state: string; codeChallenge: string; scope: string }>();
  const codes = new Map<
    string,
    { redirectUri: string; codeChallenge: string; scope: string; expiresAt: number; used: boolean }
  >();
  const accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, RefreshToken>();
  const stats = { refreshed: 0, refused: 0, codes: 0 };
  const posts: OAuthServer['posts'] = [];

  const issue = (grantId: string) => {
    const accessToken = token();
    const refreshToken = token();
    accessTokens.set(accessToken, { grantId, expiresAt: Date.now() + accessTtl * 1000 });
    refreshTokens.set(refreshToken, { grantId, rotatedAt: null });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTtl,
      refresh_token: refreshToken,
      scope: grants.get(grantId)!.scope,
    };
  };

  const clientAuthenticated = (req: IncomingMessage, body: URLSearchParams): boolean => {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return decodeURIComponent(id ?? '') === clientId && decodeURIComponent(secret ?? '') === clientSecret;
    }
    return body.get('client_id') === clientId && body.get('client_secret') === clientSecret;
  };

  const bearer = (req: IncomingMessage) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const found = match ? accessTokens.get(match[1]!) : undefined;
    if (!found || found.expiresAt < Date.now() || grants.get(found.grantId)!.revoked) return undefined;
    return match![1]!;
  };
  const unauthorized = (res: ServerResponse) =>
    json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== clientId || !/^https?:\/\//.test(redirectUri)) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          return res.end('unknown client or redirect_uri'); // never redirect to an unchecked URI
        }
        const back = (params: Record<string, string>) => {
          const to = new URL(redirectUri);
          for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
          res.writeHead(302, { location: to.toString() });
          res.end();
        };
        const state = q.get('state') ?? '';
        if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', state });
        if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256')
          return back({ error: 'invalid_request', error_description: 'PKCE with S256 is required', state });
        const id = randomUUID();
        requests.set(id, {
          redirectUri,
          state,
          codeChallenge: q.get('code_challenge')!,
          scope: q.get('scope') ?? '',
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(`<!doctype html><html lang="en"><head><title>Test Network: authorize</title></head><body>
<main><h1>Authorize Chorus</h1><p>Chorus asks to publish as ${escapeHtml(accounts.map((a) => a.name).join(', '))} (${escapeHtml(q.get('scope') ?? '')}).</p>
<form method="post" action="/authorize/decision"><input type="hidden" name="request" value="${id}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form></main></body></html>`);
      }
      if (req.method === 'POST' && url.pathname === '/authorize/decision') {
        const body = await form(req);
        const request = requests.get(body.get('request') ?? '');
        if (!request) return json(res, 400, { error: 'invalid_request' });
        requests.delete(body.get('request')!);
        const to = new URL(request.redirectUri);
        if (body.get('decision') === 'allow') {
          const code = token();
          codes.set(code, {
            redirectUri: request.redirectUri,
            codeChallenge: request.codeChallenge,
            scope: request.scope,
            expiresAt: Date.now() + 60_000,
            used: false,
          });
          to.searchParams.set('code', code);
        } else {
          to.searchParams.set('error', 'access_denied');
          to.searchParams.set('error_description', 'The user denied the request');
        }
        to.searchParams.set('state', request.state);
        res.writeHead(302, { location: to.toString() });
        return res.end();
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const body = await form(req);
        if (!clientAuthenticated(req, body)) return json(res, 401, { error: 'invalid_client' });
        const grantType = body.get('grant_type');
        if (grantType === 'authorization_code') {
          const code = codes.get(body.get('code') ?? '');
          if (!code || code.used || code.expiresAt < Date.now())
            return json(res, 400, { error: 'invalid_grant', error_description: 'unknown, used or expired code' });
          code.used = true;
          if (body.get('redirect_uri') !== code.redirectUri)
            return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri does not match' });
          const verifier = body.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== code.codeChallenge)
            return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
          const grant: Grant = { id: randomUUID(), revoked: false, scope: code.scope };
          grants.set(grant.id, grant);
          stats.codes++;
          return json(res, 200, issue(grant.id));
        }
        if (grantType === 'refresh_token') {
          const presented = body.get('refresh_token') ?? '';
          const found = refreshTokens.get(presented);
          const refuse = (description: string) => {
            stats.refused++;
            return json(res, 400, { error: 'invalid_grant', error_description: description });
          };
          if (!found) return refuse('unknown refresh token');
          const grant = grants.get(found.grantId)!;
          if (grant.revoked) return refuse('the grant was revoked');
          if (found.rotatedAt !== null && Date.now() - found.rotatedAt > grace * 1000) {
            // Reuse of a rotated refresh token: a thief or a lost answer; the whole grant goes (RFC 9700).
            grant.revoked = true;
            return refuse('refresh token already used; the grant is revoked');
          }
          found.rotatedAt ??= Date.now();
          stats.refreshed++;
          const answer = issue(grant.id);
          const hold = api.beforeRefreshAnswer;
          if (hold) {
            api.beforeRefreshAnswer = null;
            await hold();
          }
          return json(res, 200, answer);
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (req.method === 'GET' && url.pathname === '/me') {
        if (!bearer(req)) return unauthorized(res);
        return json(res, 200, { accounts });
      }
      if (req.method === 'POST' && url.pathname === '/posts') {
        const accessToken = bearer(req);
        if (!accessToken) return unauthorized(res);
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
        const idempotencyKey = String(req.headers['idempotency-key'] ?? '');
        const earlier = idempotencyKey ? posts.find((p) => p.idempotencyKey === idempotencyKey) : undefined;
        if (earlier) return json(res, 200, { id: earlier.id });
        const post = { id: randomUUID(), text, idempotencyKey, accessToken };
        posts.push(post);
        return json(res, 201, { id: post.id });
      }
      json(res, 404, { error: 'not_found' });
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(err) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: OAuthServer = {
    url,
    clientId,
    clientSecret,
    beforeRefreshAnswer: null,
    stats,
    posts,
    liveRefreshTokens: () =>
      [...refreshTokens.entries()]
        .filter(([, t]) => t.rotatedAt === null && !grants.get(t.grantId)!.revoked)
        .map(([value]) => value),
    revokeAll: () => grants.forEach((g) => (g.revoked = true)),
    setAccounts: (next) => void (accounts = next),
    setAccessTokenTtl: (seconds) => void (accessTtl = seconds),
    setRefreshGrace: (seconds) => void (grace = seconds),
    async consent(authorizationUrl, decision) {
      const page = await fetch(authorizationUrl, { redirect: 'manual' });
      if (page.status !== 200) throw new Error(`The consent page answered ${page.status}: ${await page.text()}`);
      const request = /name="request" value="([^"]+)"/.exec(await page.text())![1]!;
      const answer = await fetch(`${url}/authorize/decision`, {
        method: 'POST',
        body: new URLSearchParams({ request, decision }),
        redirect: 'manual',
      });
      return new URL(answer.headers.get('location')!);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
