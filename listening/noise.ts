import type { NoiseFilters } from '../db/listening';
import type { SourceItem } from './source-item';

export type CandidateMention = Pick<SourceItem, 'text' | 'author' | 'lang' | 'links' | 'bot'>;

const LINK = /\bhttps?:\/\/\S+/gi;
const HASHTAG = /(^|\s)#[\p{L}\p{N}_]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Buying intent: someone asking what to buy, or for a way off a competitor. */
const LEAD_PATTERNS = [
  /\blooking for (a|an|some)?\s*\w+/i,
  /\bany (recommendations?|suggestions?|recs)\b/i,
  /\balternatives? to\b/i,
  /\bcan (anyone|someone|you) recommend\b/i,
  /\bwhere (can|do|should) i (buy|get|find)\b/i,
  /\bthinking (of|about) (buying|switching|getting)\b/i,
  /\bswitch(ing)? (from|away from)\b/i,
];

export function isSalesLead(text: string): boolean {
  return LEAD_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * Why a matching post is noise, or undefined when it is worth keeping. Rules: the query's own
 * filters (blocked authors and link domains, languages, minimum length), then bot and spam
 * heuristics: an account the source flags as a bot, a post that is only links, and hashtag
 * stuffing (at least 5 hashtags, more than half its words).
 * The same text from one account is stored once a day (see dedupeKey).
 */
export function noiseReason(mention: CandidateMention, filters: NoiseFilters): string | undefined {
  const withoutLinks = mention.text.replace(LINK, ' ').trim();
  const words = withoutLinks.match(WORD) ?? [];
  if (filters.blockAuthors?.some((a) => a.replace(/^@/, '').toLowerCase() === mention.author.toLowerCase()))
    return 'blocked_author';
  if (filters.blockDomains?.length) {
    const blocked = filters.blockDomains.map((d) => d.toLowerCase());
    const hosts = mention.links.flatMap((l) => {
      try {
        return [new URL(l).hostname.toLowerCase()];
      } catch {
        return [];
      }
    });
    if (hosts.some((h) => blocked.some((d) => h === d || h.endsWith(`.${d}`)))) return 'blocked_domain';
  }
  if (filters.languages?.length && mention.lang && !filters.languages.includes(mention.lang)) return 'language';
  if (mention.bot) return 'bot_account';
  if (mention.links.length > 0 && words.length === 0) return 'link_only';
  if (filters.minLength !== undefined && withoutLinks.length < filters.minLength) return 'too_short';
  const hashtags = (mention.text.match(HASHTAG) ?? []).length;
  if (hashtags >= 5 && hashtags * 2 > words.length) return 'hashtag_stuffing';
  return undefined;
}

/** The words of a text, lower-cased, links left out: what "the same text" compares. */
export function normalisedWords(text: string): string[] {
  return text.toLowerCase().replace(LINK, ' ').match(WORD) ?? [];
}

/** Author + day + normalised words: the same text from the same account counts once a day. */
export function dedupeKey(
  mention: { text: string; author: string },
  postedAt: Date,
  words = normalisedWords(mention.text),
): string {
  return `${mention.author.toLowerCase()}|${postedAt.toISOString().slice(0, 10)}|${words.join(' ')}`;
}

export function linksIn(text: string): string[] {
  return text.match(LINK) ?? [];
}
