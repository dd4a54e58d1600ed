import { XMLParser } from 'fast-xml-parser';

export interface FeedItem {
  id: string;
  title: string;
  text: string;
  link: string | null;
  author: string;
  publishedAt: Date | null;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  processEntities: true,
});

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'object' && '#text' in (value as Record<string, unknown>))
    return String((value as Record<string, unknown>)['#text']);
  return '';
};
const stripHtml = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const date = (value: unknown) => {
  const parsed = Date.parse(text(value));
  return Number.isNaN(parsed) ? null : new Date(parsed);
};

export class NotAFeedError extends Error {
  override name = 'NotAFeedError';
}

/** Reads RSS 2.0 or Atom into items; throws NotAFeedError for anything else. */
export function parseFeed(xml: string): { title: string; items: FeedItem[] } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    throw new NotAFeedError('not XML');
  }
  const rss = doc.rss as { channel?: Record<string, unknown> } | undefined;
  if (rss?.channel) {
    const channel = rss.channel;
    return {
      title: text(channel.title),
      items: list(channel.item as Record<string, unknown>[] | Record<string, unknown>).map((item) => {
        const link = text(item.link) || null;
        return {
          id: text(item.guid) || link || text(item.title),
          title: text(item.title),
          text: stripHtml([text(item.title), text(item.description)].filter(Boolean).join('. ')),
          link,
          author: text(item.author) || text(item['dc:creator']) || text(channel.title),
          publishedAt: date(item.pubDate),
        };
      }),
    };
  }
  const feed = doc.feed as Record<string, unknown> | undefined;
  if (feed) {
    return {
      title: text(feed.title),
      items: list(feed.entry as Record<string, unknown>[] | Record<string, unknown>).map((entry) => {
        const links = list(entry.link as Record<string, unknown> | Record<string, unknown>[]);
        const link =
          (links.find((l) => !l['@rel'] || l['@rel'] === 'alternate')?.['@href'] as string | undefined) ?? null;
        const author = list(entry.author as Record<string, unknown> | Record<string, unknown>[])[0];
        return {
          id: text(entry.id) || link || text(entry.title),
          title: text(entry.title),
          text: stripHtml([text(entry.title), text(entry.summary) || text(entry.content)].filter(Boolean).join('. ')),
          link,
          author: text(author?.name) || text(feed.title),
          publishedAt: date(entry.published) ?? date(entry.updated),
        };
      }),
    };
  }
  throw new NotAFeedError('neither RSS nor Atom');
}

/** Fetches a feed with the validators from its last fetch; undefined when it has not changed (304). */
export async function fetchFeed(url: string, validators: { etag?: string | null; lastModified?: string | null } = {}) {
  const response = await fetch(url, {
    headers: {
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8',
      'user-agent': 'Chorus-Listening/1',
      ...(validators.etag ? { 'if-none-match': validators.etag } : {}),
      ...(validators.lastModified ? { 'if-modified-since': validators.lastModified } : {}),
    },
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status === 304) return undefined;
  if (!response.ok) throw new Error(`answered ${response.status}`);
  return {
    feed: parseFeed(await response.text()),
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
}
