import { AtpAgent } from '@atproto/api';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { startFirehoseProxy } from './support/firehose-proxy';
import { listenedForTwoHours } from './support/spikes';
import { useChorus } from './support/chorus';
import { listMentions } from './support/mentions';
import { waitFor } from './support/harness';

const { harness: h, pds, workspace: ws, call } = useChorus({ pds: true, workspace: 'Listeners' });
let alice: SandboxAccount;
let bob: SandboxAccount;

beforeAll(async () => {
  [alice, bob] = await Promise.all([pds().createAccount('alicel'), pds().createAccount('bobl')]);
});

async function post(account: SandboxAccount, text: string) {
  const agent = new AtpAgent({ service: pds().pdsUrl });
  await agent.login({ identifier: account.handle, password: account.appPassword });
  await agent.post({ text, createdAt: new Date().toISOString() });
}

const mentionsOf = (queryId: string) => listMentions(call, ws().token, queryId);

test('mentions on the local PDS are exactly the matching posts, each once, with sentiment, across a worker restart', async () => {
  const created = await call(ws().token, 'POST', '/v1/listening/queries', {
    name: 'Chorus brand',
    expression: '"chorus app" OR (launch AND #chorus)',
    kind: 'brand',
    sources: { bluesky: { service: pds().pdsUrl, plcUrl: pds().plcUrl, fromCursor: 0 } },
    filters: { minLength: 5 },
  });
  expect(created.statusCode).toBe(201);
  const query = created.json();

  await post(alice, 'I love the Chorus app, it is great!');
  await post(bob, 'The launch of #chorus was a total disaster. Awful.');
  await post(alice, 'Nothing to see here');
  await post(bob, 'launch day for something else');
  await post(alice, '#chorus #launch #a #b #c #d');
  await post(bob, 'Looking for an alternative to the chorus app, any recommendations?');

  const first = await waitFor(
    'three mentions',
    async () => {
      const m = await mentionsOf(query.id);
      return m.length >= 3 && m;
    },
    60_000,
  );
  expect(first.map((m) => m.text).sort()).toEqual([
    'I love the Chorus app, it is great!',
    'Looking for an alternative to the chorus app, any recommendations?',
    'The launch of #chorus was a total disaster. Awful.',
  ]);
  const byText = Object.fromEntries(first.map((m) => [m.text, m]));
  expect(byText['I love the Chorus app, it is great!']!.sentiment.label).toBe('positive');
  expect(byText['The launch of #chorus was a total disaster. Awful.']!.sentiment.label).toBe('negative');
  expect(byText['Looking for an alternative to the chorus app, any recommendations?']!.lead).toBe(true);
  expect(byText['I love the Chorus app, it is great!']!.author).toBe(alice.handle);
  const details = await waitFor('the filtered count', async () => {
    const d = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
    return d.filteredByReason.hashtag_stuffing === 1 && d;
  });
  expect(details.mentions).toBe(3);

  // A deploy (or crash) mid-stream: the next worker resumes from the saved cursor.
  await h().restartWorker();
  await post(alice, 'Second day with the chorus app and still happy');
  await post(bob, 'Not impressed by the launch of #chorus');
  const all = await waitFor(
    'five mentions after the restart',
    async () => {
      const m = await mentionsOf(query.id);
      return m.length >= 5 && m;
    },
    60_000,
  );
  expect(all).toHaveLength(5);
  expect(new Set(all.map((m) => m.sourceId)).size).toBe(5);
  const records = [...(await pds().listPosts(alice.did)), ...(await pds().listPosts(bob.did))];
  expect(records).toHaveLength(8);

  // A correction counts in the statistics.
  const negative = all.find((m) => m.text.startsWith('Not impressed'))!;
  const corrected = await call(ws().token, 'PATCH', `/v1/mentions/${negative.id}`, {
    sentiment: 'neutral',
    tags: ['reviewed'],
  });
  expect(corrected.json()).toMatchObject({ sentiment: 'neutral', tags: ['reviewed'] });
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const stats = (
    await call(ws().token, 'GET', `/v1/listening/stats?queryId=${query.id}&from=${from}&to=${to}&interval=hour`)
  ).json();
  const totals = stats.series.reduce(
    (t: Record<string, number>, s: Record<string, number>) => ({
      volume: t.volume! + s.volume!,
      neutral: t.neutral! + s.neutral!,
    }),
    { volume: 0, neutral: 0 },
  );
  expect(totals.volume).toBe(5);
  expect((await mentionsOf(query.id)).find((m) => m.id === negative.id)!.sentiment.label).toBe('neutral');

  // Pause stops storing; a changed expression applies at once.
  expect(
    (await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, { expression: '"chorus app" OR disaster' }))
      .statusCode,
  ).toBe(200);
  await post(alice, 'What a disaster of a morning');
  await waitFor(
    'the changed expression to apply',
    async () => (await mentionsOf(query.id)).some((m) => m.text === 'What a disaster of a morning'),
    60_000,
  );

  expect((await call(ws().token, 'POST', `/v1/listening/queries/${query.id}/pause`)).json().status).toBe('paused');
  await waitFor(
    'the loop to pause',
    async () => (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json().live?.paused === true,
  );
  expect((await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`)).statusCode).toBe(204);
  await h().client.workflow.getHandle(query.workflowId).result();
});

test('malformed firehose frames are skipped and counted; the loop keeps going and misses nothing', async () => {
  const proxy = await startFirehoseProxy(pds().pdsUrl);
  try {
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Through bad frames',
      expression: 'glimmerwick',
      sources: { bluesky: { service: proxy.url, plcUrl: pds().plcUrl, fromCursor: 0 } },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();
    await post(alice, 'Glimmerwick is out today');
    await post(bob, 'unrelated words');
    await post(bob, 'Trying glimmerwick now');
    const stored = await waitFor(
      'both mentions through the bad frames',
      async () => {
        const m = await mentionsOf(query.id);
        return m.length === 2 && m;
      },
      60_000,
    );
    expect(stored.map((m) => m.text).sort()).toEqual(['Glimmerwick is out today', 'Trying glimmerwick now']);
    const live = await waitFor(
      'a loop past the bad frames',
      async () => {
        const d = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
        return d.live?.runs >= 2 && d.live;
      },
      60_000,
    );
    // Every bad frame sent in finished reads was counted, none stopped the reading.
    expect(live.malformed).toBeGreaterThanOrEqual(3);
    expect(live.malformed).toBeLessThanOrEqual(proxy.injected);
    expect(live.sourceHealthy).toBe(true);
    expect(await mentionsOf(query.id)).toHaveLength(2);
    await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
  } finally {
    await proxy.close();
  }
});

test('a query that does not parse is refused with its position and what was expected', async () => {
  const res = await call(ws().token, 'POST', '/v1/listening/queries', {
    name: 'Broken',
    expression: '(brand AND',
    sources: { bluesky: { service: pds().pdsUrl } },
  });
  expect(res.statusCode).toBe(422);
  expect(res.json().errors[0]).toMatchObject({ field: 'expression', rule: 'syntax' });
  expect(res.json().detail).toMatch(/position \d+/);
});

test('a lower-case and/or/not is saved as written, with a warning suggesting the operator', async () => {
  const created = await call(ws().token, 'POST', '/v1/listening/queries', {
    name: 'Casual',
    expression: 'chorus or hootsuite',
    sources: { push: true },
  });
  expect(created.statusCode).toBe(201);
  expect(created.json()).toMatchObject({
    expression: 'chorus or hootsuite',
    warnings: [
      {
        field: 'expression',
        rule: 'lowercase_operator',
        message: expect.stringMatching(/"or" at position 7 .*write OR/),
      },
    ],
  });
  const id = created.json().id as string;
  const changed = await call(ws().token, 'PATCH', `/v1/listening/queries/${id}`, {
    expression: '(chorus OR hootsuite) and not spam',
  });
  expect(changed.statusCode).toBe(200);
  expect(changed.json().expression).toBe('(chorus OR hootsuite) and not spam');
  expect(changed.json().warnings.map((w: { message: string }) => w.message)).toEqual([
    expect.stringContaining('write AND'),
    expect.stringContaining('write NOT'),
  ]);
  const fixed = await call(ws().token, 'PATCH', `/v1/listening/queries/${id}`, {
    expression: '(chorus OR hootsuite) AND NOT spam',
  });
  expect(fixed.json().warnings).toEqual([]);
  await call(ws().token, 'DELETE', `/v1/listening/queries/${id}`);
});

test.each(['/v1/listening/stats', '/v1/listening/share-of-voice'])(
  '%s without from or to says they are required',
  async (route) => {
    const to = new Date().toISOString();
    for (const [query, missing] of [
      [`?to=${to}`, 'from'],
      [`?from=${to}`, 'to'],
      ['', 'from'],
    ] as const) {
      const res = await call(ws().token, 'GET', `${route}${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toContainEqual(
        expect.objectContaining({ field: `querystring.${missing}`, message: expect.stringMatching(/required/) }),
      );
    }
  },
);

describe('spike (crisis) alerts', () => {
  const alerting = { windowSeconds: 600, baselineWindows: 6, minVolume: 5, volumeFactor: 3 };
  /** A query that has listened through its whole baseline (two quiet hours): it may alert. */
  const listen = async (name: string, expression: string) => {
    const res = await call(ws().token, 'POST', '/v1/listening/queries', {
      name,
      expression,
      sources: { bluesky: { service: pds().pdsUrl, plcUrl: pds().plcUrl, fromCursor: 0 } },
      alerting,
    });
    expect(res.statusCode).toBe(201);
    await listenedForTwoHours(h(), res.json().id);
    return res.json() as { id: string; workflowId: string };
  };
  const loopsDone = async (query: { id: string }, runs: number) =>
    waitFor(
      `${runs} more listening loops`,
      async () => ((await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json().live?.runs ?? 0) >= runs,
      60_000,
    );
  const alertsOf = async (queryId: string) =>
    (await call(ws().token, 'GET', `/v1/alerts?queryId=${queryId}`)).json().alerts as {
      id: string;
      reasons: string[];
      status: string;
    }[];

  test('a burst of negative posts raises one alert; a steady trickle raises none', async () => {
    const burst = await listen('Burst', 'zorblax');
    const trickle = await listen('Trickle', 'quindle');
    for (const text of ['quindle is fine', 'quindle again, ok', 'another quindle day']) await post(alice, text);
    for (let i = 0; i < 8; i++)
      await post(i % 2 ? alice : bob, `Zorblax is broken again, terrible outage #${i}. Worst service ever!`);

    await waitFor('eight burst mentions', async () => (await mentionsOf(burst.id)).length === 8, 60_000);
    await waitFor('three trickle mentions', async () => (await mentionsOf(trickle.id)).length === 3, 60_000);
    const runsNow = (await call(ws().token, 'GET', `/v1/listening/queries/${burst.id}`)).json().live.runs as number;
    await loopsDone(burst, runsNow + 2); // detection ran after the burst, more than once

    const raised = await alertsOf(burst.id);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ status: 'open', reasons: ['volume', 'negative_share'] });
    expect(await alertsOf(trickle.id)).toEqual([]);

    // Trends: the burst's words and hashtags rise; share of voice splits brand and competitor volume.
    const trends = (await call(ws().token, 'GET', `/v1/listening/trends?queryId=${burst.id}&hours=1`)).json();
    const risingMost = trends.terms
      .filter((t: { change: number }) => t.change === trends.terms[0].change)
      .map((t: { value: string }) => t.value);
    expect(risingMost).toEqual(expect.arrayContaining(['zorblax', 'broken', 'outage']));
    expect(trends.terms.find((t: { value: string }) => t.value === 'zorblax')).toMatchObject({
      count: 8,
      previous: 0,
      change: 8,
    });
    expect(trends.authors.map((a: { value: string }) => a.value).sort()).toEqual([alice.handle, bob.handle].sort());
    expect(trends.terms.map((t: { value: string }) => t.value)).not.toContain('the');
    await call(ws().token, 'PATCH', `/v1/listening/queries/${trickle.id}`, { name: 'Trickle (competitor)' });
    await h().db.updateTable('listening_queries').set({ kind: 'competitor' }).where('id', '=', trickle.id).execute();
    const range = `from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}&interval=day`;
    const sov = (await call(ws().token, 'GET', `/v1/listening/share-of-voice?${range}`)).json();
    const today = sov.series.at(-1);
    const shareOf = (id: string) => today.queries.find((q: { queryId: string }) => q.queryId === id);
    expect(shareOf(burst.id)).toMatchObject({ kind: 'brand', volume: 8 });
    expect(shareOf(trickle.id)).toMatchObject({ kind: 'competitor', volume: 3 });
    expect(today.queries.reduce((sum: number, q: { share: number }) => sum + q.share, 0)).toBeCloseTo(1);

    const ack = await call(ws().token, 'POST', `/v1/alerts/${raised[0]!.id}/acknowledge`);
    expect(ack.statusCode).toBe(200);
    expect((await call(ws().token, 'POST', `/v1/alerts/${raised[0]!.id}/acknowledge`)).statusCode).toBe(404);
    for (const q of [burst, trickle]) await call(ws().token, 'DELETE', `/v1/listening/queries/${q.id}`);
  });
});
