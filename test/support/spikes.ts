import type { Chorus } from './chorus';
import type { Harness } from './harness';

/** Backdates a listening query's start two hours: it has listened through its baseline windows, so it may alert. */
export async function listenedForTwoHours(h: Harness, queryId: string): Promise<void> {
  await h.db
    .updateTable('listening_queries')
    .set({ listening_since: new Date(Date.now() - 2 * 3600_000) })
    .where('id', '=', queryId)
    .execute();
}

/**
 * A query named "Brand" for "chorus" on pushed mentions, alerting on a spike (ten-minute windows, a
 * baseline of six, at least five mentions), that has listened through its baseline.
 */
export async function brandSpikeQuery(h: Harness, call: Chorus['call'], token: string) {
  const query = (
    await call(token, 'POST', '/v1/listening/queries', {
      name: 'Brand',
      expression: 'chorus',
      sources: { push: true },
      alerting: { windowSeconds: 600, baselineWindows: 6, minVolume: 5 },
    })
  ).json() as { id: string };
  await listenedForTwoHours(h, query.id);
  return query;
}

/** Mention `i` of a query (a row of the mentions table), posted at `postedAt` (ms). */
export const mentionRow = (
  query: { workspaceId: string; queryId: string },
  i: number,
  postedAt: number,
  text: string,
  sentiment: { score: number; label: 'positive' | 'neutral' | 'negative' } = { score: 0, label: 'neutral' },
) => ({
  workspace_id: query.workspaceId,
  query_id: query.queryId,
  source: 'push:test',
  source_id: `m${i}`,
  author: `a${i}`,
  text,
  url: null,
  lang: null,
  posted_at: new Date(postedAt),
  sentiment_score: sentiment.score,
  sentiment_label: sentiment.label,
  corrected_label: null,
  dedupe_key: `k${i}`,
});
