import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a Mastodon instance, following the documented API where Chorus reads it
 * (https://docs.joinmastodon.org/methods/timelines/#tag, /methods/search/#v2, /api/rate-limits/):
 * Status entities with string ids longer than a double holds, newest first; `max_id`, `since_id`,
 * `min_id` and `limit` (default 20, at most 40); a `Link` header with `next` (older) and `prev`
 * (newer) on non-empty timeline pages; X-RateLimit-Limit / -Remaining / -Reset on every answer and
 * 429 once the budget is spent; 422 "requires an authenticated user" when public preview is off;
 * 401 for a wrong token. Search finds statuses only for a signed-in user.
 */
export interface FakeStatus {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  spoiler_text: string;
  language: string | null;
  account: { id: string; username: string; acct: string; bot: boolean };
  reblog: FakeStatus | null;
  tags: { name: string; url: string }[];
  card: { url: string } | null;
  /** Set them to what a test needs (GET /api/v1/statuses/:id reads them). */
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  mentions: { id: string; username: string; acct: string; url: string }[];
}

/** A Notification entity (https://docs.joinmastodon.org/entities/Notification/), mentions only here. */
export interface FakeNotification {
  id: string;
  type: 'mention';
  created_at: string;
  account: FakeStatus['account'];
  status: FakeStatus;
}

export interface MastodonFake {
  url: string;
  token: string;
  /** The `chorus` account's followers_count. */
  followers: number;
  /** Requests received: path + query, and when. */
  requests: { path: string; at: Date }[];
  /** Public timelines need a token (the instance turned public preview off). */
  previewDisabled: boolean;
  /** How search answers `min_id`: the page right after it (as timelines do), or the newest page above it. */
  searchOrder: 'adjacent' | 'newest';
  /** Requests allowed per window, and when the window resets. */
  rateLimit: { limit: number; remaining: number; resetAt: Date };
  post(input: {
    text: string;
    html?: string;
    acct: string;
    tags?: string[];
    bot?: boolean;
    language?: string;
    reblogOf?: FakeStatus;
    /** A reply to this status (its thread is the root's). */
    inReplyTo?: FakeStatus;
    /** `direct`: a private mention, part of a direct conversation of its thread. */
    visibility?: FakeStatus['visibility'];
  }): FakeStatus;
  /** The stored status itself (a test sets its counts on it), or undefined once deleted. */
  status(id: string): FakeStatus | undefined;
  /**
   * What the token's account (`chorus`) was notified of: a status by someone else that mentions
   * `@chorus` notifies it (GET /api/v1/notifications), and a direct one also joins (or starts) the
   * direct conversation of its thread (GET /api/v1/conversations).
   */
  notifications: FakeNotification[];
  conversations: Map<string, { id: string; lastStatus: FakeStatus; accounts: FakeStatus['account'][] }>;
  /** Statuses the token's own account (`chorus`) created through POST /api/v1/statuses. */
  published(): (FakeStatus & { media: FakeAttachment[] })[];
  /** Uploaded media; `processAsync` answers 202 and needs one more GET before it is ready. */
  media: Map<string, FakeAttachment>;
  processAsync: boolean;
  /**
   * Answer the next writes (POST, PUT, DELETE) with these instead (e.g. a 429 with X-RateLimit-Reset):
   * reads by the inbox and the metrics collector, which poll on their own clocks, pass untouched.
   */
  failNext(...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]): void;
  /** Create the next status, then drop the connection without answering (the answer is lost). */
  loseNextAnswer: boolean;
  /** Status ids the token's account favourited (POST /api/v1/statuses/:id/favourite), each once. */
  favourited: Set<string>;
  /** Idempotency keys live an hour on Mastodon: forget them, as if that hour had passed. */
  forgetIdempotencyKeys(): void;
  /** Behave as an instance older than 4.3: no `GET /api/v1/statuses?id[]=` (a 404). */
  before43: boolean;
  /** Wait this long before each answer (a network's round trip; benches). */
  latencyMs: number;
  close(): Promise<void>;
}

export interface FakeAttachment {
  id: string;
  type: 'image' | 'video';
  url: string | null;
  description: string | null;
  sha256: string;
  polls: number;
}

const MAX_LIMIT = 40;

/** Status text as Mastodon renders it: escaped, in a paragraph, a remote mention shown as its local part. */
const render = (text: string) =>
  `<p>${text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&#39;')
    .replace(
      /@(\w+)@([\w.-]+\w)/g,
      '<span class="h-card"><a href="https://$2/@$1" class="u-url mention">@<span>$1</span></a></span>',
    )}</p>`;
const ids = (base: bigint) => {
  let next = base;
  return () => String((next += 1n));
};
const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** Mastodon's counting: graphemes, every URL as 23, remote mentions as their local part. */
const lengthOf = (text: string) =>
  [
    ...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(
      text.replace(/https?:\/\/\S+/g, 'x'.repeat(23)).replace(/@(\w+)@[\w.-]+\w/g, '@$1'),
    ),
  ].length;

export async function startMastodonFake(): Promise<MastodonFake> {
  const statuses: FakeStatus[] = [];
  const statusMedia = new Map<string, FakeAttachment[]>();
  const idempotency = new Map<string, FakeStatus>();
  const failures: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const nextId = ids(113_000_000_000_000_000n);
  const nextNotificationId = ids(500_000n);
  // Account ids as an instance gives them: stable per account, the token's own (`chorus`) is 1.
  const accountIds = new Map<string, string>([['chorus', '1']]);
  const accountId = (username: string) => {
    if (!accountIds.has(username)) accountIds.set(username, String(100 + accountIds.size));
    return accountIds.get(username)!;
  };
  const conversationIds = new Map<string, string>();
  const rootOf = (status: FakeStatus): FakeStatus => {
    let current = status;
    while (current.in_reply_to_id) {
      const parent = statuses.find((s) => s.id === current.in_reply_to_id);
      if (!parent) break;
      current = parent;
    }
    return current;
  };
  const fake: MastodonFake = {
    url: '',
    token: 'fake-mastodon-token',
    followers: 0,
    requests: [],
    previewDisabled: false,
    searchOrder: 'adjacent',
    rateLimit: { limit: 300, remaining: 300, resetAt: new Date(Date.now() + 300_000) },
    post({ text, html, acct, tags = [], bot = false, language = 'en', reblogOf, inReplyTo, visibility = 'public' }) {
      const id = nextId();
      const host = new URL(fake.url).host;
      const username = acct.split('@')[0]!;
      const mentioned = [...text.matchAll(/(?:^|[^\w@])@(\w+)(?:@([\w.-]+\w))?/g)].map((m) => m[1]!);
      const status: FakeStatus = {
        id,
        uri: `${fake.url}/users/${username}/statuses/${id}`,
        url: `${fake.url}/@${username}/${id}`,
        created_at: new Date().toISOString(),
        content: reblogOf ? '' : (html ?? render(text)),
        spoiler_text: '',
        language,
        account: { id: accountId(username), username, acct: acct.endsWith(`@${host}`) ? username : acct, bot },
        reblog: reblogOf ?? null,
        tags: reblogOf?.tags ?? tags.map((name) => ({ name: name.toLowerCase(), url: `${fake.url}/tags/${name}` })),
        card: null,
        favourites_count: 0,
        reblogs_count: 0,
        replies_count: 0,
        in_reply_to_id: inReplyTo?.id ?? null,
        visibility,
        mentions: mentioned.map((name) => ({
          id: accountId(name),
          username: name,
          acct: name,
          url: `${fake.url}/@${name}`,
        })),
      };
      statuses.push(status);
      if (username !== 'chorus' && mentioned.includes('chorus')) {
        fake.notifications.push({
          id: nextNotificationId(),
          type: 'mention',
          created_at: status.created_at,
          account: status.account,
          status,
        });
      }
      if (visibility === 'direct' && (username === 'chorus' || mentioned.includes('chorus'))) {
        const root = rootOf(status);
        const conversationId = conversationIds.get(root.id) ?? String(conversationIds.size + 1);
        conversationIds.set(root.id, conversationId);
        const earlier = fake.conversations.get(conversationId);
        const others = [...(earlier?.accounts ?? [])];
        if (username !== 'chorus' && !others.some((a) => a.id === status.account.id)) others.push(status.account);
        fake.conversations.set(conversationId, { id: conversationId, lastStatus: status, accounts: others });
      }
      return status;
    },
    status: (id) => statuses.find((st) => st.id === id),
    notifications: [],
    conversations: new Map(),
    published: () =>
      statuses
        .filter((st) => st.account.username === 'chorus')
        .map((st) => ({ ...st, media: statusMedia.get(st.id) ?? [] })),
    media: new Map(),
    processAsync: false,
    failNext: (...responses) => void failures.push(...responses),
    loseNextAnswer: false,
    before43: false,
    latencyMs: 0,
    favourited: new Set(),
    forgetIdempotencyKeys: () => idempotency.clear(),
    close: async () => undefined,
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  const mediaView = (a: FakeAttachment) => ({
    id: a.id,
    type: a.type,
    url: a.url,
    preview_url: a.url,
    description: a.description,
  });

  /** The publishing side: verify_credentials, media, statuses (create, list, delete). */
  async function publishing(
    req: http.IncomingMessage,
    url: URL,
    json: (status: number, body: unknown, headers?: Record<string, string>) => void,
    res: http.ServerResponse,
  ): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    const me = { id: '1', username: 'chorus', acct: 'chorus', display_name: 'Chorus', bot: false };
    if (route === 'GET /api/v1/accounts/verify_credentials')
      return (json(200, { ...me, followers_count: fake.followers }), true);
    // https://docs.joinmastodon.org/methods/statuses/#index (4.3): the statuses that exist, in the
    // order asked; those that do not are left out. More than Mastodon's 20 a page is refused here.
    if (route === 'GET /api/v1/statuses') {
      if (fake.before43) return (json(404, { error: 'Record not found' }), true);
      const ids = [...new Set(url.searchParams.getAll('id[]'))];
      if (ids.length > 20) return (json(422, { error: 'Validation failed: at most 20 ids' }), true);
      return (
        json(
          200,
          ids.flatMap((id) => statuses.filter((st) => st.id === id)),
        ),
        true
      );
    }
    const statusGet = /^GET \/api\/v1\/statuses\/(\d+)$/.exec(route);
    if (statusGet) {
      const found = statuses.find((st) => st.id === statusGet[1]);
      return (found ? json(200, found) : json(404, { error: 'Record not found' }), true);
    }
    if (route === 'POST /api/v2/media') {
      const form = await new Request(fake.url, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: await readBody(req),
      }).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) return (json(422, { error: "Validation failed: File can't be blank" }), true);
      const bytes = Buffer.from(await file.arrayBuffer());
      const id = nextId();
      const attachment: FakeAttachment = {
        id,
        type: file.type.startsWith('video/') ? 'video' : 'image',
        url: fake.processAsync ? null : `${fake.url}/media/${id}`,
        description: (form.get('description') as string | null) ?? null,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        polls: 0,
      };
      fake.media.set(id, attachment);
      return (json(fake.processAsync ? 202 : 200, mediaView(attachment)), true);
    }
    const mediaGet = /^GET \/api\/v1\/media\/(\d+)$/.exec(route);
    if (mediaGet) {
      const attachment = fake.media.get(mediaGet[1]!);
      if (!attachment) return (json(404, { error: 'Record not found' }), true);
      if (attachment.url === null && ++attachment.polls >= 1) {
        const answer = mediaView(attachment);
        attachment.url = `${fake.url}/media/${attachment.id}`;
        return (json(206, answer), true);
      }
      return (json(200, mediaView(attachment)), true);
    }
    if (route === 'POST /api/v1/statuses') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as {
        status?: string;
        media_ids?: string[];
        in_reply_to_id?: string;
      };
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && idempotency.has(key)) return (json(200, idempotency.get(key)), true);
      const text = body.status ?? '';
      if (!text.trim() && !body.media_ids?.length)
        return (json(422, { error: "Validation failed: Text can't be blank" }), true);
      if (lengthOf(text) > 500)
        return (json(422, { error: 'Validation failed: Text character limit of 500 exceeded' }), true);
      const attachments = (body.media_ids ?? []).map((id) => fake.media.get(id));
      if (attachments.some((a) => !a)) return (json(422, { error: 'Validation failed: media not found' }), true);
      if (attachments.some((a) => a!.url === null))
        return (
          json(422, { error: 'Cannot attach files that have not finished processing. Try again in a moment!' }),
          true
        );
      // A reply to a status that does not exist (deleted): 404, as Mastodon answers.
      if (body.in_reply_to_id && !statuses.some((st) => st.id === body.in_reply_to_id))
        return (json(404, { error: 'The post you are trying to reply to does not appear to exist.' }), true);
      const tags = [...text.matchAll(/#(\w+)/g)].map((m) => m[1]!);
      const status = fake.post({ text, acct: 'chorus', tags });
      status.in_reply_to_id = body.in_reply_to_id ?? null;
      statusMedia.set(status.id, attachments as FakeAttachment[]);
      if (typeof key === 'string') idempotency.set(key, status);
      if (fake.loseNextAnswer) {
        fake.loseNextAnswer = false;
        res.socket?.destroy();
        return true;
      }
      return (json(200, { ...status, media_attachments: (attachments as FakeAttachment[]).map(mediaView) }), true);
    }
    const ownStatuses = /^GET \/api\/v1\/accounts\/1\/statuses$/.exec(route);
    if (ownStatuses)
      return (
        json(
          200,
          fake
            .published()
            .sort((a, b) => cmp(b.id, a.id))
            .slice(0, Number(url.searchParams.get('limit') ?? 20)),
        ),
        true
      );
    // https://docs.joinmastodon.org/methods/statuses/#favourite: a second favourite changes nothing.
    const favourite = /^POST \/api\/v1\/statuses\/(\d+)\/favourite$/.exec(route);
    if (favourite) {
      const status = statuses.find((st) => st.id === favourite[1]);
      if (!status) return (json(404, { error: 'Record not found' }), true);
      fake.favourited.add(status.id);
      return (json(200, { ...status, favourited: true }), true);
    }
    const remove = /^DELETE \/api\/v1\/statuses\/(\d+)$/.exec(route);
    if (remove) {
      const i = statuses.findIndex((st) => st.id === remove[1]);
      if (i < 0) return (json(404, { error: 'Record not found' }), true);
      const [removed] = statuses.splice(i, 1);
      return (json(200, removed), true);
    }
    return false;
  }

  const page = (found: FakeStatus[], q: URLSearchParams, order: 'adjacent' | 'newest' = 'adjacent') => {
    const limit = Math.min(Number(q.get('limit') ?? 20) || 20, MAX_LIMIT);
    let list = found.filter(
      (s) =>
        (!q.get('max_id') || cmp(s.id, q.get('max_id')!) < 0) &&
        (!q.get('since_id') || cmp(s.id, q.get('since_id')!) > 0),
    );
    if (q.get('min_id') && order === 'newest') list = list.filter((s) => cmp(s.id, q.get('min_id')!) > 0);
    else if (q.get('min_id')) {
      // "Immediately newer than": the oldest `limit` after min_id, answered newest first.
      list = list
        .filter((s) => cmp(s.id, q.get('min_id')!) > 0)
        .sort((a, b) => cmp(a.id, b.id))
        .slice(0, limit);
    }
    return list.sort((a, b) => cmp(b.id, a.id)).slice(0, limit);
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
    const now = new Date();
    fake.requests.push({ path: `${url.pathname}${url.search}`, at: now });
    if (fake.rateLimit.resetAt <= now)
      fake.rateLimit = {
        ...fake.rateLimit,
        remaining: fake.rateLimit.limit,
        resetAt: new Date(now.getTime() + 300_000),
      };
    const limitHeaders = () => ({
      'x-ratelimit-limit': String(fake.rateLimit.limit),
      'x-ratelimit-remaining': String(fake.rateLimit.remaining),
      'x-ratelimit-reset': fake.rateLimit.resetAt.toISOString(),
    });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...limitHeaders(), ...headers })
        .end(JSON.stringify(body));
    if (fake.rateLimit.remaining <= 0) return json(429, { error: 'Too many requests' });
    fake.rateLimit.remaining--;
    const failure = req.method === 'GET' ? undefined : failures.shift();
    if (failure) return json(failure.status, failure.body ?? { error: `HTTP ${failure.status}` }, failure.headers);

    const auth = req.headers.authorization;
    if (auth && auth !== `Bearer ${fake.token}`) return json(401, { error: 'The access token is invalid' });
    const signedIn = auth === `Bearer ${fake.token}`;
    if (!signedIn && /^\/api\/v[12]\/(accounts|media|statuses)/.test(url.pathname))
      return json(401, { error: 'The access token is invalid' });
    if (await publishing(req, url, json, res)) return;

    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (tag) {
      if (fake.previewDisabled && !signedIn) return json(422, { error: 'This method requires an authenticated user' });
      const name = decodeURIComponent(tag[1]!).toLowerCase();
      const found = page(
        statuses.filter((s) => !s.reblog && s.tags.some((t) => t.name === name)),
        url.searchParams,
      );
      // Mastodon keeps `limit` (and local, remote, only_media) in its pagination links.
      const kept = new URLSearchParams(
        [...url.searchParams].filter(([k]) => ['limit', 'local', 'remote', 'only_media'].includes(k)),
      );
      const link = (key: string, id: string) =>
        `<${fake.url}${url.pathname}?${new URLSearchParams([...kept, [key, id]])}>`;
      const links: Record<string, string> = found.length
        ? {
            link: `${link('max_id', found[found.length - 1]!.id)}; rel="next", ${link('min_id', found[0]!.id)}; rel="prev"`,
          }
        : {};
      return json(200, found, links);
    }
    if (url.pathname === '/api/v2/search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      if (!q) return json(400, { error: 'Validation failed: q is missing' });
      const type = url.searchParams.get('type');
      const words = q.split(/\s+/);
      const found =
        signedIn && (!type || type === 'statuses')
          ? page(
              statuses.filter((s) => !s.reblog && words.every((w) => s.content.toLowerCase().includes(w))),
              url.searchParams,
              fake.searchOrder,
            )
          : [];
      return json(200, { accounts: [], statuses: found, hashtags: [] });
    }
    if (await inbox(url, json, signedIn)) return;
    return json(404, { error: 'Record not found' });
  });

  /**
   * What the token's account hears (https://docs.joinmastodon.org/methods/notifications/,
   * /methods/conversations/, /methods/statuses/#context): notifications newest first, filtered by
   * `types[]` (and `exclude_types[]`), default 40 and at most 80, paged by `max_id` / `since_id` /
   * `min_id` with a `Link` header; conversations by their last status, newest first, default 20 and
   * at most 40, paged the same way on the last status's id; a status's context (ancestors oldest first).
   */
  async function inbox(
    url: URL,
    json: (status: number, body: unknown, headers?: Record<string, string>) => void,
    signedIn: boolean,
  ): Promise<boolean> {
    const inboxPaths = /^\/api\/v1\/(notifications|conversations|statuses\/\d+\/context)$/;
    if (!inboxPaths.test(url.pathname)) return false;
    if (!signedIn) return (json(401, { error: 'The access token is invalid' }), true);
    const q = url.searchParams;
    const linkFor = (key: string, id: string) => {
      const kept = new URLSearchParams([...q].filter(([k]) => !['max_id', 'min_id', 'since_id'].includes(k)));
      kept.append(key, id);
      return `<${fake.url}${url.pathname}?${kept}>`;
    };
    const paged = <T>(all: T[], idOf: (item: T) => string, defaultLimit: number, maxLimit: number) => {
      const limit = Math.min(Number(q.get('limit') ?? defaultLimit) || defaultLimit, maxLimit);
      let list = all.filter(
        (item) =>
          (!q.get('max_id') || cmp(idOf(item), q.get('max_id')!) < 0) &&
          (!q.get('since_id') || cmp(idOf(item), q.get('since_id')!) > 0),
      );
      if (q.get('min_id'))
        list = list
          .filter((item) => cmp(idOf(item), q.get('min_id')!) > 0)
          .sort((a, b) => cmp(idOf(a), idOf(b)))
          .slice(0, limit);
      const found = list.sort((a, b) => cmp(idOf(b), idOf(a))).slice(0, limit);
      const headers: Record<string, string> = found.length
        ? {
            link: `${linkFor('max_id', idOf(found[found.length - 1]!))}; rel="next", ${linkFor('min_id', idOf(found[0]!))}; rel="prev"`,
          }
        : {};
      return { found, headers };
    };
    if (url.pathname === '/api/v1/notifications') {
      const types = q.getAll('types[]');
      const excluded = q.getAll('exclude_types[]');
      const { found, headers } = paged(
        fake.notifications.filter((n) => (!types.length || types.includes(n.type)) && !excluded.includes(n.type)),
        (n) => n.id,
        40,
        80,
      );
      return (json(200, found, headers), true);
    }
    if (url.pathname === '/api/v1/conversations') {
      const { found, headers } = paged([...fake.conversations.values()], (c) => c.lastStatus.id, 20, 40);
      return (
        json(
          200,
          found.map((c) => ({ id: c.id, unread: true, accounts: c.accounts, last_status: c.lastStatus })),
          headers,
        ),
        true
      );
    }
    const id = url.pathname.split('/')[4]!;
    const status = statuses.find((s) => s.id === id);
    if (!status) return (json(404, { error: 'Record not found' }), true);
    const ancestors: FakeStatus[] = [];
    for (let current = status; current.in_reply_to_id;) {
      const parent = statuses.find((s) => s.id === current.in_reply_to_id);
      if (!parent) break;
      ancestors.unshift(parent);
      current = parent;
    }
    const descendants = statuses.filter((s) => rootOf(s).id === status.id && s.id !== status.id);
    return (json(200, { ancestors, descendants }), true);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
