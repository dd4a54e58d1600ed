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
import { FacebookOAuthProvider, pageToken, type MetaOptions } from './facebook';
import {
  findRecentByText,
  GraphClient,
  graphPostGone,
  permalinkOf,
  publishThroughContainer,
  readInsight,
  type ContainerStatus,
} from './meta-graph';
import type { OAuthClientConfig } from './oauth';

/** Instagram's content publishing rules (https://developers.facebook.com/docs/instagram-platform/content-publishing). */
const IMAGE_TYPES = new Set(['image/jpeg']);
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const VIDEO_TYPES = new Set(['video/mp4']);
const MAX_VIDEO_BYTES = 100 * 1024 * 1024;
const MAX_CAROUSEL = 10;
/** Aspect ratios a feed image may have: 4:5 to 1.91:1. */
const MIN_RATIO = 4 / 5;
const MAX_RATIO = 1.91;

export const INSTAGRAM_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'instagram_basic',
  'instagram_content_publish',
  'instagram_manage_insights',
  // The inbox: reading and replying to comments, reading the media the account is tagged in.
  'instagram_manage_comments',
] as const;

/**
 * Instagram business accounts over the Graph API with Facebook Login: the two-step flow
 * (`POST /{ig-user}/media` makes a container that Instagram fills by fetching the media from a URL,
 * `GET /{container}?fields=status_code` until FINISHED, `POST /{ig-user}/media_publish creation_id`)
 * for an image, a carousel (a child container per item, then a CAROUSEL container naming them) or a
 * reel (video). Instagram fetches each medium from Chorus's signed media URL (CHORUS_APP_URL). A post
 * needs media; the caption has 2,200 characters, 30 hashtags and 20 @tags. The container id is kept
 * between attempts (channels/meta-graph.ts), so a retry publishes that container, once.
 */
export class InstagramAdapter implements ChannelAdapter<OAuthCredentials> {
  readonly provider = 'instagram' as const;
  readonly credentialsSchema = oauthCredentialsSchema;
  readonly limits = TEXT_RULES.instagram.limits;
  /** Its Graph client (the inbox connector, channels/inbox-meta.ts, calls through it too). */
  readonly graph: GraphClient;

  constructor(
    options: MetaOptions,
    private readonly mediaUrls: MediaUrls | undefined,
  ) {
    this.graph = new GraphClient(options.graphUrl, 'Instagram');
  }

  validate(text: string): string[] {
    return TEXT_RULES.instagram.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.length === 0) problems.push('Instagram posts need an image or a video');
    if (media.length > MAX_CAROUSEL)
      problems.push(`Instagram carousels take at most ${MAX_CAROUSEL} items; this post has ${media.length}`);
    media.forEach((m, i) => {
      const n = i + 1;
      if (IMAGE_TYPES.has(m.contentType)) {
        if (m.bytes > MAX_IMAGE_BYTES)
          problems.push(
            `Instagram images may be at most 8 MB; attachment ${n} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
          );
        if (m.width && m.height) {
          const ratio = m.width / m.height;
          if (ratio < MIN_RATIO - 0.005 || ratio > MAX_RATIO + 0.005)
            problems.push(`Instagram images must be between 4:5 and 1.91:1; attachment ${n} is ${m.width}×${m.height}`);
        }
      } else if (VIDEO_TYPES.has(m.contentType)) {
        if (m.bytes > MAX_VIDEO_BYTES)
          problems.push(
            `Instagram videos may be at most 100 MB; attachment ${n} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
          );
      } else problems.push(`Instagram takes JPEG images and MP4 videos; attachment ${n} is ${m.contentType}`);
      if (graphemeLength(m.alt) > 1000)
        problems.push(`Instagram alt text may be at most 1000 characters (attachment ${n})`);
    });
    return problems;
  }

  async verify(credentials: OAuthCredentials): Promise<{ accountRef: string }> {
    const user = await this.graph.call<{ id: string; username?: string }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}`,
      token: pageToken(credentials, 'Instagram'),
      params: { fields: 'id,username' },
    });
    return { accountRef: user.username ? `@${user.username}` : user.id };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: OAuthCredentials, request: PublishRequest): Promise<PublishResult> {
    const token = pageToken(credentials, 'Instagram');
    const user = encodeURIComponent(credentials.account.id);
    const media = request.media;
    if (media.length === 0) throw new ChannelError('invalid_content', 'Instagram posts need an image or a video');
    const container = (params: Record<string, string | undefined>) =>
      this.graph.call<{ id: string }>({ method: 'POST', path: `/${user}/media`, token, params });
    return publishThroughContainer(
      {
        network: 'Instagram',
        create: async () => {
          if (media.length === 1) return (await container({ ...this.item(media[0]!), caption: request.text })).id;
          const children: string[] = [];
          for (const m of media)
            children.push((await container({ ...this.item(m, true), is_carousel_item: 'true' })).id);
          return (await container({ media_type: 'CAROUSEL', children: children.join(','), caption: request.text })).id;
        },
        status: async (id) => {
          const c = await this.graph.call<{ status_code: ContainerStatus; status?: string }>({
            method: 'GET',
            path: `/${encodeURIComponent(id)}`,
            token,
            params: { fields: 'status_code,status' },
          });
          return { status: c.status_code, message: c.status };
        },
        publish: async (id) =>
          (
            await this.graph.call<{ id: string }>({
              method: 'POST',
              path: `/${user}/media_publish`,
              token,
              params: { creation_id: id },
            })
          ).id,
        findPublished: () =>
          findRecentByText(this.graph, {
            path: `/${user}/media`,
            token,
            textField: 'caption',
            text: request.text,
            publishAt: request.publishAt,
          }),
        permalink: (id) => permalinkOf(this.graph, id, token),
      },
      request.networkState,
    );
  }

  /** One medium as container parameters: an image URL (with alt text), or a video (a reel, or a carousel's VIDEO item). */
  private item(m: PublishMedia, inCarousel = false): Record<string, string | undefined> {
    if (!this.mediaUrls)
      throw new ChannelError(
        'invalid_content',
        'Instagram fetches media from a URL, and this Chorus serves none (set CHORUS_APP_URL)',
      );
    const url = this.mediaUrls.urlFor(m);
    if (VIDEO_TYPES.has(m.contentType)) return { media_type: inCarousel ? 'VIDEO' : 'REELS', video_url: url };
    return { image_url: url, alt_text: m.alt || undefined };
  }

  delete(): Promise<void> {
    return Promise.reject(
      new ChannelError('rejected', "Instagram's API does not delete posts; delete it in the Instagram app"),
    );
  }

  /**
   * like_count and comments_count of each media (https://developers.facebook.com/docs/instagram-platform/reference/instagram-media),
   * and its views as impressions from a second call, `GET /{media}/insights?metric=views` (Meta's
   * replacement for `impressions` since 2025; null when refused).
   */
  async readMetrics(
    credentials: OAuthCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    return readMetricsOneByOne(
      ids,
      async (id, called) => {
        const m = await this.graph.call<{ like_count?: number; comments_count?: number }>({
          method: 'GET',
          path: `/${encodeURIComponent(id)}`,
          token: pageToken(credentials, 'Instagram'),
          params: { fields: 'like_count,comments_count' },
        });
        return {
          likes: m.like_count ?? 0,
          replies: m.comments_count ?? 0,
          reposts: 0,
          quotes: null,
          impressions: await readInsight(this.graph, pageToken(credentials, 'Instagram'), id, 'views', called),
        };
      },
      graphPostGone,
    );
  }

  async readFollowers(credentials: OAuthCredentials): Promise<number> {
    const user = await this.graph.call<{ followers_count?: number }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}`,
      token: pageToken(credentials, 'Instagram'),
      params: { fields: 'followers_count' },
    });
    return user.followers_count ?? 0;
  }

  /** How many posts the account may still publish in the current 24 hours (`content_publishing_limit`). */
  async publishingQuota(credentials: OAuthCredentials): Promise<{ used: number; total: number }> {
    const answer = await this.graph.call<{ data: { quota_usage: number; config?: { quota_total?: number } }[] }>({
      method: 'GET',
      path: `/${encodeURIComponent(credentials.account.id)}/content_publishing_limit`,
      token: pageToken(credentials, 'Instagram'),
      params: { fields: 'quota_usage,config' },
    });
    const entry = answer.data[0];
    return { used: entry?.quota_usage ?? 0, total: entry?.config?.quota_total ?? 100 };
  }
}

/**
 * Instagram's half of Facebook Login: the same code and long-lived token exchange (and the same
 * honest renewal: the Page token does not expire), and the accounts are the Pages' linked
 * Instagram business accounts, each acting with its Page's token.
 */
export class InstagramOAuthProvider extends FacebookOAuthProvider {
  override readonly provider = 'instagram' as const;
  override readonly scopes: readonly string[] = INSTAGRAM_SCOPES;

  override async listAccounts(_config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]> {
    return (await this.pages(tokens)).flatMap((p) =>
      p.instagram_business_account
        ? [
            {
              id: p.instagram_business_account.id,
              name: p.instagram_business_account.username ?? p.instagram_business_account.name ?? p.name,
              kind: 'instagram_business',
              accountToken: p.access_token ?? null,
            },
          ]
        : [],
    );
  }
}
