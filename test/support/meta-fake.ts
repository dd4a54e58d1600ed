import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsentPages, refusePage } from './consent-page';

/**
 * A local stand-in for Meta's Graph API (Facebook Pages, Instagram business accounts) and the
 * Threads API, on two ports, following the published documents where Chorus uses them:
 * - the authorization step: Facebook Login's dialog `GET /{version}/dialog/oauth` (client_id,
 *   redirect_uri, state, response_type=code, scope comma-separated; on www.facebook.com, here on the
 *   Graph port: `dialogUrl`) and Threads' `GET /oauth/authorize` (on threads.net, here on the Threads
 *   port: `threadsAuthorizeUrl`); an unknown app or redirect URI: an error page; Allow sends the
 *   browser back with `code` and `state`, Cancel with `error=access_denied`,
 *   `error_reason=user_denied`, `error_description` and `state`; each code is bound to its redirect URI;
 * - tokens (Bearer or `access_token`): code → short-lived user token (1 h) → long-lived (60 days,
 *   `fb_exchange_token` / `th_exchange_token`); Page tokens from `/me/accounts` never expire; Threads'
 *   `th_refresh_token` renews a long-lived token at least a day old and unexpired; an expired or
 *   unknown token answers 400 `{error: {type: OAuthException, code: 190, error_subcode: 463|…}}`;
 * - Pages: `/{page}/feed` (message, link, attached_media), unpublished `/{page}/photos` (multipart
 *   `source`), `/{page}/published_posts`, a post's reactions/comments/shares summaries;
 * - Instagram and Threads containers: `POST /{user}/media` (`/threads`) fetches `image_url` for real
 *   (an unreachable or non-image URL: 400 code 9004 / subcode 2207052), IN_PROGRESS for
 *   `processingPolls` status reads then FINISHED (or ERROR when asked), `media_publish`
 *   (`threads_publish`) of a FINISHED container only, PUBLISHED after; the account's latest media;
 *   `content_publishing_limit` / `threads_publishing_limit`;
 * - errors `{error: {message, type, code, error_subcode, fbtrace_id}}`; throttling as code 4/17/32/613
 *   with `X-Business-Use-Case-Usage` (`estimated_time_to_regain_access`, minutes) and `X-App-Usage`,
 *   which every answer carries.
 */
export interface FakeContainer {
  id: string;
  network: 'instagram' | 'threads';
  userId: string;
  mediaType: string;
  caption: string;
  /** sha256 of what the fake fetched from image_url / video_url. */
  fetched: string | null;
  children: string[];
  isCarouselItem: boolean;
  polls: number;
  status: 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';
  error?: string;
}

export interface FakeMedia {
  id: string;
  network: 'instagram' | 'threads';
  userId: string;
  containerId: string;
  caption: string;
  children: FakeContainer[];
  fetched: string | null;
  timestamp: string;
  permalink: string;
  likeCount: number;
  commentsCount: number;
}

export interface FakeFeedPost {
  id: string;
  pageId: string;
  message: string;
  link: string | null;
  photos: { id: string; sha256: string; alt: string | null }[];
  created_time: string;
  permalink_url: string;
  reactions: number;
}

interface Token {
  kind: 'short' | 'long' | 'page' | 'threads-short' | 'threads-long';
  userId: string;
  pageId?: string;
  issuedAt: number;
  expiresAt: number | null;
}

export interface MetaFake {
  graphUrl: string;
  threadsUrl: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  page: { id: string; name: string; token: string };
  instagram: { id: string; username: string };
  threadsUser: { id: string; username: string; token: string };
  /** Status reads a new container stays IN_PROGRESS for. */
  processingPolls: number;
  /** The next container made ends in ERROR with this message. */
  failNextContainer: string | null;
  feed: FakeFeedPost[];
  unpublishedPhotos: Map<string, { sha256: string; alt: string | null }>;
  containers: Map<string, FakeContainer>;
  media: FakeMedia[];
  /** More Pages the user manages, listed after `page` by `/me/accounts` (each with a Page token and, maybe, an Instagram account). */
  morePages: { id: string; name: string; instagram: { id: string; username: string } | null }[];
  /** Long-lived Threads tokens issued from now on: their lifetime, and how long ago they count as issued (refresh needs a day). */
  threadsLongLived: { lifetimeMs: number; issuedAgoMs: number };
  /** Facebook Login's dialog and Threads' authorization window, as served here. */
  dialogUrl: string;
  threadsAuthorizeUrl: string;
  /** Every request: method, host (graph or threads) and path. */
  requests: { method: string; host: 'graph' | 'threads'; path: string }[];
  /** An authorization code the login dialog would hand back (`network`: which app). */
  issueCode(network: 'facebook' | 'threads', redirectUri?: string): string;
  /** Token for a Threads user aged by `ageMs` (refresh needs a day), expiring `expiresInMs` from now. */
  issueThreadsToken(options: { ageMs: number; expiresInMs: number }): string;
  /** The next request whose path matches answers with a throttling error (code, minutes to wait). */
  throttleNext(match: RegExp, code: 4 | 17 | 32 | 613, minutes: number): void;
  /** The next request whose path matches is carried out, but its connection dropped before the answer. */
  loseNextAnswer(match: RegExp): void;
  close(): Promise<void>;
}

const LONG_LIVED_MS = 60 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export async function startMetaFake(): Promise<MetaFake> {
  const tokens = new Map<string, Token>();
  const newToken = (prefix: string, token: Token) => {
    const value = `${prefix}${randomBytes(12).toString('hex')}`;
    tokens.set(value, token);
    return value;
  };
  const codes = new Map<string, { network: 'facebook' | 'threads'; redirectUri: string }>();
  const consentPages = {
    graph: new ConsentPages('Facebook', '/v26.0/dialog/oauth/decision'),
    threads: new ConsentPages('Threads', '/oauth/authorize/decision'),
  };
  const pageTokens = new Map<string, string>();
  let ids = 17_900_000_000_000_000n;
  const nextId = () => String(++ids);
  const throttles: { match: RegExp; code: number; minutes: number }[] = [];
  const losses: RegExp[] = [];
  const userId = '10150000000000001';
  const pageId = '1040000000000001';
  const pageToken = newToken('EAAPage', { kind: 'page', userId, pageId, issuedAt: Date.now(), expiresAt: null });
  const threadsUserId = '25000000000000001';
  const threadsToken = newToken('THQ', {
    kind: 'threads-long',
    userId: threadsUserId,
    issuedAt: Date.now(),
    expiresAt: Date.now() + LONG_LIVED_MS,
  });

  const fake: Omit<MetaFake, 'graphUrl' | 'threadsUrl' | 'dialogUrl' | 'threadsAuthorizeUrl' | 'close'> = {
    app: { clientId: '1234567890', clientSecret: 'app-secret', redirectUri: 'http://127.0.0.1/v1/channels/callback/x' },
    page: { id: pageId, name: 'Chorus Coffee', token: pageToken },
    instagram: { id: '17841400000000001', username: 'chorus.coffee' },
    threadsUser: { id: threadsUserId, username: 'chorus.threads', token: threadsToken },
    processingPolls: 0,
    morePages: [],
    threadsLongLived: { lifetimeMs: LONG_LIVED_MS, issuedAgoMs: 0 },
    failNextContainer: null,
    feed: [],
    unpublishedPhotos: new Map(),
    containers: new Map(),
    media: [],
    requests: [],
    issueCode(network, redirectUri = fake.app.redirectUri) {
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { network, redirectUri });
      return code;
    },
    issueThreadsToken({ ageMs, expiresInMs }) {
      return newToken('THQ', {
        kind: 'threads-long',
        userId: threadsUserId,
        issuedAt: Date.now() - ageMs,
        expiresAt: Date.now() + expiresInMs,
      });
    },
    throttleNext(match, code, minutes) {
      throttles.push({ match, code, minutes });
    },
    loseNextAnswer(match) {
      losses.push(match);
    },
  };

  class GraphFailure extends Error {
    constructor(
      readonly status: number,
      readonly body: { message: string; type: string; code: number; error_subcode?: number },
      readonly headers: Record<string, string> = {},
    ) {
      super(body.message);
    }
  }
  const fail = (status: number, code: number, message: string, subcode?: number, type = 'OAuthException') =>
    new GraphFailure(status, { message, type, code, ...(subcode ? { error_subcode: subcode } : {}) });
  const param = (code: string) => fail(400, 100, `(#100) ${code}`, undefined, 'GraphMethodException');

  const authenticate = (token: string | undefined, kinds: Token['kind'][]): Token => {
    const found = token ? tokens.get(token) : undefined;
    if (!found || !kinds.includes(found.kind))
      throw fail(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (found.expiresAt !== null && found.expiresAt <= Date.now())
      throw fail(400, 190, 'Error validating access token: Session has expired', 463);
    return found;
  };

  /** Fetches a container's media from its URL, as Instagram and Threads do. */
  const fetchMedia = async (url: string | undefined, kind: 'image' | 'video'): Promise<string> => {
    if (!url) throw param(`The parameter ${kind}_url is required`);
    const response = await fetch(url).catch(() => undefined);
    const type = response?.headers.get('content-type') ?? '';
    if (!response?.ok || !type.startsWith(`${kind}/`))
      throw fail(400, 9004, 'Media download has failed. The media URI doesn\u2019t meet our requirements.', 2207052);
    return createHash('sha256')
      .update(Buffer.from(await response.arrayBuffer()))
      .digest('hex');
  };

  const makeContainer = async (network: 'instagram' | 'threads', owner: string, p: URLSearchParams) => {
    const mediaType = p.get('media_type') ?? (p.get('video_url') ? 'VIDEO' : 'IMAGE');
    const children = p.get('children')?.split(',').filter(Boolean) ?? [];
    let fetched: string | null = null;
    if (mediaType === 'CAROUSEL') {
      if (children.length < 2 || children.some((c) => !fake.containers.get(c)?.isCarouselItem))
        throw param('children must name at least 2 carousel item containers');
    } else if (mediaType === 'TEXT') {
      if (network !== 'threads') throw param('media_type TEXT is not supported');
      if (!p.get('text')) throw param('The parameter text is required for TEXT posts');
    } else if (mediaType === 'IMAGE') fetched = await fetchMedia(p.get('image_url') ?? undefined, 'image');
    else if (mediaType === 'REELS' || mediaType === 'VIDEO')
      fetched = await fetchMedia(p.get('video_url') ?? undefined, 'video');
    else throw param(`media_type ${mediaType} is not supported`);
    const caption = p.get(network === 'threads' ? 'text' : 'caption') ?? '';
    if (network === 'instagram' && [...caption].length > 2200) throw param('The caption is too long');
    const container: FakeContainer = {
      id: nextId(),
      network,
      userId: owner,
      mediaType,
      caption,
      fetched,
      children,
      isCarouselItem: p.get('is_carousel_item') === 'true',
      polls: 0,
      status: 'IN_PROGRESS',
    };
    if (fake.failNextContainer !== null && !container.isCarouselItem) {
      container.error = fake.failNextContainer;
      fake.failNextContainer = null;
    }
    fake.containers.set(container.id, container);
    return { id: container.id };
  };

  const readContainer = (container: FakeContainer) => {
    if (container.status === 'IN_PROGRESS' && ++container.polls > fake.processingPolls)
      container.status = container.error ? 'ERROR' : 'FINISHED';
    return container;
  };

  const publishContainer = (network: 'instagram' | 'threads', owner: string, creationId: string | null) => {
    const container = creationId ? fake.containers.get(creationId) : undefined;
    if (!container || container.userId !== owner || container.network !== network)
      throw param('The parameter creation_id is invalid');
    if (container.status !== 'FINISHED')
      throw fail(400, 9007, 'The media is not ready for publishing, please wait for a moment', 2207027);
    container.status = 'PUBLISHED';
    const id = nextId();
    fake.media.push({
      id,
      network,
      userId: owner,
      containerId: container.id,
      caption: container.caption,
      children: container.children.map((c) => fake.containers.get(c)!),
      fetched: container.fetched,
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
      permalink:
        network === 'instagram'
          ? `https://www.instagram.com/p/${id}/`
          : `https://www.threads.net/@chorus.threads/post/${id}`,
      likeCount: 0,
      commentsCount: 0,
    });
    return { id };
  };

  const quota = (network: 'instagram' | 'threads', owner: string) => {
    const since = Date.now() - DAY_MS;
    const used = fake.media.filter(
      (m) => m.network === network && m.userId === owner && Date.parse(m.timestamp) > since,
    ).length;
    return {
      data: [
        { quota_usage: used, config: { quota_total: network === 'instagram' ? 100 : 250, quota_duration: 86400 } },
      ],
    };
  };

  const latest = (network: 'instagram' | 'threads', owner: string) =>
    fake.media
      .filter((m) => m.network === network && m.userId === owner)
      .reverse()
      .slice(0, 25);

  /** A managed Page's own token (never expires), the same at every listing. */
  const pageTokenOf = (id: string) => {
    let token = pageTokens.get(id);
    if (!token) {
      token = newToken('EAAPage', { kind: 'page', userId, pageId: id, issuedAt: Date.now(), expiresAt: null });
      pageTokens.set(id, token);
    }
    return token;
  };

  /**
   * The authorization pages (Facebook Login's dialog, Threads' window) and their consent forms; false
   * for any other request.
   */
  function authorization(
    host: 'graph' | 'threads',
    method: string,
    path: string,
    p: URLSearchParams,
    res: http.ServerResponse,
  ) {
    const pages = consentPages[host];
    const page = host === 'graph' ? '/dialog/oauth' : '/oauth/authorize';
    if (method === 'POST' && path === `${page}/decision`) {
      void pages.decide(p, res);
      return true;
    }
    if (method !== 'GET' || path !== page) return false;
    const redirectUri = p.get('redirect_uri') ?? '';
    if (p.get('client_id') !== fake.app.clientId || !/^https?:\/\//.test(redirectUri)) {
      refusePage(res, "Invalid App ID: the provided app ID or redirect URI does not look like a valid app's.");
      return true;
    }
    const network = host === 'graph' ? 'facebook' : 'threads';
    const scopes = (p.get('scope') ?? '').split(',').filter(Boolean);
    pages.show(res, {
      redirectUri,
      state: p.get('state'),
      asks:
        network === 'facebook'
          ? `Chorus is requesting access to: ${scopes.join(', ')} for the Pages ${[fake.page.name, ...fake.morePages.map((m) => m.name)].join(', ')}`
          : `Chorus would like to access @${fake.threadsUser.username}: ${scopes.join(', ')}`,
      allow: () => ({ code: fake.issueCode(network, redirectUri) }),
      denied: { error: 'access_denied', error_reason: 'user_denied', error_description: 'Permissions error.' },
    });
    return true;
  }

  async function graph(
    method: string,
    path: string,
    p: URLSearchParams,
    form: FormData | null,
    token: string | undefined,
  ): Promise<unknown> {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'oauth' && parts[1] === 'access_token' && method === 'GET') {
      if (p.get('client_id') !== fake.app.clientId || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 1, 'Error validating client secret.');
      if (p.get('grant_type') === 'fb_exchange_token') {
        authenticate(p.get('fb_exchange_token') ?? undefined, ['short']);
        return {
          access_token: newToken('EAALong', {
            kind: 'long',
            userId,
            issuedAt: Date.now(),
            expiresAt: Date.now() + LONG_LIVED_MS,
          }),
          token_type: 'bearer',
          expires_in: LONG_LIVED_MS / 1000,
        };
      }
      const code = p.get('code') ?? '';
      const issued = codes.get(code);
      if (issued?.network !== 'facebook' || p.get('redirect_uri') !== issued.redirectUri)
        throw fail(400, 100, 'Invalid verification code format.', 36007);
      codes.delete(code); // single use
      return {
        access_token: newToken('EAAShort', {
          kind: 'short',
          userId,
          issuedAt: Date.now(),
          expiresAt: Date.now() + 3600_000,
        }),
        token_type: 'bearer',
        expires_in: 3600,
      };
    }
    if (parts[0] === 'me' && parts[1] === 'accounts') {
      authenticate(token, ['short', 'long']);
      return {
        data: [
          {
            id: pageId,
            name: fake.page.name,
            access_token: pageToken,
            category: 'Coffee Shop',
            tasks: ['CREATE_CONTENT', 'MANAGE', 'MODERATE'],
            instagram_business_account: { id: fake.instagram.id, username: fake.instagram.username },
          },
          ...fake.morePages.map((more) => ({
            id: more.id,
            name: more.name,
            access_token: pageTokenOf(more.id),
            category: 'Brand',
            tasks: ['CREATE_CONTENT', 'MANAGE'],
            ...(more.instagram ? { instagram_business_account: more.instagram } : {}),
          })),
        ],
        paging: { cursors: { before: 'QVFI', after: 'QVFI' } },
      };
    }
    const [node, edge] = parts;
    // Pages
    if (node === pageId) {
      authenticate(token, ['page']);
      if (!edge && method === 'GET') return { id: pageId, name: fake.page.name, followers_count: 1234 };
      if (edge === 'photos' && method === 'POST') {
        const source = form?.get('source');
        if (!(source instanceof Blob)) throw param('No photo was sent (source)');
        const id = nextId();
        const sha256 = createHash('sha256')
          .update(Buffer.from(await source.arrayBuffer()))
          .digest('hex');
        const alt = form?.get('alt_text_custom');
        fake.unpublishedPhotos.set(id, { sha256, alt: typeof alt === 'string' ? alt : null });
        return { id };
      }
      if (edge === 'feed' && method === 'POST') {
        const photos: FakeFeedPost['photos'] = [];
        for (let i = 0; p.has(`attached_media[${i}]`); i++) {
          const fbid = (JSON.parse(p.get(`attached_media[${i}]`)!) as { media_fbid: string }).media_fbid;
          const photo = fake.unpublishedPhotos.get(fbid);
          if (!photo) throw param(`attached_media[${i}] names no unpublished photo of this Page`);
          photos.push({ id: fbid, ...photo });
        }
        const message = p.get('message') ?? '';
        if (!message && photos.length === 0 && !p.get('link')) throw param('The post is empty');
        const id = `${pageId}_${nextId()}`;
        fake.feed.push({
          id,
          pageId,
          message,
          link: p.get('link'),
          photos,
          created_time: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
          permalink_url: `https://www.facebook.com/${pageId}/posts/${id.split('_')[1]}`,
          reactions: 0,
        });
        return { id };
      }
      if (edge === 'published_posts' && method === 'GET')
        return {
          data: fake.feed
            .slice()
            .reverse()
            .slice(0, Number(p.get('limit') ?? 25)),
        };
    }
    const post = fake.feed.find((f) => f.id === node);
    if (post && !edge) {
      authenticate(token, ['page']);
      if (method === 'DELETE') {
        fake.feed.splice(fake.feed.indexOf(post), 1);
        return { success: true };
      }
      return {
        id: post.id,
        permalink_url: post.permalink_url,
        reactions: { data: [], summary: { total_count: post.reactions } },
        comments: { data: [], summary: { total_count: 0 } },
      };
    }
    // Instagram
    if (node === fake.instagram.id) {
      authenticate(token, ['page', 'long']);
      if (!edge && method === 'GET') return { id: node, username: fake.instagram.username, followers_count: 321 };
      if (edge === 'media' && method === 'POST') return makeContainer('instagram', node, p);
      if (edge === 'media' && method === 'GET') {
        return {
          data: latest('instagram', node).map((m) => ({
            id: m.id,
            caption: m.caption,
            timestamp: m.timestamp,
            permalink: m.permalink,
          })),
        };
      }
      if (edge === 'media_publish' && method === 'POST')
        return publishContainer('instagram', node, p.get('creation_id'));
      if (edge === 'content_publishing_limit') return quota('instagram', node);
    }
    const container = node ? fake.containers.get(node) : undefined;
    if (container?.network === 'instagram' && !edge) {
      authenticate(token, ['page', 'long']);
      const c = readContainer(container);
      return {
        id: c.id,
        status_code: c.status,
        status:
          c.status === 'ERROR'
            ? `Error: ${c.error}`
            : 'Finished: Media has been uploaded and it is ready to be published.',
      };
    }
    const igMedia = fake.media.find((m) => m.id === node && m.network === 'instagram');
    if (igMedia && !edge) {
      authenticate(token, ['page', 'long']);
      return {
        id: igMedia.id,
        permalink: igMedia.permalink,
        like_count: igMedia.likeCount,
        comments_count: igMedia.commentsCount,
      };
    }
    throw fail(
      400,
      100,
      `Unsupported ${method} request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      33,
      'GraphMethodException',
    );
  }

  async function threads(
    method: string,
    path: string,
    p: URLSearchParams,
    token: string | undefined,
  ): Promise<unknown> {
    if (path === '/oauth/access_token' && method === 'POST') {
      const code = p.get('code') ?? '';
      if (p.get('client_id') !== fake.app.clientId || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 101, 'Error validating application. Invalid application ID.');
      const issued = codes.get(code);
      if (
        issued?.network !== 'threads' ||
        p.get('redirect_uri') !== issued.redirectUri ||
        p.get('grant_type') !== 'authorization_code'
      )
        throw fail(400, 100, 'Invalid verification code', 36007);
      codes.delete(code);
      return {
        access_token: newToken('THS', {
          kind: 'threads-short',
          userId: threadsUserId,
          issuedAt: Date.now(),
          expiresAt: Date.now() + 3600_000,
        }),
        user_id: Number(threadsUserId),
      };
    }
    if (path === '/access_token' && method === 'GET') {
      if (p.get('grant_type') !== 'th_exchange_token' || p.get('client_secret') !== fake.app.clientSecret)
        throw fail(400, 100, 'Invalid grant_type or client_secret');
      authenticate(p.get('access_token') ?? undefined, ['threads-short']);
      return {
        access_token: newToken('THQ', {
          kind: 'threads-long',
          userId: threadsUserId,
          issuedAt: Date.now() - fake.threadsLongLived.issuedAgoMs,
          expiresAt: Date.now() + fake.threadsLongLived.lifetimeMs,
        }),
        token_type: 'bearer',
        expires_in: Math.floor(fake.threadsLongLived.lifetimeMs / 1000),
      };
    }
    if (path === '/refresh_access_token' && method === 'GET') {
      if (p.get('grant_type') !== 'th_refresh_token') throw fail(400, 100, 'Invalid grant_type');
      const current = authenticate(p.get('access_token') ?? undefined, ['threads-long']);
      if (Date.now() - current.issuedAt < DAY_MS)
        throw fail(400, 190, 'The access token must be at least 24 hours old to be refreshed', 467);
      return {
        access_token: newToken('THQ', {
          kind: 'threads-long',
          userId: threadsUserId,
          issuedAt: Date.now() - fake.threadsLongLived.issuedAgoMs,
          expiresAt: Date.now() + fake.threadsLongLived.lifetimeMs,
        }),
        token_type: 'bearer',
        expires_in: Math.floor(fake.threadsLongLived.lifetimeMs / 1000),
      };
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1.0') throw fail(404, 803, `Unknown path ${path}`);
    const [node, edge] = parts.slice(1);
    authenticate(token, ['threads-long']);
    if ((node === 'me' || node === threadsUserId) && !edge)
      return { id: threadsUserId, username: fake.threadsUser.username, name: 'Chorus on Threads' };
    if (node === threadsUserId) {
      if (edge === 'threads' && method === 'POST') return makeContainer('threads', node, p);
      if (edge === 'threads' && method === 'GET')
        return {
          data: latest('threads', node).map((m) => ({
            id: m.id,
            text: m.caption,
            timestamp: m.timestamp,
            permalink: m.permalink,
          })),
        };
      if (edge === 'threads_publish' && method === 'POST')
        return publishContainer('threads', node, p.get('creation_id'));
      if (edge === 'threads_publishing_limit') return quota('threads', node);
      if (edge === 'threads_insights') return { data: [{ name: 'followers_count', total_value: { value: 99 } }] };
    }
    const container = node ? fake.containers.get(node) : undefined;
    if (container?.network === 'threads' && !edge) {
      const c = readContainer(container);
      return { id: c.id, status: c.status, ...(c.status === 'ERROR' ? { error_message: c.error } : {}) };
    }
    const media = fake.media.find((m) => m.id === node && m.network === 'threads');
    if (media && !edge) return { id: media.id, permalink: media.permalink };
    if (media && edge === 'insights')
      return {
        data: ['likes', 'replies', 'reposts', 'quotes'].map((name) => ({
          name,
          period: 'lifetime',
          values: [{ value: name === 'likes' ? media.likeCount : 0 }],
          id: `${media.id}/insights/${name}/lifetime`,
        })),
      };
    throw fail(400, 100, `Object with ID '${node}' does not exist`, 33, 'THApiException');
  }

  const usage = JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 });
  const handler =
    (host: 'graph' | 'threads', prefix: string) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const contentType = req.headers['content-type'] ?? '';
      let form: FormData | null = null;
      const params = new URLSearchParams(url.searchParams);
      if (contentType.startsWith('multipart/form-data'))
        form = await new Request('http://fake', {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        }).formData();
      else if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString())) params.set(k, v);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? params.get('access_token') ?? undefined;
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
      fake.requests.push({ method, host, path });
      if (authorization(host, method, path, params, res)) return;
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-app-usage': usage, ...headers });
        res.end(JSON.stringify(json));
      };
      const throttle = throttles.findIndex((t) => t.match.test(path));
      if (throttle >= 0) {
        const [t] = throttles.splice(throttle, 1);
        const buc = {
          [pageId]: [
            {
              type: 'pages',
              call_count: 100,
              total_cputime: 40,
              total_time: 60,
              estimated_time_to_regain_access: t!.minutes,
            },
          ],
        };
        answer(
          400,
          {
            error: {
              message: t!.code === 4 ? '(#4) Application request limit reached' : `(#${t!.code}) Rate limit reached`,
              type: 'OAuthException',
              code: t!.code,
              is_transient: true,
              fbtrace_id: randomBytes(8).toString('base64url'),
            },
          },
          {
            'x-business-use-case-usage': JSON.stringify(buc),
            'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 20, total_time: 30 }),
          },
        );
        return;
      }
      try {
        const result =
          host === 'graph'
            ? await graph(method, path, params, form, token)
            : await threads(method, url.pathname, params, token);
        const lose = losses.findIndex((l) => l.test(path));
        if (lose >= 0) {
          losses.splice(lose, 1);
          res.socket?.destroy();
          return;
        }
        answer(200, result);
      } catch (err) {
        if (!(err instanceof GraphFailure)) {
          answer(500, { error: { message: String(err), type: 'OAuthException', code: 2, is_transient: true } });
          return;
        }
        answer(err.status, { error: { ...err.body, fbtrace_id: randomBytes(8).toString('base64url') } }, err.headers);
      }
    };

  const graphServer = http.createServer(handler('graph', '/v26.0'));
  const threadsServer = http.createServer(handler('threads', ''));
  await Promise.all(
    [graphServer, threadsServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))),
  );
  const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
  // The same object the handlers read, so that a test's settings (processingPolls, …) reach them.
  return Object.assign(fake, {
    graphUrl: `http://127.0.0.1:${portOf(graphServer)}/v26.0`,
    threadsUrl: `http://127.0.0.1:${portOf(threadsServer)}/v1.0`,
    dialogUrl: `http://127.0.0.1:${portOf(graphServer)}/v26.0/dialog/oauth`,
    threadsAuthorizeUrl: `http://127.0.0.1:${portOf(threadsServer)}/oauth/authorize`,
    async close() {
      for (const s of [graphServer, threadsServer]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  });
}

/** A minimal baseline JPEG header of the given size (SOI, JFIF, SOF0, EOI): enough for size sniffing, not for decoding. */
export function jpeg(width: number, height: number, seed = 0): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  const comment = Buffer.from([0xff, 0xfe, 0x00, 0x06, seed & 0xff, (seed >> 8) & 0xff, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, comment, sof, Buffer.from([0xff, 0xd9])]);
}
