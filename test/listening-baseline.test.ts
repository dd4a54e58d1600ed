import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { recordHistory } from './support/histories';
import { listenedForTwoHours } from './support/spikes';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

/**
 * Spike alerts compare the last window with baseline windows the query actually listened through:
 * a new query, or a backfill of history arriving at once, never alerts; one with a real baseline does.
 */
const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Baselines' });
let key: { id: string; secret: string };

const WINDOW_MS = 600_000;
const alerting = { windowSeconds: WINDOW_MS / 1000, baselineWindows: 6, minVolume: 5, volumeFactor: 3 };

function push(mentions: object[]) {
  const body = JSON.stringify({ mentions });
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return h().app.inject({
    method: 'POST',
    url: '/v1/listening/ingest',
    headers: {
      'content-type': 'application/json',
      'chorus-ingest-key': key.id,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(key.secret).sign(id, at, body),
    },
    payload: body,
  });
}

/** A different word for each number (texts differ in words, so none is filtered as copypasta). */
const wordFor = (n: number) =>
  [...n.toString(26)].map((digit) => String.fromCharCode(97 + parseInt(digit, 26))).join('');

/** `count` mentions of `word`, posted `ago` ms before now, from different authors. */
const mentions = (word: string, count: number, ago = 0) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${word}-${ago}-${i}`,
    text: `${word} stopped working again, a terrible outage, case ${wordFor(ago / 1000 + i)}`,
    author: `user${i}-${ago}@example.test`,
    postedAt: new Date(Date.now() - ago).toISOString(),
  }));

async function listen(name: string, word: string) {
  const res = await call(ws().token, 'POST', '/v1/listening/queries', {
    name,
    expression: word,
    sources: { push: true },
    alerting,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as {
    id: string;
    workflowId: string;
    createdAt: string;
    listeningSince: string;
    alertsFrom: string;
  };
}

/** Two more turns of the loop, so spike detection has run after what was just stored. */
async function detectionRan(queryId: string) {
  const runs = async () =>
    ((await call(ws().token, 'GET', `/v1/listening/queries/${queryId}`)).json().live?.runs ?? -1) as number;
  const now = await waitFor('the loop to answer', async () => {
    const n = await runs();
    return n >= 0 && { n };
  });
  await waitFor('two more listening turns', async () => (await runs()) >= now.n + 2, 60_000);
}

const alertsOf = async (queryId: string) =>
  (await call(ws().token, 'GET', `/v1/alerts?queryId=${queryId}`)).json().alerts as {
    reasons: string[];
    status: string;
    details: { baselineMean: number };
  }[];

beforeAll(async () => {
  key = (await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'History' })).json();
});

test('a new query that receives a burst and a backfill of history does not alert: its baseline was never listened through', async () => {
  const query = await listen('Brand new', 'glorbic');
  expect(new Date(query.listeningSince).getTime()).toBe(new Date(query.createdAt).getTime());
  expect(new Date(query.alertsFrom).getTime()).toBe(new Date(query.listeningSince).getTime() + 7 * WINDOW_MS);
  // The history of the last hour arrives at once (one old mention per window), then a burst now.
  const history = [1, 2, 3, 4, 5, 6].flatMap((k) => mentions('glorbic', 1, k * WINDOW_MS + WINDOW_MS / 2));
  const res = await push([...history, ...mentions('glorbic', 12)]);
  expect(res.json().queries).toContainEqual(expect.objectContaining({ queryId: query.id, stored: 18 }));
  await detectionRan(query.id);
  expect(await alertsOf(query.id)).toEqual([]);
  await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
  await h().client.workflow.getHandle(query.workflowId).result();
  await recordHistory(h().client, query.workflowId, 'listening-push-counted');
});

test('a query that listened through its baseline alerts on a spike; a pause starts its baseline again', async () => {
  const query = await listen('Established', 'plonkett');
  // It has listened for two hours: its baseline windows are real, one mention in each.
  await listenedForTwoHours(h(), query.id);
  await push([1, 2, 3, 4, 5, 6].flatMap((k) => mentions('plonkett', 1, k * WINDOW_MS + WINDOW_MS / 2)));
  await detectionRan(query.id);
  expect(await alertsOf(query.id)).toEqual([]);

  await push(mentions('plonkett', 12));
  const raised = await waitFor(
    'the spike alert',
    async () => {
      const alerts = await alertsOf(query.id);
      return alerts.length > 0 && alerts;
    },
    60_000,
  );
  expect(raised).toHaveLength(1);
  expect(raised[0]).toMatchObject({
    status: 'open',
    reasons: expect.arrayContaining(['volume']),
    details: { baselineMean: 1 },
  });

  // Windows spent paused were not watched: after resuming, the baseline must be listened through again.
  expect((await call(ws().token, 'POST', `/v1/listening/queries/${query.id}/pause`)).statusCode).toBe(200);
  const resumed = (await call(ws().token, 'POST', `/v1/listening/queries/${query.id}/resume`)).json();
  expect(new Date(resumed.listeningSince).getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(new Date(resumed.alertsFrom).getTime()).toBe(new Date(resumed.listeningSince).getTime() + 7 * WINDOW_MS);
  // So does a newly added source, whose first read may bring history at once; a rename does not.
  const since = resumed.listeningSince as string;
  expect(
    (await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, { name: 'Established (renamed)' })).json()
      .listeningSince,
  ).toBe(since);
  const widened = await call(ws().token, 'PATCH', `/v1/listening/queries/${query.id}`, {
    sources: { push: true, bluesky: { service: 'ws://127.0.0.1:1' } },
  });
  expect(widened.statusCode).toBe(200);
  expect(new Date(widened.json().listeningSince).getTime()).toBeGreaterThan(new Date(since).getTime());
  await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
});
