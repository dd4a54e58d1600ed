import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twitterText from 'twitter-text';
import { ConsentPages, refusePage } from './consent-page';

/**
 * A local stand-in for X's API v2, following its documents where Chorus uses it:
 * - OAuth 2.0 with PKCE (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code):
 *   the authorization page `GET /i/oauth2/authorize` (X serves it on x.com: `authorizeUrl`) with
 *   `response_type=code`, `client_id`, `redirect_uri`, `scope` (space-separated), `state` and an
 *   S256 `code_challenge` (an unknown client or a non-http(s) redirect URI: an error page, no
 *   redirect; no S256 challenge: back with `error=invalid_request`); Allow sends the browser back with
 *   `code` and `state`, Deny with `error=access_denied` and `state`;
 *   `POST /2/oauth2/token` (form; Basic auth for a confidential client, `client_id` for a public
 *   one), codes single use and checked against their S256 challenge and redirect URI, access
 *   tokens of 7200 s, and refresh tokens that rotate: each is good for one refresh;
 * - `POST /2/tweets` (201 `{ data: { id, text, edit_history_tweet_ids } }`; 280 weighted characters;
 *   403 for duplicate content; `reply.in_reply_to_tweet_id`, `media.media_ids`);
 * - the chunked media upload (`/2/media/upload/initialize`, `/{id}/append`, `/{id}/finalize`,
 *   `GET /2/media/upload?command=STATUS`) and `POST /2/media/metadata` for alt text;
 * - `GET /2/users/me`, `GET /2/users/:id/tweets` (newest first, max_results 5 to 100, text with
 *   links as t.co and `&<>` as entities), `GET /2/tweets?ids=` (public_metrics, "Not Found Error"
 *   per missing id), `DELETE /2/tweets/:id`;
 * - the inbox (https://docs.x.com/x-api/posts/user-mention-timeline-by-user-id,
 *   /x-api/users/like-post): `GET /2/users/:id/mentions` (newest first, the 800 most recent,
 *   `since_id`, `pagination_token`, max_results 5 to 100, `expansions=author_id,referenced_tweets.id`
 *   with `includes.users` and `includes.tweets`, `conversation_id`, `referenced_tweets`,
 *   `in_reply_to_user_id`, `meta.newest_id`/`oldest_id`/`next_token`), its own rate-limit window
 *   (180 requests per 15 minutes per user; 429 "Too Many Requests" once spent), and
 *   `POST /2/users/:id/likes` (`{tweet_id}`, the `like.write` scope; a second like answers as the first);
 * - problem documents (`title`, `detail`, `type`, `status`) and `x-rate-limit-limit`, `-remaining`
 *   and `-reset` (epoch seconds) on every answer.
 */
export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  in_reply_to: string | null;
  /** The post that began the thread (its own id for a post that is no reply). */
  conversation_id: string;
  quoted: string | null;
  media: { id: string; alt: string | null; sha256: string; type: string }[];
  /** As `GET /2/tweets` gives them with `tweet.fields=public_metrics` (impression_count: times X showed it). */
  public_metrics: {
    like_count: number;
    retweet_count: number;
    reply_count: number;
    quote_count: number;
    impression_count: number;
  };
}

export interface XUserAccount {
  id: string;
  username: string;
  name: string;
}

export interface XFake {
  url: string;
  user: { id: string; username: string; name: string; followers: number };
  /** Other accounts (authors of posts written with `post`), by id. */
  users: Map<string, XUserAccount>;
  /** Another account writes a post: a reply (`inReplyTo`), a quote (`quote`), or a post mentioning whomever its text names. */
  post(input: { text: string; author: XUserAccount; inReplyTo?: FakeTweet; quote?: FakeTweet }): FakeTweet;
  /** Posts each account liked, by account id. */
  likes: Map<string, Set<string>>;
  /** The mention timeline's rate-limit window: requests left, and when it resets (epoch seconds). */
  mentionsWindow: { limit: number; remaining: number; reset: number };
  /** Answer the next reads (GET, but the token endpoint) whose path starts with `path` with these instead. */
  failNextRead(
    path: string,
    ...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]
  ): void;
  clientId: string;
  clientSecret: string;
  /** The authorization page (X_AUTHORIZE_URL): `<url>/i/oauth2/authorize`. */
  authorizeUrl: string;
  /** Lifetime of the access tokens the token endpoint issues from now on (X: 7200 s). */
  accessTokenTtlSeconds: number;
  /** A valid access token for the user (as a connected channel holds it). */
  accessToken: string;
  /** A code for this authorization request, as the consent screen would send back to redirectUri. */
  authorize(request: { codeChallenge: string; redirectUri: string; scopes?: string[] }): string;
  /** The refresh tokens issued so far, and whether each is still good. */
  refreshTokens: Map<string, boolean>;
  /** Make this access token expired (X answers 401 with it). */
  expire(accessToken: string): void;
  tweets: FakeTweet[];
  /** The user's own tweets, oldest first. */
  published(): FakeTweet[];
  /** Requests received: method, path + query, and when. */
  requests: { method: string; path: string; at: number }[];
  /** Answer the next writes (POST, PUT, DELETE but the token endpoint) with these instead. */
  failNext(...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]): void;
  /** Create the next tweet whose text includes `match`, then drop the connection without answering. */
  loseAnswer(match: string): void;
  /** Finalize answers with processing_info `in_progress`; the first STATUS read says `succeeded`. */
  processAsync: boolean;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail: string, type = 'about:blank') => ({
  title,
  detail,
  type,
  status,
});

export async function startXFake(): Promise<XFake> {
  let nextId = 1_860_000_000_000_000_000n;
  const newId = () => String((nextId += 1n));
  const accessTokens = new Map<string, { expiresAt: number; scopes: string[] }>();
  const codes = new Map<string, { challenge: string; redirectUri: string; scopes: string[] }>();
  const media = new Map<
    string,
    { type: string; total: number; chunks: Buffer[]; finalized: boolean; ready: boolean; alt: string | null }
  >();
  const failures: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const readFailures: { path: string; status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  let losing: string | null = null;
  const issueAccess = (scopes: string[]) => {
    const token = `x-at-${randomBytes(12).toString('hex')}`;
    accessTokens.set(token, { expiresAt: Date.now() + fake.accessTokenTtlSeconds * 1000, scopes });
    return token;
  };
  const consentPages = new ConsentPages('X', '/i/oauth2/authorize/decision');
  const fake: XFake = {
    url: '',
    user: { id: '1500000000000000001', username: 'chorus_app', name: 'Chorus', followers: 0 },
    clientId: 'x-client-id',
    clientSecret: 'x-client-secret',
    authorizeUrl: '',
    accessTokenTtlSeconds: 7200,
    accessToken: '',
    users: new Map(),
    post({ text, author, inReplyTo, quote }) {
      fake.users.set(author.id, author);
      const tweet: FakeTweet = {
        id: newId(),
        text,
        author_id: author.id,
        created_at: new Date().toISOString(),
        in_reply_to: inReplyTo?.id ?? null,
        conversation_id: '',
        quoted: quote?.id ?? null,
        media: [],
        public_metrics: { like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, impression_count: 0 },
      };
      tweet.conversation_id = inReplyTo?.conversation_id ?? tweet.id;
      if (inReplyTo) inReplyTo.public_metrics.reply_count++;
      if (quote) quote.public_metrics.quote_count++;
      fake.tweets.push(tweet);
      return tweet;
    },
    likes: new Map(),
    mentionsWindow: { limit: 180, remaining: 180, reset: Math.ceil(Date.now() / 1000) + 900 },
    failNextRead: (path, ...responses) => void readFailures.push(...responses.map((r) => ({ ...r, path }))),
    authorize({ codeChallenge, redirectUri, scopes = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'] }) {
      const code = `x-code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { challenge: codeChallenge, redirectUri, scopes });
      return code;
    },
    refreshTokens: new Map(),
    expire: (token) => void accessTokens.set(token, { ...accessTokens.get(token)!, expiresAt: 0 }),
    tweets: [],
    published: () => fake.tweets.filter((t) => t.author_id === fake.user.id),
    requests: [],
    failNext: (...responses) => void failures.push(...responses),
    loseAnswer: (match) => void (losing = match),
    processAsync: false,
    close: async () => undefined,
  };
  fake.accessToken = issueAccess([
    'tweet.read',
    'tweet.write',
    'users.read',
    'media.write',
    'like.write',
    'offline.access',
  ]);

  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  /** Text as X returns it: links shortened to t.co, `&<>` as HTML entities. */
  const returned = (text: string) =>
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/https?:\/\/\S+/g, () => `https://t.co/${randomBytes(5).toString('hex')}`);
  const view = (t: FakeTweet, fields: string[]) => ({
    id: t.id,
    text: returned(t.text),
    edit_history_tweet_ids: [t.id],
    ...(fields.includes('created_at') ? { created_at: t.created_at } : {}),
    ...(fields.includes('author_id') ? { author_id: t.author_id } : {}),
    ...(fields.includes('public_metrics') ? { public_metrics: { ...t.public_metrics } } : {}),
    ...(fields.includes('conversation_id') ? { conversation_id: t.conversation_id } : {}),
    ...(fields.includes('in_reply_to_user_id') && t.in_reply_to
      ? { in_reply_to_user_id: fake.tweets.find((p) => p.id === t.in_reply_to)?.author_id }
      : {}),
    ...(fields.includes('referenced_tweets') && (t.in_reply_to || t.quoted)
      ? {
          referenced_tweets: [
            ...(t.in_reply_to ? [{ type: 'replied_to', id: t.in_reply_to }] : []),
            ...(t.quoted ? [{ type: 'quoted', id: t.quoted }] : []),
          ],
        }
      : {}),
  });
  const userView = (id: string, fields: string[]) => {
    const u = id === fake.user.id ? fake.user : fake.users.get(id);
    return {
      id,
      username: u?.username ?? `user${id}`,
      name: u?.name ?? `User ${id}`,
      ...(fields.includes('profile_image_url')
        ? { profile_image_url: `https://pbs.twimg.com/profile_images/${id}/normal.jpg` }
        : {}),
    };
  };
  /** Whom a post mentions: the accounts its text names, and (X puts them in front) the author of the post it replies to. */
  const mentions = (t: FakeTweet, userId: string) => {
    const username = (userId === fake.user.id ? fake.user : fake.users.get(userId))?.username;
    const replyTo = t.in_reply_to ? fake.tweets.find((p) => p.id === t.in_reply_to)?.author_id : undefined;
    return (
      t.author_id !== userId &&
      (replyTo === userId || (username !== undefined && new RegExp(`(^|[^\\w])@${username}\\b`, 'i').test(t.text)))
    );
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    const route = `${req.method} ${url.pathname}`;
    fake.requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, at: Date.now() });
    const resetAt = Math.ceil(Date.now() / 1000) + 900;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '99',
          'x-rate-limit-reset': String(resetAt),
          ...headers,
        })
        .end(body === undefined ? undefined : JSON.stringify(body));

    if (route === 'POST /2/oauth2/token') return token(req, json);
    if (route === 'GET /i/oauth2/authorize') return authorizePage(url.searchParams, res);
    if (route === 'POST /i/oauth2/authorize/decision')
      return consentPages.decide(new URLSearchParams((await readBody(req)).toString('utf8')), res);
    const readFailure = req.method === 'GET' ? readFailures.findIndex((f) => url.pathname.startsWith(f.path)) : -1;
    if (readFailure >= 0) {
      const [f] = readFailures.splice(readFailure, 1);
      return json(f!.status, f!.body ?? problem(f!.status, 'Error', 'Error'), f!.headers);
    }
    const failure = req.method === 'GET' ? undefined : failures.shift();
    if (failure)
      return json(failure.status, failure.body ?? problem(failure.status, 'Error', 'Error'), failure.headers);

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? accessTokens.get(bearer) : undefined;
    if (!grant || grant.expiresAt < Date.now()) return json(401, problem(401, 'Unauthorized', 'Unauthorized'));
    const fields = (url.searchParams.get('tweet.fields') ?? '').split(',');

    if (route === 'GET /2/users/me')
      return json(200, {
        data: {
          id: fake.user.id,
          name: fake.user.name,
          username: fake.user.username,
          ...((url.searchParams.get('user.fields') ?? '').includes('public_metrics')
            ? { public_metrics: { followers_count: fake.user.followers, following_count: 0, tweet_count: 0 } }
            : {}),
        },
      });
    const mentionTimeline = /^GET \/2\/users\/(\d+)\/mentions$/.exec(route);
    if (mentionTimeline) {
      const window = fake.mentionsWindow;
      if (window.reset * 1000 <= Date.now())
        Object.assign(window, { remaining: window.limit, reset: Math.ceil(Date.now() / 1000) + 900 });
      const limitHeaders = () => ({
        'x-rate-limit-limit': String(window.limit),
        'x-rate-limit-remaining': String(window.remaining),
        'x-rate-limit-reset': String(window.reset),
      });
      if (window.remaining <= 0)
        return json(429, problem(429, 'Too Many Requests', 'Too Many Requests'), limitHeaders());
      window.remaining--;
      const max = Number(url.searchParams.get('max_results') ?? 10);
      if (!Number.isInteger(max) || max < 5 || max > 100)
        return json(
          400,
          {
            errors: [
              {
                parameters: { max_results: [String(max)] },
                message: 'The `max_results` query parameter value is not between 5 and 100',
              },
            ],
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.twitter.com/2/problems/invalid-request',
          },
          limitHeaders(),
        );
      const since = url.searchParams.get('since_id');
      const all = fake.tweets
        .filter((t) => mentions(t, mentionTimeline[1]!) && (!since || BigInt(t.id) > BigInt(since)))
        .reverse()
        .slice(0, 800);
      const offset = Number(
        Buffer.from(url.searchParams.get('pagination_token') ?? 'MA', 'base64url').toString('utf8') || 0,
      );
      const page = all.slice(offset, offset + max);
      const expansions = (url.searchParams.get('expansions') ?? '').split(',');
      const userFields = (url.searchParams.get('user.fields') ?? '').split(',');
      const referenced = page
        .flatMap((t) => [t.in_reply_to, t.quoted])
        .map((id) => fake.tweets.find((p) => p.id === id))
        .filter((t): t is FakeTweet => t !== undefined);
      const authors = [...new Set([...page, ...referenced].map((t) => t.author_id))];
      const next = offset + max < all.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
      if (page.length === 0) return json(200, { meta: { result_count: 0 } }, limitHeaders());
      return json(
        200,
        {
          data: page.map((t) => view(t, fields)),
          includes: {
            ...(expansions.includes('author_id') ? { users: authors.map((id) => userView(id, userFields)) } : {}),
            ...(expansions.includes('referenced_tweets.id') && referenced.length
              ? { tweets: referenced.map((t) => view(t, fields)) }
              : {}),
          },
          meta: {
            result_count: page.length,
            newest_id: page[0]!.id,
            oldest_id: page[page.length - 1]!.id,
            ...(next ? { next_token: next } : {}),
          },
        },
        limitHeaders(),
      );
    }
    const like = /^POST \/2\/users\/(\d+)\/likes$/.exec(route);
    if (like) {
      if (!grant.scopes.includes('like.write'))
        return json(
          403,
          problem(403, 'Forbidden', 'Missing scope like.write', 'https://api.twitter.com/2/problems/client-forbidden'),
        );
      if (like[1] !== fake.user.id)
        return json(403, problem(403, 'Forbidden', 'You are not permitted to perform this action.'));
      const body = JSON.parse((await readBody(req)).toString('utf8')) as { tweet_id?: string };
      const liked = fake.tweets.find((t) => t.id === body.tweet_id);
      if (!liked)
        return json(400, {
          errors: [
            {
              parameters: { tweet_id: [body.tweet_id ?? ''] },
              message: 'The `tweet_id` query parameter value is invalid',
            },
          ],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      const mine = fake.likes.get(like[1]) ?? new Set<string>();
      fake.likes.set(like[1], mine);
      if (!mine.has(liked.id)) {
        mine.add(liked.id);
        liked.public_metrics.like_count++;
      }
      return json(200, { data: { liked: true } });
    }
    const timeline = /^GET \/2\/users\/(\d+)\/tweets$/.exec(route);
    if (timeline) {
      const max = Number(url.searchParams.get('max_results') ?? 10);
      if (!Number.isInteger(max) || max < 5 || max > 100)
        return json(400, {
          errors: [
            {
              parameters: { max_results: [String(max)] },
              message: 'The `max_results` query parameter value is not between 5 and 100',
            },
          ],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      const own = fake.tweets
        .filter((t) => t.author_id === timeline[1])
        .reverse()
        .slice(0, max);
      return json(
        200,
        own.length
          ? { data: own.map((t) => view(t, fields)), meta: { result_count: own.length } }
          : { meta: { result_count: 0 } },
      );
    }
    if (route === 'GET /2/tweets') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length < 1 || ids.length > 100)
        return json(
          400,
          problem(
            400,
            'Invalid Request',
            'ids must have 1 to 100 ids',
            'https://api.twitter.com/2/problems/invalid-request',
          ),
        );
      const found = ids.map((id) => fake.tweets.find((t) => t.id === id));
      const errors = ids
        .filter((_id, i) => !found[i])
        .map((id) => ({
          value: id,
          detail: `Could not find tweet with ids: [${id}].`,
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          resource_id: id,
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        }));
      const data = found.filter((t): t is FakeTweet => !!t).map((t) => view(t, fields));
      return json(200, { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) });
    }
    if (route === 'POST /2/tweets') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as {
        text?: string;
        media?: { media_ids?: string[] };
        reply?: { in_reply_to_tweet_id?: string };
      };
      const text = body.text ?? '';
      const invalid = (parameter: string, message: string) =>
        json(400, {
          errors: [{ parameters: { [parameter]: [] }, message }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      if (!text && !body.media?.media_ids?.length) return invalid('text', 'Post text or media is required');
      if (twitterText.parseTweet(text).weightedLength > 280) return invalid('text', 'Your Post text is too long.');
      const mediaIds = body.media?.media_ids ?? [];
      if (mediaIds.some((id) => !media.get(id)?.ready))
        return invalid('media.media_ids', 'Your media IDs are invalid.');
      const parent = body.reply?.in_reply_to_tweet_id;
      if (parent && !fake.tweets.some((t) => t.id === parent))
        return invalid(
          'reply.in_reply_to_tweet_id',
          'The post you are replying to has been deleted or is not visible to you.',
        );
      if (fake.published().some((t) => t.text === text))
        return json(403, problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'));
      const tweet: FakeTweet = {
        id: newId(),
        text,
        author_id: fake.user.id,
        created_at: new Date().toISOString(),
        in_reply_to: parent ?? null,
        conversation_id: fake.tweets.find((t) => t.id === parent)?.conversation_id ?? '',
        quoted: null,
        media: mediaIds.map((id) => {
          const m = media.get(id)!;
          return {
            id,
            alt: m.alt,
            type: m.type,
            sha256: createHash('sha256').update(Buffer.concat(m.chunks)).digest('hex'),
          };
        }),
        public_metrics: { like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, impression_count: 0 },
      };
      tweet.conversation_id ||= tweet.id;
      fake.tweets.push(tweet);
      if (losing !== null && text.includes(losing)) {
        losing = null;
        res.socket?.destroy();
        return;
      }
      return json(201, { data: { id: tweet.id, text: returned(text), edit_history_tweet_ids: [tweet.id] } });
    }
    const remove = /^DELETE \/2\/tweets\/(\d+)$/.exec(route);
    if (remove) {
      const i = fake.tweets.findIndex((t) => t.id === remove[1] && t.author_id === fake.user.id);
      if (i >= 0) fake.tweets.splice(i, 1);
      return json(200, { data: { deleted: i >= 0 } });
    }
    if (route === 'POST /2/media/upload/initialize') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as { media_type?: string; total_bytes?: number };
      if (!body.media_type || !body.total_bytes)
        return json(400, problem(400, 'Invalid Request', 'media_type and total_bytes are required'));
      const id = newId();
      media.set(id, {
        type: body.media_type,
        total: body.total_bytes,
        chunks: [],
        finalized: false,
        ready: false,
        alt: null,
      });
      return json(200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } });
    }
    const append = /^POST \/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(route);
    if (append) {
      const m = media.get(append[1]!);
      if (!m) return json(400, problem(400, 'Invalid Request', 'Invalid media_id'));
      if (append[2] === 'append') {
        const form = await new Request(fake.url, {
          method: 'POST',
          headers: req.headers as Record<string, string>,
          body: await readBody(req),
        }).formData();
        const chunk = form.get('media');
        if (!(chunk instanceof Blob)) return json(400, problem(400, 'Invalid Request', 'media is required'));
        m.chunks[Number(form.get('segment_index'))] = Buffer.from(await chunk.arrayBuffer());
        return json(200, {});
      }
      const size = m.chunks.reduce((n, c) => n + c.length, 0);
      if (size !== m.total)
        return json(400, problem(400, 'Invalid Request', `File size mismatch: ${size} received, ${m.total} declared`));
      m.finalized = true;
      m.ready = !fake.processAsync;
      return json(200, {
        data: {
          id: append[1],
          media_key: `3_${append[1]}`,
          size,
          expires_after_secs: 86400,
          ...(m.ready ? {} : { processing_info: { state: 'in_progress', check_after_secs: 1 } }),
        },
      });
    }
    if (route === 'GET /2/media/upload' && url.searchParams.get('command') === 'STATUS') {
      const m = media.get(url.searchParams.get('media_id') ?? '');
      if (!m?.finalized) return json(400, problem(400, 'Invalid Request', 'Invalid media_id'));
      m.ready = true;
      return json(200, {
        data: { id: url.searchParams.get('media_id'), processing_info: { state: 'succeeded', progress_percent: 100 } },
      });
    }
    if (route === 'POST /2/media/metadata') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as {
        id: string;
        metadata?: { alt_text?: { text?: string } };
      };
      const m = media.get(body.id);
      if (!m) return json(400, problem(400, 'Invalid Request', 'Invalid media id'));
      const alt = body.metadata?.alt_text?.text ?? null;
      if (alt && alt.length > 1000)
        return json(400, problem(400, 'Invalid Request', 'alt_text must be at most 1000 characters'));
      m.alt = alt;
      return json(200, { data: { associated_metadata: true, id: body.id } });
    }
    return json(404, problem(404, 'Not Found', `No route ${route}`));
  });

  /** The authorization page: the request checked as X checks it, then the consent form. */
  function authorizePage(q: URLSearchParams, res: http.ServerResponse) {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== fake.clientId || !/^https?:\/\//.test(redirectUri))
      return refusePage(res, 'Something went wrong: you weren’t able to give access to the App.');
    const state = q.get('state');
    const back = (params: Record<string, string>) => {
      const to = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, ...(state !== null ? { state } : {}) }))
        to.searchParams.set(k, v);
      res.writeHead(302, { location: to.toString() }).end();
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256')
      return back({ error: 'invalid_request', error_description: 'code_challenge with S256 is required' });
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    consentPages.show(res, {
      redirectUri,
      state,
      asks: `Chorus wants to use your account @${fake.user.username}: ${scopes.join(', ')}`,
      allow: () => ({ code: fake.authorize({ codeChallenge: challenge, redirectUri, scopes }) }),
      denied: { error: 'access_denied' },
    });
  }

  /** The token endpoint: codes (PKCE S256, the same redirect URI, single use) and rotating refresh tokens. */
  async function token(req: http.IncomingMessage, json: (status: number, body: unknown) => void) {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [form.get('client_id')];
    if (id !== fake.clientId || (basic && secret !== fake.clientSecret))
      return json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    const invalid = (what: string) =>
      json(400, { error: 'invalid_request', error_description: `Value passed for the ${what} was invalid.` });
    let scopes: string[];
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code) return invalid('authorization code');
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return invalid('code verifier');
      if (form.get('redirect_uri') !== code.redirectUri) return invalid('redirect uri');
      scopes = code.scopes;
    } else if (form.get('grant_type') === 'refresh_token') {
      const old = form.get('refresh_token') ?? '';
      if (fake.refreshTokens.get(old) !== true) return invalid('token');
      fake.refreshTokens.set(old, false); // rotated: good once
      scopes = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'];
    } else return json(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
    const refresh = scopes.includes('offline.access') ? `x-rt-${randomBytes(12).toString('hex')}` : undefined;
    if (refresh) fake.refreshTokens.set(refresh, true);
    return json(200, {
      token_type: 'bearer',
      expires_in: fake.accessTokenTtlSeconds,
      access_token: issueAccess(scopes),
      scope: scopes.join(' '),
      ...(refresh ? { refresh_token: refresh } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.authorizeUrl = `${fake.url}/i/oauth2/authorize`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
