import { retryDelayFromHeaders } from '../channels/errors';
import { hrefsIn, htmlToText } from '../content/html-text';
import type { SourceItem } from './source-item';

/**
 * Mastodon's REST API as a listening source: hashtag timelines (`GET /api/v1/timelines/tag/:hashtag`,
 * paged by `min_id` and the `Link` header) and status search (`GET /api/v2/search?type=statuses`,
 * which needs an access token and an instance with full-text search). Rate limits are read from
 * `X-RateLimit-Remaining` / `X-RateLimit-Reset`, and a 429 stops reading until the reset.
 * https://docs.joinmastodon.org/methods/timelines/#tag · /methods/search/#v2 · /api/rate-limits/
 */

export interface MastodonTimeline {
  /** The instance's base URL, e.g. https://mastodon.social */
  instance: string;
  /** Read this hashtag's timeline (without the #) … */
  hashtag?: string;
  /** … or the statuses matching this search. */
  search?: string;
  accessToken?: string;
}

/** The fields of Mastodon's Status entity that listening reads. */
export interface MastodonStatus {
  id: string;
  uri: string;
  url?: string | null;
  created_at: string;
  content: string;
  spoiler_text?: string;
  language?: string | null;
  account: { acct: string; bot?: boolean };
  reblog?: MastodonStatus | null;
  card?: { url?: string } | null;
}

export class MastodonRateLimited extends Error {
  override name = 'MastodonRateLimited';
  constructor(readonly resetAt: Date) {
    super(`rate limited until ${resetAt.toISOString()}`);
  }
}
/** The instance wants an access token (search, or a timeline behind disabled public preview) or refused the one given. */
export class MastodonAuthRequired extends Error {
  override name = 'MastodonAuthRequired';
}
export class NotMastodonError extends Error {
  override name = 'NotMastodonError';
}

const PAGE_LIMIT = 40;
const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

/** A stable name for the timeline: where its read position is kept. */
export function timelineKey(t: MastodonTimeline): string {
  const base = t.instance.replace(/\/+$/, '');
  return t.hashtag
    ? `${base}/tags/${t.hashtag.toLowerCase()}`
    : `${base}/search?q=${encodeURIComponent(t.search ?? '')}`;
}

function timelineUrl(t: MastodonTimeline, params: { minId?: string; maxId?: string; limit?: number }): URL {
  const base = t.instance.replace(/\/+$/, '');
  const url = t.hashtag
    ? new URL(`${base}/api/v1/timelines/tag/${encodeURIComponent(t.hashtag)}`)
    : new URL(`${base}/api/v2/search`);
  if (!t.hashtag) {
    url.searchParams.set('q', t.search ?? '');
    url.searchParams.set('type', 'statuses');
  }
  if (params.minId) url.searchParams.set('min_id', params.minId);
  if (params.maxId) url.searchParams.set('max_id', params.maxId);
  url.searchParams.set('limit', String(params.limit ?? PAGE_LIMIT));
  return url;
}

/** `<url>; rel="next", <url>; rel="prev"` → { next, prev } (RFC 8288, as Mastodon sends it). */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = match && /;\s*rel="?([^";]+)"?/i.exec(match[2]!)?.[1];
    if (match && rel) for (const name of rel.trim().split(/\s+/)) links[name.toLowerCase()] = match[1]!;
  }
  return links;
}

/** Mastodon ids are integers in strings, too long for a double: compare by length, then by text. */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
const newest = (ids: string[]) => ids.reduce((max, id) => (compareIds(id, max) > 0 ? id : max));
const oldest = (ids: string[]) => ids.reduce((min, id) => (compareIds(id, min) < 0 ? id : min));

function resetTime(headers: Headers): Date {
  const now = Date.now(); // one clock reading, so an absolute reset time comes back exactly
  return new Date(now + (retryDelayFromHeaders(Object.fromEntries(headers), now) ?? DEFAULT_RATE_LIMIT_WAIT_MS));
}

interface Page {
  statuses: MastodonStatus[];
  links: Record<string, string>;
  /** Set when X-RateLimit-Remaining reached 0: no request before this time. */
  exhaustedUntil: Date | null;
}

async function fetchPage(t: MastodonTimeline, url: URL, timeoutMs = 15_000): Promise<Page> {
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...(t.accessToken ? { authorization: `Bearer ${t.accessToken}` } : {}) },
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  if (response.status === 429) throw new MastodonRateLimited(resetTime(response.headers));
  const body: unknown = await response.json().catch(() => undefined);
  const error =
    body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : undefined;
  if (
    response.status === 401 ||
    response.status === 403 ||
    (response.status === 422 && /authenticated/i.test(error ?? ''))
  ) {
    throw new MastodonAuthRequired(error ?? `HTTP ${response.status}`);
  }
  if (response.status === 404) throw new NotMastodonError(`${url.pathname} answered 404: not a Mastodon API`);
  if (!response.ok) throw new Error(`HTTP ${response.status}${error ? `: ${error}` : ''}`);
  const statuses = t.hashtag ? body : (body as { statuses?: unknown } | undefined)?.statuses;
  if (!Array.isArray(statuses) || statuses.some((s) => !isStatus(s)))
    throw new NotMastodonError(`${url.pathname} did not answer with Mastodon statuses`);
  const remaining = response.headers.get('x-ratelimit-remaining');
  return {
    statuses: statuses as MastodonStatus[],
    links: parseLinkHeader(response.headers.get('link')),
    exhaustedUntil: remaining !== null && Number(remaining) <= 0 ? resetTime(response.headers) : null,
  };
}

function isStatus(value: unknown): boolean {
  const s = value as Partial<MastodonStatus> | null;
  return (
    !!s &&
    typeof s.id === 'string' &&
    /^\d+$/.test(s.id) &&
    typeof s.uri === 'string' &&
    typeof s.content === 'string' &&
    typeof s.created_at === 'string' &&
    !Number.isNaN(Date.parse(s.created_at)) &&
    typeof s.account?.acct === 'string'
  );
}

/** One request with `limit=1`: the instance answers as Mastodon does, with the token given. */
export async function checkTimeline(t: MastodonTimeline): Promise<void> {
  await fetchPage(t, timelineUrl(t, { limit: 1 }));
}

export interface NewStatuses {
  statuses: MastodonStatus[];
  /** Where the next read starts (`min_id`); only ever moves forward. */
  position: string | null;
  exhaustedUntil: Date | null;
  /** Search only: more new statuses than one read may page through; the oldest of them were skipped. */
  skipped?: boolean;
}

/**
 * The statuses newer than `position`, page by page. With no position yet, only the newest page
 * is read (listening starts now, it does not backfill the whole tag). A hashtag timeline is read
 * forwards: `min_id` returns the page right after the position, and the `Link` header's `prev`
 * is the page after that. Search has no `Link` header and is read backwards from the newest with
 * `max_id` inside (position, ∞), so no status between two reads is skipped whatever order the
 * instance sorts by (a full first page means there may be more above: the next range starts at
 * its top). A range cut short by the rate limit is read again after the reset; one larger than a
 * read's page budget is given up at its top, and says so (`skipped`). Stops early when the rate limit is used up; the caller stores each page.
 */
export async function* readNewStatuses(
  t: MastodonTimeline,
  position: string | null,
  maxPages = 10,
): AsyncGenerator<NewStatuses> {
  if (position === null) {
    const page = await fetchPage(t, timelineUrl(t, {}));
    yield {
      statuses: page.statuses,
      position: page.statuses.length ? newest(page.statuses.map((s) => s.id)) : null,
      exhaustedUntil: page.exhaustedUntil,
    };
    return;
  }
  if (t.hashtag) {
    let url = timelineUrl(t, { minId: position });
    for (let n = 0; n < maxPages; n++) {
      const page = await fetchPage(t, url);
      const fresh = page.statuses.filter((s) => compareIds(s.id, position!) > 0);
      if (fresh.length) position = newest(fresh.map((s) => s.id));
      yield { statuses: fresh, position, exhaustedUntil: page.exhaustedUntil };
      if (!fresh.length || page.exhaustedUntil) return;
      // Follow the instance's own link when it stays on the instance; otherwise build it.
      const prev = page.links.prev ? new URL(page.links.prev, url) : undefined;
      url = prev && prev.origin === url.origin ? prev : timelineUrl(t, { minId: position });
    }
    return;
  }
  let pages = 0;
  while (pages < maxPages) {
    // One range: everything above the position, paged backwards from the first answer.
    let maxId: string | undefined;
    let top: string | null = null;
    let firstFull = false;
    let exhausted = false;
    for (;;) {
      const page = await fetchPage(t, timelineUrl(t, { minId: position, maxId }));
      if (pages++ === 0 || maxId === undefined) firstFull = page.statuses.length >= PAGE_LIMIT;
      const fresh = page.statuses.filter(
        (s) => compareIds(s.id, position!) > 0 && (!maxId || compareIds(s.id, maxId) < 0),
      );
      if (fresh.length) top = newest([...(top === null ? [] : [top]), ...fresh.map((s) => s.id)]);
      exhausted = !!page.exhaustedUntil;
      const complete = fresh.length < PAGE_LIMIT;
      // The position moves only once the whole range above it has been read; a read cut short
      // (rate limit, page budget) keeps it, and the next read goes over the range again (the
      // statuses already stored are absorbed as duplicates).
      // Out of pages (not of rate limit) in the middle of a range: it would never be read to its
      // end, so the position moves to its top and the rest is reported as skipped.
      const outOfPages = !complete && !exhausted && pages >= maxPages;
      yield {
        statuses: fresh,
        position: (complete || outOfPages) && top !== null ? top : position,
        exhaustedUntil: page.exhaustedUntil,
        ...(outOfPages ? { skipped: true } : {}),
      };
      if (!complete && (exhausted || pages >= maxPages)) return;
      if (complete) break;
      maxId = oldest(fresh.map((s) => s.id));
    }
    // A full first page may mean the instance answered the oldest page after the position: go on from the top.
    if (!firstFull || exhausted || top === null) return;
    position = top;
  }
}

/** A status as a listening candidate: the original of a boost, plain text, links other than mentions and tags. */
export function toMention(status: MastodonStatus, instance: string): SourceItem {
  const original = status.reblog ?? status;
  const host = new URL(instance).host;
  const body = htmlToText(original.content);
  const links = hrefsIn(original.content)
    .filter((l) => !l.classes.includes('mention') && !l.classes.includes('hashtag') && /^https?:/i.test(l.href))
    .map((l) => l.href);
  if (original.card?.url) links.push(original.card.url);
  return {
    sourceId: original.uri,
    text: original.spoiler_text ? `${original.spoiler_text}\n${body}` : body,
    author: original.account.acct.includes('@') ? original.account.acct : `${original.account.acct}@${host}`,
    lang: original.language ?? undefined,
    links: [...new Set(links)],
    postedAt: new Date(original.created_at),
    url: original.url ?? original.uri,
    bot: original.account.bot === true,
  };
}
