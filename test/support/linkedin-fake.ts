import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsentPages, refusePage } from './consent-page';

/**
 * A local stand-in for LinkedIn, following its documents where Chorus uses it:
 * - 3-legged OAuth (https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow,
 *   /programmatic-refresh-tokens): the authorization page `GET /oauth/v2/authorization`
 *   (`response_type=code`, `client_id`, `redirect_uri`, `state`, `scope` space-delimited; an unknown
 *   client or redirect URI: an error page), Allow sends the browser back with `code` and `state`,
 *   Cancel with `error=user_cancelled_authorize`, `error_description` and `state`;
 *   `POST /oauth/v2/accessToken` (form, client_id and client_secret),
 *   single-use codes, access tokens of 60 days, and a refresh token of a year whose refresh returns
 *   a new access token and the same refresh token with what is left of its year;
 * - `GET /v2/userinfo` (OpenID), `GET /rest/organizationAcls?q=roleAssignee`, `GET /rest/organizations/:id`;
 * - the Posts API (`POST /rest/posts`: 201, the post's URN in `x-restli-id`; `GET /rest/posts?q=author`;
 *   `DELETE /rest/posts/:urn`: 204), needing `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`;
 *   commentary over 3,000 characters refused (422), a duplicate of a recent post refused (422 naming it);
 * - the Images API (`POST /rest/images?action=initializeUpload`, then a PUT of the bytes to its uploadUrl);
 * - the Comments API (https://learn.microsoft.com/linkedin/marketing/community-management/shares/comments-api):
 *   `GET /rest/socialActions/{postUrn|commentUrn}/comments` (`start`, `count`, `paging.total`),
 *   `GET /rest/socialActions/{target}/comments/{id}`, `POST /rest/socialActions/{target}/comments`
 *   (201, the comment in the body and its id in `x-restli-id`; `parentComment` nests one level);
 *   comment URNs `urn:li:comment:(<post URN>,<id>)`;
 * - the Reactions API (`POST /rest/reactions?actor=` with `root` and `reactionType`: 201;
 *   `GET /rest/reactions/(actor:…,entity:…)`: 404 when there is none);
 * - social metadata (`GET /rest/socialActions/{postUrn}`: `likesSummary`, `commentsSummary`) and
 *   `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&shares=List(…)&ugcPosts=List(…)`
 *   (`totalShareStatistics` per post of the organization);
 * - an organization's followers (`GET /rest/networkSizes/{orgUrn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`:
 *   `firstDegreeSize`; 403 for an organization the member does not administer);
 * - Rest.li error bodies (`status`, `serviceErrorCode`, `code`, `message`) and 429 when throttled.
 */
export interface FakeLinkedInPost {
  id: string;
  author: string;
  commentary: string;
  createdAt: number;
  content?: { media?: { id: string; altText?: string }; multiImage?: { images: { id: string; altText?: string }[] } };
}

export interface FakeLinkedInComment {
  id: string;
  urn: string;
  /** The post it is on. */
  post: string;
  actor: string;
  text: string;
  createdAt: number;
  /** The top-level comment it is under (LinkedIn nests one level), or null. */
  parentComment: string | null;
}

export interface LinkedInFake {
  url: string;
  /** The OAuth endpoints' base (LINKEDIN_OAUTH_URL). */
  oauthUrl: string;
  member: { sub: string; name: string };
  organizations: { id: string; name: string }[];
  clientId: string;
  clientSecret: string;
  /** Lifetime of the access tokens issued from now on (LinkedIn: 60 days). */
  accessTokenTtlSeconds: number;
  accessToken: string;
  /** A code for a consent to these scopes, as LinkedIn sends it back to redirectUri. */
  authorize(request: { redirectUri: string; scopes?: string[] }): string;
  /** Whether the app has r_member_social (few do): without it reading a member's posts is 403. */
  memberPostsReadable: boolean;
  posts: FakeLinkedInPost[];
  comments: FakeLinkedInComment[];
  /** Someone comments on a post, or (`parent`) under a comment. */
  comment(input: { post: string; actor: string; text: string; parent?: FakeLinkedInComment }): FakeLinkedInComment;
  /** Reactions by `<actor> <entity>`: their type. */
  reactions: Map<string, string>;
  /** Followers of each organization (by its URN), as its network size reports them. */
  organizationFollowers: Map<string, number>;
  /** Impressions, clicks and reposts of organization posts, as its share statistics report them. */
  shareStatistics: Map<string, { impressionCount: number; clickCount: number; shareCount: number }>;
  /** Answer the next reads (GET) whose path starts with `path` with these instead. */
  failNextRead(
    path: string,
    ...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]
  ): void;
  /** Uploaded images by URN: their bytes' hash once PUT. */
  images: Map<string, { owner: string; sha256: string | null }>;
  requests: { method: string; path: string; at: number; headers: http.IncomingHttpHeaders }[];
  failNext(...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]): void;
  /** Create the next post or comment, then drop the connection without answering. */
  loseNextAnswer: boolean;
  close(): Promise<void>;
}

const restliError = (status: number, message: string, code?: string, serviceErrorCode = 0) => ({
  status,
  serviceErrorCode,
  ...(code ? { code } : {}),
  message,
});

export async function startLinkedInFake(): Promise<LinkedInFake> {
  let nextId = 7_300_000_000_000_000_000n;
  const newId = () => String((nextId += 1n));
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Map<string, number>(); // token → expiry (ms)
  const codes = new Map<string, { redirectUri: string; scopes: string[] }>();
  const failures: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const ttl = { seconds: 5_184_000 };
  const readFailures: { path: string; status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const issueAccess = () => {
    const token = `li-at-${randomBytes(12).toString('hex')}`;
    accessTokens.set(token, Date.now() + ttl.seconds * 1000);
    return token;
  };
  const consentPages = new ConsentPages('LinkedIn', '/oauth/v2/authorization/decision');
  const fake: LinkedInFake = {
    url: '',
    oauthUrl: '',
    member: { sub: 'abC1dEf2', name: 'Ann Chorus' },
    organizations: [{ id: '5515715', name: 'Chorus Inc.' }],
    clientId: 'li-client-id',
    clientSecret: 'li-client-secret',
    get accessTokenTtlSeconds() {
      return ttl.seconds;
    },
    set accessTokenTtlSeconds(seconds) {
      ttl.seconds = seconds;
    },
    accessToken: issueAccess(),
    authorize({ redirectUri, scopes = ['openid', 'profile', 'w_member_social', 'w_organization_social'] }) {
      const code = `li-code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { redirectUri, scopes });
      return code;
    },
    memberPostsReadable: false,
    posts: [],
    comments: [],
    comment({ post, actor, text, parent }) {
      const id = newId();
      const comment: FakeLinkedInComment = {
        id,
        urn: `urn:li:comment:(${post},${id})`,
        post,
        actor,
        text,
        createdAt: Date.now(),
        parentComment: parent ? (parent.parentComment ?? parent.urn) : null,
      };
      fake.comments.push(comment);
      return comment;
    },
    reactions: new Map(),
    organizationFollowers: new Map(),
    shareStatistics: new Map(),
    failNextRead: (path, ...responses) => void readFailures.push(...responses.map((r) => ({ ...r, path }))),
    images: new Map(),
    requests: [],
    failNext: (...responses) => void failures.push(...responses),
    loseNextAnswer: false,
    close: async () => undefined,
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  const memberUrn = () => `urn:li:person:${fake.member.sub}`;
  /** What LinkedIn shows of a commentary: little text's escapes undone, hashtags as #tag. */
  const shown = (commentary: string) => commentary.replace(/\{hashtag\|\\#\|([^}]*)\}/g, '#$1').replace(/\\(.)/g, '$1');

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    const route = `${req.method} ${url.pathname}`;
    fake.requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      at: Date.now(),
      headers: req.headers,
    });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(body === undefined ? undefined : JSON.stringify(body));

    if (route === 'POST /oauth/v2/accessToken') return token(req, json);
    if (route === 'GET /oauth/v2/authorization') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== fake.clientId || !/^https?:\/\//.test(redirectUri))
        return refusePage(res, 'The redirect_uri does not match the registered value');
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      return consentPages.show(res, {
        redirectUri,
        state: q.get('state'),
        asks: `Chorus would like to: ${scopes.join(', ')} (as ${fake.member.name})`,
        allow: () => ({ code: fake.authorize({ redirectUri, scopes }) }),
        denied: { error: 'user_cancelled_authorize', error_description: 'The user cancelled the authorization' },
      });
    }
    if (route === 'POST /oauth/v2/authorization/decision')
      return consentPages.decide(new URLSearchParams((await readBody(req)).toString('utf8')), res);
    const readFailure = req.method === 'GET' ? readFailures.findIndex((f) => url.pathname.startsWith(f.path)) : -1;
    if (readFailure >= 0) {
      const [f] = readFailures.splice(readFailure, 1);
      return json(f!.status, f!.body ?? restliError(f!.status, 'Error'), f!.headers);
    }
    const failure = req.method === 'GET' ? undefined : failures.shift();
    if (failure) return json(failure.status, failure.body ?? restliError(failure.status, 'Error'), failure.headers);

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? accessTokens.get(bearer) : undefined;
    if (!expiry || expiry < Date.now())
      return json(401, restliError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600));

    if (route === 'GET /v2/userinfo')
      return json(200, { sub: fake.member.sub, name: fake.member.name, given_name: 'Ann', family_name: 'Chorus' });
    if (url.pathname.startsWith('/rest/')) {
      if (!/^\d{6}$/.test(String(req.headers['linkedin-version'] ?? '')))
        return json(
          400,
          restliError(
            400,
            'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
            'VERSION_MISSING',
          ),
        );
      if (req.headers['x-restli-protocol-version'] !== '2.0.0' && req.method !== 'PUT')
        return json(400, restliError(400, 'X-Restli-Protocol-Version 2.0.0 is required'));
    }
    if (route === 'GET /rest/organizationAcls')
      return json(200, {
        elements: fake.organizations.map((o) => ({
          organization: `urn:li:organization:${o.id}`,
          role: 'ADMINISTRATOR',
          state: 'APPROVED',
          roleAssignee: memberUrn(),
        })),
        paging: { count: 10, start: 0, total: fake.organizations.length },
      });
    const org = /^GET \/rest\/organizations\/(\d+)$/.exec(route);
    if (org) {
      const found = fake.organizations.find((o) => o.id === org[1]);
      return found
        ? json(200, { id: Number(found.id), localizedName: found.name, vanityName: found.name.toLowerCase() })
        : json(404, restliError(404, 'Not found'));
    }
    if (route === 'POST /rest/images' && url.searchParams.get('action') === 'initializeUpload') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as {
        initializeUploadRequest?: { owner?: string };
      };
      const owner = body.initializeUploadRequest?.owner;
      if (!owner) return json(422, restliError(422, 'owner is required'));
      const image = `urn:li:image:C4E${randomBytes(6).toString('hex')}`;
      fake.images.set(image, { owner, sha256: null });
      return json(200, {
        value: {
          uploadUrlExpiresAt: Date.now() + 3600_000,
          uploadUrl: `${fake.url}/dms-uploads/${encodeURIComponent(image)}`,
          image,
        },
      });
    }
    const upload = /^PUT \/dms-uploads\/(.+)$/.exec(route);
    if (upload) {
      const image = fake.images.get(decodeURIComponent(upload[1]!));
      if (!image) return json(404, restliError(404, 'Not found'));
      image.sha256 = createHash('sha256')
        .update(await readBody(req))
        .digest('hex');
      return json(201, undefined);
    }
    if (route === 'POST /rest/posts') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as Omit<FakeLinkedInPost, 'id' | 'createdAt'> & {
        lifecycleState?: string;
        visibility?: string;
      };
      const inputError = (fieldPath: string, description: string) =>
        json(422, {
          errorDetailType: 'com.linkedin.common.error.BadRequest',
          message: `${description} [/${fieldPath}]`,
          errorDetails: { inputErrors: [{ description, input: { inputPath: { fieldPath } }, code: 'INVALID_VALUE' }] },
          status: 422,
        });
      if (body.author !== memberUrn() && !fake.organizations.some((o) => body.author === `urn:li:organization:${o.id}`))
        return json(403, restliError(403, `Not enough permissions to post as ${body.author}`, 'ACCESS_DENIED', 100));
      if (!body.lifecycleState || !body.visibility) return inputError('lifecycleState', 'is required');
      if ([...new Intl.Segmenter().segment(shown(body.commentary ?? ''))].length > 3000)
        return inputError('commentary', 'Text length exceeds the maximum of 3000 characters');
      const images = [body.content?.media, ...(body.content?.multiImage?.images ?? [])].filter((m) => m !== undefined);
      if (images.some((m) => fake.images.get(m.id)?.sha256 == null))
        return inputError('content', 'Image not found or not uploaded');
      const duplicate = fake.posts.find(
        (p) => p.author === body.author && p.commentary === body.commentary && Date.now() - p.createdAt < 3600_000,
      );
      if (duplicate) return json(422, restliError(422, `Content is a duplicate of ${duplicate.id}`, 'DUPLICATE_POST'));
      const post: FakeLinkedInPost = {
        id: `urn:li:share:${newId()}`,
        author: body.author,
        commentary: body.commentary ?? '',
        createdAt: Date.now(),
        ...(body.content ? { content: body.content } : {}),
      };
      fake.posts.push(post);
      if (fake.loseNextAnswer) {
        fake.loseNextAnswer = false;
        res.socket?.destroy();
        return;
      }
      return res.writeHead(201, { 'x-restli-id': post.id, 'x-linkedin-id': post.id }).end();
    }
    if (route === 'GET /rest/posts' && url.searchParams.get('q') === 'author') {
      const author = url.searchParams.get('author') ?? '';
      if (author.startsWith('urn:li:person:') && !fake.memberPostsReadable)
        return json(
          403,
          restliError(
            403,
            'Not enough permissions to access: partnerApiPostsExternal.FINDER-author',
            'ACCESS_DENIED',
            100,
          ),
        );
      const count = Math.min(Number(url.searchParams.get('count') ?? 10), 100);
      const elements = fake.posts
        .filter((p) => p.author === author)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, count)
        .map((p) => ({ ...p, lifecycleState: 'PUBLISHED', visibility: 'PUBLIC', lastModifiedAt: p.createdAt }));
      return json(200, { elements, paging: { count, start: 0, links: [] } });
    }
    const socialActions = /^\/rest\/socialActions\/([^/]+)(\/comments(?:\/(\d+))?)?$/.exec(url.pathname);
    if (socialActions) {
      const target = decodeURIComponent(socialActions[1]!);
      const post = fake.posts.find((p) => p.id === target);
      const onComment = fake.comments.find((c) => c.urn === target);
      if (!post && !onComment) return json(404, restliError(404, `${target} does not exist`, 'NOT_FOUND'));
      const under = (c: FakeLinkedInComment) =>
        onComment ? c.parentComment === onComment.urn : c.post === target && c.parentComment === null;
      const commentView = (c: FakeLinkedInComment) => {
        const nested = fake.comments.filter((n) => n.parentComment === c.urn).length;
        return {
          id: c.id,
          commentUrn: c.urn,
          $URN: c.urn,
          actor: c.actor,
          object: c.post,
          ...(c.parentComment ? { parentComment: c.parentComment } : {}),
          created: { actor: c.actor, time: c.createdAt },
          lastModified: { actor: c.actor, time: c.createdAt },
          message: { text: c.text, attributes: [] },
          likesSummary: {
            totalLikes: [...fake.reactions.keys()].filter((k) => k.endsWith(` ${c.urn}`)).length,
            likedByCurrentUser: false,
          },
          commentsSummary: { totalFirstLevelComments: nested, aggregatedTotalComments: nested },
        };
      };
      if (req.method === 'GET' && !socialActions[2]) {
        const comments = fake.comments.filter((c) => c.post === target);
        return json(200, {
          target,
          likesSummary: {
            totalLikes: [...fake.reactions.keys()].filter((k) => k.endsWith(` ${target}`)).length,
            likedByCurrentUser: false,
            selectedLikes: [],
          },
          commentsSummary: {
            totalFirstLevelComments: comments.filter((c) => c.parentComment === null).length,
            aggregatedTotalComments: comments.length,
            selectedComments: [],
          },
        });
      }
      if (req.method === 'GET' && socialActions[3]) {
        const found = fake.comments.find(
          (c) => c.id === socialActions[3] && (c.post === target || c.parentComment === target),
        );
        return found ? json(200, commentView(found)) : json(404, restliError(404, 'Comment not found', 'NOT_FOUND'));
      }
      if (req.method === 'GET') {
        const start = Number(url.searchParams.get('start') ?? 0);
        const count = Math.min(Number(url.searchParams.get('count') ?? 10), 100);
        const all = fake.comments.filter(under).sort((a, b) => b.createdAt - a.createdAt);
        return json(200, {
          elements: all.slice(start, start + count).map(commentView),
          paging: { start, count, total: all.length, links: [] },
        });
      }
      if (req.method === 'POST' && !socialActions[3]) {
        const body = JSON.parse((await readBody(req)).toString('utf8')) as {
          actor?: string;
          object?: string;
          message?: { text?: string };
          parentComment?: string;
        };
        if (body.actor !== memberUrn() && !fake.organizations.some((o) => body.actor === `urn:li:organization:${o.id}`))
          return json(
            403,
            restliError(403, `Not enough permissions to comment as ${body.actor}`, 'ACCESS_DENIED', 100),
          );
        if (!body.message?.text) return json(422, restliError(422, '/message/text is required', 'FIELD_REQUIRED'));
        const parent = body.parentComment ? fake.comments.find((c) => c.urn === body.parentComment) : undefined;
        if (body.parentComment && !parent)
          return json(404, restliError(404, `${body.parentComment} does not exist`, 'NOT_FOUND'));
        if (parent?.parentComment)
          return json(422, restliError(422, 'Comments nest one level: parentComment must be a top-level comment'));
        if (parent && onComment?.urn !== parent.urn)
          return json(422, restliError(422, 'parentComment must be the comment the request is made on'));
        const created = fake.comment({
          post: post?.id ?? onComment!.post,
          actor: body.actor!,
          text: body.message.text,
          ...(parent ? { parent } : {}),
        });
        if (fake.loseNextAnswer) {
          fake.loseNextAnswer = false;
          res.socket?.destroy();
          return;
        }
        return json(201, commentView(created), { 'x-restli-id': created.id });
      }
    }
    if (route === 'POST /rest/reactions') {
      const actor = url.searchParams.get('actor') ?? '';
      const body = JSON.parse((await readBody(req)).toString('utf8')) as { root?: string; reactionType?: string };
      if (actor !== memberUrn() && !fake.organizations.some((o) => actor === `urn:li:organization:${o.id}`))
        return json(403, restliError(403, `Not enough permissions to react as ${actor}`, 'ACCESS_DENIED', 100));
      if (!['LIKE', 'PRAISE', 'EMPATHY', 'INTEREST', 'APPRECIATION', 'ENTERTAINMENT'].includes(body.reactionType ?? ''))
        return json(422, restliError(422, 'reactionType is invalid', 'INVALID_VALUE'));
      const root = body.root ?? '';
      if (!fake.posts.some((p) => p.id === root) && !fake.comments.some((c) => c.urn === root))
        return json(404, restliError(404, `${root} does not exist`, 'NOT_FOUND'));
      fake.reactions.set(`${actor} ${root}`, body.reactionType!);
      return res.writeHead(201, { 'x-restli-id': `urn:li:reaction:(${actor},${root})` }).end();
    }
    const reaction = /^GET \/rest\/reactions\/\(actor:(.+),entity:(.+)\)$/.exec(route);
    if (reaction) {
      const key = `${decodeURIComponent(reaction[1]!)} ${decodeURIComponent(reaction[2]!)}`;
      const type = fake.reactions.get(key);
      return type
        ? json(200, { reactionType: type, root: decodeURIComponent(reaction[2]!), created: { time: Date.now() } })
        : json(404, restliError(404, 'Reaction not found', 'NOT_FOUND'));
    }
    const networkSize = /^GET \/rest\/networkSizes\/([^/]+)$/.exec(route);
    if (networkSize) {
      const org = decodeURIComponent(networkSize[1]!);
      if (url.searchParams.get('edgeType') !== 'COMPANY_FOLLOWED_BY_MEMBER')
        return json(400, restliError(400, 'edgeType must be COMPANY_FOLLOWED_BY_MEMBER for an organization'));
      if (!fake.organizations.some((o) => org === `urn:li:organization:${o.id}`))
        return json(403, restliError(403, `Not enough permissions to access ${org}`, 'ACCESS_DENIED', 100));
      return json(200, { firstDegreeSize: fake.organizationFollowers.get(org) ?? 0 });
    }
    if (route === 'GET /rest/organizationalEntityShareStatistics') {
      if (url.searchParams.get('q') !== 'organizationalEntity')
        return json(400, restliError(400, 'q must be organizationalEntity'));
      const org = url.searchParams.get('organizationalEntity') ?? '';
      if (!fake.organizations.some((o) => org === `urn:li:organization:${o.id}`))
        return json(403, restliError(403, `Not enough permissions to access ${org}`, 'ACCESS_DENIED', 100));
      const list = (name: string) =>
        (/^List\((.*)\)$/.exec(url.searchParams.get(name) ?? '')?.[1] ?? '')
          .split(',')
          .filter(Boolean)
          .map(decodeURIComponent);
      const elements = [
        ...list('shares').map((id): { share?: string; ugcPost?: string } => ({ share: id })),
        ...list('ugcPosts').map((id): { share?: string; ugcPost?: string } => ({ ugcPost: id })),
      ]
        .filter((e) => fake.posts.some((p) => p.id === (e.share ?? e.ugcPost) && p.author === org))
        .map((e) => {
          const id = e.share ?? e.ugcPost!;
          const stats = fake.shareStatistics.get(id) ?? { impressionCount: 0, clickCount: 0, shareCount: 0 };
          const comments = fake.comments.filter((c) => c.post === id).length;
          const likes = [...fake.reactions.keys()].filter((k) => k.endsWith(` ${id}`)).length;
          return {
            ...e,
            organizationalEntity: org,
            totalShareStatistics: {
              ...stats,
              uniqueImpressionsCount: stats.impressionCount,
              likeCount: likes,
              commentCount: comments,
              engagement: stats.impressionCount
                ? (stats.clickCount + likes + comments + stats.shareCount) / stats.impressionCount
                : 0,
            },
          };
        });
      return json(200, { elements, paging: { count: elements.length, start: 0, links: [] } });
    }
    const remove = /^DELETE \/rest\/posts\/(.+)$/.exec(route);
    if (remove) {
      const i = fake.posts.findIndex((p) => p.id === decodeURIComponent(remove[1]!));
      if (i >= 0) fake.posts.splice(i, 1);
      return res.writeHead(204).end();
    }
    return json(404, restliError(404, `No resource ${route}`));
  });

  async function token(req: http.IncomingMessage, json: (status: number, body: unknown) => void) {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('client_id') !== fake.clientId || form.get('client_secret') !== fake.clientSecret)
      return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const invalid = () =>
      json(400, {
        error: 'invalid_request',
        error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked',
      });
    let refresh: string;
    let scopes = 'openid,profile,w_member_social,w_organization_social';
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || form.get('redirect_uri') !== code.redirectUri) return invalid();
      refresh = `li-rt-${randomBytes(12).toString('hex')}`;
      refreshTokens.set(refresh, Date.now() + 31_536_000_000);
      scopes = code.scopes.join(',');
    } else if (form.get('grant_type') === 'refresh_token') {
      refresh = form.get('refresh_token') ?? '';
      const expiresAt = refreshTokens.get(refresh);
      if (!expiresAt || expiresAt < Date.now()) return invalid();
    } else return json(400, { error: 'unsupported_grant_type', error_description: 'grant_type is invalid' });
    return json(200, {
      access_token: issueAccess(),
      expires_in: fake.accessTokenTtlSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: Math.floor((refreshTokens.get(refresh)! - Date.now()) / 1000),
      scope: scopes,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.oauthUrl = `${fake.url}/oauth/v2`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
