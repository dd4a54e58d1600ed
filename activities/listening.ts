import { Context } from '@temporalio/activity';
import { IdResolver } from '@atproto/identity';
import { Firehose, FirehoseParseError, FirehoseValidationError, MemoryRunner, type Event } from '@atproto/sync';
import type { Db } from '../db/database';
import { compileQuery } from '../listening/query';
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
export function createListeningActivities({ db }: { db: Db }) {
  return {
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
      if (query.status !== 'active' || !source) return run;

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
        const author = await handleOf(evt.did);
        const lang = record.langs?.[0];
        if (!matcher.matches({ text, authorHandle: author, lang, links })) return;
        const sourceId = evt.uri.toString();
        const reason = noiseReason({ text, author, lang, links }, query.filters);
        if (reason) {
          await db.insertInto('listening_filtered').values({ query_id: queryId, source_id: sourceId, reason }).onConflict((oc) => oc.doNothing()).execute();
          run.filtered++;
          return;
        }
        const postedAt = record.createdAt && !Number.isNaN(Date.parse(record.createdAt)) ? new Date(record.createdAt) : new Date(evt.time);
        const sentiment = analyzeSentiment(text);
        const inserted = await db
          .insertInto('mentions')
          .values({
            workspace_id: query.workspace_id,
            query_id: queryId,
            source: 'bluesky',
            source_id: sourceId,
            author,
            text,
            lang: lang ?? null,
            url: `https://bsky.app/profile/${evt.did}/post/${evt.rkey}`,
            posted_at: postedAt,
            sentiment_score: sentiment.score,
            sentiment_label: sentiment.label,
            corrected_label: null,
            lead: isSalesLead(text),
            dedupe_key: dedupeKey({ text, author }, postedAt),
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) run.stored++;
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

export type ListeningActivities = ReturnType<typeof createListeningActivities>;
