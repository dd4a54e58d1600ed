import { oauthCredentialsSchema, type OAuthAccount, type OAuthCredentials, type OAuthTokens } from '../contracts/oauth';
import { splitXThread, TEXT_RULES } from '../contracts/text-rules';
import { graphemeLength, type ChannelAdapter, type MediaFacts, type PostMetrics, type PublishMedia } from './adapter';
import type { PublishRequest, PublishResult } from './adapter';
import { ChannelError } from './errors';
import type { OAuthClientConfig, OAuthProvider } from './oauth';

export interface XOptions {
  /** https://api.x.com, or a fake's address in tests. */
  apiUrl: string;
  /** https://x.com/i/oauth2/authorize. */
  authorizeUrl: string;
}

export const X_DEFAULTS: XOptions = { apiUrl: 'https://api.x.com', authorizeUrl: 'https://x.com/i/oauth2/authorize' };

/** X's media rules (https://docs.x.com/x-api/media/quickstart/best-practices). */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const VIDEO_TYPES = ['video/mp4', 'video/quicktime'];
const MAX_IMAGES = 4;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_GIF_BYTES = 15 * 1024 * 1024;
const MAX_VIDEO_BYTES = 512 * 1024 * 1024;
const MAX_ALT_CHARACTERS = 1000;
/** APPEND segments (X takes up to 5 MB each). */
const CHUNK_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
/** Media still processing: how long to wait for it at most. */
const MEDIA_WAIT_MS = 120_000;
/** How far X's clock may be behind ours when telling our post from an older one. */
const CLOCK_SKEW_MS = 60_000;
/** How many of the account's latest posts a retry looks through (X returns 5 to 100). */
const LOOKUP_POSTS = 50;

/**
 * The scopes Chorus asks X for: post and read posts (mentions too), read the account, upload media,
 * like (the inbox), and a refresh token.
 */
const SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'like.write', 'offline.access'] as const;

interface XTweet {
  id: string;
  text: string;
  created_at?: string;
  referenced_tweets?: { type: string; id: string }[];
}

/** What X says of a refused request: a problem document (`title`, `detail`), or `errors` with parameters. */
interface XProblem {
  title?: string;
  detail?: string;
  type?: string;
  errors?: { message?: string; parameters?: Record<string, unknown> }[];
  error?: string;
  error_description?: string;
}

export const tweetUrl = (id: string) => `https://x.com/i/web/status/${id}`;

/**
 * X over its API v2 (https://docs.x.com/x-api/posts/creation-of-a-post). X has no idempotency key,
 * so a retry first reads the account's latest posts for what an earlier attempt made. A text with
 * `---` lines is a thread: each part is posted as a reply to the one before (media go with the
 * first), and a retry carries on after the parts already there. Media go up first through the
 * chunked upload (initialize, append, finalize, and status while X processes a video), with their
 * alt text as metadata. A 429 waits until `x-rate-limit-reset`.
 */
export class XAdapter implements ChannelAdapter<OAuthCredentials> {
  readonly provider = 'x' as const;
  readonly credentialsSchema = oauthCredentialsSchema;
  readonly limits = TEXT_RULES.x.limits;

  constructor(private readonly options: XOptions = X_DEFAULTS) {}

  validate(text: string): string[] {
    return TEXT_RULES.x.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    const gifs = media.filter((m) => m.contentType === 'image/gif');
    const videos = media.filter((m) => VIDEO_TYPES.includes(m.contentType));
    if (media.length > MAX_IMAGES)
      problems.push(`X allows at most ${MAX_IMAGES} images per post; this post has ${media.length}`);
    if ((gifs.length > 0 || videos.length > 0) && media.length > 1)
      problems.push('X takes one GIF or one video alone, not with other attachments');
    media.forEach((m, i) => {
      const n = i + 1;
      if (![...IMAGE_TYPES, 'image/gif', ...VIDEO_TYPES].includes(m.contentType)) {
        problems.push(
          `X takes JPEG, PNG, WebP and GIF images and MP4 or MOV videos; attachment ${n} is ${m.contentType}`,
        );
        return;
      }
      const limit =
        m.contentType === 'image/gif' ? MAX_GIF_BYTES : videos.includes(m) ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES;
      if (m.bytes > limit)
        problems.push(
          `X files of type ${m.contentType} may be at most ${limit / 1024 / 1024} MB; attachment ${n} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
        );
      if (graphemeLength(m.alt) > MAX_ALT_CHARACTERS)
        problems.push(`X alt text may be at most ${MAX_ALT_CHARACTERS} characters (attachment ${n})`);
    });
    return problems;
  }

  async verify(credentials: OAuthCredentials): Promise<{ accountRef: string }> {
    const me = await this.call<{ data: { id: string; username: string } }>(credentials, 'GET', '/2/users/me');
    if (me.data.id !== credentials.account.id)
      throw new ChannelError(
        'auth_failed',
        `The X token is @${me.data.username}'s, not the channel's account ${credentials.account.id}`,
        undefined,
        'credentials',
      );
    return { accountRef: `@${me.data.username}` };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: OAuthCredentials, request: PublishRequest): Promise<PublishResult> {
    const parts = splitXThread(request.text);
    const posted: string[] = request.isRetry
      ? await this.findPostedParts(credentials, parts, new Date(request.publishAt))
      : [];
    for (let i = posted.length; i < parts.length; i++) {
      const body: Record<string, unknown> = { text: parts[i] };
      if (i === 0 && request.media.length > 0) {
        const mediaIds = [];
        for (const m of request.media) mediaIds.push(await this.uploadMedia(credentials, m));
        body.media = { media_ids: mediaIds };
      }
      if (i > 0) body.reply = { in_reply_to_tweet_id: posted[i - 1] };
      const created = await this.call<{ data: { id: string } }>(credentials, 'POST', '/2/tweets', { json: body });
      posted.push(created.data.id);
    }
    return { externalId: posted[0]!, url: tweetUrl(posted[0]!) };
  }

  async delete(credentials: OAuthCredentials, externalId: string): Promise<void> {
    await this.call(credentials, 'DELETE', `/2/tweets/${encodeURIComponent(externalId)}`);
  }

  /**
   * Counts by `GET /2/tweets?ids=` (up to 100 a call) with `public_metrics`: likes, reposts,
   * replies, quotes, impressions (`impression_count`). An id X answers with a "Not Found" error is deleted; any other error on it
   * (a protected or suspended account) leaves it not shown.
   */
  async readMetrics(
    credentials: OAuthCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    const metrics = new Map<string, PostMetrics>();
    let calls = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      calls++;
      const answer = await this.call<{
        data?: {
          id: string;
          public_metrics: {
            like_count: number;
            retweet_count: number;
            reply_count: number;
            quote_count: number;
            impression_count?: number;
          };
        }[];
        errors?: { resource_id?: string; value?: string; title?: string }[];
      }>(credentials, 'GET', `/2/tweets?ids=${batch.map(encodeURIComponent).join(',')}&tweet.fields=public_metrics`);
      for (const t of answer.data ?? [])
        metrics.set(t.id, {
          status: 'ok',
          counts: {
            likes: t.public_metrics.like_count,
            reposts: t.public_metrics.retweet_count,
            replies: t.public_metrics.reply_count,
            quotes: t.public_metrics.quote_count,
            impressions: t.public_metrics.impression_count ?? null,
          },
        });
      for (const e of answer.errors ?? []) {
        const id = e.resource_id ?? e.value;
        if (id && !metrics.has(id)) metrics.set(id, { status: e.title === 'Not Found Error' ? 'deleted' : 'missing' });
      }
      for (const id of batch) if (!metrics.has(id)) metrics.set(id, { status: 'missing' });
    }
    return { metrics, calls };
  }

  /** The account's followers_count (`GET /2/users/me?user.fields=public_metrics`). */
  async readFollowers(credentials: OAuthCredentials): Promise<number> {
    const me = await this.call<{ data: { public_metrics: { followers_count: number } } }>(
      credentials,
      'GET',
      '/2/users/me?user.fields=public_metrics',
    );
    return me.data.public_metrics.followers_count;
  }

  /**
   * The parts of this thread an earlier attempt posted, in order: the first among the account's
   * latest posts created no earlier than a minute before the post was due, with the same text (as
   * X returns it: links shortened to t.co, `&<>` as HTML entities), and each next part a reply to
   * the one before with its text. Stops at the first part not found: the publish goes on from there.
   */
  private async findPostedParts(credentials: OAuthCredentials, parts: string[], due: Date): Promise<string[]> {
    const { data = [] } = await this.call<{ data?: XTweet[] }>(
      credentials,
      'GET',
      `/2/users/${encodeURIComponent(credentials.account.id)}/tweets?max_results=${LOOKUP_POSTS}` +
        '&tweet.fields=created_at,referenced_tweets&exclude=retweets',
    );
    const notBefore = due.getTime() - CLOCK_SKEW_MS;
    const recent = data.filter((t) => t.created_at === undefined || Date.parse(t.created_at) >= notBefore);
    const repliedTo = (t: XTweet) => t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
    const found: string[] = [];
    for (const part of parts) {
      const previous = found[found.length - 1];
      const match = recent.find(
        (t) => sameText(t.text, part) && (previous === undefined ? !repliedTo(t) : repliedTo(t) === previous),
      );
      if (!match) break;
      found.push(match.id);
    }
    return found;
  }

  /** Chunked upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked), then its alt text. */
  private async uploadMedia(credentials: OAuthCredentials, media: PublishMedia): Promise<string> {
    const bytes = await media.read();
    const category =
      media.contentType === 'image/gif'
        ? 'tweet_gif'
        : VIDEO_TYPES.includes(media.contentType)
          ? 'tweet_video'
          : 'tweet_image';
    const init = await this.call<{ data: { id: string } }>(credentials, 'POST', '/2/media/upload/initialize', {
      json: { media_type: media.contentType, total_bytes: bytes.length, media_category: category },
    });
    const id = init.data.id;
    for (let offset = 0, segment = 0; offset < bytes.length; offset += CHUNK_BYTES, segment++) {
      const form = new FormData();
      form.append('segment_index', String(segment));
      form.append('media', new Blob([bytes.subarray(offset, offset + CHUNK_BYTES)]), 'chunk');
      await this.call(credentials, 'POST', `/2/media/upload/${encodeURIComponent(id)}/append`, { form });
    }
    type Processing = { state: string; check_after_secs?: number; error?: { message?: string } };
    let result = await this.call<{ data: { id: string; processing_info?: Processing } }>(
      credentials,
      'POST',
      `/2/media/upload/${encodeURIComponent(id)}/finalize`,
    );
    const deadline = Date.now() + MEDIA_WAIT_MS;
    while (result.data.processing_info && result.data.processing_info.state !== 'succeeded') {
      const info = result.data.processing_info;
      if (info.state === 'failed')
        throw new ChannelError('invalid_content', `X could not process attachment: ${info.error?.message ?? 'failed'}`);
      if (Date.now() > deadline) throw new ChannelError('transient', `X is still processing media ${id}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, info.check_after_secs ?? 1) * 1000));
      result = await this.call(credentials, 'GET', `/2/media/upload?command=STATUS&media_id=${encodeURIComponent(id)}`);
    }
    if (media.alt)
      await this.call(credentials, 'POST', '/2/media/metadata', {
        json: { id, metadata: { alt_text: { text: media.alt } } },
      });
    return id;
  }

  /** One call to X's API with the channel's access token, its refusals mapped to ChannelError. */
  async call<T>(
    credentials: OAuthCredentials,
    method: string,
    path: string,
    options: { json?: unknown; form?: FormData } = {},
  ): Promise<T> {
    return (await this.request<T>(credentials, method, path, options)).body;
  }

  /** As `call`, with the answer's headers (its `x-rate-limit-*`). */
  async request<T>(
    credentials: OAuthCredentials,
    method: string,
    path: string,
    options: { json?: unknown; form?: FormData } = {},
  ): Promise<{ body: T; headers: Headers }> {
    const response = await send(`${this.options.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${credentials.tokens.accessToken}`,
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.json !== undefined ? JSON.stringify(options.json) : options.form,
    });
    return { body: await readAnswer<T>(response), headers: response.headers };
  }
}

/** Tweet text as X returns it, compared with ours: entities decoded, links (t.co-shortened) set aside, spaces as laid out. */
export function sameText(returned: string, sent: string): boolean {
  const norm = (value: string) =>
    value
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/https?:\/\/\S+/g, '<link>')
      .replace(/\s+/g, ' ')
      .trim()
      .normalize('NFC');
  return norm(returned) === norm(sent);
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      headers: { accept: 'application/json', 'user-agent': 'Chorus/1', ...init.headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    throw new ChannelError(
      'transient',
      `Could not reach X at ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The delay until `x-rate-limit-reset` (epoch seconds), X's rate-limit header. */
export function xRateLimitDelay(headers: Headers, now = Date.now()): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

async function readAnswer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as (T & XProblem) | undefined;
  if (response.ok) return body as T;
  const status = response.status;
  const detail =
    body?.errors?.map((e) => e.message).join('; ') ||
    body?.detail ||
    body?.error_description ||
    body?.title ||
    body?.error ||
    '';
  const reason = detail ? `: ${detail}` : '';
  if (status === 429)
    throw new ChannelError('rate_limited', `X rate limit reached${reason}`, xRateLimitDelay(response.headers));
  if (status === 401)
    throw new ChannelError(
      'auth_failed',
      `X refused the access token (401${reason}); reconnect the channel`,
      undefined,
      'credentials',
    );
  if (status === 403 && /duplicate/i.test(detail))
    throw new ChannelError('invalid_content', `X refuses duplicate content (403${reason})`, undefined, 'text');
  if (status === 403) throw new ChannelError('rejected', `X does not allow this (403${reason})`);
  if (status === 400) {
    const field = Object.keys(body?.errors?.[0]?.parameters ?? {})[0];
    throw new ChannelError('invalid_content', `X rejected the post (400${reason})`, undefined, field);
  }
  if (status >= 500 || status === 408) throw new ChannelError('transient', `X is unavailable (${status}${reason})`);
  throw new ChannelError('rejected', `X refused the request (${status}${reason})`);
}

/**
 * X's OAuth 2.0 authorization code flow with PKCE (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code):
 * `offline.access` brings a refresh token; access tokens last two hours; each refresh returns a new
 * refresh token and retires the old one. A confidential client authenticates with Basic auth, a
 * public one sends its client_id.
 */
export class XOAuthProvider implements OAuthProvider {
  readonly provider = 'x' as const;
  readonly scopes = SCOPES;
  readonly usesPkce = true;

  constructor(private readonly options: XOptions = X_DEFAULTS) {}

  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string {
    if (!request.codeChallenge) throw new Error('X needs a PKCE code challenge');
    const url = new URL(this.options.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: SCOPES.join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  exchangeCode(config: OAuthClientConfig, grant: { code: string; codeVerifier: string | null }): Promise<OAuthTokens> {
    if (!grant.codeVerifier) throw new Error('X needs the PKCE code verifier');
    return this.token(config, {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: config.redirectUri,
      code_verifier: grant.codeVerifier,
    });
  }

  refresh(config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens> {
    if (!tokens.refreshToken)
      throw new ChannelError('auth_failed', 'X granted no refresh token (offline.access); reconnect the channel');
    return this.token(config, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
  }

  async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    const response = await send(`${this.options.apiUrl}/2/users/me`, {
      method: 'GET',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    const me = await readAnswer<{ data: { id: string; name: string; username: string } }>(response);
    return [{ id: me.data.id, name: `${me.data.name} (@${me.data.username})`, kind: 'user', accountToken: null }];
  }

  /** POST /2/oauth2/token; a refused grant (400 invalid_grant, 401) is `auth_failed`: the channel needs reconnecting. */
  private async token(config: OAuthClientConfig, params: Record<string, string>): Promise<OAuthTokens> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(params);
    if (config.clientSecret)
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`;
    else body.set('client_id', config.clientId);
    const response = await send(`${this.options.apiUrl}/2/oauth2/token`, { method: 'POST', headers, body });
    if (response.status === 400 || response.status === 401) {
      const problem = (await response.json().catch(() => ({}))) as XProblem;
      throw new ChannelError(
        'auth_failed',
        `X refused the grant (${response.status}: ${problem.error_description ?? problem.error ?? 'invalid'}); reconnect the channel`,
        undefined,
        'credentials',
      );
    }
    const answer = await readAnswer<{
      access_token: string;
      expires_in?: number;
      refresh_token?: string;
      scope?: string;
    }>(response);
    return {
      accessToken: answer.access_token,
      accessTokenExpiresAt: answer.expires_in ? new Date(Date.now() + answer.expires_in * 1000).toISOString() : null,
      refreshToken: answer.refresh_token ?? null,
      refreshTokenExpiresAt: null,
      scopes: answer.scope ? answer.scope.split(' ') : [],
    };
  }
}
