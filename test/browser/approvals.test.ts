import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../db/members';
import { connectBluesky } from '../support/channels';
import { DESKTOP, PHONE, screenshot, seriousViolations, useApp } from '../support/browser';
import { waitFor } from '../support/harness';

const { chorus, signedIn } = useApp({
  pds: true,
  workspace: 'Approvals',
  members: ['editor', 'approver', 'admin', 'analyst'],
});
let channelId: string;
const contexts: BrowserContext[] = [];

const NAMES: Partial<Record<Role, string>> = {
  editor: 'Eddie Author',
  approver: 'Ada Approver',
  admin: 'Grace Legal',
  analyst: 'Ana Lyst',
};

beforeAll(async () => {
  const h = chorus.harness();
  for (const [role, name] of Object.entries(NAMES))
    await h.db
      .updateTable('memberships')
      .set({ name })
      .where('user_id', '=', chorus.member(role as Role).userId)
      .where('workspace_id', '=', chorus.workspace().workspaceId)
      .execute();
  const account = await chorus.pds().createAccount('approvalsscreen');
  channelId = (await connectBluesky(h, chorus.workspace().token, chorus.pds(), account, 'Brand Bluesky')).id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
});

async function signedInAs(role: Role, viewport = DESKTOP): Promise<Page> {
  const page = await signedIn(chorus.member(role), viewport);
  contexts.push(page.context());
  return page;
}

test('a two-step chain decided from a phone and a desktop; the author watches it move without reloading and cannot approve their own post', async () => {
  const { call } = chorus;
  const policy = await call(chorus.workspace().token, 'PUT', '/v1/approval-policies', {
    steps: [
      { name: 'Brand', mode: 'any', approvers: { userIds: [chorus.member('approver').userId] } },
      { name: 'Legal', mode: 'any', approvers: { userIds: [chorus.member('admin').userId] }, deadlineSeconds: 86_400 },
    ],
  });
  expect(policy.statusCode).toBe(200);
  const author = chorus.member('editor');
  const created = await call(author.token, 'POST', '/v1/posts', {
    text: 'Spring launch on Monday at example.com',
    channelIds: [channelId],
  });
  expect(created.statusCode).toBe(201);
  const postId = created.json().id as string;
  // A second round: the approvers see what changed since the first.
  expect(
    (await call(author.token, 'POST', `/v1/posts/${postId}/edit`, { text: 'Spring launch on Tuesday at example.com' }))
      .statusCode,
  ).toBe(200);

  // The author: nothing waits for them; under "All pending" their post shows its chain, without decision buttons.
  const authorPage = await signedInAs('editor');
  await authorPage.goto('/approvals');
  await authorPage.getByRole('tab', { name: 'Waiting for me (0)' }).waitFor();
  await authorPage.getByText('Nothing waits for your decision.').waitFor();
  await authorPage.getByRole('tab', { name: /All pending/ }).click();
  const authorCard = authorPage.getByRole('article', { name: /Spring launch on Tuesday/ });
  await authorCard.getByText('Step 1 of 2').waitFor();
  await authorCard.getByText('Waiting for Ada Approver').waitFor();
  expect(await authorCard.getByRole('button', { name: 'Approve' }).count()).toBe(0);

  // Forced through the API with the author's own session, the server refuses.
  const { csrfToken } = (await (await authorPage.request.get('/v1/session')).json()) as { csrfToken: string };
  const forced = await authorPage.request.post(`/v1/posts/${postId}/approval`, {
    headers: { 'x-csrf-token': csrfToken, 'idempotency-key': 'forced-by-author' },
    data: { decision: 'approve', step: 1, round: 1 },
  });
  expect([403, 409]).toContain(forced.status());
  expect(forced.headers()['content-type']).toContain('application/problem+json');

  // Step 1 from a phone: the diff between rounds, then Approve.
  const phone = await signedInAs('approver', PHONE);
  await phone.goto('/approvals');
  const phoneCard = phone.getByRole('article', { name: /Spring launch on Tuesday/ });
  const diff = phoneCard.getByLabel('Changes since round 1');
  await diff.locator('del', { hasText: 'Monday' }).waitFor();
  await diff.locator('ins', { hasText: 'Tuesday' }).waitFor();
  await phoneCard.getByText('Step 1 of 2').waitFor();
  expect(await seriousViolations(phone)).toEqual([]);
  await screenshot(phone, 'approvals-phone');
  await phoneCard.getByLabel('Comment (optional)').fill('On brand');
  await phoneCard.getByRole('button', { name: 'Approve' }).click();
  await phone.getByRole('tab', { name: 'Waiting for me (0)' }).waitFor();
  const phoneDecided = phone.getByRole('region', { name: 'Decided while you were here' });
  await phoneDecided.getByText('Spring launch on Tuesday at example.com').waitFor();

  // The author's screen follows without a reload: step 2, Ada's decision named, Legal's deadline.
  await authorCard.getByText('Step 2 of 2').waitFor();
  await authorCard.getByText('Waiting for Grace Legal').waitFor();
  await authorCard.getByText('Ada Approver approved', { exact: true }).waitFor();
  await authorCard.getByText(/^Due /).waitFor();

  // Step 2 on a desktop.
  const desktop = await signedInAs('admin');
  await desktop.goto('/approvals');
  const desktopCard = desktop.getByRole('article', { name: /Spring launch on Tuesday/ });
  await desktopCard.getByText('Step 2 of 2').waitFor();
  expect(await seriousViolations(desktop)).toEqual([]);
  await screenshot(desktop, 'approvals-desktop');
  await desktopCard.getByRole('button', { name: 'Approve' }).click();
  await desktop.getByText('Nothing waits for your decision.').waitFor();

  // The author's screen: the post left the pending list; its new status shows, still without a reload.
  const authorDecided = authorPage.getByRole('region', { name: 'Decided while you were here' });
  await authorDecided.getByText('Spring launch on Tuesday at example.com').waitFor();
  await authorDecided
    .locator('.badge')
    .filter({ hasText: /^(scheduled|publishing|published)$/ })
    .waitFor({ timeout: 20_000 });
  expect(await authorPage.getByRole('article', { name: /Spring launch on Tuesday/ }).count()).toBe(0);

  // The chain is a query on the post's workflow, which may have finished: the worker replays it to
  // answer, which can take a moment on a loaded machine (an error names itself when this times out).
  const chain = await waitFor('the approved chain', async () => {
    const answer = await call(author.token, 'GET', `/v1/posts/${postId}/approval`);
    expect({ status: answer.statusCode, state: answer.json().state }).toEqual({ status: 200, state: 'approved' });
    return answer.json() as { decisions: { user: { name: string }; comment?: string }[] };
  });
  expect(chain.decisions.map((d) => [d.user.name, d.comment])).toEqual([
    ['Ada Approver', 'On brand'],
    ['Grace Legal', undefined],
  ]);
});

test('the expired list and a read-only analyst: no create or decision buttons on approvals, campaigns or the library', async () => {
  const analyst = await signedInAs('analyst');
  await analyst.goto('/approvals');
  await analyst.getByRole('tab', { name: /All pending/ }).click();
  await analyst.getByRole('tab', { name: /Expired/ }).click();
  await analyst.getByText('No post expired before its approval.').waitFor();
  expect(await analyst.getByRole('button', { name: 'Approve' }).count()).toBe(0);

  await analyst.goto('/campaigns');
  await analyst.getByRole('heading', { name: 'Campaigns' }).waitFor();
  await analyst.getByText(/No campaigns/).waitFor();
  expect(await analyst.getByRole('button', { name: 'New campaign' }).count()).toBe(0);

  await analyst.goto('/library');
  await analyst.getByRole('heading', { name: 'Library' }).waitFor();
  await analyst.getByText(/No library items/).waitFor();
  expect(await analyst.getByRole('button', { name: 'New item' }).count()).toBe(0);
  // The server agrees: an analyst may not create.
  const { csrfToken } = (await (await analyst.request.get('/v1/session')).json()) as { csrfToken: string };
  const refused = await analyst.request.post('/v1/library', {
    headers: { 'x-csrf-token': csrfToken },
    data: { kind: 'snippet', name: 'Nope', body: 'Nope' },
  });
  expect(refused.status()).toBe(403);
});
