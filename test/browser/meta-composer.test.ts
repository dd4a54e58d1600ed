import type { Page } from 'playwright-core';
import { TEXT_RULES } from '../../contracts/text-rules';
import type { Provider } from '../../contracts/domain';
import type { OAuthCredentials } from '../../contracts/oauth';
import { insertChannel } from '../../db/channels';
import { screenshot, seriousViolations, useApp } from '../support/browser';

const { chorus, signedIn } = useApp({ workspace: 'Meta composer', members: ['editor'] });

const names = { facebook: 'Cafe Page', instagram: 'Cafe Gram', threads: 'Cafe Threads' } as const;
const ids: Record<keyof typeof names, string> = { facebook: '', instagram: '', threads: '' };

beforeAll(async () => {
  // Connected as the OAuth flow would leave them (no network is called in this test).
  for (const provider of Object.keys(names) as (keyof typeof names)[]) {
    const credentials: OAuthCredentials = {
      tokens: {
        accessToken: 't',
        accessTokenExpiresAt: null,
        refreshToken: null,
        refreshTokenExpiresAt: null,
        scopes: [],
      },
      account: { id: `${provider}-1`, name: names[provider], kind: 'page', accountToken: 'p' },
    };
    const channel = await insertChannel(chorus.harness().db, {
      workspaceId: chorus.workspace().workspaceId,
      actorId: chorus.workspace().userId,
      provider: provider as Provider,
      name: names[provider],
      accountRef: `@${provider}.cafe`,
      credentialsSealed: chorus.harness().sealer.seal(credentials),
    });
    ids[provider] = channel.id;
  }
});

const counter = (p: Page, name: string) => p.locator(`li.counter[data-channel="${name}"]`);

test("the composer counts each Meta network its own way (Threads' emoji bytes, Instagram's hashtags) and previews each; the calendar shows a day's posts against the daily limit", async () => {
  const p = await signedIn(chorus.member('editor'));
  await p.goto('/compose');
  for (const name of Object.values(names)) await p.getByRole('checkbox', { name: new RegExp(name) }).check();
  const text = p.getByLabel('Text', { exact: true });

  const sample = `Morning 👋 ${Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ')}`;
  await text.fill(sample);
  // Threads counts the emoji as its 4 UTF-8 bytes: the same code as the server.
  const threadsLength = TEXT_RULES.threads.length(sample);
  expect(threadsLength).toBe(TEXT_RULES.facebook.length(sample) + 3);
  await counter(p, names.threads).getByText(`${threadsLength} / 500`).waitFor();
  await counter(p, names.facebook)
    .getByText(`${TEXT_RULES.facebook.length(sample)} / 63206`)
    .waitFor();
  await counter(p, names.instagram).getByText('# 31 / 30').waitFor();
  await counter(p, names.instagram).getByText('Instagram allows at most 30 hashtags; this text has 31').waitFor();

  const instagram = p.getByRole('article', { name: `Preview on ${names.instagram} (instagram)` });
  await instagram.getByText('Instagram posts need an image or a video').waitFor();
  await p
    .getByRole('article', { name: `Preview on ${names.facebook} (facebook)` })
    .getByText(/Morning/)
    .waitFor();
  await p
    .getByRole('article', { name: `Preview on ${names.threads} (threads)` })
    .getByText(/Morning/)
    .waitFor();
  expect(await p.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'composer-meta');

  // A Threads post scheduled tomorrow shows on the calendar with that day's count against 250.
  const publishAt = new Date(Date.now() + 86_400_000);
  const created = await chorus.call(chorus.workspace().token, 'POST', '/v1/posts', {
    text: 'Tomorrow on Threads',
    channelIds: [ids.threads],
    publishAt: publishAt.toISOString(),
  });
  expect(created.statusCode).toBe(201);
  await p.goto('/calendar');
  if (publishAt.getMonth() !== new Date().getMonth()) await p.getByRole('button', { name: /next/i }).first().click();
  await p.getByText(`${names.threads}: 1 / 250 posts (daily limit)`).first().waitFor();
  await screenshot(p, 'calendar-daily-limit');
  await p.setViewportSize({ width: 390, height: 844 });
  await p.getByText(`${names.threads}: 1 / 250 posts (daily limit)`).first().waitFor();
  await screenshot(p, 'calendar-daily-limit-phone');
  await chorus.call(chorus.workspace().token, 'POST', `/v1/posts/${created.json().id}/cancel`);
});
