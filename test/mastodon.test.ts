import {
  compareIds,
  parseLinkHeader,
  readNewStatuses,
  toMention,
  type MastodonStatus,
  type MastodonTimeline,
} from '../listening/mastodon';
import { recordHistory } from './support/histories';
import { useChorus } from './support/chorus';
import { listMentions } from './support/mentions';
import { waitFor } from './support/harness';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Mastodon listeners' });
let fake: MastodonFake;

beforeAll(async () => {
  fake = await startMastodonFake();
});
afterAll(async () => {
  await fake?.close();
});

const mentionsOf = (queryId: string) => listMentions(call, ws().token, queryId);

async function readAll(timeline: MastodonTimeline, position: string | null) {
  const statuses: MastodonStatus[] = [];
  let last = position;
  for await (const page of readNewStatuses(timeline, position)) {
    statuses.push(...page.statuses);
    last = page.position;
  }
  return { statuses, position: last };
}

describe('reading a timeline', () => {
  test('a hashtag timeline is read forwards through Link-header pages, every new status exactly once', async () => {
    const timeline = { instance: fake.url, hashtag: 'Paging' };
    for (let i = 0; i < 45; i++) fake.post({ text: `old ${i} #paging`, acct: 'early', tags: ['paging'] });
    const first = await readAll(timeline, null);
    expect(first.statuses).toHaveLength(40); // listening starts now: only the newest page
    expect(first.position).toBe(first.statuses[0]!.id);

    const posted = Array.from(
      { length: 95 },
      (_, i) => fake.post({ text: `new ${i} #paging`, acct: 'later', tags: ['paging'] }).id,
    );
    fake.requests.length = 0;
    const next = await readAll(timeline, first.position);
    expect(next.statuses.map((s) => s.id).sort(compareIds)).toEqual(posted);
    expect(next.position).toBe(posted[posted.length - 1]);
    // min_id from the position, then the Link header's `prev` for each following page, until an empty one.
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/api/v1/timelines/tag/Paging?min_id=${first.position}&limit=40`,
      `/api/v1/timelines/tag/Paging?limit=40&min_id=${posted[39]}`,
      `/api/v1/timelines/tag/Paging?limit=40&min_id=${posted[79]}`,
      `/api/v1/timelines/tag/Paging?limit=40&min_id=${posted[94]}`,
    ]);
    expect((await readAll(timeline, next.position)).statuses).toEqual([]);
  });

  test('search is read backwards inside (position, newest], so nothing between two reads is skipped', async () => {
    const timeline = { instance: fake.url, search: 'searchable words', accessToken: fake.token };
    fake.post({ text: 'searchable words zero', acct: 'sam' });
    const first = await readAll(timeline, null);
    expect(first.statuses).toHaveLength(1);
    const posted = Array.from({ length: 85 }, (_, i) => fake.post({ text: `searchable words ${i}`, acct: 'sam' }).id);
    const next = await readAll(timeline, first.position);
    expect(next.statuses.map((s) => s.id).sort(compareIds)).toEqual(posted);
    expect(next.position).toBe(posted[84]);
  });

  test('search read newest-first and cut short by the rate limit keeps its position; the next read completes the range', async () => {
    fake.searchOrder = 'newest';
    try {
      const timeline = { instance: fake.url, search: 'ranged words', accessToken: fake.token };
      fake.post({ text: 'ranged words zero', acct: 'rae' });
      const start = (await readAll(timeline, null)).position!;
      const posted = Array.from({ length: 85 }, (_, i) => fake.post({ text: `ranged words ${i}`, acct: 'rae' }).id);
      fake.rateLimit = { ...fake.rateLimit, remaining: 1 }; // the first page spends the budget
      const cut = await readAll(timeline, start);
      expect(cut.statuses).toHaveLength(40); // the newest page only
      expect(cut.position).toBe(start); // the 45 below it are still unread: no jump past them
      fake.rateLimit = { ...fake.rateLimit, remaining: 300 };
      const rest = await readAll(timeline, cut.position);
      expect(rest.position).toBe(posted[84]);
      expect(new Set([...cut.statuses, ...rest.statuses].map((s) => s.id))).toEqual(new Set(posted));

      // More than a read's page budget: given up at its top, and reported.
      const flood = Array.from(
        { length: 90 },
        (_, i) => fake.post({ text: `ranged words flood ${i}`, acct: 'rae' }).id,
      );
      const pages: { position: string | null; skipped?: boolean }[] = [];
      for await (const page of readNewStatuses(timeline, rest.position, 2)) pages.push(page);
      expect(pages.at(-1)).toEqual(expect.objectContaining({ position: flood[89], skipped: true }));
    } finally {
      fake.searchOrder = 'adjacent';
    }
  });

  test('Link headers, long ids and status bodies are read as Mastodon documents them', () => {
    expect(
      parseLinkHeader(
        '<https://m.example/api/v1/timelines/tag/x?max_id=7>; rel="next", <https://m.example/api/v1/timelines/tag/x?min_id=9>; rel="prev"',
      ),
    ).toEqual({
      next: 'https://m.example/api/v1/timelines/tag/x?max_id=7',
      prev: 'https://m.example/api/v1/timelines/tag/x?min_id=9',
    });
    expect(parseLinkHeader(null)).toEqual({});
    // 113000000000000001 and 113000000000000002 are the same double; ids compare as text.
    expect(compareIds('113000000000000002', '113000000000000001')).toBeGreaterThan(0);
    expect(compareIds('99', '100')).toBeLessThan(0);

    const original: MastodonStatus = {
      id: '2',
      uri: 'https://other.example/users/ann/statuses/2',
      url: 'https://other.example/@ann/2',
      created_at: '2026-11-25T10:00:00.000Z',
      content:
        '<p>Tried <a href="https://other.example/tags/chorus" class="mention hashtag" rel="tag">#<span>chorus</span></a> with <span class="h-card"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span> &amp; it&#39;s great</p><p>See <a href="https://chorus.example/blog?a=1&amp;b=2" rel="nofollow noopener" target="_blank">chorus.example/blog</a></p>',
      spoiler_text: '',
      language: 'en',
      account: { acct: 'ann@other.example', bot: false },
    };
    const boost: MastodonStatus = {
      ...original,
      id: '3',
      uri: 'https://m.example/users/carl/statuses/3/activity',
      content: '',
      account: { acct: 'carl' },
      reblog: original,
    };
    expect(toMention(boost, 'https://m.example')).toEqual({
      sourceId: 'https://other.example/users/ann/statuses/2',
      text: "Tried #chorus with @bob & it's great\n\nSee chorus.example/blog",
      author: 'ann@other.example',
      lang: 'en',
      links: ['https://chorus.example/blog?a=1&b=2'],
      postedAt: new Date('2026-11-25T10:00:00.000Z'),
      url: 'https://other.example/@ann/2',
      bot: false,
    });
    expect(toMention({ ...original, account: { acct: 'local', bot: true } }, 'https://m.example').author).toBe(
      'local@m.example',
    );
  });
});

describe('Mastodon as a listening source', () => {
  test('matching statuses of a hashtag timeline are stored once; bots are filtered; a spent rate limit parks the timeline until its reset', async () => {
    fake.post({ text: 'Before listening: chorus is fine #brandwatch', acct: 'old', tags: ['brandwatch'] });
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Mastodon brand',
      expression: 'chorus',
      sources: { mastodon: [{ instance: fake.url, hashtag: '#BrandWatch' }] },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();
    expect(query.sources.mastodon).toEqual([{ instance: fake.url, hashtag: 'BrandWatch', hasAccessToken: false }]);
    // The first read takes the newest page: the status from before is a mention too.
    await waitFor('the first read', async () => (await mentionsOf(query.id)).length === 1, 30_000);

    fake.post({ text: 'Chorus made our launch easy #brandwatch', acct: 'ann', tags: ['brandwatch'] });
    fake.post({ text: 'Nothing about the brand #brandwatch', acct: 'bob', tags: ['brandwatch'] });
    fake.post({
      text: 'chorus chorus chorus buy now #brandwatch',
      acct: 'spambot@bots.example',
      tags: ['brandwatch'],
      bot: true,
    });
    fake.post({ text: 'Chorus from a remote server #brandwatch', acct: 'cy@remote.example', tags: ['brandwatch'] });
    const stored = await waitFor(
      'two new mentions',
      async () => {
        const m = await mentionsOf(query.id);
        return m.length === 3 && m;
      },
      30_000,
    );
    expect(stored.map((m) => [m.text, m.author, m.source]).sort()).toEqual([
      ['Before listening: chorus is fine #brandwatch', `old@${new URL(fake.url).host}`, 'mastodon'],
      ['Chorus from a remote server #brandwatch', 'cy@remote.example', 'mastodon'],
      ['Chorus made our launch easy #brandwatch', `ann@${new URL(fake.url).host}`, 'mastodon'],
    ]);
    const detail = await waitFor('the bot counted as filtered', async () => {
      const q = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
      return q.filteredByReason.bot_account === 1 && q;
    });
    expect(detail.mastodon[0]).toMatchObject({ healthy: true, rateLimitedUntil: null });

    // Spend the budget: the next request is a 429, and the timeline waits for X-RateLimit-Reset.
    const before = fake.requests.length;
    fake.rateLimit = { limit: 300, remaining: 0, resetAt: new Date(Date.now() + 4000) };
    fake.post({ text: 'Chorus during the rate limit #brandwatch', acct: 'dee', tags: ['brandwatch'] });
    const limited = await waitFor(
      'the timeline parked',
      async () => {
        const q = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
        return q.mastodon[0]?.rateLimitedUntil && q;
      },
      30_000,
    );
    expect(limited.mastodon[0].healthy).toBe(true);
    limited.resetAt = new Date(limited.mastodon[0].rateLimitedUntil);
    expect(limited.resetAt.getTime()).toBe(fake.rateLimit.resetAt.getTime());
    await waitFor(
      'the status after the reset',
      async () => (await mentionsOf(query.id)).some((m) => m.text.includes('during the rate limit')),
      30_000,
    );
    // Parked means parked: one refused request, then nothing until the reset.
    const beforeReset = fake.requests.slice(before).filter((r) => r.at < limited.resetAt);
    expect(beforeReset).toHaveLength(1);
    expect((await mentionsOf(query.id)).length).toBe(4);

    expect((await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`)).statusCode).toBe(204);
    await h().client.workflow.getHandle(query.workflowId).result();
    await recordHistory(h().client, query.workflowId, 'listening-mastodon');
  });

  test('a search timeline reads with its access token, which is stored sealed and never shown', async () => {
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Search',
      expression: 'orchestra',
      sources: { mastodon: [{ instance: fake.url, search: 'orchestra', accessToken: fake.token }] },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();
    expect(JSON.stringify(query)).not.toContain(fake.token);
    expect(query.sources.mastodon[0].hasAccessToken).toBe(true);
    const row = await h()
      .db.selectFrom('listening_queries')
      .select(['sources'])
      .where('id', '=', query.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.sources)).not.toContain(fake.token);
    await waitFor('the first search read', async () => {
      const q = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
      return q.mastodon.length === 1;
    });
    fake.post({ text: 'The orchestra played Chorus', acct: 'erin' });
    await waitFor('the searched status', async () => (await mentionsOf(query.id)).length === 1, 30_000);
    await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
  });

  test('sources can be changed on a running query; the token goes in sealed and stays out of the audit log', async () => {
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Grows',
      expression: 'chorus',
      sources: { push: true },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();
    const changed = await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, {
      sources: { push: true, mastodon: [{ instance: fake.url, hashtag: 'growing', accessToken: fake.token }] },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().sources.mastodon).toEqual([{ instance: fake.url, hashtag: 'growing', hasAccessToken: true }]);
    await waitFor(
      'the first read of the new timeline',
      async () => (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json().mastodon.length === 1,
      30_000,
    );
    fake.post({ text: 'Chorus on a new timeline #growing', acct: 'gus', tags: ['growing'] });
    await waitFor('the new source read', async () => (await mentionsOf(query.id)).length === 1, 30_000);
    const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${query.id}`)).json();
    expect(JSON.stringify(audit)).not.toContain(fake.token);
    expect(audit.entries.some((e: { action: string }) => e.action === 'listening_query.updated')).toBe(true);

    // Dropping the timeline forgets its position and health.
    expect(
      (await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, { sources: { push: true } })).statusCode,
    ).toBe(200);
    expect((await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json().mastodon).toEqual([]);

    const none = await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, { sources: {} });
    expect(none.statusCode).toBe(422);
    expect(none.json().errors[0]).toMatchObject({ field: 'sources', rule: 'one_source' });
    await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
  });

  test('an unreachable instance keeps the loop going and is reported unhealthy', async () => {
    const down = await startMastodonFake();
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Goes down',
      expression: 'chorus',
      sources: { mastodon: [{ instance: down.url, hashtag: 'chorus' }] },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();
    await down.close();
    const detail = await waitFor(
      'the timeline reported unhealthy',
      async () => {
        const q = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
        return q.mastodon[0]?.healthy === false && q.live?.sourceHealthy === false && q;
      },
      30_000,
    );
    expect(detail.mastodon[0].lastError).toMatch(/fetch failed|ECONNREFUSED/);
    expect(detail.live.sourceHealthy).toBe(false);
    expect(detail.live.runs).toBeGreaterThan(0);
    await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
  });
});

describe('bad Mastodon sources are refused when the query is created', () => {
  const create = (mastodon: object[]) =>
    call(ws().token, 'POST', '/v1/listening/queries', { name: 'Bad', expression: 'chorus', sources: { mastodon } });

  test.each([
    ['neither hashtag nor search', { instance: 'https://m.example' }, 'body.sources.mastodon.0.hashtag'],
    [
      'both hashtag and search',
      { instance: 'https://m.example', hashtag: 'a', search: 'b', accessToken: 'x' },
      'body.sources.mastodon.0.hashtag',
    ],
    [
      'search without a token',
      { instance: 'https://m.example', search: 'chorus' },
      'body.sources.mastodon.0.accessToken',
    ],
    [
      'a hashtag with spaces',
      { instance: 'https://m.example', hashtag: 'two words' },
      'body.sources.mastodon.0.hashtag',
    ],
    [
      'an instance that is not a URL',
      { instance: 'mastodon.social', hashtag: 'chorus' },
      'body.sources.mastodon.0.instance',
    ],
  ])('%s: 400 naming the field', async (_name, source, field) => {
    const res = await create([source]);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('a server that is not Mastodon, a wrong token, and a timeline that needs a token: 422 naming the field', async () => {
    const notMastodon = await create([{ instance: `${fake.url}/elsewhere`, hashtag: 'chorus' }]);
    expect(notMastodon.statusCode).toBe(422);
    expect(notMastodon.json().errors[0]).toMatchObject({ field: 'sources.mastodon.0.instance', rule: 'mastodon' });

    const wrongToken = await create([{ instance: fake.url, hashtag: 'chorus', accessToken: 'wrong' }]);
    expect(wrongToken.statusCode).toBe(422);
    expect(wrongToken.json().errors[0]).toMatchObject({
      field: 'sources.mastodon.0.accessToken',
      rule: 'mastodon_token',
    });

    fake.previewDisabled = true;
    try {
      const needsToken = await create([{ instance: fake.url, hashtag: 'chorus' }]);
      expect(needsToken.statusCode).toBe(422);
      expect(needsToken.json().errors[0].message).toContain('requires an authenticated user');
      const withToken = await create([{ instance: fake.url, hashtag: 'chorus', accessToken: fake.token }]);
      expect(withToken.statusCode).toBe(201);
      await call(ws().token, 'DELETE', `/v1/listening/queries/${withToken.json().id}`);
    } finally {
      fake.previewDisabled = false;
    }
  });
});
