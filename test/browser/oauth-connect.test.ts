import type { OAuthClientConfig } from '../../channels/oauth';
import { screenshot, seriousViolations, useApp } from '../support/browser';
import { endTokenWorkflows } from '../support/channels';
import { TestOAuthProvider, testOAuthAdapter } from '../support/oauth-network';
import { startOAuthServer, type OAuthServer } from '../support/oauth-server';

// Connecting a channel through a network's authorization page, in Chromium, against a real
// authorization server (test/support/oauth-server.ts) standing in for X.
let server: OAuthServer;
const client: OAuthClientConfig = { clientId: '', clientSecret: null, redirectUri: '' };

beforeAll(async () => {
  server = await startOAuthServer();
  Object.assign(client, { clientId: server.clientId, clientSecret: server.clientSecret });
});
afterAll(() => server?.close());

const { chorus, base, signedIn } = useApp({
  workspace: 'OAuth in the browser',
  harness: () => ({
    adapters: { x: testOAuthAdapter('x', server) },
    oauth: { providers: { x: new TestOAuthProvider('x', server) }, clients: { x: client } },
  }),
  beforeClose: (c) => endTokenWorkflows(c.harness(), c.workspace().workspaceId),
});

// The network sends the browser back to the app's own address (known once it listens).
beforeAll(() => {
  client.redirectUri = `${base()}/v1/channels/callback/x`;
});

test('connect X through its authorization page; a denial says so; several accounts are picked from; a channel needing reconnection is reconnected', async () => {
  const p = await signedIn(chorus.workspace());
  await p.goto('/settings/channels');
  await p.getByRole('heading', { name: 'Channels' }).waitFor();

  // Denied on the network's page: back in the app, told, nothing connected.
  await p.getByRole('button', { name: 'Connect X' }).click();
  await p.getByRole('heading', { name: 'Authorize Chorus' }).waitFor();
  expect(p.url().startsWith(server.url)).toBe(true);
  await p.getByRole('button', { name: 'Deny' }).click();
  await p.getByRole('alert').getByText("You declined Chorus's access on X; nothing was connected").waitFor();
  expect(await p.getByTestId('channel').count()).toBe(0);
  await p.getByRole('button', { name: 'Dismiss' }).click();

  // Allowed: connected as the one account the grant has.
  await p.getByRole('button', { name: 'Connect X' }).click();
  await p.getByRole('button', { name: 'Allow' }).click();
  await p.getByRole('status').getByText('Connected Acme on X.').waitFor();
  const row = p.getByTestId('channel').filter({ hasText: 'Acme on X' });
  await row.getByText('healthy').waitFor();
  expect(new URL(p.url()).pathname).toBe('/settings/channels');
  await screenshot(p, 'settings-channels-oauth-connected');

  // A grant with several accounts: the picker.
  server.setAccounts([
    { id: 'page-1', name: 'Acme Shoes', kind: 'page' },
    { id: 'page-2', name: 'Acme Hats', kind: 'page' },
  ]);
  await p.getByRole('button', { name: 'Connect X' }).click();
  await p.getByRole('button', { name: 'Allow' }).click();
  const picker = p.getByRole('form', { name: 'Pick the account to connect' });
  await picker.getByLabel('Acme Hats').check();
  expect(await seriousViolations(p)).toEqual([]);
  await picker.getByRole('button', { name: 'Connect this account' }).click();
  await p.getByRole('status').getByText('Connected Acme Hats on X.').waitFor();
  await p.getByTestId('channel').filter({ hasText: 'Acme Hats on X' }).waitFor();
  server.setAccounts([{ id: 'acct-1', name: 'Acme', kind: 'member' }]);

  // The network stopped accepting the grant: the row says so; Reconnect goes through the page again.
  await chorus
    .harness()
    .db.updateTable('channels')
    .set({ status: 'needs_reconnect', healthy: false, last_error: "x refused to renew Chorus's access." })
    .where('account_ref', '=', 'acct-1')
    .where('workspace_id', '=', chorus.workspace().workspaceId)
    .execute();
  await p.reload();
  await row.getByText('needs reconnecting').waitFor();
  await row.getByText(/Its posts wait until it is reconnected/).waitFor();
  await screenshot(p, 'settings-channels-needs-reconnect');
  await row.getByRole('button', { name: 'Reconnect Acme on X' }).click();
  await p.getByRole('button', { name: 'Allow' }).click();
  await row.getByText('healthy').waitFor();
  expect(await p.getByTestId('channel').count()).toBe(2);
  await p.context().close();
});
