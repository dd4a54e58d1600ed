import { randomBytes } from 'node:crypto';
import { graphemeLength, utf8Length } from '../contracts/text-rules';

// As content/utm.ts reads links: to the next whitespace, trailing punctuation left to the sentence.
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/;

/** Length of a short link's code (6 random bytes, base64url). */
export const SHORT_LINK_CODE_LENGTH = 8;
/** A new short link's code: 48 random bits. */
export const newShortLinkCode = (): string => randomBytes(SHORT_LINK_CODE_LENGTH * 0.75).toString('base64url');

/** What the composer's preview shows for a code not made yet: as long as a real one, so counts are exact. */
export const SHORT_LINK_CODE_PLACEHOLDER = 'x'.repeat(SHORT_LINK_CODE_LENGTH);

/** Each http(s) link of a text, as its UTM tagging sees it (without trailing punctuation). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(LINK)].map((m) => m[0].replace(TRAILING_PUNCTUATION, ''));
}

/** `<base>/l/<code>`, the base without its trailing slashes. */
export function shortUrl(base: string, code: string): string {
  return `${base.replace(/\/+$/, '')}/l/${code}`;
}

function replaceLinks(text: string, replace: (link: string) => string): string {
  return text.replace(LINK, (match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
    const link = match.slice(0, match.length - trailing.length);
    return replace(link) + trailing;
  });
}

/**
 * The text with each link replaced by its short link (`shortOf` gives it; undefined keeps the
 * link). A short link never makes a valid text invalid: when the text with every link replaced is
 * refused by `problemsOf` (the network's own rules), only the links that are not shorter than their
 * short link (in characters and UTF-8 bytes) are kept as written, so the text cannot have grown.
 * Mastodon counts any link as 23 characters and Bluesky graphemes and bytes: neither grows then.
 */
export function withShortLinks(
  text: string,
  shortOf: (link: string) => string | undefined,
  problemsOf: (text: string) => string[],
): { text: string; replaced: Map<string, string> } {
  const all = new Map<string, string>();
  const everyLink = replaceLinks(text, (link) => {
    const short = shortOf(link);
    if (short === undefined) return link;
    all.set(short, link);
    return short;
  });
  if (problemsOf(everyLink).length === 0 || problemsOf(text).length > 0) return { text: everyLink, replaced: all };
  const kept = new Map<string, string>();
  const shorter = replaceLinks(text, (link) => {
    const short = shortOf(link);
    if (short === undefined || graphemeLength(short) > graphemeLength(link) || utf8Length(short) > utf8Length(link))
      return link;
    kept.set(short, link);
    return short;
  });
  return { text: shorter, replaced: kept };
}
