import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { ListeningQueriesTable } from '../db/listening';
import { insertMentions, recordFiltered, textKeyAuthors } from '../db/mentions';
import type { CompiledQuery } from '../listening/query';
import type { SourceItem } from '../listening/source-item';
import { dedupeKey, isSalesLead, noiseReason, normalisedWords } from '../listening/noise';
import { analyzeSentiment } from '../listening/sentiment';

export type ListeningQuery = Selectable<ListeningQueriesTable>;

/** An item from any source, and which source: `bluesky`, `rss`, `mastodon`, `push:<name>`. */
export type Candidate = SourceItem & { source: string };

export interface StoreCounts {
  unmatched: number;
  filtered: number;
  stored: number;
  duplicate: number;
}

/** Copypasta: the same text (of at least this many words) … */
const REPEATED_TEXT_MIN_WORDS = 5;
/** … already posted by this many other accounts within the window is noise. */
const REPEATED_TEXT_AUTHORS = 3;
const REPEATED_TEXT_WINDOW_MS = 24 * 3600_000;

const textKeyOf = (words: string[]): string | null =>
  words.length >= REPEATED_TEXT_MIN_WORDS
    ? createHash('sha256').update(words.join(' ')).digest('base64url').slice(0, 22)
    : null;

/**
 * Matches, filters, scores and stores a batch of items for one query, in two statements. Stored
 * once: the unique keys (source id; author + normalised text per day) make a second sighting a
 * no-op. Noise is recorded by reason, once per item; that includes the same text arriving from
 * many accounts (more than three within a day), counted across earlier batches and this one.
 */
export async function storeMentions(
  db: Db,
  query: ListeningQuery,
  matcher: CompiledQuery,
  items: Candidate[],
): Promise<StoreCounts> {
  const counts: StoreCounts = { unmatched: 0, filtered: 0, stored: 0, duplicate: 0 };
  const filtered: { source_id: string; reason: string }[] = [];
  const kept: (Candidate & { words: string[]; textKey: string | null })[] = [];
  for (const item of items) {
    if (!matcher.matches({ text: item.text, authorHandle: item.author, lang: item.lang, links: item.links })) {
      counts.unmatched++;
      continue;
    }
    const reason = noiseReason(item, query.filters);
    if (reason) filtered.push({ source_id: item.sourceId, reason });
    else {
      const words = normalisedWords(item.text);
      kept.push({ ...item, words, textKey: textKeyOf(words) });
    }
  }

  const keys = [...new Set(kept.map((k) => k.textKey).filter((k): k is string => k !== null))];
  if (keys.length) {
    const earliest = new Date(Math.min(...kept.map((k) => k.postedAt.getTime())) - REPEATED_TEXT_WINDOW_MS);
    const seen = await textKeyAuthors(db, query.id, keys, earliest);
    const authors = new Map<string, Set<string>>();
    for (const row of seen)
      authors.set(row.text_key!, (authors.get(row.text_key!) ?? new Set()).add(row.author.toLowerCase()));
    const survivors: typeof kept = [];
    for (const item of kept) {
      const others = item.textKey ? (authors.get(item.textKey) ?? new Set<string>()) : undefined;
      const author = item.author.toLowerCase();
      if (others && !others.has(author) && others.size >= REPEATED_TEXT_AUTHORS) {
        filtered.push({ source_id: item.sourceId, reason: 'repeated_text' });
        continue;
      }
      if (item.textKey && others) authors.set(item.textKey, others.add(author));
      survivors.push(item);
    }
    kept.splice(0, kept.length, ...survivors);
  }

  if (filtered.length) await recordFiltered(db, query.id, filtered);
  counts.filtered = filtered.length;
  if (kept.length) {
    counts.stored = await insertMentions(
      db,
      { workspaceId: query.workspace_id, queryId: query.id },
      kept.map((item) => {
        const sentiment = analyzeSentiment(item.text);
        return {
          source: item.source,
          sourceId: item.sourceId,
          author: item.author,
          text: item.text,
          lang: item.lang ?? null,
          url: item.url,
          postedAt: item.postedAt,
          sentimentScore: sentiment.score,
          sentimentLabel: sentiment.label,
          lead: isSalesLead(item.text),
          dedupeKey: dedupeKey(item, item.postedAt, item.words),
          textKey: item.textKey,
        };
      }),
    );
    counts.duplicate = kept.length - counts.stored;
  }
  return counts;
}
