import { createHash } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { ListeningQueriesTable } from '../db/listening';
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
  words.length >= REPEATED_TEXT_MIN_WORDS ? createHash('sha256').update(words.join(' ')).digest('base64url').slice(0, 22) : null;

/**
 * Matches, filters, scores and stores a batch of items for one query, in two statements. Stored
 * once: the unique keys (source id; author + normalised text per day) make a second sighting a
 * no-op. Noise is recorded by reason, once per item; that includes the same text arriving from
 * many accounts (more than three within a day), counted across earlier batches and this one.
 */
export async function storeMentions(db: Db, query: ListeningQuery, matcher: CompiledQuery, items: Candidate[]): Promise<StoreCounts> {
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
    const seen = await db
      .selectFrom('mentions')
      .select(['text_key', 'author'])
      .distinct()
      .where('query_id', '=', query.id)
      .where('text_key', 'in', keys)
      .where('posted_at', '>=', earliest)
      .execute();
    const authors = new Map<string, Set<string>>();
    for (const row of seen) authors.set(row.text_key!, (authors.get(row.text_key!) ?? new Set()).add(row.author.toLowerCase()));
    const survivors: typeof kept = [];
    for (const item of kept) {
      const others = item.textKey ? authors.get(item.textKey) ?? new Set<string>() : undefined;
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

  if (filtered.length) {
    await db
      .insertInto('listening_filtered')
      .values(filtered.map((f) => ({ query_id: query.id, ...f })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  counts.filtered = filtered.length;
  if (kept.length) {
    // One statement whatever the batch size: the rows travel as one array per column (unnest),
    // not as 14 parameters per row, which keeps both building and planning it cheap.
    const rows = kept.map((item) => ({ item, sentiment: analyzeSentiment(item.text) }));
    const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
    const inserted = await sql`
      insert into mentions (workspace_id, query_id, source, source_id, author, text, lang, url, posted_at, sentiment_score, sentiment_label, lead, dedupe_key, text_key)
      select ${query.workspace_id}::uuid, ${query.id}::uuid, r.*
      from unnest(
        ${column((r) => r.item.source)}::text[], ${column((r) => r.item.sourceId)}::text[], ${column((r) => r.item.author)}::text[],
        ${column((r) => r.item.text)}::text[], ${column((r) => r.item.lang ?? null)}::text[], ${column((r) => r.item.url)}::text[],
        ${column((r) => r.item.postedAt.toISOString())}::timestamptz[], ${column((r) => r.sentiment.score)}::real[],
        ${column((r) => r.sentiment.label)}::text[], ${column((r) => isSalesLead(r.item.text))}::boolean[],
        ${column((r) => dedupeKey(r.item, r.item.postedAt, r.item.words))}::text[], ${column((r) => r.item.textKey)}::text[]
      ) as r
      on conflict do nothing`.execute(db);
    counts.stored = Number(inserted.numAffectedRows ?? 0n);
    counts.duplicate = kept.length - counts.stored;
  }
  return counts;
}
