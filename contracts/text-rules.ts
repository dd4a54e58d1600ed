/**
 * How each network counts a post's text, and what it refuses: the one copy of these rules, used by
 * the channel adapters (channels/) when the API checks a post and by the web app's composer for its
 * live counter. Pure and portable: no Node APIs (TextEncoder, Intl.Segmenter), so browsers run it too.
 */
import type { Provider } from './domain';

export interface ChannelLimits {
  /** User-perceived characters (grapheme clusters), as the network counts them. */
  maxGraphemes: number;
  maxBytes?: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const encoder = new TextEncoder();

/** How much text is segmented at once (UTF-16 code units). */
const WINDOW = 256;

/**
 * User-perceived characters: 👩‍👩‍👧 and e + combining accent are one each.
 *
 * Counted a window at a time: V8 copies the whole input into every segment it yields, so one
 * pass over a long text is quadratic (a 100,000-character text ran the API out of memory).
 * A window's last two segments are not counted but segmented again with what follows: the window
 * may end inside the last one, and a boundary is decided by the character after it, which the
 * window may have cut (half a surrogate pair).
 */
export function graphemeLength(text: string): number {
  let count = 0;
  let start = 0;
  let size = WINDOW;
  for (;;) {
    const end = Math.min(text.length, start + size);
    let segments = 0;
    let last = 0;
    let beforeLast = 0;
    for (const { index } of segmenter.segment(text.slice(start, end))) {
      segments++;
      beforeLast = last;
      last = index;
    }
    if (end === text.length) return count + segments;
    if (segments < 3) {
      // One or two very long clusters (a letter with thousands of combining marks): a wider window.
      size *= 2;
      continue;
    }
    count += segments - 2;
    start += beforeLast;
    size = WINDOW;
  }
}

/** Bytes of UTF-8. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** Checks the limits every network shares: not blank, not over its length in graphemes and bytes. */
export function validateAgainstLimits(text: string, limits: ChannelLimits, networkName: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push(`${networkName} posts need text`);
  const graphemes = graphemeLength(text);
  if (graphemes > limits.maxGraphemes) {
    problems.push(`${networkName} allows at most ${limits.maxGraphemes} characters; this text has ${graphemes}`);
  }
  const bytes = utf8Length(text);
  if (limits.maxBytes !== undefined && bytes > limits.maxBytes) {
    problems.push(`${networkName} allows at most ${limits.maxBytes} bytes of UTF-8; this text has ${bytes}`);
  }
  return problems;
}

export const BLUESKY_LIMITS: ChannelLimits = { maxGraphemes: 300, maxBytes: 3000 };
export const WEBHOOK_LIMITS: ChannelLimits = { maxGraphemes: 100_000 };
/** Mastodon's defaults (an instance may raise them; /api/v2/instance says by how much). */
export const MASTODON_LIMITS: ChannelLimits = { maxGraphemes: 500 };
/** Every link on Mastodon counts as this many characters, whatever its length. */
export const MASTODON_CHARACTERS_PER_URL = 23;

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
/** @user@domain counts only as @user (Mastodon shows a remote mention so, too). */
export const REMOTE_MENTION = /(^|[^\w/])@(\w+)@[\w.-]+\w/g;

/** The length Mastodon counts: graphemes, with every URL as 23 and remote mentions as their local part. */
export function mastodonLength(text: string): number {
  return graphemeLength(
    text.replace(URL_PATTERN, 'x'.repeat(MASTODON_CHARACTERS_PER_URL)).replace(REMOTE_MENTION, '$1@$2'),
  );
}

export function validateMastodonText(text: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push('Mastodon posts need text');
  const length = mastodonLength(text);
  if (length > MASTODON_LIMITS.maxGraphemes)
    problems.push(
      `Mastodon allows at most ${MASTODON_LIMITS.maxGraphemes} characters (links count as ${MASTODON_CHARACTERS_PER_URL}); this text has ${length}`,
    );
  return problems;
}

/** One network's text rules: its limits, how it counts a text, and its problems with one. */
export interface TextRules {
  limits: ChannelLimits;
  /** The length the network measures against `limits.maxGraphemes`. */
  length(text: string): number;
  /** Problems with this text on this network; empty when it can be published. */
  validate(text: string): string[];
}

/** An OAuth network whose own rules are not written yet: a conservative 280 characters, and says so. */
const unbuiltRules = (network: string): TextRules => {
  const limits: ChannelLimits = { maxGraphemes: 280 };
  return { limits, length: graphemeLength, validate: (text) => validateAgainstLimits(text, limits, network) };
};

const UNBUILT_RULES = {
  x: unbuiltRules('X'),
  linkedin: unbuiltRules('LinkedIn'),
  facebook: unbuiltRules('Facebook'),
  instagram: unbuiltRules('Instagram'),
  threads: unbuiltRules('Threads'),
};

export const TEXT_RULES: Record<Provider, TextRules> = {
  // Replaced by each network's own rules below, as they are written.
  ...UNBUILT_RULES,
  bluesky: {
    limits: BLUESKY_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, BLUESKY_LIMITS, 'Bluesky'),
  },
  mastodon: { limits: MASTODON_LIMITS, length: mastodonLength, validate: validateMastodonText },
  webhook: {
    limits: WEBHOOK_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, WEBHOOK_LIMITS, 'Webhook'),
  },
};
