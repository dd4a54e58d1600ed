import { oauthCredentialsSchema, type OAuthAccount, type OAuthCredentials, type OAuthTokens } from '../contracts/oauth';
import { TEXT_RULES } from '../contracts/text-rules';
import {
  graphemeLength,
  readMetricsOneByOne,
  type ChannelAdapter,
  type MediaFacts,
  type PostMetrics,
  type PublishMedia,
} from './adapter';
import type { PublishRequest, PublishResult } from './adapter';
import { ChannelError, retryDelayFromHeaders } from './errors';
import type { OAuthClientConfig, OAuthProvider } from './oauth';

export interface LinkedInOptions {
  /** https://api.linkedin.com, or a fake's address in tests. */
  apiUrl: string;
  /** https://www.linkedin.com/oauth/v2: its /authorization page and /accessToken endpoint. */
  oauthUrl: string;
  /** The LinkedIn-Version header, YYYYMM. */
  version: string;
}

export const LINKEDIN_DEFAULTS: LinkedInOptions = {
  apiUrl: 'https://api.linkedin.com',
  oauthUrl: 'https://www.linkedin.com/oauth/v2',
  version: '202510',
};

/** The Images API's rules (https://learn.microsoft.com/linkedin/marketing/community-management/shares/images-api). */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif'];
const MAX_IMAGES = 20;
const MAX_PIXELS = 36_152_320;
/** The Posts API's altText limit. */
const MAX_ALT_CHARACTERS = 4086;
const TIMEOUT_MS = 30_000;
const CLOCK_SKEW_MS = 60_000;
const LOOKUP_POSTS = 20;
/** Posts per share-statistics call (their URNs go in the query string). */
const SHARE_STATISTICS_BATCH = 20;

/**
 * Member posting, organization posting (Community Management API), the member's id and name, and
 * the organizations the member administers.
 */
const SCOPES = [
  'openid',
  'profile',
  'w_member_social',
  'w_organization_social',
  'r_organization_social',
  'r_organization_admin',
] as const;

/** Characters "little text" reserves (https://learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format). */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const HASHTAG = /(^|[^\p{L}\p{N}_&#])#([\p{L}\p{N}_]+)/gu;

/**
 * A post's text as LinkedIn's commentary: every reserved character escaped with a backslash, so
 * that `@name`, `(…)` or `[…]` are read as text, not as mention or link markup; `#tag` as the
 * hashtag template (`{hashtag|\#|tag}`), so it stays a hashtag.
 */
export function linkedinCommentary(text: string): string {
  const tags: string[] = [];
  const marked = text.replace(HASHTAG, (_m, before: string, tag: string) => {
    tags.push(tag);
    return `${before}\u0000${tags.length - 1}\u0000`;
  });
  return marked
    .replace(RESERVED, (c) => `\\${c}`)
    .replace(
      /\u0000(\d+)\u0000/g,
      (_m, i: string) => `{hashtag|\\#|${tags[Number(i)]!.replace(RESERVED, (c) => `\\${c}`)}}`,
    );
}

interface LinkedInPost {
  id: string;
  author: string;
  commentary?: string;
  createdAt?: number;
}

/** A refusal as LinkedIn words it (Rest.li: `message`, `status`, `serviceErrorCode`, input errors naming fields). */
interface LinkedInProblem {
  message?: string;
  status?: number;
  code?: string;
  serviceErrorCode?: number;
  errorDetails?: { inputErrors?: { description?: string; input?: { inputPath?: { fieldPath?: string } } }[] };
  error?: string;
  error_description?: string;
}

export const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

/**
 * LinkedIn's Posts API (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api)
 * with the versioned headers, as the member or an organization they administer (the channel's
 * account URN is the author). Images go up through the Images API (initializeUpload, then a PUT
 * of the bytes); the post's id is its `x-restli-id` header. LinkedIn has no idempotency key: a
 * retry first reads the author's latest posts for the same commentary, and a duplicate LinkedIn
 * refuses (422 naming the post it duplicates) is taken as that post.
 */
export class LinkedInAdapter implements ChannelAdapter<OAuthCredentials> {
  readonly provider = 'linkedin' as const;
  readonly credentialsSchema = oauthCredentialsSchema;
  readonly limits = TEXT_RULES.linkedin.limits;

  constructor(private readonly options: LinkedInOptions = LINKEDIN_DEFAULTS) {}

  validate(text: string): string[] {
    return TEXT_RULES.linkedin.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.length > MAX_IMAGES)
      problems.push(`LinkedIn allows at most ${MAX_IMAGES} images per post; this post has ${media.length}`);
    media.forEach((m, i) => {
      const n = i + 1;
      if (!IMAGE_TYPES.includes(m.contentType)) {
        problems.push(`LinkedIn posts from Chorus take JPEG, PNG and GIF images; attachment ${n} is ${m.contentType}`);
        return;
      }
      if (m.width !== null && m.height !== null && m.width * m.height > MAX_PIXELS)
        problems.push(
          `LinkedIn images may have at most ${MAX_PIXELS.toLocaleString('en')} pixels; attachment ${n} has ${(m.width * m.height).toLocaleString('en')}`,
        );
      if (graphemeLength(m.alt) > MAX_ALT_CHARACTERS)
        problems.push(`LinkedIn alt text may be at most ${MAX_ALT_CHARACTERS} characters (attachment ${n})`);
    });
    return problems;
  }

  async verify(credentials: OAuthCredentials): Promise<{ accountRef: string }> {
    const me = await this.call<{ sub: string }>(credentials, 'GET', '/v2/userinfo');
    const { account } = credentials;
    if (account.kind === 'member' && account.id !== `urn:li:person:${me.sub}`)
      throw new ChannelError('auth_failed', `The LinkedIn token is not ${account.id}'s`, undefined, 'credentials');
    return { accountRef: account.id };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: OAuthCredentials, request: PublishRequest): Promise<PublishResult> {
    const author = credentials.account.id;
    const commentary = linkedinCommentary(request.text);
    if (request.isRetry) {
      const existing = await this.findRecentPost(credentials, commentary, new Date(request.publishAt));
      if (existing) return { externalId: existing, url: postUrl(existing) };
    }
    const images = [];
    for (const m of request.media) images.push({ id: await this.uploadImage(credentials, m), altText: m.alt });
    const body: Record<string, unknown> = {
      author,
      commentary,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    };
    if (images.length === 1) body.content = { media: images[0] };
    if (images.length > 1) body.content = { multiImage: { images } };
    try {
      const { headers } = await this.request(credentials, 'POST', '/rest/posts', { json: body });
      const id = headers.get('x-restli-id');
      if (!id) throw new ChannelError('transient', 'LinkedIn created the post but did not say its id (x-restli-id)');
      return { externalId: id, url: postUrl(id) };
    } catch (err) {
      // An earlier attempt's post that the look-up could not see (or read): LinkedIn names it.
      const duplicate = err instanceof ChannelError && /duplicate of (urn:li:\w+:\d+)/i.exec(err.message);
      if (request.isRetry && duplicate) return { externalId: duplicate[1]!, url: postUrl(duplicate[1]!) };
      throw err;
    }
  }

  async delete(credentials: OAuthCredentials, externalId: string): Promise<void> {
    await this.request(credentials, 'DELETE', `/rest/posts/${encodeURIComponent(externalId)}`);
  }

  /**
   * Counts of the posts by their URNs: likes and comments from their social actions
   * (`GET /rest/socialActions/{urn}`: `likesSummary.totalLikes`, `commentsSummary.aggregatedTotalComments`),
   * one call each; reposts of an organization's posts from its share statistics
   * (`GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&shares=List(…)&ugcPosts=List(…)`,
   * `shareCount`, and impressions: `impressionCount`), one call per 20 posts; a member's posts have
   * no such statistics (reposts 0, impressions null). A
   * post LinkedIn no longer finds (404) is deleted.
   */
  async readMetrics(
    credentials: OAuthCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    const { metrics, calls: read } = await readMetricsOneByOne(
      ids,
      async (id) => {
        const actions = await this.call<{
          likesSummary?: { totalLikes?: number; aggregatedTotalLikes?: number };
          commentsSummary?: { totalFirstLevelComments?: number; aggregatedTotalComments?: number };
        }>(credentials, 'GET', `/rest/socialActions/${encodeURIComponent(id)}`);
        return {
          likes: actions.likesSummary?.totalLikes ?? actions.likesSummary?.aggregatedTotalLikes ?? 0,
          replies:
            actions.commentsSummary?.aggregatedTotalComments ?? actions.commentsSummary?.totalFirstLevelComments ?? 0,
          reposts: 0,
          quotes: null,
          impressions: null,
        };
      },
      (err) =>
        err instanceof ChannelError && err.kind === 'rejected' && /\(404\b/.test(err.message) ? 'deleted' : undefined,
    );
    let calls = read;
    const organization = credentials.account.kind === 'organization' ? credentials.account.id : undefined;
    const found = ids.filter((id) => metrics.get(id)?.status === 'ok');
    for (let i = 0; organization && i < found.length; i += SHARE_STATISTICS_BATCH) {
      const batch = found.slice(i, i + SHARE_STATISTICS_BATCH);
      const list = (kind: string) =>
        batch
          .filter((id) => id.startsWith(`urn:li:${kind}:`))
          .map(encodeURIComponent)
          .join(',');
      const shares = list('share');
      const ugcPosts = list('ugcPost');
      calls++;
      const statistics = await this.call<{
        elements: {
          share?: string;
          ugcPost?: string;
          totalShareStatistics: { shareCount?: number; impressionCount?: number };
        }[];
      }>(
        credentials,
        'GET',
        `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${encodeURIComponent(organization)}` +
          (shares ? `&shares=List(${shares})` : '') +
          (ugcPosts ? `&ugcPosts=List(${ugcPosts})` : ''),
      );
      for (const element of statistics.elements) {
        const read = metrics.get(element.share ?? element.ugcPost ?? '');
        if (read?.status !== 'ok') continue;
        read.counts.reposts = element.totalShareStatistics.shareCount ?? 0;
        read.counts.impressions = element.totalShareStatistics.impressionCount ?? null;
      }
    }
    return { metrics, calls };
  }

  /**
   * An organization's followers, from its network size
   * (`GET /rest/networkSizes/{orgUrn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`: `firstDegreeSize`). A
   * member's follower count LinkedIn gives only through its member follower statistics, a
   * permission Chorus's app does not ask for: the collector does not ask for a member's
   * (db/metrics.ts `measuresAudience`), and this refuses it.
   */
  async readFollowers(credentials: OAuthCredentials): Promise<number> {
    if (credentials.account.kind !== 'organization')
      throw new ChannelError('rejected', "LinkedIn does not give Chorus a member's follower count");
    const size = await this.call<{ firstDegreeSize?: number }>(
      credentials,
      'GET',
      `/rest/networkSizes/${encodeURIComponent(credentials.account.id)}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`,
    );
    return size.firstDegreeSize ?? 0;
  }

  /**
   * The author's post an earlier attempt made: among its latest, one created no earlier than a
   * minute before the post was due, with our commentary. Reading a member's posts needs
   * r_member_social, which LinkedIn grants few apps: refused (403), the retry posts and relies on
   * LinkedIn's own duplicate check.
   */
  private async findRecentPost(
    credentials: OAuthCredentials,
    commentary: string,
    due: Date,
  ): Promise<string | undefined> {
    let answer: { elements: LinkedInPost[] };
    try {
      answer = await this.call(
        credentials,
        'GET',
        `/rest/posts?q=author&author=${encodeURIComponent(credentials.account.id)}&count=${LOOKUP_POSTS}&sortBy=CREATED`,
      );
    } catch (err) {
      if (err instanceof ChannelError && err.kind === 'auth_failed' && /\(403/.test(err.message)) return undefined;
      throw err;
    }
    const notBefore = due.getTime() - CLOCK_SKEW_MS;
    const norm = (value: string) => value.replace(/\s+/g, ' ').trim();
    return answer.elements.find(
      (p) => (p.createdAt === undefined || p.createdAt >= notBefore) && norm(p.commentary ?? '') === norm(commentary),
    )?.id;
  }

  /** initializeUpload, then the bytes PUT to the upload URL it gave. */
  private async uploadImage(credentials: OAuthCredentials, media: PublishMedia): Promise<string> {
    const init = await this.call<{ value: { uploadUrl: string; image: string } }>(
      credentials,
      'POST',
      '/rest/images?action=initializeUpload',
      { json: { initializeUploadRequest: { owner: credentials.account.id } } },
    );
    await this.request(credentials, 'PUT', init.value.uploadUrl, {
      bytes: await media.read(),
      contentType: media.contentType,
    });
    return init.value.image;
  }

  async call<T>(
    credentials: OAuthCredentials,
    method: string,
    path: string,
    options: { json?: unknown } = {},
  ): Promise<T> {
    const { body } = await this.request(credentials, method, path, options);
    return body as T;
  }

  /** One call with the channel's token and the versioned headers, its refusals mapped to ChannelError. */
  async request(
    credentials: OAuthCredentials,
    method: string,
    pathOrUrl: string,
    options: { json?: unknown; bytes?: Buffer; contentType?: string } = {},
  ): Promise<{ body: unknown; headers: Headers }> {
    const response = await send(pathOrUrl.startsWith('http') ? pathOrUrl : `${this.options.apiUrl}${pathOrUrl}`, {
      method,
      headers: {
        authorization: `Bearer ${credentials.tokens.accessToken}`,
        'linkedin-version': this.options.version,
        'x-restli-protocol-version': '2.0.0',
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
      },
      body: options.json !== undefined ? JSON.stringify(options.json) : options.bytes,
    });
    return { body: await readAnswer(response), headers: response.headers };
  }
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
      `Could not reach LinkedIn at ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  let body: LinkedInProblem | undefined;
  try {
    body = text ? (JSON.parse(text) as LinkedInProblem) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body;
  const status = response.status;
  const input = body?.errorDetails?.inputErrors?.[0];
  const detail = input?.description ?? body?.message ?? body?.error_description ?? body?.error ?? '';
  const reason = detail ? `: ${detail}` : '';
  if (status === 429)
    throw new ChannelError(
      'rate_limited',
      `LinkedIn rate limit reached${reason}`,
      retryDelayFromHeaders(Object.fromEntries(response.headers)),
    );
  if (status === 401 || status === 403)
    throw new ChannelError(
      'auth_failed',
      `LinkedIn refused the access token or its permissions (${status}${reason}); reconnect the channel`,
      undefined,
      'credentials',
    );
  if (status === 400 || status === 422)
    throw new ChannelError(
      'invalid_content',
      `LinkedIn rejected the post (${status}${reason})`,
      undefined,
      input?.input?.inputPath?.fieldPath,
    );
  if (status >= 500 || status === 408)
    throw new ChannelError('transient', `LinkedIn is unavailable (${status}${reason})`);
  throw new ChannelError('rejected', `LinkedIn refused the request (${status}${reason})`);
}

/**
 * LinkedIn's 3-legged OAuth 2.0 (https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow):
 * a confidential client (its secret in the token requests), access tokens of 60 days, and
 * refresh tokens of a year where LinkedIn grants them (Marketing partners): a refresh returns a
 * new access token and the same refresh token with what is left of its year.
 */
export class LinkedInOAuthProvider implements OAuthProvider {
  readonly provider = 'linkedin' as const;
  readonly scopes = SCOPES;
  readonly usesPkce = false;

  constructor(private readonly options: LinkedInOptions = LINKEDIN_DEFAULTS) {}

  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string {
    const url = new URL(`${this.options.oauthUrl}/authorization`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      state: request.state,
      scope: SCOPES.join(' '),
    }).toString();
    return url.toString();
  }

  exchangeCode(config: OAuthClientConfig, grant: { code: string; codeVerifier: string | null }): Promise<OAuthTokens> {
    return this.token(config, { grant_type: 'authorization_code', code: grant.code, redirect_uri: config.redirectUri });
  }

  refresh(config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens> {
    if (!tokens.refreshToken)
      throw new ChannelError(
        'auth_failed',
        'LinkedIn granted no refresh token; reconnect the channel before its access token expires',
      );
    return this.token(config, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
  }

  /** The member (`/v2/userinfo`) and the organizations they administer (`/rest/organizationAcls`). */
  async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    const headers = {
      authorization: `Bearer ${tokens.accessToken}`,
      'linkedin-version': this.options.version,
      'x-restli-protocol-version': '2.0.0',
    };
    const get = async <T>(path: string) =>
      (await readAnswer(await send(`${this.options.apiUrl}${path}`, { method: 'GET', headers }))) as T;
    const me = await get<{ sub: string; name: string }>('/v2/userinfo');
    const accounts: OAuthAccount[] = [
      { id: `urn:li:person:${me.sub}`, name: me.name, kind: 'member', accountToken: null },
    ];
    let acls: { elements: { organization: string }[] };
    try {
      acls = await get('/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED');
    } catch (err) {
      // No organization scope granted: the member alone.
      if (err instanceof ChannelError && err.kind === 'auth_failed') return accounts;
      throw err;
    }
    for (const { organization } of acls.elements) {
      const id = organization.split(':').pop()!;
      const org = await get<{ localizedName: string }>(`/rest/organizations/${encodeURIComponent(id)}`);
      accounts.push({ id: organization, name: org.localizedName, kind: 'organization', accountToken: null });
    }
    return accounts;
  }

  /** POST <oauth>/accessToken; a refused grant (400, 401) is `auth_failed`: the channel needs reconnecting. */
  private async token(config: OAuthClientConfig, params: Record<string, string>): Promise<OAuthTokens> {
    const body = new URLSearchParams({ ...params, client_id: config.clientId });
    if (config.clientSecret) body.set('client_secret', config.clientSecret);
    const response = await send(`${this.options.oauthUrl}/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (response.status === 400 || response.status === 401) {
      const problem = (await response.json().catch(() => ({}))) as LinkedInProblem;
      throw new ChannelError(
        'auth_failed',
        `LinkedIn refused the grant (${response.status}: ${problem.error_description ?? problem.error ?? 'invalid'}); reconnect the channel`,
        undefined,
        'credentials',
      );
    }
    const answer = (await readAnswer(response)) as {
      access_token: string;
      expires_in?: number;
      refresh_token?: string;
      refresh_token_expires_in?: number;
      scope?: string;
    };
    const at = (seconds: number | undefined) => (seconds ? new Date(Date.now() + seconds * 1000).toISOString() : null);
    return {
      accessToken: answer.access_token,
      accessTokenExpiresAt: at(answer.expires_in),
      refreshToken: answer.refresh_token ?? null,
      refreshTokenExpiresAt: at(answer.refresh_token_expires_in),
      scopes: answer.scope ? answer.scope.split(/[\s,]+/).filter(Boolean) : [],
    };
  }
}
