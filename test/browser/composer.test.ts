import type { Page } from 'playwright-core';
import { TEXT_RULES } from '../../contracts/text-rules';
import type { SandboxAccount } from '../../sandbox/local-bluesky';
import { connectBluesky } from '../support/channels';
import { waitFor } from '../support/harness';
import { PHONE, screenshot, seriousViolations, useApp, type Viewport } from '../support/browser';

const { chorus, signedIn } = useApp({
  pds: true,
  workspace: 'Composer',
  members: ['editor', 'approver', 'analyst'],
});
let accounts: SandboxAccount[];
let channels: { id: string; name: string }[];
beforeAll(async () => {
  accounts = await Promise.all([chorus.pds().createAccount('composera'), chorus.pds().createAccount('composerb')]);
  channels = [];
  for (const account of accounts)
    channels.push(await connectBluesky(chorus.harness(), chorus.workspace().token, chorus.pds(), account));
});

async function composer(role: 'editor' | 'analyst', viewport?: Viewport): Promise<Page> {
  const p = await signedIn(chorus.member(role), viewport);
  await p.goto('/compose');
  return p;
}

const channelBox = (p: Page, name: string) => p.getByRole('checkbox', { name: new RegExp(name.replace('.', '\\.')) });
/** The counter of one channel, e.g. "38 / 300". */
const counter = (p: Page, name: string) => p.locator(`li.counter[data-channel="${name}"] .count`);
/** A datetime-local value `seconds` ahead, in the browser's own timezone. */
const localTimeAhead = (p: Page, seconds: number) =>
  p.evaluate((s) => {
    const d = new Date(Date.now() + s * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }, seconds);

test('compose to two Bluesky channels: exact counts, the server refuses an over-limit text; scheduled, on the calendar, and published on both with the page turning published by itself', async () => {
  const p = await composer('editor');
  await p.getByRole('heading', { name: 'Compose' }).waitFor();
  for (const c of channels) await channelBox(p, c.name).check();
  const text = p.getByLabel('Text', { exact: true });

  // Emoji (a family is one grapheme) and a URL counted in full on Bluesky: as the server counts.
  const sample = 'Hi 👩‍👩‍👧 https://example.com/a-long-path 🎉';
  await text.fill(sample);
  expect(TEXT_RULES.bluesky.length(sample)).toBe(38);
  for (const c of channels)
    await counter(p, c.name)
      .filter({ hasText: /^38 \/ 300$/ })
      .waitFor();

  // Over the limit: the shared rule's message at once, then the server's own (naming the channel), and no saving.
  await text.fill('🎉'.repeat(301));
  for (const c of channels)
    await counter(p, c.name)
      .filter({ hasText: /^301 \/ 300$/ })
      .waitFor();
  const limit = 'Bluesky allows at most 300 characters; this text has 301';
  await p.locator('li.counter').first().getByText(limit).waitFor();
  await p
    .getByRole('region', { name: 'Before saving' })
    .getByText(`${limit} (channel "${channels[0]!.name}")`)
    .waitFor();
  expect(await p.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);

  const final = `Composed in the browser ${Date.now()} 🎉 https://example.com`;
  await text.fill(final);
  await p.getByRole('region', { name: 'Before saving' }).getByText('No approval needed.').waitFor();
  await p
    .getByRole('article', { name: `Preview on ${channels[1]!.name} (bluesky)` })
    .getByText(/Composed in the browser/)
    .waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'composer-desktop');

  await p.getByRole('radio', { name: 'At a time' }).check();
  await p.getByLabel('Publish at (your time)').fill(await localTimeAhead(p, 25));
  await p
    .getByRole('region', { name: 'Before saving' })
    .getByText(/Will be scheduled to publish/)
    .waitFor();
  const schedule = p.getByRole('button', { name: 'Schedule' });
  await expect(schedule.isEnabled()).resolves.toBe(true);
  await schedule.click();
  await p.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  const postId = p.url().split('/').pop()!;
  // The post's page stays open (a marker shows it is never reloaded) while the calendar, in a second tab, shows the post.
  await p.evaluate('window.stillTheSamePage = true');
  const calendar = await p.context().newPage();
  await calendar.goto('/calendar');
  await calendar.locator('a', { hasText: 'Composed in the browser' }).first().waitFor();
  await calendar.close();

  const read = async () => (await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${postId}`)).json();
  const created = await read();
  expect(created.text).toBe(final);
  expect(created.targets.map((t: { channelId: string }) => t.channelId).sort()).toEqual(
    channels.map((c) => c.id).sort(),
  );
  expect(Date.parse(created.publishAt)).toBeGreaterThan(Date.now());
  const published = await waitFor(
    'the post published on both channels',
    async () => {
      const post = await read();
      return post.status === 'published' && post;
    },
    90_000,
    500,
  );
  expect(published.targets.map((t: { status: string }) => t.status)).toEqual(['published', 'published']);
  for (const account of accounts)
    expect((await chorus.pds().listPosts(account.did)).map((r) => r.text)).toContain(final);
  // The open page turned published by itself, with each record's link.
  await p.locator('.post-facts .badge', { hasText: 'published' }).waitFor({ timeout: 30_000 });
  expect(await p.evaluate('window.stillTheSamePage')).toBe(true);
  for (const [i, account] of accounts.entries()) {
    const record = (await chorus.pds().listPosts(account.did)).find((r) => r.text === final)!;
    const rkey = record.uri.split('/').pop();
    const link = p.getByRole('link', { name: `View on ${channels[i]!.name}` });
    expect([i, await link.getAttribute('href')]).toEqual([i, `https://bsky.app/profile/${account.did}/post/${rkey}`]);
  }
  await p.context().close();
});

test('the approval preview names the chain a channel policy applies; works on a phone', async () => {
  const policy = await chorus.call(chorus.workspace().token, 'PUT', '/v1/approval-policies', {
    channelId: channels[1]!.id,
    steps: [{ name: 'Brand review', mode: 'any', approvers: { roles: ['approver'] } }],
  });
  expect(policy.statusCode).toBe(200);
  const p = await composer('editor', PHONE);
  await channelBox(p, channels[0]!.name).check();
  await p.getByLabel('Text', { exact: true }).fill('Needs a look from the brand team');
  const before = p.getByRole('region', { name: 'Before saving' });
  await before.getByText('No approval needed.').waitFor();
  await channelBox(p, channels[1]!.name).check();
  await before.getByText(`from the policy of channel “${channels[1]!.name}”`).waitFor();
  await before.getByText(/Brand review — any: approver/).waitFor();
  await before.getByText('and publish as soon as it is approved').waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'composer-phone');
  await p.context().close();
});

test('a role that cannot write posts is told so when opening the composer', async () => {
  const p = await composer('analyst');
  await p.getByRole('alert').getByText('Your role in this workspace cannot write posts.').waitFor();
  expect(await p.getByRole('textbox', { name: 'Text' }).count()).toBe(0);
  await p.context().close();
});

test('on a phone, leaving the composer with an unsaved post asks first: staying keeps the draft, leaving goes', async () => {
  const p = await composer('editor', PHONE);
  const text = p.getByLabel('Text', { exact: true });
  await text.fill('A draft worth keeping');
  const asked: string[] = [];
  const toCalendar = async () => {
    const nav = p.getByRole('navigation', { name: 'Sections' });
    if (!(await nav.isVisible())) await p.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Calendar' }).click();
  };
  p.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss(); // Stay
  });
  await toCalendar();
  await waitFor('the question', async () => asked.length === 1);
  expect(asked).toEqual(['Leave the composer? This post is not saved yet.']);
  expect(new URL(p.url()).pathname).toBe('/compose');
  expect(await text.inputValue()).toBe('A draft worth keeping');

  p.once('dialog', (dialog) => void dialog.accept()); // Leave
  await toCalendar();
  await p.waitForURL('**/calendar');
  await p.context().close();
});
