import { TEXT_RULES } from '../../contracts/text-rules';
import { connectOAuthChannel, oauthCredentials } from '../support/channels';
import { startLinkedInFake, type LinkedInFake } from '../support/linkedin-fake';
import { startXFake, type XFake } from '../support/x-fake';
import { screenshot, useApp } from '../support/browser';

let x: XFake;
let linkedin: LinkedInFake;
beforeAll(async () => {
  [x, linkedin] = await Promise.all([startXFake(), startLinkedInFake()]);
});
const { chorus, signedIn } = useApp({
  workspace: 'Composer for X and LinkedIn',
  harness: () => ({ env: { X_API_URL: x.url, LINKEDIN_API_URL: linkedin.url } }),
});
beforeAll(async () => {
  const ws = chorus.workspace();
  await connectOAuthChannel(
    chorus.harness(),
    ws,
    'x',
    'Brand on X',
    oauthCredentials(x.accessToken, { id: x.user.id, name: 'Chorus', kind: 'user', accountToken: null }),
  );
  await connectOAuthChannel(
    chorus.harness(),
    ws,
    'linkedin',
    'Brand on LinkedIn',
    oauthCredentials(linkedin.accessToken, {
      id: 'urn:li:organization:5515715',
      name: 'Chorus Inc.',
      kind: 'organization',
      accountToken: null,
    }),
  );
});
afterAll(async () => {
  await Promise.all([x?.close(), linkedin?.close()]);
});

test("the composer counts X's way (twitter-text, in the browser) and LinkedIn's, shows an X thread post by post, and refuses an over-limit post", async () => {
  const p = await signedIn(chorus.workspace());
  await p.goto('/compose');
  await p.getByRole('heading', { name: 'Compose' }).waitFor();
  for (const name of ['Brand on X', 'Brand on LinkedIn']) await p.getByRole('checkbox', { name }).check();
  const text = p.getByLabel('Text', { exact: true });
  const counter = (name: string) => p.locator(`li.counter[data-channel="${name}"] .count`);

  // CJK and emoji as 2, a link as 23 on X; graphemes on LinkedIn: as the server counts.
  const sample = 'Hi 日本 https://example.com/a-long-path 👍';
  expect(TEXT_RULES.x.length(sample)).toBe(34);
  expect(TEXT_RULES.linkedin.length(sample)).toBe(sample.length - 1);
  await text.fill(sample);
  await counter('Brand on X')
    .filter({ hasText: /^34 \/ 280$/ })
    .waitFor();
  await counter('Brand on LinkedIn')
    .filter({ hasText: new RegExp(`^${sample.length - 1} / 3000$`) })
    .waitFor();

  // A thread: each post counted on its own, and previewed under the one before.
  await text.fill(`First post\n---\n${'日'.repeat(141)}`);
  await p.getByRole('list', { name: 'Brand on X: a thread of 2 posts' }).getByText('Post 2: 282 / 280').waitFor();
  const limit =
    'X allows at most 280 characters (links count as 23, CJK characters and emoji as 2) per post; post 2 of the thread has 282';
  await p.locator('li.counter[data-channel="Brand on X"]').getByText(limit).waitFor();
  await p.getByRole('region', { name: 'Before saving' }).getByText(`${limit} (channel "Brand on X")`).waitFor();
  expect(await p.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
  const preview = p.getByRole('article', { name: 'Preview on Brand on X (x)' });
  await preview.getByLabel('Post 1 of 2').getByText('First post').waitFor();
  await preview.getByLabel('Post 2 of 2').waitFor();
  await p.getByRole('article', { name: 'Preview on Brand on LinkedIn (linkedin)' }).getByText('Company page').waitFor();
  await screenshot(p, 'composer-x-linkedin');
  await p.close();
});
