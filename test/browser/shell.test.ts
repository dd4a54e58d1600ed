import { createWorkspace, waitFor } from '../support/harness';
import { PHONE, TEST_PASSWORD, screenshot, seriousViolations, signIn, useApp, withPassword } from '../support/browser';

const { chorus, browser, base, page } = useApp({ workspace: 'Shell', members: ['editor'] });
test('sign-in: a wrong password is refused on screen; the right one opens the calendar; sign-out ends the session', async () => {
  const email = await withPassword(chorus.harness(), chorus.workspace());
  const p = await page();
  await p.goto('/calendar');
  await p.waitForURL('**/sign-in');
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'sign-in-desktop');

  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill('not the password');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('alert').getByText('Email or password is wrong').waitFor();

  await p.getByLabel('Password').fill(TEST_PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL('**/calendar');
  await p.getByRole('heading', { name: 'Calendar' }).waitFor();

  await p.getByRole('button', { name: 'Sign out' }).click();
  await p.waitForURL('**/sign-in');
  // The cookie no longer opens anything.
  const answer = await p.request.get('/v1/session');
  expect(answer.status()).toBe(401);
  await p.context().close();
});

test('on a phone the sections sit behind a menu button; an editor sees Compose, the workspace switcher lists the workspace', async () => {
  const editor = chorus.member('editor');
  const email = await withPassword(chorus.harness(), editor);
  const p = await page(PHONE);
  await signIn(p, email);
  const nav = p.getByRole('navigation', { name: 'Sections' });
  expect(await nav.isVisible()).toBe(false);
  await p.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name: 'Compose' }).waitFor();
  expect(await p.getByLabel('Workspace').inputValue()).toBe(editor.workspaceId);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'shell-phone');
  await p.context().close();
});

test('an unknown page inside the app says so instead of a blank page; the API keeps its problem+json 404s', async () => {
  const email = await withPassword(chorus.harness(), chorus.workspace());
  const p = await page();
  await signIn(p, email);
  // A page of the app with its state in the query string loads as itself (a reload, a shared link).
  await p.goto('/calendar?view=month&channel=x');
  await p.getByRole('heading', { name: 'Calendar' }).waitFor();
  await p.goto('/no-such-screen');
  await p.getByRole('heading', { name: 'No such page' }).waitFor();
  const api = await p.request.get('/v1/no-such-route', { headers: { accept: 'text/html' } });
  expect(api.status()).toBe(404);
  expect(api.headers()['content-type']).toContain('application/problem+json');
  await p.context().close();
});

test('installable on a phone: the manifest names the app with 192 and 512 px icons, and a service worker keeps the shell for offline starts', async () => {
  // A context that allows service workers (the others block them, so every test loads fresh files).
  const context = await browser().newContext({ baseURL: base(), viewport: PHONE });
  const p = await context.newPage();
  await p.goto('/sign-in');
  const manifest = (await (await p.request.get('/manifest.webmanifest')).json()) as {
    name: string;
    display: string;
    icons: { sizes: string }[];
  };
  expect(manifest).toMatchObject({ name: 'Chorus', display: 'standalone' });
  expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(await p.evaluate('navigator.serviceWorker.ready.then((registration) => registration.scope)')).toBe(
    `${base()}/`,
  );
  await context.setOffline(true);
  await p.reload();
  await p.getByRole('heading', { name: 'Sign in to Chorus' }).waitFor();
  await context.close();
});

test('a member of two workspaces switches between them in the top bar; the app then acts in the one chosen', async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  const email = await withPassword(h, owner);
  const other = await createWorkspace(h, 'Second brand');
  await h.db
    .insertInto('memberships')
    .values({ workspace_id: other.workspaceId, user_id: owner.userId, role: 'analyst' })
    .execute();
  const p = await page();
  await signIn(p, email);
  const switcher = p.getByLabel('Workspace');
  expect(await switcher.locator('option').allTextContents()).toEqual(
    expect.arrayContaining(['Shell (owner)', 'Second brand (analyst)']),
  );
  await switcher.selectOption(other.workspaceId);
  await waitFor('the session to act in the second workspace', async () => {
    const session = (await (await p.request.get('/v1/session')).json()) as { workspace: { id: string } };
    return session.workspace.id === other.workspaceId || undefined;
  });
  // An analyst there: no Compose in the sections.
  await p.getByRole('link', { name: 'Calendar' }).waitFor();
  expect(await p.getByRole('link', { name: 'Compose' }).count()).toBe(0);
  await p.context().close();
});
