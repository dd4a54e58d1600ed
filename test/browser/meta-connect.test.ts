import type { OAuthClientConfig } from '../../channels/oauth';
import type { OAuthCredentials } from '../../contracts/oauth';
import { DESKTOP, PHONE, screenshot, seriousViolations, smallTouchTargets, useApp } from '../support/browser';
import { endTokenWorkflows } from '../support/channels';
import { waitFor } from '../support/harness';
import { startMetaFake, type MetaFake } from '../support/meta-fake';

// Connecting Facebook Pages in Chromium at phone size: Facebook Login's dialog (the Meta fake's,
// test/support/meta-fake.ts), back to the app, and its account picker choosing one of the Pages.
// Any console error or uncaught exception on a page fails the test (useApp).
let meta: MetaFake;
const facebook: OAuthClientConfig = { clientId: '', clientSecret: null, redirectUri: '' };

beforeAll(async () => {
  meta = await startMetaFake();
  meta.morePages = [{ id: '1040000000000002', name: 'Chorus Tea', instagram: null }];
  Object.assign(facebook, { clientId: meta.app.clientId, clientSecret: meta.app.clientSecret });
});
afterAll(() => meta?.close());

const { chorus, base, signedIn } = useApp({
  workspace: 'Meta in the browser',
  harness: () => ({
    env: { FACEBOOK_DIALOG_URL: meta.dialogUrl },
    meta: { graphUrl: meta.graphUrl, threadsUrl: meta.threadsUrl },
    oauth: { clients: { facebook } },
  }),
  beforeClose: (c) => endTokenWorkflows(c.harness(), c.workspace().workspaceId),
});

// Facebook sends the browser back to the app's own address (known once it listens).
beforeAll(() => {
  facebook.redirectUri = `${base()}/v1/channels/callback/facebook`;
});

test('on a phone: connect Facebook through the Login dialog, pick one of the Pages it grants; a post held for its reconnect is cancelled from its screen', async () => {
  const p = await signedIn(chorus.workspace(), PHONE);
  await p.goto('/settings/channels');
  await p.getByRole('heading', { name: 'Channels' }).waitFor();

  await p.getByRole('button', { name: 'Connect Facebook' }).click();
  await p.getByRole('heading', { name: 'Allow Chorus to use your Facebook account?' }).waitFor();
  expect(p.url().startsWith(meta.dialogUrl)).toBe(true);
  await p.getByRole('button', { name: 'Allow' }).click();

  // Two Pages granted: the picker asks which one the channel publishes as.
  const picker = p.getByRole('form', { name: 'Pick the account to connect' });
  await picker.getByLabel(meta.page.name).waitFor();
  await picker.getByLabel('Chorus Tea').waitFor();
  expect(new URL(p.url()).pathname).toBe('/settings/channels');
  expect(await seriousViolations(p)).toEqual([]);
  // Finger-sized: each Page's radio (through its label) and the buttons.
  expect(await smallTouchTargets(p, 'form[aria-label="Pick the account to connect"] :is(input, button)')).toEqual([]);
  const [first, second] = await Promise.all(
    [meta.page.name, 'Chorus Tea'].map((name) => picker.getByLabel(name).boundingBox()),
  );
  expect(first!.height).toBeLessThan(30); // the radio beside its name, not stretched across the card
  expect(second!.y - first!.y).toBeLessThan(70); // one line per Page
  await screenshot(p, 'settings-channels-facebook-picker-phone');
  await p.setViewportSize(DESKTOP);
  await screenshot(p, 'settings-channels-facebook-picker-desktop');
  await p.setViewportSize(PHONE);
  await picker.getByLabel(meta.page.name).check();
  await picker.getByRole('button', { name: 'Connect this account' }).click();
  await p.getByRole('status').getByText(`Connected ${meta.page.name} on Facebook.`).waitFor();
  await p
    .getByTestId('channel')
    .filter({ hasText: `${meta.page.name} on Facebook` })
    .getByText('healthy')
    .waitFor();
  expect(await p.getByTestId('channel').count()).toBe(1);

  // The channel publishes as the Page picked, with that Page's own token.
  const row = await chorus
    .harness()
    .db.selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', chorus.workspace().workspaceId)
    .executeTakeFirstOrThrow();
  const credentials = chorus.harness().sealer.open<OAuthCredentials>(row.credentials_sealed);
  expect(row.account_ref).toBe(meta.page.id);
  expect(credentials.account).toMatchObject({ id: meta.page.id, kind: 'page', accountToken: meta.page.token });

  // Facebook stops taking the token just before a post's time: the post is held, not failed, and
  // its screen offers to cancel it.
  const created = await chorus.call(chorus.workspace().token, 'POST', '/v1/posts', {
    text: 'Held for the reconnect',
    channelIds: [row.id],
    publishAt: new Date(Date.now() + 4000).toISOString(),
  });
  expect(created.statusCode).toBe(201);
  await chorus
    .harness()
    .db.updateTable('channels')
    .set({ status: 'needs_reconnect', healthy: false, last_error: "Facebook refused to renew Chorus's access." })
    .where('id', '=', row.id)
    .execute();
  const postId = created.json().id as string;
  await waitFor(
    'the post to be held',
    async () => {
      const post = (await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${postId}`)).json();
      return post.status === 'publishing' && /needs reconnecting/.test(post.targets[0].lastError ?? '');
    },
    30_000,
  );
  await p.goto(`/posts/${postId}`);
  await p.getByText(/waits: to be retried, or for its channel to be reconnected/).waitFor();
  // The summary says why it does not go out, and where to fix it.
  const held = p.locator('.held-note');
  await held.getByText(`Held until ${row.name} is reconnected`).waitFor();
  expect(await held.getByRole('link', { name: 'Settings → Channels' }).getAttribute('href')).toBe('/settings/channels');
  const lastError = p.getByText(/Last error: .*the channel needs reconnecting/);
  await lastError.waitFor();
  // Under the status, as wide as the value column (not squeezed under the "Status" label).
  const [errorBox, badgeBox] = await Promise.all([
    lastError.boundingBox(),
    p.getByRole('cell').filter({ has: lastError }).getByText('publishing').boundingBox(),
  ]);
  expect(errorBox!.x).toBeGreaterThanOrEqual(badgeBox!.x - 1);
  await screenshot(p, 'post-held-for-reconnect-phone');
  await p.setViewportSize(DESKTOP);
  await screenshot(p, 'post-held-for-reconnect-desktop');
  await p.setViewportSize(PHONE);
  await p.getByRole('button', { name: 'Cancel post' }).click();
  await p.getByRole('status').getByText('Cancelled: the post is cancelled.').waitFor();
  const after = (await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${postId}`)).json();
  expect(after.status).toBe('cancelled');
  expect(after.targets[0].status).toBe('cancelled');
  expect(meta.feed.filter((f) => f.message === 'Held for the reconnect')).toEqual([]);
  await p.context().close();
});
