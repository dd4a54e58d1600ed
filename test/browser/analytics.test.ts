import type { BrowserContext, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  TAPPABLE,
  screenshot,
  seriousViolations,
  sidewaysOverflow,
  smallTouchTargets,
  useApp,
} from '../support/browser';
import { seedChannel } from '../support/inbox';

const { chorus, signedIn } = useApp({ workspace: 'Analytics screens' });
const contexts: BrowserContext[] = [];
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** The report screens' CSV links are tapped too. */
const WITH_CSV_LINKS = `${TAPPABLE}, main a.csv-link`;

let channelId: string;
let spring: string;
let autumn: string;

/** A published post on the channel with one snapshot of its counts (the collector's work, done here directly). */
async function seedPublished(
  publishedAt: Date,
  counts: { likes: number; reposts: number; replies: number; impressions?: number },
  campaignId: string | null,
  text: string,
) {
  const h = chorus.harness();
  const ws = chorus.workspace();
  const post = await h.db
    .insertInto('posts')
    .values({
      workspace_id: ws.workspaceId,
      author_id: ws.userId,
      text,
      publish_at: publishedAt,
      status: 'published',
      workflow_id: `seeded-${publishedAt.getTime()}-${text}`,
      campaign_id: campaignId,
      updated_at: publishedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const target = await h.db
    .insertInto('post_targets')
    .values({
      post_id: post.id,
      channel_id: channelId,
      text,
      status: 'published',
      last_error: null,
      idempotency_key: `seeded-${post.id}`,
      external_id: `seeded-${post.id}`,
      external_url: null,
      published_at: publishedAt,
      updated_at: publishedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db
    .insertInto('metric_snapshots')
    .values({
      workspace_id: ws.workspaceId,
      target_id: target.id,
      offset_label: '+24h',
      taken_at: new Date(publishedAt.getTime() + DAY),
      status: 'ok',
      ...counts,
      quotes: null,
    })
    .execute();
  return post.id;
}

beforeAll(async () => {
  const h = chorus.harness();
  const ws = chorus.workspace();
  channelId = await seedChannel(h, {
    workspaceId: ws.workspaceId,
    createdBy: ws.userId,
    provider: 'mastodon',
    // Long, as channel names get: the phone's channel picker must still fit the screen.
    name: 'Brand Mastodon, the community team (mastodon.example)',
  });
  const now = Date.now();
  // Followers: 100 long ago (the history's posts), 110 before the campaigns' posts, 120 yesterday.
  await h.db
    .insertInto('audience_snapshots')
    .values(
      [
        [70, 100],
        [10, 110],
        [1, 120],
      ].map(([daysAgo, followers]) => ({
        workspace_id: ws.workspaceId,
        channel_id: channelId,
        taken_at: new Date(now - daysAgo! * DAY),
        followers: followers!,
      })),
    )
    .execute();

  const campaign = async (name: string) => {
    const created = await chorus.call(ws.token, 'POST', '/v1/campaigns', {
      name,
      channelIds: [channelId],
      startsAt: new Date(now - 20 * DAY).toISOString(),
      endsAt: new Date(now + DAY).toISOString(),
    });
    expect(created.statusCode).toBe(201);
    return created.json().id as string;
  };
  spring = await campaign('Spring sale');
  autumn = await campaign('Autumn launch');
  // The campaigns' posts go out at 15:00 UTC: never in the Tuesday 09:00 slot the history below
  // fills (at 09:xx UTC on a Thursday, Friday or Saturday, `now` minus 2, 3 or 4 days is in it).
  const daysAgoAt15 = (days: number) => {
    const day = new Date(now - days * DAY);
    return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 15));
  };
  // Impressions on one post only (as when one network gives them and another does not).
  await seedPublished(
    daysAgoAt15(4),
    { likes: 6, reposts: 2, replies: 1, impressions: 4321 },
    spring,
    'Spring is here',
  );
  await seedPublished(daysAgoAt15(3), { likes: 3, reposts: 0, replies: 0 }, spring, 'Last days of the sale');
  await seedPublished(daysAgoAt15(2), { likes: 2, reposts: 0, replies: 0 }, autumn, 'Autumn is coming');

  // History for the best time: four Tuesdays 09:00 (UTC, the channel's zone), five to eight weeks back,
  // outside the overview's 30 days: too few posts in all, so the advice is flagged as thin.
  const today = new Date(now);
  const lastTuesday =
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 9) - ((today.getUTCDay() + 5) % 7) * DAY;
  for (let week = 5; week <= 8; week++)
    await seedPublished(
      new Date(lastTuesday - week * WEEK),
      { likes: 10, reposts: 0, replies: 0 },
      null,
      `History ${week}`,
    );
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
});

async function owner(viewport = DESKTOP): Promise<Page> {
  const page = await signedIn(chorus.workspace(), viewport);
  contexts.push(page.context());
  return page;
}

test('the overview, audience growth and best times show the seeded figures; CSV links answer; slots accepted', async () => {
  const page = await owner();
  await page.goto('/analytics');
  await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
  const posts = page.locator('dl[aria-label="Publishing"] .figure:has(dt:text-is("Posts published")) .figure-value');
  await expect(posts.textContent()).resolves.toBe('3');
  // 9 + 3 + 2 engagements over 3 × 110 followers at publishing.
  const engagements = page.locator('dl[aria-label="Publishing"] .figure:has(dt:text-is("Engagements")) .figure-value');
  expect(await engagements.textContent()).toBe('14');
  expect(
    await page
      .locator('dl[aria-label="Publishing"] .figure:has(dt:text-is("Engagement rate")) .figure-value')
      .textContent(),
  ).toBe('4.24%');
  const impressions = page.locator('dl[aria-label="Publishing"] .figure:has(dt:text-is("Impressions"))');
  expect(await impressions.locator('.figure-value').textContent()).toBe('4,321');
  expect(await impressions.locator('.figure-hint').textContent()).toBe('over 1 of 3 sends');
  expect(
    await page.locator('dl[aria-label="Audience"] .figure:has(dt:text-is("Followers")) .figure-value').textContent(),
  ).toBe('120');
  await page.getByTestId('audience-chart').waitFor();
  await page.getByRole('cell', { name: '+10' }).waitFor();

  // A longer period takes in the history's posts too.
  await page.getByLabel('Period').selectOption('90');
  await page
    .locator('dl[aria-label="Publishing"] .figure:has(dt:text-is("Posts published")) .figure-value', { hasText: /^7$/ })
    .waitFor();

  // Best time: Tuesday 09:00, flagged as thin.
  await page.getByText(/Thin data:/).waitFor();
  await page.getByText(/Tuesday 09:00: 10\.0% over 4 posts/).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'analytics-desktop');

  // Every Download CSV link is the report as text/csv.
  const links = page.getByRole('link', { name: /Download CSV/ });
  expect(await links.count()).toBe(3);
  for (const href of await links.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''))) {
    const res = await page.request.get(href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^text\/csv/);
  }

  await page.getByRole('button', { name: 'Add the suggested slots' }).click();
  await page
    .getByRole('status')
    .getByText(/Tue 09:00/)
    .waitFor();
  const { channels } = (await chorus.call(chorus.workspace().token, 'GET', '/v1/channels')).json();
  const channel = channels.find((c: { id: string }) => c.id === channelId);
  expect(channel.slots).toEqual([{ day: 2, time: '09:00' }]);

  const phone = await owner(PHONE);
  await phone.goto('/analytics');
  await phone.getByTestId('audience-chart').waitFor();
  await phone.getByText(/Thin data:/).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  expect(await smallTouchTargets(phone, WITH_CSV_LINKS)).toEqual([]);
  expect(await sidewaysOverflow(phone)).toEqual([]);
  await screenshot(phone, 'analytics-phone');
});

test("a campaign's results on its screen, and two campaigns compared per post and per follower", async () => {
  const page = await owner();
  await page.goto(`/campaigns/${spring}`);
  const results = page.getByRole('region', { name: 'Results' });
  await results.getByRole('table', { name: 'Per post' }).waitFor();
  expect(await results.locator('.figure:has(dt:text-is("Engagements")) .figure-value').textContent()).toBe('12');
  expect(await results.locator('.figure:has(dt:text-is("Posts published")) .figure-value').textContent()).toBe('2');
  const perPost = results.getByRole('table', { name: 'Per post' });
  await perPost.getByRole('row', { name: /Spring is here.* 6 2 1 0 9 4,321 / }).waitFor();
  // A post whose network gave no impressions shows a dash, not 0.
  await perPost.getByRole('row', { name: /Last days of the sale.* 3 0 0 0 3 — / }).waitFor();
  expect(await results.locator('.figure:has(dt:text-is("Impressions")) .figure-value').textContent()).toBe('4,321');
  await results
    .getByRole('table', { name: 'Per channel' })
    .getByRole('row', { name: /Brand Mastodon, the community team \(mastodon\.example\) 9 2 1 0 12/ })
    .waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'campaign-results-desktop');

  await page.goto('/analytics/compare');
  await page.getByText('Pick at least two campaigns.').waitFor();
  await page.getByRole('checkbox', { name: 'Spring sale' }).check();
  await page.getByRole('checkbox', { name: 'Autumn launch' }).check();
  const table = page.getByRole('table', { name: /Campaigns compared/ });
  await table.getByRole('row', { name: /Engagements per post/ }).waitFor();
  const row = async (name: string) =>
    (
      await table
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .locator('td')
        .allTextContents()
    ).sort();
  // Spring: 12 engagements over 2 posts and 220 followers; Autumn: 2 over 1 post and 110.
  expect(await row('Engagements per post')).toEqual(['2', '6']);
  expect(await row('Engagements per follower')).toEqual(['1.82%', '5.45%']);
  const href = await page.getByRole('link', { name: /Download CSV/ }).getAttribute('href');
  const csv = await page.request.get(href ?? '');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  expect(await csv.text()).toContain('Autumn launch');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'compare-desktop');

  const phone = await owner(PHONE);
  await phone.goto(`/analytics/compare?ids=${spring}&ids=${autumn}`);
  await phone.getByRole('row', { name: /Engagements per post/ }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  expect(await smallTouchTargets(phone, WITH_CSV_LINKS)).toEqual([]);
  await screenshot(phone, 'compare-phone');
  await phone.goto(`/campaigns/${spring}`);
  await phone.getByRole('table', { name: 'Per post' }).waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  // At 390 px the table stacks: each cell named by its label, impressions included, nothing wider than the screen.
  const impressionCells = phone.getByRole('table', { name: 'Per post' }).locator('td[data-label="Impressions"]');
  expect((await impressionCells.allTextContents()).sort()).toEqual(['4,321', '—']);
  const width = await phone
    .locator('html')
    .evaluate((html) => (html as unknown as { scrollWidth: number }).scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
  await screenshot(phone, 'campaign-results-phone');
});
