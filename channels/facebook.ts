import { graphemeLength, TEXT_RULES } from '../contracts/text-rules';
import { oauthCredentialsSchema, type OAuthAccount, type OAuthCredentials, type OAuthTokens } from '../contracts/oauth';
import {
  readMetricsOneByOne,
  type ChannelAdapter,
  type MediaFacts,
  type PostMetrics,
  type PublishRequest,
  type PublishResult,
} from './adapter';
import { ChannelError } from './errors';
import { CLOCK_SKEW_MS, GraphClient, graphPostGone, readInsight, sameText } from './meta-graph';
import type { OAuthClientConfig, OAuthProvider } from './oauth';

/** Photos Facebook takes on a Page post (https://www.facebook.com/help/266520536764594): JPEG, PNG, GIF, BMP, TIFF up to 4 MB is the safe set. */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);
const MAX_PHOTO_BYTES = 4 * 1024 * 1024;
/** Chorus attaches at most this many photos to one Page post. */
const MAX_PHOTOS = 10;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+/i;

/** Publishing, and the inbox: reading comments with their authors, replying and liking as the Page. */
export const FACEBOOK_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_posts',
  'pages_read_user_content',
  'pages_manage_engagement',
] as const;

export interface MetaOptions {
  /** Graph API base URL, versioned (FACEBOOK_GRAPH_URL). */
  graphUrl: string;
  /** The login dialog; default www.facebook.com with the Graph URL's version. */
  dialogUrl?: string;
}

/** The Page token a Page or Instagram channel acts with (it does not expire when made from a long-lived user token). */
export function pageToken(credentials: OAuthCredentials, network: string): string {
  const token = credentials.account.accountToken ?? credentials.tokens.accessToken;
  if (!token) throw new ChannelError('auth_failed', `${network}: the channel has no Page token; reconnect it`);
  return token;
}

interface FeedPost {
  id: string;
  message?: string;
  created_time: string;
  permalink_url?: string;
}

/**
 * Facebook Pages over the Graph API (https://developers.facebook.com/docs/pages-api/posts): a feed
 * post with its message (the first link in the text as `link`, shown as a preview), or with photos
 * uploaded unpublished (`POST /{page}/photos published=false`) and attached (`attached_media`).
 * Graph has no idempotency keys: the uploaded photos' ids are kept between attempts (reused, not
 * uploaded again), and a retry first looks among the Page's latest posts for one an earlier attempt
 * made (the same message, no older than the post's time).
 */
export class FacebookAdapter implements ChannelAdapter<OAuthCredentials> {
  readonly provider = 'facebook' as const;
  readonly credentialsSchema = oauthCredentialsSchema;
  readonly limits = TEXT_RULES.facebook.limits;
  /** Its Graph client (the inbox connector, channels/inbox-meta.ts, calls through it too). */
  readonly graph: GraphClient;

  constructor(options: MetaOptions) {
    this.graph = new GraphClient(options.graphUrl, 'Facebook');
  }

  validate(text: string): string[] {
    return TEXT_RULES.facebook.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.length > MAX_PHOTOS)
      problems.push(`Facebook posts from Chorus take at most ${MAX_PHOTOS} photos; this post has ${media.length}`);
    media.forEach((m, i) => {
      if (!PHOTO_TYPES.has(m.contentType))
        problems.push(
          `Facebook Page posts take JPEG, PNG or GIF photos; attachment ${i + 1} is ${m.contentType} (videos are not supported yet)`,
        );
      else if (m.bytes > MAX_PHOTO_BYTES)
        problems.push(
          `Facebook photos may be at most 4 MB; attachment ${i + 1} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
        );
      if (graphemeLength(m.alt) > 1000)
        problems.push(`Facebook alt text may be at most 1000 characters (attachment ${i + 1})`);
    });
    return problems;
  }

  async verify(credentials: OAuthCredentials): Promise<{ accountRef: string }> {
    const page = await this.graph.call<{ id: string; name: string }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}`,
      token: pageToken(credentials, 'Facebook'),
      params: { fields: 'id,name' },
    });
    return { accountRef: page.name || page.id };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: OAuthCredentials, request: PublishRequest): Promise<PublishResult> {
    const token = pageToken(credentials, 'Facebook');
    const pageId = encodeURIComponent(credentials.account.id);
    if (request.isRetry) {
      const existing = await this.findRecentPost(credentials, request.text, new Date(request.publishAt));
      if (existing) return { externalId: existing.id, url: existing.permalink_url ?? null };
    }
    const saved = request.networkState?.saved;
    const photoIds: string[] = Array.isArray(saved?.photoIds) ? (saved.photoIds as string[]) : [];
    for (const m of request.media.slice(photoIds.length)) {
      const form = new FormData();
      form.append(
        'source',
        new Blob([await m.read()], { type: m.contentType }),
        `${m.mediaId}.${m.contentType.split('/')[1]}`,
      );
      form.append('published', 'false');
      if (m.alt) form.append('alt_text_custom', m.alt);
      const photo = await this.graph.call<{ id: string }>({ method: 'POST', path: `/${pageId}/photos`, token, form });
      photoIds.push(photo.id);
      await request.networkState?.save({ photoIds });
    }
    const params: Record<string, string | undefined> = { message: request.text, published: 'true' };
    if (photoIds.length === 0) params.link = URL_IN_TEXT.exec(request.text)?.[0];
    photoIds.forEach((id, i) => (params[`attached_media[${i}]`] = JSON.stringify({ media_fbid: id })));
    const post = await this.graph.call<{ id: string }>({ method: 'POST', path: `/${pageId}/feed`, token, params });
    const read = await this.graph
      .call<{ permalink_url?: string }>({
        method: 'GET',
        path: `/${encodeURIComponent(post.id)}`,
        token,
        params: { fields: 'permalink_url' },
      })
      .catch(() => ({ permalink_url: undefined }));
    return { externalId: post.id, url: read.permalink_url ?? `https://www.facebook.com/${post.id}` };
  }

  async delete(credentials: OAuthCredentials, externalId: string): Promise<void> {
    await this.graph.call({
      method: 'DELETE',
      path: `/${encodeURIComponent(externalId)}`,
      token: pageToken(credentials, 'Facebook'),
    });
  }

  /**
   * Reactions, comments and shares of each post (`fields=reactions.summary(total_count).limit(0),
   * comments.summary(total_count).limit(0),shares`); a post Graph no longer finds (code 100) is deleted.
   * Impressions from a second call, `GET /{post}/insights?metric=post_impressions` (null when refused).
   */
  async readMetrics(
    credentials: OAuthCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    return readMetricsOneByOne(
      ids,
      async (id, called) => {
        const post = await this.graph.call<{
          reactions?: { summary?: { total_count?: number } };
          comments?: { summary?: { total_count?: number } };
          shares?: { count?: number };
        }>({
          method: 'GET',
          path: `/${encodeURIComponent(id)}`,
          token: pageToken(credentials, 'Facebook'),
          params: { fields: 'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares' },
        });
        return {
          likes: post.reactions?.summary?.total_count ?? 0,
          replies: post.comments?.summary?.total_count ?? 0,
          reposts: post.shares?.count ?? 0,
          quotes: null,
          impressions: await readInsight(
            this.graph,
            pageToken(credentials, 'Facebook'),
            id,
            'post_impressions',
            called,
          ),
        };
      },
      graphPostGone,
    );
  }

  /** The Page's followers_count. */
  async readFollowers(credentials: OAuthCredentials): Promise<number> {
    const page = await this.graph.call<{ followers_count?: number }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}`,
      token: pageToken(credentials, 'Facebook'),
      params: { fields: 'followers_count' },
    });
    return page.followers_count ?? 0;
  }

  private async findRecentPost(credentials: OAuthCredentials, text: string, due: Date): Promise<FeedPost | undefined> {
    const posts = await this.graph.call<{ data: FeedPost[] }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}/published_posts`,
      token: pageToken(credentials, 'Facebook'),
      params: { fields: 'id,message,created_time,permalink_url', limit: '25' },
    });
    const notBefore = due.getTime() - CLOCK_SKEW_MS;
    return posts.data.find((p) => Date.parse(p.created_time) >= notBefore && sameText(p.message, text));
  }
}

interface MetaTokenAnswer {
  access_token: string;
  token_type?: string;
  expires_in?: number;
}

/** Tokens as OAuthTokens: `expires_in` seconds from now, none when Meta gives none (a token that does not expire). */
export function metaTokens(answer: MetaTokenAnswer, scopes: readonly string[], now = Date.now()): OAuthTokens {
  return {
    accessToken: answer.access_token,
    accessTokenExpiresAt: answer.expires_in ? new Date(now + answer.expires_in * 1000).toISOString() : null,
    refreshToken: null,
    refreshTokenExpiresAt: null,
    scopes: [...scopes],
  };
}

interface PageEntry {
  id: string;
  name: string;
  access_token?: string;
  instagram_business_account?: { id: string; username?: string; name?: string };
}

/**
 * Facebook Login (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow,
 * .../access-tokens/get-long-lived): the code becomes a short-lived user token, exchanged at once
 * (`grant_type=fb_exchange_token`) for a long-lived one (about 60 days); `/me/accounts` lists the
 * Pages with their Page tokens, which, made from a long-lived user token, do not expire.
 *
 * Renewal, honestly: Meta renews a long-lived user token only when the user logs in again; there is
 * no server-side refresh. A Page channel never needs it: it publishes with its Page token, which
 * does not expire. So `refresh` re-reads nothing and answers the tokens as not expiring (the token
 * workflow then has nothing to schedule); a Page token that stops working (the user removed the app,
 * changed their password, lost the Page role) shows as code 190 on the next call, and the channel
 * needs reconnecting.
 */
export class FacebookOAuthProvider implements OAuthProvider {
  readonly provider: 'facebook' | 'instagram' = 'facebook';
  readonly scopes: readonly string[] = FACEBOOK_SCOPES;
  readonly usesPkce = false;
  protected readonly graph: GraphClient;
  private readonly dialogUrl: string;

  constructor(options: MetaOptions) {
    this.graph = new GraphClient(options.graphUrl, 'Facebook');
    const version = /\/(v\d+\.\d+)\/?$/.exec(options.graphUrl)?.[1] ?? 'v26.0';
    this.dialogUrl = options.dialogUrl ?? `https://www.facebook.com/${version}/dialog/oauth`;
  }

  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string {
    const url = new URL(this.dialogUrl);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('redirect_uri', config.redirectUri);
    url.searchParams.set('state', request.state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', this.scopes.join(','));
    return url.toString();
  }

  async exchangeCode(
    config: OAuthClientConfig,
    grant: { code: string; codeVerifier: string | null },
  ): Promise<OAuthTokens> {
    const short = await this.graph.call<MetaTokenAnswer>({
      method: 'GET',
      path: '/oauth/access_token',
      params: {
        client_id: config.clientId,
        client_secret: config.clientSecret ?? undefined,
        redirect_uri: config.redirectUri,
        code: grant.code,
      },
    });
    const long = await this.graph.call<MetaTokenAnswer>({
      method: 'GET',
      path: '/oauth/access_token',
      params: {
        grant_type: 'fb_exchange_token',
        client_id: config.clientId,
        client_secret: config.clientSecret ?? undefined,
        fb_exchange_token: short.access_token,
      },
    });
    return metaTokens(long, this.scopes);
  }

  /** See the class: nothing to renew server-side; the Page token the channel uses does not expire. */
  refresh(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens> {
    return Promise.resolve({ ...tokens, accessTokenExpiresAt: null });
  }

  async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    return (await this.pages(tokens)).map((p) => ({
      id: p.id,
      name: p.name,
      kind: 'page',
      accountToken: p.access_token ?? null,
    }));
  }

  /** Every Page the user manages (following `paging.next`), with its token and Instagram business account. */
  protected async pages(tokens: OAuthTokens): Promise<PageEntry[]> {
    const pages: PageEntry[] = [];
    let next: string | undefined = this.graph.url('/me/accounts').toString();
    let params: Record<string, string> | undefined = {
      fields: 'id,name,access_token,instagram_business_account{id,username,name}',
      limit: '100',
    };
    while (next && pages.length < 1000) {
      const page: { data: PageEntry[]; paging?: { next?: string } } = await this.graph.call({
        method: 'GET',
        path: next,
        token: tokens.accessToken,
        ...(params ? { params } : {}),
      });
      pages.push(...page.data);
      next = page.paging?.next;
      params = undefined; // `next` carries them
    }
    return pages;
  }
}
