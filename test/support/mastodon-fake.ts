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
}

export interface MastodonFake {
  url: string;
  token: string;
  /** Requests received: path + query, and when. */
  requests: { path: string; at: Date }[];
  /** Public timelines need a token (the instance turned public preview off). */
  previewDisabled: boolean;
  /** Requests allowed per window, and when the window resets. */
  rateLimit: { limit: number; remaining: number; resetAt: Date };
  post(input: { text: string; html?: string; acct: string; tags?: string[]; bot?: boolean; language?: string; reblogOf?: FakeStatus }): FakeStatus;
  close(): Promise<void>;
}

const MAX_LIMIT = 40;
const ids = (base: bigint) => {
  let next = base;
  return () => String((next += 1n));
};
const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

export async function startMastodonFake(): Promise<MastodonFake> {
  const statuses: FakeStatus[] = [];
  const nextId = ids(113_000_000_000_000_000n);
  const fake: MastodonFake = {
    url: '',
    token: 'fake-mastodon-token',
    requests: [],
    previewDisabled: false,
    rateLimit: { limit: 300, remaining: 300, resetAt: new Date(Date.now() + 300_000) },
    post({ text, html, acct, tags = [], bot = false, language = 'en', reblogOf }) {
      const id = nextId();
      const host = new URL(fake.url).host;
      const username = acct.split('@')[0]!;
      const status: FakeStatus = {
        id,
        uri: `${fake.url}/users/${username}/statuses/${id}`,
        url: `${fake.url}/@${username}/${id}`,
        created_at: new Date().toISOString(),
        content: reblogOf ? '' : html ?? `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;')}</p>`,
        spoiler_text: '',
        language,
        account: { id: String(username.length), username, acct: acct.endsWith(`@${host}`) ? username : acct, bot },
        reblog: reblogOf ?? null,
        tags: (reblogOf?.tags ?? tags.map((name) => ({ name: name.toLowerCase(), url: `${fake.url}/tags/${name}` }))),
        card: null,
      };
      statuses.push(status);
      return status;
    },
    close: async () => undefined,
  };

  const page = (found: FakeStatus[], q: URLSearchParams) => {
    const limit = Math.min(Number(q.get('limit') ?? 20) || 20, MAX_LIMIT);
    let list = found.filter((s) => (!q.get('max_id') || cmp(s.id, q.get('max_id')!) < 0) && (!q.get('since_id') || cmp(s.id, q.get('since_id')!) > 0));
    if (q.get('min_id')) {
      // "Immediately newer than": the oldest `limit` after min_id, answered newest first.
      list = list.filter((s) => cmp(s.id, q.get('min_id')!) > 0).sort((a, b) => cmp(a.id, b.id)).slice(0, limit);
    }
    return list.sort((a, b) => cmp(b.id, a.id)).slice(0, limit);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    const now = new Date();
    fake.requests.push({ path: `${url.pathname}${url.search}`, at: now });
    if (fake.rateLimit.resetAt <= now) fake.rateLimit = { ...fake.rateLimit, remaining: fake.rateLimit.limit, resetAt: new Date(now.getTime() + 300_000) };
    const limitHeaders = () => ({ 'x-ratelimit-limit': String(fake.rateLimit.limit), 'x-ratelimit-remaining': String(fake.rateLimit.remaining), 'x-ratelimit-reset': fake.rateLimit.resetAt.toISOString() });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...limitHeaders(), ...headers }).end(JSON.stringify(body));
    if (fake.rateLimit.remaining <= 0) return json(429, { error: 'Too many requests' });
    fake.rateLimit.remaining--;

    const auth = req.headers.authorization;
    if (auth && auth !== `Bearer ${fake.token}`) return json(401, { error: 'The access token is invalid' });
    const signedIn = auth === `Bearer ${fake.token}`;

    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (tag) {
      if (fake.previewDisabled && !signedIn) return json(422, { error: 'This method requires an authenticated user' });
      const name = decodeURIComponent(tag[1]!).toLowerCase();
      const found = page(statuses.filter((s) => !s.reblog && s.tags.some((t) => t.name === name)), url.searchParams);
      // Mastodon keeps `limit` (and local, remote, only_media) in its pagination links.
      const kept = new URLSearchParams([...url.searchParams].filter(([k]) => ['limit', 'local', 'remote', 'only_media'].includes(k)));
      const link = (key: string, id: string) => `<${fake.url}${url.pathname}?${new URLSearchParams([...kept, [key, id]])}>`;
      const links: Record<string, string> = found.length ? { link: `${link('max_id', found[found.length - 1]!.id)}; rel="next", ${link('min_id', found[0]!.id)}; rel="prev"` } : {};
      return json(200, found, links);
    }
    if (url.pathname === '/api/v2/search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      if (!q) return json(400, { error: 'Validation failed: q is missing' });
      const type = url.searchParams.get('type');
      const words = q.split(/\s+/);
      const found = signedIn && (!type || type === 'statuses') ? page(statuses.filter((s) => !s.reblog && words.every((w) => s.content.toLowerCase().includes(w))), url.searchParams) : [];
      return json(200, { accounts: [], statuses: found, hashtags: [] });
    }
    return json(404, { error: 'Record not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
