import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Parser } from 'htmlparser2';

/**
 * Link cards: the title, description and image a page announces for itself (Open Graph, Twitter
 * card tags, else its <title> and meta description), fetched the way a network's crawler would.
 * The URL comes from a post's text, so the fetch refuses private, loopback and link-local
 * addresses (checked on the address actually connected to, so DNS cannot be used to sneak past),
 * unless `allowPrivateAddresses` (tests, a sandbox, an intranet install).
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

export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

/**
 * Addresses a link card never fetches from: loopback, private (RFC 1918, ULA), link-local, CGNAT,
 * benchmarking, unspecified, multicast and reserved ranges; and, conservatively, every IPv6 form
 * that embeds an IPv4 address (mapped, compatible, NAT64, 6to4), whatever address it embeds.
 */
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as mapped addresses).
const PRIVATE_V4 = new net.BlockList();
for (const [address, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  PRIVATE_V4.addSubnet(address, prefix, 'ipv4');
}
const PRIVATE_V6 = new net.BlockList();
for (const [address, prefix] of [['::', 96], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE_V6.addSubnet(address, prefix, 'ipv6');
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return PRIVATE_V4.check(ip, 'ipv4');
  if (net.isIPv6(ip)) return PRIVATE_V6.check(ip, 'ipv6');
  return true; // not an address: refuse rather than guess
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) return callback(new RefusedAddressError(`${hostname} resolves only to private addresses`), '');
      if (options.all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

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
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedAddressError(`${url.protocol} links are not fetched`);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(literal) && !options.allowPrivateAddresses && isPrivateAddress(literal)) throw new RefusedAddressError(`${literal} is a private address`);
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).get(url, { headers: { 'user-agent': USER_AGENT, accept }, lookup: guardedLookup(options.allowPrivateAddresses) as never, signal: deadline }, resolve);
      // Belt and braces: the address actually connected to must be public too.
      request.on('socket', (socket) => {
        socket.once('connect', () => {
          if (!options.allowPrivateAddresses && socket.remoteAddress && isPrivateAddress(socket.remoteAddress)) request.destroy(new RefusedAddressError(`${socket.remoteAddress} is a private address`));
        });
      });
      request.on('error', reject);
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
    return { url, contentType: String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(), body: Buffer.concat(chunks), truncated };
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
  const card: LinkCard = { uri: link, title: tags.title.slice(0, 300), description: (tags.description ?? '').slice(0, 1000) };
  if (tags.image) {
    try {
      const image = await guardedGet(new URL(tags.image, page.url), options, MAX_IMAGE_BYTES, 'image/*');
      if (!image.truncated && /^image\/(png|jpeg|gif|webp)$/.test(image.contentType)) card.image = { bytes: image.body, contentType: image.contentType };
    } catch {
      // A card without its picture is still a card.
    }
  }
  return card;
}
