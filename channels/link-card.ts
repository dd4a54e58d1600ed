import { Parser } from 'htmlparser2';
import { guardedRequest } from './address-guard';

/**
 * Link cards: the title, description and image a page announces for itself (Open Graph, Twitter
 * card tags, else its <title> and meta description), fetched the way a network's crawler would.
 * The URL comes from a post's text, so the fetch goes through the address guard
 * (./address-guard.ts), unless `allowPrivateAddresses` (tests, a sandbox, an intranet install).
 */
export interface LinkCardOptions {
  allowPrivateAddresses: boolean;
  timeoutMs?: number;
}

export interface LinkCard {
  uri: string;
  title: string;
  description: string;
  image?: { bytes: Buffer; contentType: string };
}

const MAX_HTML_BYTES = 1024 * 1024;
const MAX_IMAGE_BYTES = 1_000_000;
const MAX_REDIRECTS = 3;
const USER_AGENT = 'Chorus-LinkCards/1 (+https://github.com/chorus)';

interface Fetched {
  url: URL;
  contentType: string;
  body: Buffer;
  truncated: boolean;
}

/** GET with the address guard, a deadline, a size cap, and at most three redirects (each guarded). */
async function guardedGet(url: URL, options: LinkCardOptions, maxBytes: number, accept: string): Promise<Fetched> {
  // One deadline for the whole fetch, redirects and body included (a trickling server cannot hold it).
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5000);
  for (let redirects = 0; ; redirects++) {
    const response = await guardedRequest(url, {
      allowPrivateAddresses: options.allowPrivateAddresses,
      headers: { 'user-agent': USER_AGENT, accept },
      signal: deadline,
    });
    const location = response.headers.location;
    if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      continue;
    }
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`${url.host} answered ${response.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        truncated = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
        response.destroy();
        break;
      }
      chunks.push(chunk);
    }
    return {
      url,
      contentType: String(response.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase(),
      body: Buffer.concat(chunks),
      truncated,
    };
  }
}

/** The card tags of an HTML page; Open Graph first, then Twitter's, then the plain title and description. */
export function parseCardTags(html: string): { title?: string; description?: string; image?: string } {
  const meta: Record<string, string> = {};
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') inTitle = true;
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
        if (key && attributes.content !== undefined && !(key in meta)) meta[key] = attributes.content.trim();
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const pick = (...keys: string[]) => keys.map((k) => meta[k]).find((v) => v !== undefined && v !== '');
  return {
    title: pick('og:title', 'twitter:title') ?? (title.trim() || undefined),
    description: pick('og:description', 'twitter:description', 'description'),
    image: pick('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src'),
  };
}

/**
 * The card for a link, or undefined when the page has no title (nothing worth showing). A missing,
 * oversized or unreadable image leaves the card without one. Throws when the page cannot be read.
 */
export async function fetchLinkCard(link: string, options: LinkCardOptions): Promise<LinkCard | undefined> {
  const page = await guardedGet(new URL(link), options, MAX_HTML_BYTES, 'text/html,application/xhtml+xml');
  if (page.contentType !== 'text/html' && page.contentType !== 'application/xhtml+xml') return undefined;
  const tags = parseCardTags(page.body.toString('utf8'));
  if (!tags.title) return undefined;
  const card: LinkCard = {
    uri: link,
    title: tags.title.slice(0, 300),
    description: (tags.description ?? '').slice(0, 1000),
  };
  if (tags.image) {
    try {
      const image = await guardedGet(new URL(tags.image, page.url), options, MAX_IMAGE_BYTES, 'image/*');
      if (!image.truncated && /^image\/(png|jpeg|gif|webp)$/.test(image.contentType))
        card.image = { bytes: image.body, contentType: image.contentType };
    } catch {
      // A card without its picture is still a card.
    }
  }
  return card;
}
