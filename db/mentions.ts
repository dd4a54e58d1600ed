import { sql } from 'kysely';
import type { Db } from './database';

/** A mention as stored: matched, scored and keyed for de-duplication. */
export interface NewMention {
  source: string;
  sourceId: string;
  author: string;
  text: string;
  lang: string | null;
  url: string | null;
  postedAt: Date;
  sentimentScore: number;
  sentimentLabel: string;
  lead: boolean;
  dedupeKey: string;
  textKey: string | null;
}

/** Who (author) already posted each of these texts (text keys) to the query since `since`. */
export async function textKeyAuthors(db: Db, queryId: string, textKeys: string[], since: Date) {
  return db
    .selectFrom('mentions')
    .select(['text_key', 'author'])
    .distinct()
    .where('query_id', '=', queryId)
    .where('text_key', 'in', textKeys)
    .where('posted_at', '>=', since)
    .execute();
}

/** Records filtered items by reason, once per item. */
export async function recordFiltered(
  db: Db,
  queryId: string,
  filtered: { source_id: string; reason: string }[],
): Promise<void> {
  await db
    .insertInto('listening_filtered')
    .values(filtered.map((f) => ({ query_id: queryId, ...f })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Stores mentions in one statement, a second sighting a no-op (unique source id; author + text per
 * day). Returns how many were new.
 */
export async function insertMentions(
  db: Db,
  query: { workspaceId: string; queryId: string },
  mentions: NewMention[],
): Promise<number> {
  // One statement whatever the batch size: the rows travel as one array per column (unnest),
  // not as 14 parameters per row, which keeps both building and planning it cheap.
  const column = <T>(pick: (mention: NewMention) => T) => mentions.map(pick);
  const inserted = await sql`
      insert into mentions (workspace_id, query_id, source, source_id, author, text, lang, url, posted_at, sentiment_score, sentiment_label, lead, dedupe_key, text_key)
      select ${query.workspaceId}::uuid, ${query.queryId}::uuid, r.*
      from unnest(
        ${column((m) => m.source)}::text[], ${column((m) => m.sourceId)}::text[], ${column((m) => m.author)}::text[],
        ${column((m) => m.text)}::text[], ${column((m) => m.lang)}::text[], ${column((m) => m.url)}::text[],
        ${column((m) => m.postedAt.toISOString())}::timestamptz[], ${column((m) => m.sentimentScore)}::real[],
        ${column((m) => m.sentimentLabel)}::text[], ${column((m) => m.lead)}::boolean[],
        ${column((m) => m.dedupeKey)}::text[], ${column((m) => m.textKey)}::text[]
      ) as r
      on conflict do nothing`.execute(db);
  return Number(inserted.numAffectedRows ?? 0n);
}
