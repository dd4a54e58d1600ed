import { MastodonAdapter } from '../channels/mastodon';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

// The metrics collector's Mastodon reads (issue 15): 20 statuses a call on 4.3 and later, one a
// call before; a status left out of a list answer is asked for alone to tell deleted from hidden.
let fake: MastodonFake;
beforeAll(async () => {
  fake = await startMastodonFake();
  fake.rateLimit = { limit: 100_000, remaining: 100_000, resetAt: new Date(Date.now() + 3600_000) };
});
afterAll(async () => {
  await fake?.close();
});

const reads = () => fake.requests.filter((r) => r.path.startsWith('/api/v1/statuses'));

test('45 statuses in 3 calls of GET /api/v1/statuses?id[]=, plus one for the deleted one; an instance before 4.3 one a call', async () => {
  const statuses = Array.from({ length: 45 }, (_, i) => fake.post({ text: `Status ${i}`, acct: 'chorus' }));
  statuses.forEach((s, i) => Object.assign(s, { favourites_count: i, reblogs_count: 1, replies_count: 2 }));
  const ids = statuses.map((s) => s.id);
  const deleted = ids[30]!;
  const removed = await fetch(`${fake.url}/api/v1/statuses/${deleted}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${fake.token}` },
  });
  expect(removed.status).toBe(200);
  const credentials = { instance: fake.url, accessToken: fake.token };

  fake.requests.length = 0;
  const { metrics, calls } = await new MastodonAdapter().readMetrics(credentials, ids);
  expect(calls).toBe(4);
  expect(reads().map((r) => r.path.split('?')[0])).toEqual([
    '/api/v1/statuses',
    '/api/v1/statuses',
    '/api/v1/statuses',
    `/api/v1/statuses/${deleted}`,
  ]);
  expect(metrics.get(ids[7]!)).toEqual({
    status: 'ok',
    counts: { likes: 7, reposts: 1, replies: 2, quotes: null, impressions: null },
  });
  expect(metrics.get(deleted)).toEqual({ status: 'deleted' });
  expect(metrics.size).toBe(45);

  fake.before43 = true;
  fake.requests.length = 0;
  const adapter = new MastodonAdapter();
  const old = await adapter.readMetrics(credentials, ids.slice(0, 25));
  expect(old.calls).toBe(1 + 25); // the refused list, then one a status
  expect(old.metrics.get(ids[7]!)).toEqual(metrics.get(ids[7]!));
  expect((await adapter.readMetrics(credentials, ids.slice(0, 5))).calls).toBe(5); // remembered: no list asked for
});
