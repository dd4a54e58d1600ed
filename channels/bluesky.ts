import { createHash } from 'node:crypto';
import { AtpAgent, RichText } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { XRPCError } from '@atproto/xrpc';
import { z } from 'zod';
import { TEXT_RULES } from '../contracts/text-rules';
import {
  type ChannelAdapter,
  type MediaFacts,
  type PostMetrics,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
} from './adapter';
import { RepoWriteBatcher } from './bluesky-write-batch';
import { ChannelError, retryDelayFromHeaders } from './errors';
import { fetchLinkCard, type LinkCardOptions } from './link-card';

export const blueskyCredentialsSchema = z.strictObject({
  service: z.url({ protocol: /^https?$/ }).default('https://bsky.social'),
  identifier: z.string().min(1, 'is required: a handle or DID'),
  password: z.string().min(1, 'is required: an app password'),
});
export type BlueskyCredentials = z.infer<typeof blueskyCredentialsSchema>;

const POST_COLLECTION = 'app.bsky.feed.post';
/** app.bsky.feed.getPosts takes at most 25 URIs a call. */
const GET_POSTS_MAX = 25;
/** app.bsky.embed.images: at most 4 images, each blob at most 1,000,000 bytes. */
const MAX_IMAGES = 4;
const MAX_IMAGE_BYTES = 1_000_000;
const AUTH_ERRORS = new Set([
  'AuthenticationRequired',
  'ExpiredToken',
  'InvalidToken',
  'AccountTakedown',
  'AccountDeactivated',
  'AuthFactorTokenRequired',
]);

/** Maps what @atproto/api throws to the failure kinds the publishing workflow acts on. */
export function toChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof XRPCError) {
    const reason = `${err.error}: ${err.message}`;
    if (err.status === 429) {
      return new ChannelError(
        'rate_limited',
        `Bluesky rate limit reached (${reason})`,
        retryDelayFromHeaders(err.headers ?? {}),
      );
    }
    if (err.status === 401 || AUTH_ERRORS.has(err.error)) {
      return new ChannelError(
        'auth_failed',
        `Bluesky refused the credentials (${reason}); reconnect the channel with a new app password`,
      );
    }
    if (
      err.status === 400 &&
      (err.error === 'InvalidRequest' || err.error === 'InvalidRecord' || err.error === 'InvalidSwap')
    ) {
      return new ChannelError('invalid_content', `Bluesky rejected the post (${reason})`);
    }
    if (err.status >= 400 && err.status < 500) {
      return new ChannelError('rejected', `Bluesky refused the request (${err.status} ${reason})`);
    }
    return new ChannelError('transient', `Bluesky is unavailable (${err.status} ${reason})`);
  }
  return new ChannelError('transient', `Could not reach Bluesky: ${err instanceof Error ? err.message : String(err)}`);
}

function credentialsKey(c: BlueskyCredentials): string {
  return createHash('sha256').update(`${c.service}\n${c.identifier}\n${c.password}`).digest('hex');
}

/**
 * Bluesky over the AT Protocol. Each target gets a TID record key when it is created; publishing
 * writes the post under that key, so a retried or replayed publish finds the record already there
 * instead of creating a second one.
 */
export class BlueskyAdapter implements ChannelAdapter<BlueskyCredentials> {
  readonly provider = 'bluesky' as const;
  readonly credentialsSchema = blueskyCredentialsSchema;
  readonly limits = TEXT_RULES.bluesky.limits;
  /** Logged-in agents by credentials, so a burst of posts reuses one session per account. */
  private readonly sessions = new Map<string, Promise<AtpAgent>>();
  /** Posts to one account at the same moment share commits. */
  private readonly writes = new RepoWriteBatcher();

  /** `linkCards: false` publishes links without a card. */
  /**
   * `appviewDid`: the appview the account's PDS proxies counts and profiles to (the
   * `atproto-proxy` header, BLUESKY_APPVIEW_DID); unset: the PDS's own choice.
   */
  constructor(
    private readonly options: { linkCards: LinkCardOptions | false; appviewDid?: string } = {
      linkCards: { allowPrivateAddresses: false },
    },
  ) {}

  private get proxy(): Record<string, string> {
    return this.options.appviewDid ? { 'atproto-proxy': `${this.options.appviewDid}#bsky_appview` } : {};
  }

  validate(text: string): string[] {
    return TEXT_RULES.bluesky.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.some((m) => m.contentType.startsWith('video/'))) {
      problems.push(
        "Bluesky videos go through Bluesky's video service, which Chorus does not use yet; attach images instead",
      );
    }
    const images = media.filter((m) => m.contentType.startsWith('image/'));
    if (images.length > MAX_IMAGES)
      problems.push(`Bluesky allows at most ${MAX_IMAGES} images per post; this post has ${images.length}`);
    media.forEach((m, i) => {
      if (m.contentType.startsWith('image/') && m.bytes > MAX_IMAGE_BYTES) {
        problems.push(
          `Bluesky images may be at most ${MAX_IMAGE_BYTES.toLocaleString('en')} bytes; image ${i + 1} has ${m.bytes.toLocaleString('en')}`,
        );
      }
    });
    return problems;
  }

  async verify(credentials: BlueskyCredentials): Promise<{ accountRef: string }> {
    this.sessions.delete(credentialsKey(credentials));
    const agent = await this.agentFor(credentials);
    return { accountRef: agent.session?.did ?? credentials.identifier };
  }

  newIdempotencyKey(): string {
    return TID.nextStr();
  }

  async publish(credentials: BlueskyCredentials, request: PublishRequest): Promise<PublishResult> {
    const agent = await this.agentFor(credentials);
    const repo = agent.session!.did;
    const rkey = request.idempotencyKey;
    if (request.isRetry) {
      const existing = await this.findPost(agent, repo, rkey);
      if (existing) return existing;
    }

    try {
      const richText = new RichText({ text: request.text });
      await richText.detectFacets(agent);
      const shortLinks = request.shortLinks ?? {};
      fitShortLinkFacets(richText, Object.keys(shortLinks));
      const embed =
        request.media.length > 0
          ? await this.imagesEmbed(agent, request.media)
          : await this.linkCardEmbed(agent, richText, shortLinks);
      const record = {
        $type: POST_COLLECTION,
        text: richText.text,
        facets: richText.facets,
        ...(embed ? { embed } : {}),
        createdAt: new Date().toISOString(),
      };
      await this.writes.create(agent, credentialsKey(credentials), repo, POST_COLLECTION, rkey, record);
      return { externalId: `at://${repo}/${POST_COLLECTION}/${rkey}`, url: postUrl(repo, rkey) };
    } catch (err) {
      // The PDS refuses a second record under the same key: if ours is there, an earlier attempt won.
      const raced = await this.findPost(agent, repo, rkey).catch(() => undefined);
      if (raced) return raced;
      if (err instanceof XRPCError && err.status === 401) this.sessions.delete(credentialsKey(credentials));
      throw toChannelError(err);
    }
  }

  async delete(credentials: BlueskyCredentials, externalId: string): Promise<void> {
    const agent = await this.agentFor(credentials);
    const rkey = externalId.split('/').pop()!;
    try {
      await agent.com.atproto.repo.deleteRecord({ repo: agent.session!.did, collection: POST_COLLECTION, rkey });
    } catch (err) {
      throw toChannelError(err);
    }
  }

  /**
   * Counts from the appview (app.bsky.feed.getPosts, 25 URIs a call, through the account's PDS).
   * A URI the appview leaves out is `deleted` when the repository no longer has the record, and
   * `missing` when it does (not indexed yet, or hidden by moderation).
   */
  async readMetrics(
    credentials: BlueskyCredentials,
    uris: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    const agent = await this.agentFor(credentials);
    const metrics = new Map<string, PostMetrics>();
    let calls = 0;
    try {
      for (let i = 0; i < uris.length; i += GET_POSTS_MAX) {
        const batch = uris.slice(i, i + GET_POSTS_MAX);
        calls++;
        const { data } = await agent.app.bsky.feed.getPosts({ uris: batch }, { headers: this.proxy });
        for (const post of data.posts) {
          metrics.set(post.uri, {
            status: 'ok',
            counts: {
              likes: post.likeCount ?? 0,
              reposts: post.repostCount ?? 0,
              replies: post.replyCount ?? 0,
              quotes: post.quoteCount ?? 0,
              // Bluesky's AppView counts no views.
              impressions: null,
            },
          });
        }
        for (const uri of batch) {
          if (metrics.has(uri)) continue;
          const [, , repo, , rkey] = uri.split('/');
          calls++;
          const found = await this.findPost(agent, repo!, rkey!);
          metrics.set(uri, found ? { status: 'missing' } : { status: 'deleted' });
        }
      }
    } catch (err) {
      if (err instanceof XRPCError && err.status === 401) this.sessions.delete(credentialsKey(credentials));
      throw toChannelError(err);
    }
    return { metrics, calls };
  }

  /** followersCount of the account's profile, from the appview. */
  async readFollowers(credentials: BlueskyCredentials): Promise<number> {
    const agent = await this.agentFor(credentials);
    try {
      const { data } = await agent.app.bsky.actor.getProfile({ actor: agent.session!.did }, { headers: this.proxy });
      return data.followersCount ?? 0;
    } catch (err) {
      if (err instanceof XRPCError && err.status === 401) this.sessions.delete(credentialsKey(credentials));
      throw toChannelError(err);
    }
  }

  /** Uploads each image as a blob (content-addressed: a retry uploads the same blob again, harmlessly). */
  private async imagesEmbed(agent: AtpAgent, media: PublishMedia[]) {
    const images = [];
    for (const m of media) {
      const uploaded = await agent.uploadBlob(await m.read(), { encoding: m.contentType });
      images.push({
        image: uploaded.data.blob,
        alt: m.alt,
        ...(m.width && m.height ? { aspectRatio: { width: m.width, height: m.height } } : {}),
      });
    }
    return { $type: 'app.bsky.embed.images', images };
  }

  /**
   * The first link's card (app.bsky.embed.external), as the Bluesky app makes one: title,
   * description and thumbnail. Best effort: a page that cannot be read publishes without a card.
   * A short link's card is read from the page it redirects to (no click is made through it) and
   * points at the short link, so a click on the card is counted.
   */
  private async linkCardEmbed(agent: AtpAgent, richText: RichText, shortLinks: Record<string, string>) {
    if (!this.options.linkCards) return undefined;
    const link = richText.facets
      ?.flatMap((f) => f.features)
      .find((f): f is { $type: string; uri: string } => typeof (f as { uri?: unknown }).uri === 'string')?.uri;
    if (!link) return undefined;
    const page = shortLinks[link];
    const card = await fetchLinkCard(page ?? link, this.options.linkCards).then(
      (c) => (c && page ? { ...c, uri: link } : c),
      () => undefined,
    );
    if (!card) return undefined;
    // A thumbnail the PDS will not take leaves the card without one; the post still goes out.
    const thumb = card.image
      ? await agent.uploadBlob(card.image.bytes, { encoding: card.image.contentType }).then(
          (r) => r.data.blob,
          () => undefined,
        )
      : undefined;
    return {
      $type: 'app.bsky.embed.external',
      external: { uri: card.uri, title: card.title, description: card.description, ...(thumb ? { thumb } : {}) },
    };
  }

  private async findPost(agent: AtpAgent, repo: string, rkey: string): Promise<PublishResult | undefined> {
    try {
      const found = await agent.com.atproto.repo.getRecord({ repo, collection: POST_COLLECTION, rkey });
      return { externalId: found.data.uri, url: postUrl(repo, rkey) };
    } catch (err) {
      if (
        err instanceof XRPCError &&
        err.status === 400 &&
        /RecordNotFound|Could not locate record/i.test(`${err.error} ${err.message}`)
      ) {
        return undefined;
      }
      throw toChannelError(err);
    }
  }

  /** A logged-in agent for these credentials (one session per account; the inbox's replies and likes use it too). */
  agentFor(credentials: BlueskyCredentials): Promise<AtpAgent> {
    const key = credentialsKey(credentials);
    let session = this.sessions.get(key);
    if (!session) {
      session = (async () => {
        const agent = new AtpAgent({ service: credentials.service });
        await agent.login({ identifier: credentials.identifier, password: credentials.password });
        return agent;
      })();
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session.catch((err: unknown) => {
      throw toChannelError(err);
    });
  }
}

function postUrl(did: string, rkey: string): string {
  return `https://bsky.app/profile/${did}/post/${rkey}`;
}

/**
 * Makes each link facet that runs over a short link end where the short link ends: Bluesky's
 * detection leaves a closing quote or bracket after a link inside the link, where Chorus's link
 * reading (content/short-links.ts) does not.
 */
function fitShortLinkFacets(richText: RichText, shortUrls: string[]): void {
  if (shortUrls.length === 0) return;
  const bytes = new TextEncoder();
  for (const facet of richText.facets ?? []) {
    for (const feature of facet.features) {
      const uri = (feature as { uri?: unknown }).uri;
      if (typeof uri !== 'string') continue;
      const short = shortUrls.find((s) => uri !== s && uri.startsWith(s) && /^[^\w/?#-]+$/.test(uri.slice(s.length)));
      if (!short) continue;
      (feature as { uri: string }).uri = short;
      facet.index.byteEnd -= bytes.encode(uri.slice(short.length)).length;
    }
  }
}
