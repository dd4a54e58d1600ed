import { Context } from '@temporalio/activity';
import { IdResolver } from '@atproto/identity';
import type { Db } from '../db/database';
import type { ListeningSources } from '../db/listening';
import {
  findFeedState,
  loadListeningQuery,
  findMastodonState,
  saveBlueskyCursor,
  saveFeedState,
  saveMastodonState,
  storedCounts,
} from '../db/listening';
import type { Sealer } from '../db/sealing';
import { fetchFeed, NotAFeedError } from '../listening/feeds';
import { readFirehose } from '../listening/firehose';
import {
  MastodonAuthRequired,
  MastodonRateLimited,
  NotMastodonError,
  readNewStatuses,
  timelineKey,
  toMention,
} from '../listening/mastodon';
import { linksIn } from '../listening/noise';
import { compileQuery } from '../listening/query';
import { storeMentions, type StoreCounts } from '../services/mention-store';
import { emptyListeningRun, type ListeningRun } from '../contracts/listening';

interface PostRecord {
  text?: string;
  langs?: string[];
  createdAt?: string;
  facets?: { features?: { $type?: string; uri?: string }[] }[];
}

const HEARTBEAT_MS = 2000;
const CURSOR_SAVE_MS = 1000;

/** `http(s)://` → `ws(s)://`: the firehose is a WebSocket subscription. */
const toWebSocket = (service: string) => service.replace(/^http/, 'ws');

const addCounts = (run: ListeningRun, counts: StoreCounts) => {
  run.stored += counts.stored;
  run.filtered += counts.filtered;
};

/** The I/O of listening: reading sources, matching, filtering, scoring and storing mentions. */
export function createListeningActivities({ db, sealer }: { db: Db; sealer: Sealer }) {
  /** The query and its matcher, when it is active and has the source this read is for. */
  const activeQuery = async (queryId: string, hasSource: (sources: ListeningSources) => boolean) => {
    const query = await loadListeningQuery(db, queryId);
    return query.status === 'active' && hasSource(query.sources)
      ? { query, matcher: compileQuery(query.expression) }
      : undefined;
  };

  return {
    /**
     * The query's stored and filtered totals in the database, from every source: pushes are
     * stored without the loop, and a read cut short by a change returns no counts.
     */
    async countStored({ queryId }: { queryId: string }): Promise<{ stored: number; filtered: number }> {
      const { stored, filtered } = await storedCounts(db, queryId);
      return { stored, filtered };
    },

    /**
     * Polls the query's RSS/Atom feeds with conditional GET (ETag / Last-Modified), storing the
     * matching items. A feed that fails is marked unhealthy with its error; the others go on.
     */
    async pollFeeds({ queryId }: { queryId: string }): Promise<ListeningRun> {
      const run = emptyListeningRun();
      const active = await activeQuery(queryId, (sources) => !!sources.rss?.length);
      if (!active) return run;
      const { query, matcher } = active;
      for (const url of query.sources.rss!) {
        const state = await findFeedState(db, queryId, url);
        try {
          const fetched = await fetchFeed(url, { etag: state?.etag, lastModified: state?.last_modified });
          if (fetched) {
            run.processed += fetched.feed.items.length;
            const items = fetched.feed.items.map((item) => ({
              source: 'rss',
              sourceId: `${url}#${item.id}`,
              text: item.text,
              author: item.author,
              links: item.link ? [item.link] : [],
              postedAt: item.publishedAt ?? new Date(),
              url: item.link,
            }));
            addCounts(run, await storeMentions(db, query, matcher, items));
          }
          await saveFeedState(db, queryId, url, {
            etag: fetched ? fetched.etag : (state?.etag ?? null),
            lastModified: fetched ? fetched.lastModified : (state?.last_modified ?? null),
            error: null,
          });
        } catch (err) {
          const message =
            err instanceof NotAFeedError
              ? `not a feed (${err.message})`
              : err instanceof Error
                ? err.message
                : String(err);
          run.sourceHealthy = false;
          run.lastError = `${url}: ${message}`;
          await saveFeedState(db, queryId, url, {
            etag: state?.etag ?? null,
            lastModified: state?.last_modified ?? null,
            error: message,
          });
        }
      }
      return run;
    },

    /**
     * Reads the query's Mastodon timelines from where the last read stopped (`min_id`), storing
     * each page before moving the saved position past it, so a retry re-reads at most one page and
     * the unique keys absorb it. A used-up rate limit (X-RateLimit-Remaining 0, or a 429) parks the
     * timeline until X-RateLimit-Reset; an error marks it unhealthy; the other timelines go on.
     */
    async pollMastodon({ queryId }: { queryId: string }): Promise<ListeningRun> {
      const run = emptyListeningRun();
      const active = await activeQuery(queryId, (sources) => !!sources.mastodon?.length);
      if (!active) return run;
      const { query, matcher } = active;
      for (const source of query.sources.mastodon!) {
        const timeline = { instance: source.instance, hashtag: source.hashtag, search: source.search };
        const key = timelineKey(timeline);
        const state = await findMastodonState(db, queryId, key);
        if (state?.paused_until && state.paused_until.getTime() > Date.now()) continue;
        // Saved only while the query still lists this timeline: a read winding down after a PATCH
        // removed it must not bring its state back.
        const listed = JSON.stringify([
          { instance: source.instance, ...(source.hashtag ? { hashtag: source.hashtag } : { search: source.search }) },
        ]);
        const save = (values: Parameters<typeof saveMastodonState>[2]) =>
          saveMastodonState(db, { queryId, timeline: key, listed }, values);
        let pausedUntil: Date | null = null;
        let gap: string | null = null;
        try {
          // Opened here, so a token that no longer opens (a changed key) is this timeline's error, not the loop's.
          const accessToken = source.accessTokenSealed ? sealer.open<string>(source.accessTokenSealed) : undefined;
          for await (const page of readNewStatuses({ ...timeline, accessToken }, state?.position ?? null)) {
            run.processed += page.statuses.length;
            const items = page.statuses.map((status) => ({
              source: 'mastodon',
              ...toMention(status, source.instance),
            }));
            addCounts(run, await storeMentions(db, query, matcher, items));
            pausedUntil = page.exhaustedUntil;
            if (page.skipped) gap = 'more new statuses than one read pages through: the oldest of them were skipped';
            if (gap) run.lastError = `${key}: ${gap}`;
            await save({ position: page.position, paused_until: pausedUntil, healthy: true, last_error: gap });
            Context.current().heartbeat();
          }
          if (pausedUntil === null) await save({ paused_until: null, healthy: true, last_error: gap });
        } catch (err) {
          if (err instanceof MastodonRateLimited) {
            await save({ paused_until: err.resetAt, healthy: true, last_error: err.message });
            continue;
          }
          const message =
            err instanceof MastodonAuthRequired
              ? `needs a valid access token (${err.message})`
              : err instanceof NotMastodonError
                ? `not a Mastodon API (${err.message})`
                : err instanceof Error
                  ? err.message
                  : String(err);
          run.sourceHealthy = false;
          run.lastError = `${key}: ${message}`;
          await save({ healthy: false, last_error: message });
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
      const query = await loadListeningQuery(db, queryId);
      const run = emptyListeningRun();
      const source = query.sources.bluesky;
      if (query.status !== 'active') return run;
      if (!source) {
        // Feeds only: keep the loop's pace (feeds are polled between reads).
        await Promise.race([
          new Promise((resolve) => setTimeout(resolve, runForMs).unref()),
          ctx.cancelled.catch(() => undefined),
        ]);
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
        if (!handles.has(did))
          handles.set(did, (await idResolver.did.resolveAtprotoData(did).catch(() => undefined))?.handle ?? did);
        return handles.get(did)!;
      };

      // The cursor goes to the database at most once a second (and when the read ends), not once
      // per event: a restart re-reads at most that second, and the unique keys absorb the repeats.
      let cursorSavedAt = 0;
      let savedSeq = cursor;
      const saveCursor = async () => {
        if (cursor === undefined || cursor === savedSeq) return;
        const seq = cursor;
        // Only for the source this read is for (see `saveBlueskyCursor`).
        await saveBlueskyCursor(db, queryId, JSON.stringify(source), seq);
        savedSeq = seq;
        cursorSavedAt = Date.now();
      };

      const stop = new AbortController();
      const keepAlive = setInterval(() => ctx.heartbeat({ cursor }), HEARTBEAT_MS);
      const endOfRun = setTimeout(() => stop.abort(), runForMs);
      ctx.cancelled.catch(() => stop.abort());
      try {
        await readFirehose({
          service: toWebSocket(source.service),
          cursor,
          collection: 'app.bsky.feed.post',
          idResolver,
          signal: stop.signal,
          onCreate: async (evt) => {
            run.processed++;
            const record = evt.record as PostRecord;
            const text = typeof record.text === 'string' ? record.text : '';
            const links = [
              ...new Set([
                ...linksIn(text),
                ...(record.facets ?? []).flatMap((f) => (f.features ?? []).filter((x) => x.uri).map((x) => x.uri!)),
              ]),
            ];
            const postedAt =
              record.createdAt && !Number.isNaN(Date.parse(record.createdAt)) ? new Date(record.createdAt) : new Date();
            const counts = await storeMentions(db, query, matcher, [
              {
                source: 'bluesky',
                sourceId: evt.uri.toString(),
                text,
                author: await handleOf(evt.did),
                lang: record.langs?.[0],
                links,
                postedAt,
                url: `https://bsky.app/profile/${evt.did}/post/${evt.rkey}`,
              },
            ]);
            addCounts(run, counts);
          },
          onCursor: async (seq) => {
            cursor = seq;
            ctx.heartbeat({ cursor: seq });
            if (Date.now() - cursorSavedAt >= CURSOR_SAVE_MS) await saveCursor();
          },
          onMalformed: () => {
            run.malformed++;
          },
          onSourceError: (err) => {
            run.sourceHealthy = false;
            run.lastError = err.message;
          },
        });
      } finally {
        clearInterval(keepAlive);
        clearTimeout(endOfRun);
      }
      await saveCursor();
      return run;
    },
  };
}

export type ListeningActivities = ReturnType<typeof createListeningActivities>;
