import { graphemeLength, TEXT_RULES } from '../contracts/text-rules';
import { oauthCredentialsSchema, type OAuthAccount, type OAuthCredentials, type OAuthTokens } from '../contracts/oauth';
import {
  readMetricsOneByOne,
  type ChannelAdapter,
  type MediaFacts,
  type MediaUrls,
  type PostMetrics,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
} from './adapter';
import { ChannelError } from './errors';
import { metaTokens } from './facebook';
import {
  findRecentByText,
  GraphClient,
  graphPostGone,
  permalinkOf,
  publishThroughContainer,
  type ContainerStatus,
} from './meta-graph';
import type { OAuthClientConfig, OAuthProvider } from './oauth';

/** Threads' media rules (https://developers.facebook.com/docs/threads/overview#media-specifications). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MAX_CAROUSEL = 20;

/** Publishing and metrics, and the inbox: reading replies and mentions, replying. */
export const THREADS_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_manage_insights',
  'threads_read_replies',
  'threads_manage_replies',
  'threads_manage_mentions',
] as const;

export interface ThreadsOptions {
  /** The Threads API, versioned (THREADS_API_URL); its OAuth endpoints are at the host's root. */
  threadsUrl: string;
  /** The authorization page; default https://threads.net/oauth/authorize. */
  authorizeUrl?: string;
}

/**
 * Threads over the Threads API (https://developers.facebook.com/docs/threads/posts): the same
 * two-step container flow as Instagram (`POST /{user}/threads` with media_type TEXT, IMAGE or
 * CAROUSEL, `GET /{container}?fields=status,error_message` until FINISHED, `POST
 * /{user}/threads_publish creation_id`); 500 characters (an emoji counts as its UTF-8 bytes), at most
 * 5 links; images fetched by Threads from Chorus's signed media URL. The container id is kept between
 * attempts, so a retry publishes that container once.
 */
export class ThreadsAdapter implements ChannelAdapter<OAuthCredentials> {
  readonly provider = 'threads' as const;
  readonly credentialsSchema = oauthCredentialsSchema;
  readonly limits = TEXT_RULES.threads.limits;
  /** Its Threads API client (the inbox connector, channels/inbox-meta.ts, calls through it too). */
  readonly api: GraphClient;

  constructor(
    options: ThreadsOptions,
    private readonly mediaUrls: MediaUrls | undefined,
  ) {
    this.api = new GraphClient(options.threadsUrl, 'Threads');
  }

  validate(text: string): string[] {
    return TEXT_RULES.threads.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.length > MAX_CAROUSEL)
      problems.push(`Threads carousels take at most ${MAX_CAROUSEL} items; this post has ${media.length}`);
    media.forEach((m, i) => {
      if (!IMAGE_TYPES.has(m.contentType))
        problems.push(`Threads posts from Chorus take JPEG or PNG images; attachment ${i + 1} is ${m.contentType}`);
      else if (m.bytes > MAX_IMAGE_BYTES)
        problems.push(
          `Threads images may be at most 8 MB; attachment ${i + 1} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
        );
      if (graphemeLength(m.alt) > 1000)
        problems.push(`Threads alt text may be at most 1000 characters (attachment ${i + 1})`);
    });
    return problems;
  }

  async verify(credentials: OAuthCredentials): Promise<{ accountRef: string }> {
    const me = await this.api.call<{ id: string; username?: string }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}`,
      token: credentials.tokens.accessToken,
      params: { fields: 'id,username' },
    });
    return { accountRef: me.username ? `@${me.username}` : me.id };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: OAuthCredentials, request: PublishRequest): Promise<PublishResult> {
    const token = credentials.tokens.accessToken;
    const user = encodeURIComponent(credentials.account.id);
    const media = request.media;
    const container = (params: Record<string, string | undefined>) =>
      this.api.call<{ id: string }>({ method: 'POST', path: `/${user}/threads`, token, params });
    return publishThroughContainer(
      {
        network: 'Threads',
        create: async () => {
          if (media.length === 0) return (await container({ media_type: 'TEXT', text: request.text })).id;
          if (media.length === 1) return (await container({ ...this.item(media[0]!), text: request.text })).id;
          const children: string[] = [];
          for (const m of media) children.push((await container({ ...this.item(m), is_carousel_item: 'true' })).id);
          return (await container({ media_type: 'CAROUSEL', children: children.join(','), text: request.text })).id;
        },
        status: async (id) => {
          const c = await this.api.call<{ status: ContainerStatus; error_message?: string }>({
            method: 'GET',
            path: `/${encodeURIComponent(id)}`,
            token,
            params: { fields: 'status,error_message' },
          });
          return { status: c.status, message: c.error_message };
        },
        publish: async (id) =>
          (
            await this.api.call<{ id: string }>({
              method: 'POST',
              path: `/${user}/threads_publish`,
              token,
              params: { creation_id: id },
            })
          ).id,
        findPublished: () =>
          findRecentByText(this.api, {
            path: `/${user}/threads`,
            token,
            textField: 'text',
            text: request.text,
            publishAt: request.publishAt,
          }),
        permalink: (id) => permalinkOf(this.api, id, token),
      },
      request.networkState,
    );
  }

  private item(m: PublishMedia): Record<string, string | undefined> {
    if (!this.mediaUrls)
      throw new ChannelError(
        'invalid_content',
        'Threads fetches media from a URL, and this Chorus serves none (set CHORUS_APP_URL)',
      );
    return { media_type: 'IMAGE', image_url: this.mediaUrls.urlFor(m), alt_text: m.alt || undefined };
  }

  /** `DELETE /{threads-media-id}` (needs the threads_delete permission). */
  async delete(credentials: OAuthCredentials, externalId: string): Promise<void> {
    await this.api.call({
      method: 'DELETE',
      path: `/${encodeURIComponent(externalId)}`,
      token: credentials.tokens.accessToken,
    });
  }

  /**
   * Likes, replies, reposts, quotes and views (its impressions) of each post (`GET /{media}/insights`).
   * A post whose views Threads refuses is asked again without them (a call more): its counts are
   * kept, its impressions null.
   */
  async readMetrics(
    credentials: OAuthCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    return readMetricsOneByOne(
      ids,
      async (id, called) => {
        const insights = (metric: string) =>
          this.api.call<{
            data: { name: string; values?: { value: number }[]; total_value?: { value: number } }[];
          }>({
            method: 'GET',
            path: `/${encodeURIComponent(id)}/insights`,
            token: credentials.tokens.accessToken,
            params: { metric },
          });
        const answer = await insights('likes,replies,reposts,quotes,views').catch((err: unknown) => {
          const refused = err instanceof ChannelError && (err.kind === 'rejected' || err.kind === 'auth_failed');
          if (!refused || graphPostGone(err) === 'deleted') throw err;
          called();
          // Without views; a refusal of this one says what the first would have (gone, or not shown).
          return insights('likes,replies,reposts,quotes').catch(() => Promise.reject(err));
        });
        const value = (name: string) => {
          const entry = answer.data.find((d) => d.name === name);
          return entry?.total_value?.value ?? entry?.values?.[0]?.value;
        };
        return {
          likes: value('likes') ?? 0,
          replies: value('replies') ?? 0,
          reposts: value('reposts') ?? 0,
          quotes: value('quotes') ?? 0,
          impressions: value('views') ?? null,
        };
      },
      graphPostGone,
    );
  }

  /** `GET /{user}/threads_insights?metric=followers_count`. */
  async readFollowers(credentials: OAuthCredentials): Promise<number> {
    const answer = await this.api.call<{ data: { name: string; total_value?: { value: number } }[] }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}/threads_insights`,
      token: credentials.tokens.accessToken,
      params: { metric: 'followers_count' },
    });
    return answer.data.find((d) => d.name === 'followers_count')?.total_value?.value ?? 0;
  }
}

/**
 * Threads' OAuth (https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions,
 * .../long-lived-tokens): `POST /oauth/access_token` trades the code for a short-lived token (an
 * hour), `GET /access_token?grant_type=th_exchange_token` for a long-lived one (60 days), and
 * `GET /refresh_access_token?grant_type=th_refresh_token` renews a long-lived token that is at least
 * a day old and unexpired, for another 60 days. There is no separate refresh token: the access token
 * renews itself. The account is the user (`/me`).
 */
export class ThreadsOAuthProvider implements OAuthProvider {
  readonly provider = 'threads' as const;
  readonly scopes: readonly string[] = THREADS_SCOPES;
  readonly usesPkce = false;
  private readonly api: GraphClient;
  private readonly authorizeUrl: string;

  constructor(options: ThreadsOptions) {
    this.api = new GraphClient(options.threadsUrl, 'Threads');
    this.authorizeUrl = options.authorizeUrl ?? 'https://threads.net/oauth/authorize';
  }

  private root(path: string): string {
    return new URL(path, this.api.baseUrl).toString();
  }

  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string {
    const url = new URL(this.authorizeUrl);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('redirect_uri', config.redirectUri);
    url.searchParams.set('scope', this.scopes.join(','));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('state', request.state);
    return url.toString();
  }

  async exchangeCode(
    config: OAuthClientConfig,
    grant: { code: string; codeVerifier: string | null },
  ): Promise<OAuthTokens> {
    const short = await this.api.call<{ access_token: string; user_id?: string }>({
      method: 'POST',
      path: this.root('/oauth/access_token'),
      params: {
        client_id: config.clientId,
        client_secret: config.clientSecret ?? undefined,
        grant_type: 'authorization_code',
        redirect_uri: config.redirectUri,
        code: grant.code,
      },
    });
    const long = await this.api.call<{ access_token: string; expires_in?: number }>({
      method: 'GET',
      path: this.root('/access_token'),
      params: {
        grant_type: 'th_exchange_token',
        client_secret: config.clientSecret ?? undefined,
        access_token: short.access_token,
      },
    });
    return metaTokens(long, this.scopes);
  }

  /** A fresh long-lived token from the current one (refused for good once it has expired: reconnect). */
  async refresh(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens> {
    const renewed = await this.api.call<{ access_token: string; expires_in?: number }>({
      method: 'GET',
      path: this.root('/refresh_access_token'),
      params: { grant_type: 'th_refresh_token', access_token: tokens.accessToken },
    });
    return { ...metaTokens(renewed, tokens.scopes) };
  }

  async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    const me = await this.api.call<{ id: string; username?: string; name?: string }>({
      method: 'GET',
      path: '/me',
      token: tokens.accessToken,
      params: { fields: 'id,username,name' },
    });
    return [{ id: me.id, name: me.username ?? me.name ?? me.id, kind: 'user', accountToken: null }];
  }
}
