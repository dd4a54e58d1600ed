import type { BrowserContext, Page } from 'playwright-core';
import { connectBluesky } from '../support/channels';
import { DESKTOP, PHONE, screenshot, seriousViolations, useApp } from '../support/browser';

const { chorus, signedIn } = useApp({ pds: true, workspace: 'Campaigns', members: ['editor'] });
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const account = await chorus.pds().createAccount('campaignsscreen');
  await connectBluesky(chorus.harness(), chorus.workspace().token, chorus.pds(), account, 'Brand Bluesky');
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
});

async function editor(viewport = DESKTOP): Promise<Page> {
  const page = await signedIn(chorus.member('editor'), viewport);
  contexts.push(page.context());
  return page;
}

test('a campaign created on screen with UTM settings, submitted, paused and resumed; its UTM preview', async () => {
  const page = await editor();
  await page.goto('/campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await dialog.getByLabel('Name', { exact: true }).fill('Spring sale');
  // No channel yet: the form asks for one itself, nothing is sent.
  const creates: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/campaigns') creates.push(request.url());
  });
  const channelBox = dialog.getByRole('checkbox', { name: /Brand Bluesky/ });
  await dialog.getByRole('button', { name: 'Create campaign' }).click();
  expect(
    await channelBox.evaluate(
      (box) => (box as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
    ),
  ).toBe(true);
  await channelBox.check();
  await dialog.getByLabel('utm_campaign', { exact: true }).fill('spring-2026');
  await dialog.getByLabel('utm_source for Brand Bluesky').fill('bsky');
  await dialog.getByLabel('Tags (comma-separated)').fill('sale, spring');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'campaign-new-desktop');
  await dialog.getByRole('button', { name: 'Create campaign' }).click();

  await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
  expect(creates).toHaveLength(1); // the second try's, not the first (no channel)
  const status = page.getByText('Status:');
  await status.getByText('draft').waitFor();

  // The UTM preview shows how a link will look on the channel.
  await page.getByLabel('A link or a post text').fill('Shop https://example.com/shop');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByText('https://example.com/shop?utm_source=bsky&utm_medium=social&utm_campaign=spring-2026').waitFor();

  await page.getByRole('button', { name: 'Submit for approval' }).click();
  // No approval policy in this workspace: the plan is approved at once and the campaign scheduled.
  await status.getByText('scheduled').waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await status.getByText('paused').waitFor();
  expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Resume' }).click();
  await status.getByText('scheduled').waitFor();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'campaign-detail-desktop');

  const campaigns = (await chorus.call(chorus.member('editor').token, 'GET', '/v1/campaigns')).json().campaigns;
  expect(campaigns).toMatchObject([
    { name: 'Spring sale', status: 'scheduled', tags: ['sale', 'spring'], utm: { campaign: 'spring-2026' } },
  ]);

  const phone = await editor(PHONE);
  await phone.goto('/campaigns');
  await phone.getByRole('link', { name: 'Spring sale' }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'campaigns-phone');
  await phone.getByRole('link', { name: 'Spring sale' }).click();
  await phone.getByRole('heading', { name: 'Progress' }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'campaign-detail-phone');

  await page.goto('/campaigns');
  await page.getByRole('link', { name: 'Spring sale' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'campaigns-desktop');
});

test('a library template created on screen shows its kind, tags, approval state and usage; filters by kind and tag', async () => {
  const page = await editor();
  await page.goto('/library');
  await page.getByText('No library items yet.').waitFor();
  await page.getByRole('button', { name: 'New item' }).click();
  const dialog = page.getByRole('dialog', { name: 'New library item' });
  await dialog.getByLabel('Kind', { exact: true }).selectOption('template');
  await dialog.getByLabel('Name', { exact: true }).fill('Launch template');
  await dialog.getByLabel(/Template text/).fill('{{product}} is out today!');
  await dialog.getByLabel('Tags (comma-separated)').fill('launch, legal-ok');
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Add to library' }).click();
  await dialog.waitFor({ state: 'detached' });

  const card = page.getByRole('article', { name: /Launch template/ });
  await card.getByText('Variables: {{product}}').waitFor();
  await card.getByText(/Used by 0 posts/).waitFor();
  // No approval policy here: approved at once, and usable.
  await card.locator('.badge', { hasText: 'approved' }).waitFor();
  await card.locator('.badge', { hasText: 'usable' }).waitFor();

  await page.getByLabel('Kind', { exact: true }).selectOption('snippet');
  await page.getByText('No library items match these filters.').waitFor();
  await page.getByLabel('Kind', { exact: true }).selectOption('');
  await card.getByRole('button', { name: 'Filter by tag legal-ok' }).click();
  expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('legal-ok');
  await card.waitFor();
  await page.getByLabel('Tag', { exact: true }).fill('nothing-here');
  await page.getByText('No library items match these filters.').waitFor();
  await page.getByLabel('Tag', { exact: true }).fill('');
  await card.waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'library-desktop');

  const phone = await editor(PHONE);
  await phone.goto('/library');
  await phone.getByRole('article', { name: /Launch template/ }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'library-phone');
});
