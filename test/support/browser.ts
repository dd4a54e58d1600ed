import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../db/passwords';
import { setPassword } from '../../db/users';
import { useChorus, type Chorus, type ChorusOptions } from './chorus';
import type { Harness, TestWorkspace } from './harness';

/** Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots of each screen go; CI keeps the folder as an artifact. */
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', '.ci', 'artifacts', 'screens');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Launches Chromium for a test file (beforeAll) and closes it (afterAll). */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('useBrowser: used before beforeAll');
    return browser;
  };
}

/** The harness's API (and the web app it serves) on a real port, for the browser; returns its base URL. */
export async function serve(h: Harness): Promise<string> {
  if (!h.app.server.listening) await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  if (!address || typeof address === 'string') throw new Error('The API is not listening on a port');
  return `http://127.0.0.1:${address.port}`;
}

/** A fresh browser context (its own cookies) at a viewport, with the app's base URL set. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport, serviceWorkers: 'block' });
  context.setDefaultTimeout(15_000);
  return context;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Gives a test member a password (TEST_PASSWORD) so they can sign in; returns their email. */
export async function withPassword(h: Harness, member: TestWorkspace): Promise<string> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await h.db.transaction().execute((trx) => setPassword(trx, { userId: member.userId, passwordHash }));
  const user = await h.db.selectFrom('users').select('email').where('id', '=', member.userId).executeTakeFirstOrThrow();
  return user.email;
}

/** Signs in through the sign-in page and waits for the signed-in shell. */
export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The serious and critical accessibility violations axe finds on the page as it is now (expect []). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Saves a screenshot of the page as `<name>.png` among CI's artifacts. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  // A second copy where a reviewer asked for one (SCREENSHOTS=/tmp/shots), to look at by eye.
  const extra = process.env.SCREENSHOTS;
  if (extra) {
    mkdirSync(extra, { recursive: true });
    await page.screenshot({ path: path.join(extra, `${name}.png`), fullPage: true });
  }
}

/**
 * Makes the page's GETs of `pathname` fail as a lost connection does (the API's other calls go
 * through) until the returned function restores them.
 */
export async function loseConnectionTo(page: Page, pathname: string): Promise<() => Promise<void>> {
  const matches = (url: URL) => url.pathname === pathname;
  await page.route(matches, (route) => (route.request().method() === 'GET' ? route.abort() : route.continue()));
  return () => page.unroute(matches);
}

/** What a screen shows above what it loaded when refreshing that failed on a lost connection. */
export const notUpToDate = (page: Page) =>
  page.getByRole('status').filter({ hasText: 'Not up to date: Chorus cannot be reached.' });

/**
 * What makes the page wider than the screen, so that it scrolls sideways (a phone's wobble): the
 * elements whose right edge is past the viewport, outside the tables that scroll on their own.
 */
export async function sidewaysOverflow(page: Page): Promise<string[]> {
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate<string[]>(`
    document.documentElement.scrollWidth <= window.innerWidth ? [] :
    [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest('.table-scroll'))
      // The innermost: what is too wide, not every box around it.
      .filter((el, _, wide) => !wide.some((other) => other !== el && el.contains(other)))
      .slice(0, 8)
      .concat([null]).filter((el, i, all) => el !== null || all.length === 1)
      .map((el) => el === null ? 'the page, ' + (document.documentElement.scrollWidth - window.innerWidth) + ' px wider than the screen (no element found past its edge)' : el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().replace(/ +/g, '.') : '') + ' ends at ' + Math.round(el.getBoundingClientRect().right) + ' px')
  `);
}

/** What a finger taps on the screens: buttons, fields, disclosure summaries. */
export const TAPPABLE = 'main button, main select, main input, main textarea, main summary';

/**
 * The controls on screen a finger taps (`selector`) that are less than 44 px high; a checkbox or
 * radio counts its label's height, since the label is what a finger hits.
 */
export async function smallTouchTargets(page: Page, selector = TAPPABLE): Promise<string[]> {
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate<string[]>(`
    [...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((el) => el.checkVisibility() && !el.closest('.visually-hidden'))
      .map((el) => ({ el, target: el.matches('[type=checkbox], [type=radio]') ? (el.closest('label') ?? el) : el }))
      .filter(({ target }) => target.getBoundingClientRect().height < 44)
      .map(({ el }) => el.tagName.toLowerCase() + ' "' + (el.getAttribute('aria-label') ?? el.textContent.trim().slice(0, 40)) + '"')
  `);
}

export type Viewport = { width: number; height: number };

/** A test file's Chorus (useChorus, serving the built app on a port) and its Chromium. */
export interface BrowserApp {
  chorus: Chorus;
  browser: () => Browser;
  /** The app's address, e.g. http://127.0.0.1:41234. */
  base: () => string;
  /** A page in a fresh context (its own cookies): signed out. */
  page(viewport?: Viewport): Promise<Page>;
  /** A page in a fresh context, signed in as this member (given TEST_PASSWORD first). */
  signedIn(member: TestWorkspace, viewport?: Viewport): Promise<Page>;
}

/** The shared set-up of a browser test file: useChorus with the web app served, and useBrowser. */
export function useApp(options: ChorusOptions = {}): BrowserApp {
  const harness = options.harness;
  const chorus = useChorus({
    ...options,
    harness: () => ({ ...(typeof harness === 'function' ? harness() : harness), web: true }),
  });
  const browser = useBrowser();
  let address: string | undefined;
  beforeAll(async () => {
    address = await serve(chorus.harness());
  });
  const base = () => {
    if (!address) throw new Error('useApp: used before beforeAll');
    return address;
  };
  // An uncaught exception or a console error in any page of a test fails that test: a screen must
  // never break silently. The browser's own line for an HTTP error answer is not one: the tests
  // provoke 4xx answers (a collision's 409) that the screens show.
  const pageErrors: string[] = [];
  afterEach(() => {
    const seen = pageErrors.splice(0);
    expect(seen).toEqual([]);
  });
  const page = async (viewport?: Viewport) => {
    const p = await (await newContext(browser(), base(), viewport)).newPage();
    p.on('pageerror', (error) => pageErrors.push(`${p.url()}: ${error.message}`));
    p.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource:'))
        pageErrors.push(`${p.url()}: console: ${message.text()}`);
    });
    return p;
  };
  return {
    chorus,
    browser,
    base,
    page,
    async signedIn(member, viewport) {
      const email = await withPassword(chorus.harness(), member);
      const p = await page(viewport);
      await signIn(p, email);
      return p;
    },
  };
}
