import type { Locator } from 'playwright-core';
import { waitFor } from '../support/harness';
import { PHONE, TEST_PASSWORD, screenshot, seriousViolations, useApp } from '../support/browser';

const { chorus, base, page, signedIn } = useApp({
  hook: true,
  workspace: 'Settings screen',
  members: ['admin', 'editor', 'analyst'],
});
const countIs = (locator: Locator, n: number) =>
  waitFor(`${n} matching elements`, async () => (await locator.count()) === n, 15_000);

test('invite flow: an admin invites an email and gets the link; the invitee sets a password in a fresh browser and is signed in; the link then says it was used', async () => {
  const p = await signedIn(chorus.member('admin'));
  await p.goto('/settings/members');
  await p.getByRole('heading', { name: 'Members' }).waitFor();
  const form = p.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill('new.person@example.com');
  await form.getByLabel('Role').selectOption('editor');
  // An admin cannot make owners: the role list does not offer it.
  expect(await form.getByLabel('Role').locator('option[value="owner"]').count()).toBe(0);
  await p.getByRole('button', { name: 'Invite', exact: true }).click();
  const linkBox = p.getByLabel('Invitation link for new.person@example.com');
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  expect(link).toMatch(new RegExp(`^${base().replace(/[.]/g, '\\.')}/welcome\\?code=.+`));
  // The member and the pending invitation are listed.
  await p.getByRole('cell', { name: 'new.person@example.com' }).first().waitFor();
  await p.getByRole('button', { name: 'Revoke the invitation of new.person@example.com' }).waitFor();
  await p.context().close();

  const invitee = await page();
  await invitee.goto(link);
  await invitee.getByText('new.person@example.com').waitFor();
  await invitee.getByLabel('Password (at least 10 characters)').fill(TEST_PASSWORD);
  await invitee.getByLabel('Password again').fill(TEST_PASSWORD);
  await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
  await invitee.waitForURL('**/calendar');
  await invitee.getByRole('button', { name: 'Sign out' }).waitFor();
  const session = await invitee.request.get('/v1/session');
  expect(session.status()).toBe(200);
  expect((await session.json()).user.email).toBe('new.person@example.com');
  expect((await session.json()).workspace.role).toBe('editor');
  await invitee.context().close();

  const again = await page();
  await again.goto(link);
  await again
    .getByRole('alert')
    .getByText('This invitation was already used; ask an admin of the workspace for a new one', { exact: true })
    .waitFor();
  expect(await again.getByLabel('Password again').count()).toBe(0);
  await again.context().close();
});

test('CSRF: a cookie-authenticated write without x-csrf-token is refused and changes nothing; with it, it goes through', async () => {
  const p = await signedIn(chorus.member('editor'));
  const tokensNow = async () => (await (await p.request.get('/v1/tokens')).json()).tokens.length as number;
  const before = await tokensNow();
  const refused = await p.request.post('/v1/tokens', { data: { name: 'forged' } });
  expect(refused.status()).toBe(403);
  expect(await tokensNow()).toBe(before);
  // The app's own request carries the token: creating one on screen works and shows it once.
  await p.goto('/settings/tokens');
  await p.getByLabel('Token name').fill('From the screen');
  await p.getByLabel('read', { exact: true }).check();
  await p.getByRole('button', { name: 'Create token' }).click();
  const shown = p.getByLabel('Your new token “From the screen”');
  await shown.waitFor();
  expect(await shown.inputValue()).toMatch(/\S{20,}/);
  const row = p.getByTestId('token').filter({ hasText: 'From the screen' });
  await row.getByText('read', { exact: true }).waitFor();
  expect(await tokensNow()).toBe(before + 1);
  // The token works as a bearer token, and revoking it on screen ends it.
  const bearer = await chorus.call(await shown.inputValue(), 'GET', '/v1/members');
  expect(bearer.statusCode).toBe(200);
  p.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: /^Revoke/ }).click();
  await countIs(row, 0);
  expect((await chorus.call(await shown.inputValue(), 'GET', '/v1/members')).statusCode).toBe(401);
  await p.context().close();
});

test('an expired session sends the browser to sign in with a message', async () => {
  const analyst = chorus.member('analyst');
  const p = await signedIn(analyst);
  await p.goto('/settings/members');
  await p.getByRole('heading', { name: 'Members' }).waitFor();
  await chorus
    .harness()
    .db.updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('user_id', '=', analyst.userId)
    .execute();
  // The next request the app makes (opening another section) meets the expired session.
  await p.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'My tokens' }).click();
  await p.waitForURL('**/sign-in');
  await p.getByRole('status').getByText('Your session expired; sign in again').waitFor();
  // A reload of a signed-in page says the same.
  await p.goto('/settings/audit');
  await p.waitForURL('**/sign-in');
  await p.getByRole('status').getByText('Your session expired; sign in again').waitFor();
  await p.context().close();
});

test('audit: "Verify chain" shows the chain is intact; filters narrow the log', async () => {
  const p = await signedIn(chorus.workspace());
  await p.goto('/settings/audit');
  await p.getByRole('heading', { name: 'Audit log' }).waitFor();
  await p.getByRole('button', { name: 'Verify chain' }).click();
  const result = p.getByTestId('chain-result');
  await result.getByText(/^The chain is intact: \d+ entries checked/).waitFor();
  const verify = (await chorus.call(chorus.workspace().token, 'GET', '/v1/audit/verify')).json();
  expect(verify.ok).toBe(true);
  expect(await result.textContent()).toContain(`${verify.checked} entries checked`);
  const actionCells = p.getByTestId('audit-entry').locator('td:nth-child(3)');
  await actionCells.first().waitFor();
  const all = await actionCells.allTextContents();
  const action = all.at(-1)!; // the oldest shown
  expect(new Set(all).size).toBeGreaterThan(1);
  await p.getByLabel('Action').fill(action);
  await waitFor(`only ${action} rows`, async () => {
    const actions = await actionCells.allTextContents();
    return actions.length > 0 && actions.every((a) => a === action);
  });
  await p.context().close();
});

test('channels, policies and the notification webhook: connect a webhook channel, save a policy with a deadline and escalation, verify the webhook', async () => {
  const p = await signedIn(chorus.workspace());
  const hook = chorus.hook();
  await p.goto('/settings/channels');
  await p.getByRole('button', { name: 'Connect a channel' }).click();
  await p.getByLabel('Network').selectOption('webhook');
  await p.getByLabel('Channel name').fill('Intranet');
  await p.getByLabel('Webhook URL').fill(hook.url);
  await p.getByLabel(/^Signing secret/).fill(hook.secret);
  await p.getByRole('button', { name: 'Connect', exact: true }).click();
  const channel = p.getByTestId('channel').filter({ hasText: 'Intranet' });
  await channel.getByText('healthy').waitFor();

  await p.goto('/settings/policies');
  await p.getByRole('button', { name: 'Edit a policy' }).click();
  await p.getByLabel('Deadline (hours, optional)').fill('24');
  await p.getByLabel('Remind before the deadline (hours)').fill('2');
  await p.getByLabel('Escalate at the deadline').check();
  await p.getByRole('button', { name: 'Save policy' }).click();
  await p
    .getByTestId('policy')
    .getByText('Review: any of every admin, within 24 h, then escalated to every owner')
    .waitFor();
  const policies = (await chorus.call(chorus.workspace().token, 'GET', '/v1/approval-policies')).json().policies;
  expect(policies[0].steps).toEqual([
    {
      name: 'Review',
      mode: 'any',
      approvers: { roles: ['admin'] },
      deadlineSeconds: 86_400,
      remindBeforeSeconds: 7_200,
      escalateTo: { roles: ['owner'] },
    },
  ]);

  await p.goto('/settings/notifications');
  await p.getByLabel('Webhook URL').fill(hook.url);
  await p.getByLabel(/^Signing secret/).fill(hook.secret);
  await p.getByRole('button', { name: 'Verify and save' }).click();
  await p.getByText('The webhook answered the ping and is saved.').waitFor();
  await p.context().close();
});

const SECTIONS = ['channels', 'members', 'tokens', 'policies', 'notifications', 'audit'];

test('each settings section passes axe at desktop and phone size (screenshots kept)', async () => {
  for (const [viewport, suffix] of [
    [undefined, 'desktop'],
    [PHONE, 'phone'],
  ] as const) {
    const p = await signedIn(chorus.workspace(), viewport);
    for (const section of SECTIONS) {
      await p.goto(`/settings/${section}`);
      await p.getByRole('navigation', { name: 'Settings sections' }).waitFor();
      await p.locator('.settings-section h2').first().waitFor();
      await p.waitForLoadState('networkidle');
      expect({ section, violations: await seriousViolations(p) }).toEqual({ section, violations: [] });
      // Nothing widens the page past the phone's width (wide tables scroll in their own box).
      const width = await p
        .locator('html')
        .evaluate((html) => (html as unknown as { scrollWidth: number }).scrollWidth);
      expect({ section, width }).toEqual({ section, width: (viewport ?? { width: 1280 }).width });
      await screenshot(p, `settings-${section}-${suffix}`);
    }
    await p.context().close();
  }
});

test('an editor sees the sections their role may: no audit log, no invite form, no channel actions', async () => {
  const p = await signedIn(chorus.member('editor'));
  await p.goto('/settings');
  await p.waitForURL('**/settings/channels');
  const nav = p.getByRole('navigation', { name: 'Settings sections' });
  await nav.getByRole('link', { name: 'Channels' }).waitFor();
  expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  expect(await p.getByRole('button', { name: 'Connect a channel' }).count()).toBe(0);
  await p.goto('/settings/members');
  await p.getByRole('heading', { name: 'Members' }).waitFor();
  expect(await p.getByRole('button', { name: 'Invite', exact: true }).count()).toBe(0);
  await p.goto('/settings/audit');
  await p.getByText('Your role cannot see this section.').waitFor();
  expect((await chorus.call(chorus.member('editor').token, 'GET', '/v1/audit')).statusCode).toBe(403);
  await p.context().close();
});
