/**
 * How text is cut into words, shared by the query parser (for terms and phrases) and the matcher
 * (for posts). Using one function on both sides is what makes matching predictable: whatever the
 * query's `e-bike` becomes, a post's "E-Bike" becomes the same thing.
 *
 * - Text is NFC-normalised (so "e" + combining grave equals "è") and lowercased with the
 *   locale-independent `toLowerCase`. Diacritics are kept: `creme` does not match "crème".
 * - A word is a letter or digit followed by letters, digits and combining marks (any script).
 *   Everything else separates words: spaces, punctuation, apostrophes (so `brand` matches
 *   "brand's"), `#` and `@` (so `launch` matches "#launch"), emoji. Separators are not words, so
 *   an emoji between two words neither breaks a phrase nor counts towards a NEAR/ distance.
 * - http(s) URLs are skipped whole: their host and path would otherwise match terms like `com`.
 * - Scripts written without spaces (Chinese, Japanese, Thai) come out as one word per run of
 *   letters; terms in those scripts only match whole runs. A dictionary segmenter would fix that
 *   but costs far more than the firehose budget allows.
 */

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const LETTER_DIGIT_OR_MARK = /^[\p{L}\p{M}\p{N}]$/u;
const URL_ANYWHERE = /https?:\/\/\S/i;
/** Letters before `#` (a URL fragment, "C#") or `&` (an HTML entity) mean it is not a hashtag. */
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&/])#([\p{L}\p{M}\p{N}_]+)/gu;
/** A letter before `@` means an e-mail address, not a mention; handles may contain dots and dashes. */
const MENTION = /(?<![\p{L}\p{M}\p{N}_.])@([\p{L}\p{N}_](?:[\p{L}\p{M}\p{N}_.-]*[\p{L}\p{M}\p{N}_])?)/gu;

export function normaliseText(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/**
 * The words of already-normalised text, in order. A hand-written scanner rather than matchAll
 * with `[\p{L}\p{N}][\p{L}\p{M}\p{N}]*`: same words, but 2–3× faster, because ASCII (most of
 * most posts) is classified by char code and only other characters reach a regex.
 */
export function wordsOf(normalised: string): string[] {
  const words: string[] = [];
  const end = normalised.length;
  let i = 0;
  while (i < end) {
    const first = charWidthIf(normalised, i, LETTER_OR_DIGIT);
    if (first === 0) {
      i++;
    } else if (startsUrl(normalised, i)) {
      while (i < end && !isSpace(normalised.charCodeAt(i))) i++;
    } else {
      const start = i;
      i += first;
      for (let width; i < end && (width = charWidthIf(normalised, i, LETTER_DIGIT_OR_MARK)) > 0;) i += width;
      words.push(normalised.slice(start, i));
    }
  }
  return words;
}

/**
 * The width in UTF-16 units (1 or 2) of the character at `i` if it is in `allowed`, else 0.
 * ASCII letters and digits are the only ASCII characters in either class (marks are never ASCII).
 */
function charWidthIf(text: string, i: number, allowed: RegExp): number {
  const code = text.charCodeAt(i);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) ? 1 : 0;
  const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
  return allowed.test(text.slice(i, i + width)) ? width : 0;
}

function startsUrl(text: string, i: number): boolean {
  return text.charCodeAt(i) === 104 /* h */ && (text.startsWith('https://', i) || text.startsWith('http://', i));
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/u.test(String.fromCharCode(code)));
}

export function hashtagsOf(normalised: string): string[] {
  return Array.from(normalised.matchAll(HASHTAG), (m) => m[1]!);
}

export function mentionsOf(normalised: string): string[] {
  return Array.from(normalised.matchAll(MENTION), (m) => m[1]!);
}

export function containsUrl(text: string): boolean {
  return URL_ANYWHERE.test(text);
}

/** A handle as typed anywhere (`@Alice.bsky.social`, `alice`): no leading @, lowercase. */
export function normaliseHandle(handle: string): string {
  return normaliseText(handle.startsWith('@') ? handle.slice(1) : handle);
}

/**
 * Whether a handle found in a post (or a post's author) is the one a query names. Exact, or the
 * query's handle followed by a domain suffix: `@alice` matches "@alice" and "@alice.bsky.social"
 * (Bluesky handles are domains, and people write the short form), but not "@alice2" or
 * "@malice". A query with a full handle (`@alice.bsky.social`) matches only that handle.
 */
export function handleMatches(wanted: string, found: string): boolean {
  if (!found.startsWith(wanted)) return false;
  return found.length === wanted.length || found.charCodeAt(wanted.length) === 46; /* . */
}

/** The primary subtag of a language tag: "en-US", "EN", "en_GB" all become "en". */
export function primaryLanguage(tag: string): string {
  const cut = tag.search(/[-_]/);
  return (cut === -1 ? tag : tag.slice(0, cut)).toLowerCase();
}

/** Valid characters of a hashtag or handle given in a query, checked after normalisation. */
export const HASHTAG_BODY = /^[\p{L}\p{M}\p{N}_]+$/u;
export const HANDLE_BODY = /^[\p{L}\p{N}_](?:[\p{L}\p{M}\p{N}_.-]*[\p{L}\p{M}\p{N}_])?$/u;
