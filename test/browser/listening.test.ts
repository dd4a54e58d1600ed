import { randomUUID } from 'node:crypto';
import type { Locator } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../support/harness';
import { PHONE, screenshot, seriousViolations, signIn, useApp, withPassword } from '../support/browser';

const queryIds: string[] = [];
const { chorus, page } = useApp({
  workspace: 'Listening screen',
  members: ['analyst'],
  beforeClose: async (c) => {
    for (const id of queryIds) await c.call(c.workspace().token, 'DELETE', `/v1/listening/queries/${id}`);
  },
});
/** Waits until the locator matches exactly `n` elements (the screens poll). */
const countIs = (locator: Locator, n: number) =>
  waitFor(`${n} matching elements`, async () => (await locator.count()) === n, 15_000);

/** Pushes mentions through the signed ingest route, as another system would. */
async function push(mentions: { id: string; text: string; author: string }[]) {
  const key = await chorus.call(chorus.workspace().token, 'POST', '/v1/listening/ingest-keys', { name: 'test' });
  expect(key.statusCode).toBe(201);
  const { id, secret } = key.json() as { id: string; secret: string };
  const payload = JSON.stringify({ mentions: mentions.map((m) => ({ ...m, source: 'forum' })) });
  const messageId = `msg_${randomUUID()}`;
  const at = new Date();
  const res = await chorus.harness().app.inject({
    method: 'POST',
    url: '/v1/listening/ingest',
    headers: {
      'content-type': 'application/json',
      'chorus-ingest-key': id,
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(messageId, at, payload),
    },
    payload,
  });
  expect(res.statusCode).toBe(200);
  return res.json() as { queries: { stored: number }[] };
}

test('the query editor marks a syntax error at its position as you type; a valid query saves, hears pushed mentions, charts them; an alert is acknowledged; a sentiment corrected', async () => {
  const email = await withPassword(chorus.harness(), chorus.workspace());
  const p = await page();
  await signIn(p, email);
  await p.goto('/listening');
  await p.getByRole('heading', { name: 'Listening' }).waitFor();
  await p.getByRole('button', { name: 'New query' }).click();
  await p.getByLabel('Name').fill('Chorus launch');

  const expression = p.getByLabel('Expression');
  await expression.fill('chorus AND ) launch');
  const error = p.getByTestId('query-error');
  await error.getByText('At position 11:').waitFor();
  await error.getByText(/expected a term, phrase, field or "\(", found "\)"/).waitFor();
  // The echo of the expression marks the very character the parser stopped at.
  const mark = error.locator('mark');
  expect(await mark.getAttribute('data-position')).toBe('11');
  expect(await mark.textContent()).toBe(')');
  expect(await expression.getAttribute('aria-invalid')).toBe('true');
  expect(await p.getByRole('button', { name: 'Start listening' }).isDisabled()).toBe(true);
  await error.getByRole('button', { name: 'Go to the error' }).click();
  expect(await expression.evaluate((el) => (el as unknown as { selectionStart: number }).selectionStart)).toBe(11);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'listening-editor-error-desktop');

  // Typing on: the error goes once the expression parses.
  await expression.fill('chorus AND launch');
  await p.getByText('The expression is valid: it looks for chorus, launch.').waitFor();
  expect(await error.count()).toBe(0);
  await p.getByRole('button', { name: 'Start listening' }).click();
  const item = p.locator('.query-item', { hasText: 'Chorus launch' });
  await item.waitFor();
  const saved = (await chorus.call(chorus.workspace().token, 'GET', '/v1/listening/queries')).json().queries as {
    id: string;
    name: string;
    expression: string;
    sources: object;
  }[];
  expect(saved).toEqual([
    expect.objectContaining({ name: 'Chorus launch', expression: 'chorus AND launch', sources: { push: true } }),
  ]);
  queryIds.push(saved[0]!.id);

  const delivered = await push([
    { id: 'm1', author: 'ana', text: 'The chorus launch was wonderful, I love it' },
    { id: 'm2', author: 'ben', text: 'The chorus launch is terrible and broken, awful' },
    { id: 'm3', author: 'cy', text: 'Looking for a tool like the chorus launch showed, any recommendations?' },
    { id: 'm4', author: 'dee', text: 'Nothing to do with it' },
  ]);
  expect(delivered.queries).toEqual([expect.objectContaining({ stored: 3 })]);

  // The stream polls: the three matching mentions show with their sentiment, lead flag and source.
  const mentions = p.getByTestId('mention');
  await countIs(mentions, 3);
  const ben = mentions.filter({ hasText: 'ben' });
  await ben.locator('.badge', { hasText: 'negative' }).waitFor();
  await ben.getByText('push:forum').waitFor();
  await mentions.filter({ hasText: 'cy' }).getByText('lead', { exact: true }).waitFor();
  await p.getByLabel('Leads only').check();
  await countIs(mentions, 1);
  await p.getByLabel('Leads only').uncheck();
  await countIs(mentions, 3);

  // Correct a sentiment: the stream and the statistics use the correction.
  await p.getByLabel('Sentiment of the mention by ben').selectOption('neutral');
  await ben.locator('.badge', { hasText: 'neutral (corrected)' }).waitFor();
  const corrected = (await chorus.call(chorus.workspace().token, 'GET', '/v1/mentions?sentiment=neutral')).json();
  expect(corrected.mentions.map((m: { author: string }) => m.author)).toContain('ben');
  await screenshot(p, 'listening-desktop');

  await p.getByRole('tab', { name: 'Charts' }).click();
  const chart = p.getByTestId('volume-chart');
  await chart.waitFor();
  expect(await chart.getAttribute('aria-label')).toMatch(/^Mentions per day: 3 in all/);
  await p.getByRole('img', { name: /^Share of voice/ }).waitFor();
  await p.getByRole('cell', { name: 'launch', exact: true }).first().waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'listening-charts-desktop');

  // A spike alert, made directly in the store (detection has its own tests); acknowledged on screen.
  await chorus
    .harness()
    .db.insertInto('alerts')
    .values({
      workspace_id: chorus.workspace().workspaceId,
      query_id: saved[0]!.id,
      status: 'open',
      reasons: ['volume'],
      details: JSON.stringify({ volume: 30 }),
    })
    .execute();
  await p.getByRole('tab', { name: 'Alerts' }).click();
  await p.getByLabel('Show').selectOption(''); // all: open or closed by detection since
  const alert = p.getByTestId('alert');
  await alert.getByText('volume').waitFor();
  await alert.getByRole('button', { name: 'Acknowledge the alert on Chorus launch' }).click();
  await alert.getByText(/^Acknowledged/).waitFor();
  const alerts = (await chorus.call(chorus.workspace().token, 'GET', '/v1/alerts')).json().alerts;
  expect(alerts[0]).toMatchObject({ acknowledgedBy: chorus.workspace().userId });
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'listening-alerts-desktop');
  await p.context().close();
});

test('on a phone, an analyst reads the listening screen without the actions only listening roles may take', async () => {
  const email = await withPassword(chorus.harness(), chorus.member('analyst'));
  const p = await page(PHONE);
  await signIn(p, email);
  await p.goto('/listening');
  await p.locator('.query-item', { hasText: 'Chorus launch' }).waitFor();
  await countIs(p.getByTestId('mention'), 3);
  expect(await p.getByRole('button', { name: 'New query' }).count()).toBe(0);
  expect(await p.getByRole('button', { name: /^Pause/ }).count()).toBe(0);
  expect(await p.getByLabel(/^Sentiment of the mention/).count()).toBe(0);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'listening-phone');
  // The server refuses what the screen does not offer.
  const refused = await chorus.call(chorus.member('analyst').token, 'POST', '/v1/listening/queries/parse', {
    expression: 'x',
  });
  expect(refused.statusCode).toBe(403);
  await p.context().close();
});
