import type { Page } from 'playwright-core';
import { connectChannel } from '../support/channels';
import { waitFor } from '../support/harness';
import {
  loseConnectionTo,
  PHONE,
  screenshot,
  seriousViolations,
  sidewaysOverflow,
  signIn,
  useApp,
  withPassword,
} from '../support/browser';

/**
 * The calendar screen against the real API: posts drawn by channel and status, dragged to another
 * day (the reschedule route moves them), a drag the server refuses put back with its problem shown.
 */
const { chorus, page } = useApp({
  hook: true,
  workspace: 'Calendar',
  members: ['editor', 'analyst'],
});
let channelId: string;

beforeAll(async () => {
  channelId = (
    await connectChannel(chorus.harness(), chorus.workspace().token, {
      provider: 'webhook',
      name: 'CRM hook',
      credentials: { url: chorus.hook().url, secret: chorus.hook().secret },
    })
  ).id;
});

/** Tall enough that a whole month (six weeks) is on screen: the mouse drags only within the viewport. */
const TALL = { width: 1280, height: 1600 };

/** A day from now at 10:00 in this process's timezone (the browser's too), `days` ahead. */
function dayAhead(days: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(10, 0, 0, 0);
  return d;
}
const dateKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

async function schedule(text: string, publishAt: Date): Promise<{ id: string; workflowId: string; publishAt: string }> {
  const res = await chorus.call(chorus.workspace().token, 'POST', '/v1/posts', {
    text,
    channelIds: [channelId],
    publishAt: publishAt.toISOString(),
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const postAt = async (id: string): Promise<string> =>
  (await chorus.call(chorus.workspace().token, 'GET', `/v1/posts/${id}`)).json().publishAt;

/** Drags the calendar event showing `text` onto the month view's cell for `day`, with the mouse. */
async function drag(p: Page, text: string, day: Date): Promise<void> {
  const event = p.getByRole('link', { name: new RegExp(text) });
  const target = p.locator(`[data-date="${dateKey(day)}"]`).first();
  const from = (await event.boundingBox())!;
  const to = (await target.boundingBox())!;
  await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await p.mouse.down();
  await p.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
  await p.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
  await p.mouse.up();
}

/** The month-view cell an event is drawn in (its data-date). */
const cellOf = (p: Page, text: string) =>
  p
    .getByRole('link', { name: new RegExp(text) })
    .evaluate((el) => el.closest('[data-date]')?.getAttribute('data-date') ?? null);

test('an editor drags a post to another day: the reschedule route moves it, and the calendar says so', async () => {
  const marker = `drag-${Date.now()}`;
  const from = dayAhead(1);
  const post = await schedule(`Moving day ${marker}`, from);
  const email = await withPassword(chorus.harness(), chorus.member('editor'));
  const p = await page(TALL);
  await signIn(p, email);
  await p.goto('/calendar');
  // The status is written in the event, not only shown by its colour.
  await p.getByRole('link', { name: new RegExp(`scheduled · Moving day ${marker}`) }).waitFor();
  await p.getByRole('heading', { name: 'Planner warnings' }).waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'calendar-desktop');

  const to = dayAhead(3);
  await drag(p, marker, to);
  await p
    .getByRole('status')
    .getByText(/Moved: it now publishes/)
    .waitFor();
  await waitFor('the post to move', async () => (await postAt(post.id)) === to.toISOString(), 10_000);
  expect(await cellOf(p, marker)).toBe(dateKey(to));
  await p.context().close();
});

test('a drag the server refuses (the post’s workflow has ended) shows the problem and the post goes back', async () => {
  const marker = `refused-${Date.now()}`;
  const from = dayAhead(2);
  const post = await schedule(`Cannot move ${marker}`, from);
  // Its workflow ends behind the calendar's back (an operator terminated it): the row still says
  // scheduled, so the calendar lets the editor drag it, and the server answers 409.
  await chorus.harness().client.workflow.getHandle(post.workflowId).terminate('test: the workflow ended');
  const email = await withPassword(chorus.harness(), chorus.member('editor'));
  const p = await page(TALL);
  await signIn(p, email);
  await p.goto('/calendar');
  await p.getByRole('link', { name: new RegExp(marker) }).waitFor();
  expect(await cellOf(p, marker)).toBe(dateKey(from));

  await drag(p, marker, dayAhead(4));
  await p.getByRole('alert').getByText('Conflict').waitFor();
  await p
    .getByRole('alert')
    .getByText(/workflow has finished/)
    .waitFor();
  expect(await cellOf(p, marker)).toBe(dateKey(from));
  expect(await postAt(post.id)).toBe(from.toISOString());
  await p.context().close();
});

test('an analyst sees the calendar but cannot drag; on a phone it opens as a list', async () => {
  const marker = `analyst-${Date.now()}`;
  const from = dayAhead(1);
  const post = await schedule(`Read only ${marker}`, from);
  const email = await withPassword(chorus.harness(), chorus.member('analyst'));
  const p = await page(TALL);
  await signIn(p, email);
  await p.goto('/calendar');
  await p.getByRole('link', { name: new RegExp(marker) }).waitFor();
  await p.getByText('Shaded times are free queue slots.').waitFor();
  expect(await p.getByText(/Drag a post/).count()).toBe(0);
  await drag(p, marker, dayAhead(3));
  // Nothing moved: no request was made, the event stays on its day.
  expect(await p.getByText(/Moving the post|Moved: it now publishes/).count()).toBe(0);
  expect(await cellOf(p, marker)).toBe(dateKey(from));
  expect(await postAt(post.id)).toBe(from.toISOString());
  await p.context().close();

  const phone = await page(PHONE);
  await signIn(phone, email);
  await phone.goto('/calendar');
  // This week's list (weeks start on Sunday here): a post tomorrow, a Sunday, is in next week's.
  if (from.getDay() === 0) await phone.getByRole('button', { name: /next/i }).click();
  const link = phone.getByRole('link', { name: new RegExp(marker) });
  await link.waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'calendar-phone');
  await link.click();
  await phone.waitForURL(`**/posts/${post.id}`);
  await phone.context().close();
});

test('on a phone, a calendar that cannot load says so, with Retry, instead of showing nothing scheduled; Retry loads it once Chorus answers', async () => {
  const marker = `offline-${Date.now()}`;
  // Later today: in this week's list, the phone's first view.
  await schedule(`Still planned ${marker}`, new Date(Date.now() + 10 * 60_000));
  const email = await withPassword(chorus.harness(), chorus.member('editor'));
  const p = await page(PHONE);
  await signIn(p, email);
  const reconnect = await loseConnectionTo(p, '/v1/calendar');
  await p.goto('/calendar');
  const problem = p.getByRole('alert').filter({ hasText: 'Chorus cannot be reached' });
  await problem.waitFor();
  expect(await p.getByText(/Nothing scheduled|No events|None in this view/).count()).toBe(0);
  await p.getByText('Not known: the calendar did not load.').waitFor();
  expect(await sidewaysOverflow(p)).toEqual([]);
  await screenshot(p, 'calendar-offline-phone');
  await reconnect();
  await problem.getByRole('button', { name: 'Retry' }).click();
  await problem.waitFor({ state: 'detached' });
  await p.getByText('Not known: the calendar did not load.').waitFor({ state: 'detached' });
  await p.getByRole('link', { name: new RegExp(marker) }).waitFor();
  await p.context().close();
});
