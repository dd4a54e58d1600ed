import { Context } from '@temporalio/activity';
import { IdResolver } from '@atproto/identity';
import { Firehose, FirehoseParseError, FirehoseValidationError, MemoryRunner, type Event } from '@atproto/sync';
import type { Selectable } from 'kysely';
import type { Db, ListeningQueriesTable } from '../db/database';
import { fetchFeed, NotAFeedError } from '../listening/feeds';
import { compileQuery, type CompiledQuery } from '../listening/query';
import { dedupeKey, isSalesLead, linksIn, noiseReason } from '../listening/noise';
import { analyzeSentiment } from '../listening/sentiment';
import type { ListeningRun } from '../workflows/messages';


interface PostRecord {
  text?: string;
  langs?: string[];
  createdAt?: string;
  facets?: { features?: { $type?: string; uri?: string }[] }[];
}

const HEARTBEAT_MS = 2000;

/** `http(s)://` → `ws(s)://`: the firehose is a WebSocket subscription. */
const toWebSocket = (service: string) => service.replace(/^http/, 'ws');

/** The I/O of listening: reading sources, matching, filtering, scoring and storing mentions. */
async function saveFeedState(db: Db, queryId: string, url: string, state: { etag: string | null; lastModified: string | null; error: string | null }) {
  const values = { etag: state.etag, last_modified: state.lastModified, healthy: state.error === null, last_error: state.error, checked_at: new Date() };
  await db
    .insertInto('feed_states')
    .values({ query_id: queryId, url, ...values })
    .onConflict((oc) => oc.columns(['query_id', 'url']).doUpdateSet(values))
    .execute();
}

export function createListeningActivities({ db }: { db: Db }) {
  return {
    /**
     * Polls the query's RSS/Atom feeds with conditional GET (ETag / Last-Modified), storing the
     * matching items. A feed that fails is marked unhealthy with its error; the others go on.
     */
    async pollFeeds({ queryId }: { queryId: string }): Promise<ListeningRun> {
      const query = await db.selectFrom('listening_queries').selectAll().where('id', '=', queryId).executeTakeFirstOrThrow();
      const run: ListeningRun = { processed: 0, stored: 0, filtered: 0, malformed: 0, sourceHealthy: true, lastError: null };
      if (query.status !== 'active' || !query.sources.rss?.length) return run;
      const matcher = compileQuery(query.expression);
      for (const url of query.sources.rss) {
        const state = await db.selectFrom('feed_states').selectAll().where('query_id', '=', queryId).where('url', '=', url).executeTakeFirst();
        try {
          const fetched = await fetchFeed(url, { etag: state?.etag, lastModified: state?.last_modified });
          if (fetched) {
            for (const item of fetched.feed.items) {
              run.processed++;
              const outcome = await storeIfMatching(db, query, matcher, {
                source: 'rss',
                sourceId: `${url}#${item.id}`,
                text: item.text,
                author: item.author,
                links: item.link ? [item.link] : [],
                postedAt: item.publishedAt ?? new Date(),
                url: item.link,
              });
              if (outcome === 'stored') run.stored++;
              if (outcome === 'filtered') run.filtered++;
            }
          }
          await saveFeedState(db, queryId, url, { etag: fetched ? fetched.etag : (state?.etag ?? null), lastModified: fetched ? fetched.lastModified : (state?.last_modified ?? null), error: null });
        } catch (err) {
          const message = err instanceof NotAFeedError ? `not a feed (${err.message})` : err instanceof Error ? err.message : String(err);
          run.sourceHealthy = false;
          run.lastError = `${url}: ${message}`;
          await saveFeedState(db, queryId, url, { etag: state?.etag ?? null, lastModified: state?.last_modified ?? null, error: message });
        }
      }
      return run;
    },

    /**
     * Reads the Bluesky firehose for `runForMs`, storing the posts that match the query. The cursor
     * (last sequence number fully processed) is heartbeated and saved, so a retry or the next run
     * resumes where this one stopped; posts seen twice are stored once (unique keys), so nothing is
     * lost or counted twice. Malformed frames are counted and skipped; an unreachable source is
     * reported, not thrown, so the listening loop keeps going.
     */
    async listenBlueskyFirehose({ queryId, runForMs }: { queryId: string; runForMs: number }): Promise<ListeningRun> {
      const ctx = Context.current();
      const query = await db.selectFrom('listening_queries').selectAll().where('id', '=', queryId).executeTakeFirstOrThrow();
      const run: ListeningRun = { processed: 0, stored: 0, filtered: 0, malformed: 0, sourceHealthy: true, lastError: null };
      const source = query.sources.bluesky;
      if (query.status !== 'active') return run;
      if (!source) {
        // Feeds only: keep the loop's pace (feeds are polled between reads).
        await Promise.race([new Promise((resolve) => setTimeout(resolve, runForMs).unref()), ctx.cancelled.catch(() => undefined)]);
        return run;
      }

      const heartbeatCursor = (ctx.info.heartbeatDetails as { cursor?: number } | undefined)?.cursor;
      const savedCursor = query.bluesky_cursor === null ? undefined : Number(query.bluesky_cursor);
      // Where to start: a retry's heartbeat, else the saved cursor, else the backfill point if any.
      const startCursor = Math.max(heartbeatCursor ?? -1, savedCursor ?? -1, source.fromCursor ?? -1);
      let cursor = startCursor >= 0 ? startCursor : undefined;

      const matcher = compileQuery(query.expression);
      const idResolver = new IdResolver({ plcUrl: source.plcUrl });
      const handles = new Map<string, string>();
      const handleOf = async (did: string) => {
        if (!handles.has(did)) handles.set(did, (await idResolver.did.resolveAtprotoData(did).catch(() => undefined))?.handle ?? did);
        return handles.get(did)!;
      };

      const handleEvent = async (evt: Event) => {
        if (evt.event !== 'create' || evt.collection !== 'app.bsky.feed.post') return;
        run.processed++;
        const record = evt.record as PostRecord;
        const text = typeof record.text === 'string' ? record.text : '';
        const links = [...new Set([...linksIn(text), ...(record.facets ?? []).flatMap((f) => (f.features ?? []).filter((x) => x.uri).map((x) => x.uri!))])];
        const postedAt = record.createdAt && !Number.isNaN(Date.parse(record.createdAt)) ? new Date(record.createdAt) : new Date(evt.time);
        const outcome = await storeIfMatching(db, query, matcher, {
          source: 'bluesky',
          sourceId: evt.uri.toString(),
          text,
          author: await handleOf(evt.did),
          lang: record.langs?.[0],
          links,
          postedAt,
          url: `https://bsky.app/profile/${evt.did}/post/${evt.rkey}`,
        });
        if (outcome === 'stored') run.stored++;
        if (outcome === 'filtered') run.filtered++;
      };

      const saveCursor = async (seq: number) => {
        cursor = seq;
        ctx.heartbeat({ cursor: seq });
        await db.updateTable('listening_queries').set({ bluesky_cursor: seq }).where('id', '=', queryId).execute();
      };
      // One event at a time, in order: the cursor only ever moves past fully stored events.
      const runner = new MemoryRunner({ startCursor: cursor, concurrency: 1, setCursor: saveCursor });
      const firehose = new Firehose({
        idResolver,
        service: toWebSocket(source.service),
        runner,
        filterCollections: ['app.bsky.feed.post'],
        excludeIdentity: true,
        excludeAccount: true,
        excludeSync: true,
        subscriptionReconnectDelay: 1000,
        handleEvent,
        onError: (err: Error) => {
          if (err instanceof FirehoseParseError || err instanceof FirehoseValidationError) {
            run.malformed++;
            return;
          }
          run.lastError = err.message;
          if (!/handler/i.test(err.name)) run.sourceHealthy = false;
        },
      });
      const keepAlive = setInterval(() => ctx.heartbeat({ cursor }), HEARTBEAT_MS);
      let endOfRun: NodeJS.Timeout | undefined;
      try {
        void firehose.start();
        await Promise.race([new Promise((resolve) => (endOfRun = setTimeout(resolve, runForMs))), ctx.cancelled.catch(() => undefined)]);
      } finally {
        clearInterval(keepAlive);
        clearTimeout(endOfRun);
        await firehose.destroy();
        await runner.processAll();
      }
      return run;
    },
  };
}

type ListeningQuery = Selectable<ListeningQueriesTable>;

interface Candidate {
  source: string;
  sourceId: string;
  text: string;
  author: string;
  lang?: string;
  links: string[];
  postedAt: Date;
  url: string | null;
}

/**
 * Matches, filters, scores and stores one item from any source. Stored once: the unique keys
 * (source id; author + normalised text per day) make a second sighting a no-op.
 */
async function storeIfMatching(db: Db, query: ListeningQuery, matcher: CompiledQuery, item: Candidate): Promise<'unmatched' | 'filtered' | 'stored' | 'duplicate'> {
  if (!matcher.matches({ text: item.text, authorHandle: item.author, lang: item.lang, links: item.links })) return 'unmatched';
  const reason = noiseReason(item, query.filters);
  if (reason) {
    await db.insertInto('listening_filtered').values({ query_id: query.id, source_id: item.sourceId, reason }).onConflict((oc) => oc.doNothing()).execute();
    return 'filtered';
  }
  const sentiment = analyzeSentiment(item.text);
  const inserted = await db
    .insertInto('mentions')
    .values({
      workspace_id: query.workspace_id,
      query_id: query.id,
      source: item.source,
      source_id: item.sourceId,
      author: item.author,
      text: item.text,
      lang: item.lang ?? null,
      url: item.url,
      posted_at: item.postedAt,
      sentiment_score: sentiment.score,
      sentiment_label: sentiment.label,
      corrected_label: null,
      lead: isSalesLead(item.text),
      dedupe_key: dedupeKey(item, item.postedAt),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? 'stored' : 'duplicate';
}

export type ListeningActivities = ReturnType<typeof createListeningActivities>;
