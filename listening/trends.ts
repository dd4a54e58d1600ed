import { naturalStopwords } from './sentiment-lexicon';
import { hashtagsOf, normaliseText, wordsOf } from './query-text';

export interface TrendItem {
  value: string;
  count: number;
  previous: number;
  /** count − previous: how much it rose (or fell) against the previous window. */
  change: number;
}

export interface Trends {
  terms: TrendItem[];
  hashtags: TrendItem[];
  links: TrendItem[];
  authors: TrendItem[];
}

const STOPWORDS = naturalStopwords();
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;

type Counter = Map<string, number>;
const bump = (counter: Counter, key: string) => counter.set(key, (counter.get(key) ?? 0) + 1);

function countWindow(mentions: { text: string; author: string }[]) {
  const counts = {
    terms: new Map() as Counter,
    hashtags: new Map() as Counter,
    links: new Map() as Counter,
    authors: new Map() as Counter,
  };
  for (const m of mentions) {
    const normalised = normaliseText(m.text.replace(LINK, ' '));
    // Each mention counts a value once, so one repetitive post cannot make a trend.
    for (const w of new Set(wordsOf(normalised)))
      if (w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w)) bump(counts.terms, w);
    for (const tag of new Set(hashtagsOf(normalised))) bump(counts.hashtags, `#${tag}`);
    for (const link of new Set(m.text.match(LINK) ?? [])) bump(counts.links, link.replace(/[.,;:!?)]+$/, ''));
    bump(counts.authors, m.author);
  }
  return counts;
}

function rank(current: Counter, previous: Counter, limit: number): TrendItem[] {
  return [...current.entries()]
    .map(([value, count]) => ({
      value,
      count,
      previous: previous.get(value) ?? 0,
      change: count - (previous.get(value) ?? 0),
    }))
    .sort((a, b) => b.change - a.change || b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, limit);
}

/** Top terms, hashtags, links and authors in a window against the previous one, rising items first. */
export function trends(
  current: { text: string; author: string }[],
  previous: { text: string; author: string }[],
  limit = 20,
): Trends {
  const now = countWindow(current);
  const before = countWindow(previous);
  return {
    terms: rank(now.terms, before.terms, limit),
    hashtags: rank(now.hashtags, before.hashtags, limit),
    links: rank(now.links, before.links, limit),
    authors: rank(now.authors, before.authors, limit),
  };
}
