import type { Page } from 'playwright-core';
import type { SandboxAccount } from '../../sandbox/local-bluesky';
import { connectBluesky } from '../support/channels';
import {
  DESKTOP,
  loseConnectionTo,
  notUpToDate,
  PHONE,
  screenshot,
  seriousViolations,
  signIn,
  useApp,
  withPassword,
} from '../support/browser';

/**
 * The posts list and a post's page against the real API and a local Bluesky network: a post turns
 * published on screen without a reload, its link points at the record, ops get the Temporal UI link.
 */
const TEMPORAL_UI = 'http://temporal-ui.test:8233';
const { chorus, page } = useApp({
  harness: { temporalUiUrl: TEMPORAL_UI },
  pds: true,
  workspace: 'Posts',
  members: ['editor', 'analyst'],
});
let alice: SandboxAccount;
let channelId: string;

beforeAll(async () => {
  alice = await chorus.pds().createAccount('alice');
  channelId = (await connectBluesky(chorus.harness(), chorus.workspace().token, chorus.pds(), alice)).id;
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function schedule(text: string, publishAt: string): Promise<{ id: string; workflowId: string }> {
  const res = await chorus.call(chorus.workspace().token, 'POST', '/v1/posts', {
    text,
    channelIds: [channelId],
    publishAt,
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const postStatus = (p: Page) => p.locator('.post-facts .badge').first();

test('a post scheduled a few seconds ahead turns published on its page without a reload; its link is the record; Temporal UI link', async () => {
  const marker = `live-${Date.now()}`;
  const email = await withPassword(chorus.harness(), chorus.workspace());
  const p = await page();
  await signIn(p, email);
  const post = await schedule(`Going out soon ${marker}`, inSeconds(8));
  await p.goto(`/posts/${post.id}`);
  await p.getByRole('heading', { name: /Going out soon/ }).waitFor();
  expect(await postStatus(p).textContent()).toBe('scheduled');
  await p.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

  const temporal = p.getByRole('link', { name: 'Open in Temporal UI' });
  expect(await temporal.getAttribute('href')).toBe(
    `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(post.workflowId)}`,
  );

  await p.locator('.post-facts .badge', { hasText: 'published' }).waitFor({ timeout: 30_000 });
  expect(await p.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  const records = (await chorus.pds().listPosts(alice.did)).filter((r) => r.text.includes(marker));
  expect(records).toHaveLength(1);
  const rkey = records[0]!.uri.split('/').pop();
  const link = p.getByRole('link', { name: new RegExp(`View on ${alice.handle}`) });
  expect(await link.getAttribute('href')).toBe(`https://bsky.app/profile/${alice.did}/post/${rkey}`);
  // The owner may read the audit log: the post's trail is on its page.
  await p.getByRole('region', { name: 'Audit trail' }).getByText('post.created').waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'post-detail-desktop');
  await p.context().close();
});

test('the posts list filters by status and shows new posts without a reload', async () => {
  const marker = `list-${Date.now()}`;
  const email = await withPassword(chorus.harness(), chorus.member('editor'));
  const p = await page();
  await signIn(p, email);
  await p.goto('/posts');
  await p.getByRole('heading', { name: 'Posts' }).waitFor();
  await p.getByLabel('Status').selectOption('scheduled');
  const later = await schedule(`Listed later ${marker}`, inSeconds(3600));
  const row = p.getByRole('row', { name: new RegExp(`Listed later ${marker}`) });
  await row.waitFor();
  expect(await row.getByText('scheduled').count()).toBeGreaterThan(0);
  expect(await row.getByText(alice.handle).count()).toBe(1);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'posts-desktop');

  // Cancelled, it leaves the list of scheduled posts and shows under its new status.
  expect((await chorus.call(chorus.workspace().token, 'POST', `/v1/posts/${later.id}/cancel`)).statusCode).toBe(200);
  await row.waitFor({ state: 'detached' });
  await p.getByLabel('Status').selectOption('cancelled');
  await p.getByRole('row', { name: new RegExp(`Listed later ${marker}`) }).waitFor();
  await p.context().close();

  const phone = await page(PHONE);
  await signIn(phone, email);
  await phone.goto('/posts');
  await phone.getByRole('link', { name: new RegExp(`Listed later ${marker}`) }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'posts-phone');
  await phone.context().close();
});

test('an editor reschedules and cancels on the post page, each with the server’s answer; an analyst sees no actions', async () => {
  const marker = `act-${Date.now()}`;
  const post = await schedule(`Act on me ${marker}`, inSeconds(3600));
  const editor = await withPassword(chorus.harness(), chorus.member('editor'));
  const p = await page(PHONE);
  await signIn(p, editor);
  await p.goto(`/posts/${post.id}`);
  await p.getByRole('heading', { name: /Act on me/ }).waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'post-detail-phone');

  // Its text is edited from its page: the composer opens on it, and saving comes back here.
  await p.getByRole('link', { name: 'Edit text' }).click();
  await p.getByRole('heading', { name: 'Edit post' }).waitFor();
  await p.getByLabel('Text', { exact: true }).fill(`Act on me, edited ${marker}`);
  await p.getByRole('button', { name: 'Save changes' }).click();
  await p.getByRole('heading', { name: /Act on me, edited/ }).waitFor();
  expect((await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${post.id}`)).json().text).toBe(
    `Act on me, edited ${marker}`,
  );

  // The past is refused by the server, in its words.
  await p.getByLabel('New publish time').fill('2020-01-01T10:00');
  await p.getByRole('button', { name: 'Reschedule' }).click();
  await p
    .getByRole('alert')
    .getByText(/must be in the future/)
    .first()
    .waitFor();
  // Said once: by the field's line, not again by a summary that joins the same lines.
  expect(
    await p
      .getByRole('alert')
      .getByText(/must be in the future/)
      .count(),
  ).toBe(1);

  const next = new Date(Date.now() + 2 * 24 * 3600_000);
  next.setSeconds(0, 0);
  const local = new Date(next.getTime() - next.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await p.getByLabel('New publish time').fill(local);
  await p.getByRole('button', { name: 'Reschedule' }).click();
  await p
    .getByRole('status')
    .getByText(/Rescheduled: it now publishes/)
    .waitFor();
  const moved = (await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${post.id}`)).json();
  expect(moved.publishAt).toBe(next.toISOString());

  await p.getByRole('button', { name: 'Cancel post' }).click();
  await p.getByRole('status').getByText('Cancelled: the post is cancelled.').waitFor();
  expect(await postStatus(p).textContent()).toBe('cancelled');
  // Nothing left to do to a cancelled post.
  expect(await p.getByRole('button', { name: 'Cancel post' }).count()).toBe(0);
  await p.getByText('it can no longer be moved or cancelled').waitFor();
  await p.context().close();

  const other = await schedule(`Read only ${marker}`, inSeconds(3600));
  const analyst = await withPassword(chorus.harness(), chorus.member('analyst'));
  const a = await page();
  await signIn(a, analyst);
  await a.goto(`/posts/${other.id}`);
  await a.getByRole('heading', { name: /Read only/ }).waitFor();
  await a.getByRole('region', { name: 'Audit trail' }).getByText('post.created').waitFor();
  expect(await a.getByRole('button', { name: 'Cancel post' }).count()).toBe(0);
  expect(await a.getByRole('button', { name: 'Reschedule' }).count()).toBe(0);
  expect(await a.getByRole('link', { name: 'Edit text' }).count()).toBe(0);
  await a.context().close();
});

test('a post page whose refresh fails keeps the post on screen, marked not up to date, until the connection is back', async () => {
  const post = await schedule(`Out of reach ${Date.now()}`, inSeconds(3600));
  const editor = await withPassword(chorus.harness(), chorus.member('editor'));
  for (const [viewport, size] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ] as const) {
    const p = await page(viewport);
    await signIn(p, editor);
    await p.goto(`/posts/${post.id}`);
    const heading = p.getByRole('heading', { name: /Out of reach/ });
    await heading.waitFor();
    const reconnect = await loseConnectionTo(p, `/v1/posts/${post.id}`);
    await notUpToDate(p).waitFor();
    await heading.waitFor();
    await p.getByRole('button', { name: 'Reschedule' }).waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, `post-detail-offline-${size}`);
    await reconnect();
    await notUpToDate(p).waitFor({ state: 'detached' });
    await p.context().close();
  }
});
