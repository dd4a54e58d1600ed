/**
 * How each network counts a post's text, and what it refuses: the one copy of these rules, used by
 * the channel adapters (channels/) when the API checks a post and by the web app's composer for its
 * live counter. Pure and portable: no Node APIs (TextEncoder, Intl.Segmenter), so browsers run it too.
 */
import twitterText from 'twitter-text';
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

/**
 * Checks the limits every network shares: not blank, not over its length in graphemes and bytes.
 * `what` names the kind of text where the network's comments have limits of their own.
 */
export function validateAgainstLimits(
  text: string,
  limits: ChannelLimits,
  networkName: string,
  what: 'post' | 'comment' = 'post',
): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push(`${networkName} ${what}s need text`);
  const graphemes = graphemeLength(text);
  if (graphemes > limits.maxGraphemes) {
    const where = what === 'comment' ? ' in a comment' : '';
    problems.push(
      `${networkName} allows at most ${limits.maxGraphemes} characters${where}; this text has ${graphemes}`,
    );
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

/** X's limit, in its weighted characters (https://docs.x.com/resources/fundamentals/counting-characters). */
export const X_LIMITS: ChannelLimits = { maxGraphemes: 280 };
/** How many posts one X thread may have: Chorus's own bound, X documents none. */
export const X_MAX_THREAD_POSTS = 25;
/** A line holding only `---` separates the posts of an X thread (each part a reply to the one before). */
const X_THREAD_BREAK = /^[ \t]*---[ \t]*$/m;

/** The posts of an X thread: the text split at each `---` line, each part trimmed; one part for a plain post. */
export function splitXThread(text: string): string[] {
  return text.split(X_THREAD_BREAK).map((part) => part.trim());
}

/**
 * X's own count (the twitter-text library X publishes): most characters count 1, CJK and emoji 2,
 * every URL 23, after Unicode NFC normalisation. Of a thread, its longest post's.
 */
export function xLength(text: string): number {
  return Math.max(...splitXThread(text).map(xPostLength));
}

/** One X post's weighted length (twitter-text's parseTweet). */
export function xPostLength(post: string): number {
  return twitterText.parseTweet(post).weightedLength;
}

export function validateXText(text: string): string[] {
  const parts = splitXThread(text);
  const problems: string[] = [];
  const how = `${X_LIMITS.maxGraphemes} characters (links count as 23, CJK characters and emoji as 2)`;
  if (parts.length === 1) {
    if (parts[0] === '') problems.push('X posts need text');
    const length = xPostLength(parts[0]!);
    if (length > X_LIMITS.maxGraphemes) problems.push(`X allows at most ${how}; this text has ${length}`);
    return problems;
  }
  if (parts.length > X_MAX_THREAD_POSTS)
    problems.push(`X threads in Chorus have at most ${X_MAX_THREAD_POSTS} posts; this one has ${parts.length}`);
  parts.forEach((part, i) => {
    const which = `post ${i + 1} of the thread`;
    if (part === '') problems.push(`X posts need text; ${which} is empty`);
    const length = xPostLength(part);
    if (length > X_LIMITS.maxGraphemes) problems.push(`X allows at most ${how} per post; ${which} has ${length}`);
  });
  return problems;
}

/** LinkedIn's limit for a post's commentary (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api). */
export const LINKEDIN_LIMITS: ChannelLimits = { maxGraphemes: 3000 };
/** Facebook Page posts: 63,206 characters. */
export const FACEBOOK_LIMITS: ChannelLimits = { maxGraphemes: 63_206 };
/** Instagram captions: 2,200 characters, at most 30 hashtags and 20 @tags (Instagram's content publishing guide). */
export const INSTAGRAM_LIMITS: ChannelLimits = { maxGraphemes: 2200 };
export const INSTAGRAM_MAX_HASHTAGS = 30;
export const INSTAGRAM_MAX_MENTIONS = 20;
/** Threads posts: 500 characters, an emoji counting as its UTF-8 bytes; at most 5 distinct links. */
export const THREADS_LIMITS: ChannelLimits = { maxGraphemes: 500 };
export const THREADS_MAX_LINKS = 5;

/**
 * Posts each account may publish through the API in any 24 hours (Instagram `content_publishing_limit`,
 * Threads `threads_publishing_limit`; a carousel counts as one): checked when a post is scheduled.
 */
export const DAILY_PUBLISHING_LIMITS: Partial<Record<Provider, number>> = { instagram: 100, threads: 250 };

const HASHTAG = /(^|[^\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu;
const MENTION = /(^|[^\w.@])@[A-Za-z0-9._]{1,30}/g;

export function hashtagCount(text: string): number {
  return text.match(HASHTAG)?.length ?? 0;
}

export function mentionCount(text: string): number {
  return text.match(MENTION)?.length ?? 0;
}

export function validateInstagramText(text: string): string[] {
  const problems = validateAgainstLimits(text, INSTAGRAM_LIMITS, 'Instagram');
  const hashtags = hashtagCount(text);
  if (hashtags > INSTAGRAM_MAX_HASHTAGS)
    problems.push(`Instagram allows at most ${INSTAGRAM_MAX_HASHTAGS} hashtags; this text has ${hashtags}`);
  const mentions = mentionCount(text);
  if (mentions > INSTAGRAM_MAX_MENTIONS)
    problems.push(`Instagram allows at most ${INSTAGRAM_MAX_MENTIONS} @tags; this text has ${mentions}`);
  return problems;
}

/** RGI emoji sequences (one grapheme each); built at run time so that older targets compile the `v` flag. */
const EMOJI = new RegExp('\\p{RGI_Emoji}', 'gv');

/** The length Threads counts: characters, with each emoji counted as its UTF-8 bytes (Threads API, "Posts"). */
export function threadsLength(text: string): number {
  let extra = 0;
  for (const emoji of text.match(EMOJI) ?? []) extra += utf8Length(emoji) - 1;
  return graphemeLength(text) + extra;
}

export function validateThreadsText(text: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push('Threads posts need text');
  const length = threadsLength(text);
  if (length > THREADS_LIMITS.maxGraphemes)
    problems.push(
      `Threads allows at most ${THREADS_LIMITS.maxGraphemes} characters (an emoji counts as its UTF-8 bytes); this text has ${length}`,
    );
  const links = new Set(text.match(URL_PATTERN) ?? []).size;
  if (links > THREADS_MAX_LINKS)
    problems.push(`Threads allows at most ${THREADS_MAX_LINKS} links in a post; this text has ${links}`);
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

export const TEXT_RULES: Record<Provider, TextRules> = {
  bluesky: {
    limits: BLUESKY_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, BLUESKY_LIMITS, 'Bluesky'),
  },
  mastodon: { limits: MASTODON_LIMITS, length: mastodonLength, validate: validateMastodonText },
  x: { limits: X_LIMITS, length: xLength, validate: validateXText },
  linkedin: {
    limits: LINKEDIN_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, LINKEDIN_LIMITS, 'LinkedIn'),
  },
  facebook: {
    limits: FACEBOOK_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, FACEBOOK_LIMITS, 'Facebook'),
  },
  instagram: { limits: INSTAGRAM_LIMITS, length: graphemeLength, validate: validateInstagramText },
  threads: { limits: THREADS_LIMITS, length: threadsLength, validate: validateThreadsText },
  webhook: {
    limits: WEBHOOK_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, WEBHOOK_LIMITS, 'Webhook'),
  },
};

/** A Page's comment (a Facebook reply under a post or comment): 8,000 characters. */
export const FACEBOOK_COMMENT_LIMITS: ChannelLimits = { maxGraphemes: 8000 };
/** A LinkedIn comment (`socialActions/{urn}/comments`): 1,250 characters. */
export const LINKEDIN_COMMENT_LIMITS: ChannelLimits = { maxGraphemes: 1250 };
/**
 * A comment made through the Instagram Graph API (IG Media comments and IG Comment replies,
 * "Creating"): at most 300 characters, 4 hashtags and 1 URL, and not all capital letters.
 */
export const INSTAGRAM_COMMENT_LIMITS: ChannelLimits = { maxGraphemes: 300 };
export const INSTAGRAM_COMMENT_MAX_HASHTAGS = 4;
export const INSTAGRAM_COMMENT_MAX_URLS = 1;

export function validateInstagramComment(text: string): string[] {
  const problems = validateAgainstLimits(text, INSTAGRAM_COMMENT_LIMITS, 'Instagram', 'comment');
  const hashtags = hashtagCount(text);
  if (hashtags > INSTAGRAM_COMMENT_MAX_HASHTAGS)
    problems.push(
      `Instagram allows at most ${INSTAGRAM_COMMENT_MAX_HASHTAGS} hashtags in a comment; this text has ${hashtags}`,
    );
  const urls = (text.match(URL_PATTERN) ?? []).length;
  if (urls > INSTAGRAM_COMMENT_MAX_URLS)
    problems.push(`Instagram allows at most ${INSTAGRAM_COMMENT_MAX_URLS} link in a comment; this text has ${urls}`);
  if (/\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text))
    problems.push('Instagram refuses a comment written in capital letters only');
  return problems;
}

/**
 * The rules a reply from the inbox is checked by: where a network's reply is a comment with rules of
 * its own (Facebook, LinkedIn, Instagram), those; elsewhere a reply is a post (X, Threads, Bluesky,
 * Mastodon) and the post's rules apply.
 */
export const REPLY_RULES: Record<Provider, TextRules> = {
  ...TEXT_RULES,
  facebook: {
    limits: FACEBOOK_COMMENT_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, FACEBOOK_COMMENT_LIMITS, 'Facebook', 'comment'),
  },
  linkedin: {
    limits: LINKEDIN_COMMENT_LIMITS,
    length: graphemeLength,
    validate: (text) => validateAgainstLimits(text, LINKEDIN_COMMENT_LIMITS, 'LinkedIn', 'comment'),
  },
  instagram: { limits: INSTAGRAM_COMMENT_LIMITS, length: graphemeLength, validate: validateInstagramComment },
};
