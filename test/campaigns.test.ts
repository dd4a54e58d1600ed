import { recordHistory } from './support/histories';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky, connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace, waitFor, type TestWorkspace } from './support/harness';

const { harness: h, pds, hook, call } = useChorus({ pds: true, hook: true });

interface Setup {
  owner: TestWorkspace;
  approver: TestWorkspace;
  accounts: SandboxAccount[];
  channels: string[];
}

async function setup(name: string): Promise<Setup> {
  const owner = await createWorkspace(h(), name);
  const approver = await addMember(h(), owner.workspaceId, 'approver');
  const accounts = await Promise.all([pds().createAccount(`${name}a`), pds().createAccount(`${name}b`)]);
  const channels = [
    (await connectBluesky(h(), owner.token, pds(), accounts[0]!)).id,
    (await connectBluesky(h(), owner.token, pds(), accounts[1]!)).id,
    (await connectWebhook(h(), owner.token, hook(), 'CRM')).id,
  ];
  await call(owner.token, 'PUT', '/v1/approval-policies', {
    steps: [{ name: 'Brand', mode: 'any', approvers: { roles: ['approver'] } }],
  });
  return { owner, approver, accounts, channels };
}

const at = (ms: number) => new Date(Date.now() + ms).toISOString();

async function createCampaign(s: Setup, body: Record<string, unknown>) {
  const res = await call(s.owner.token, 'POST', '/v1/campaigns', {
    name: 'Spring launch',
    channelIds: s.channels,
    utm: { medium: 'social' },
    ...body,
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const campaignOf = async (s: Setup, id: string) => (await call(s.owner.token, 'GET', `/v1/campaigns/${id}`)).json();
const postOf = async (s: Setup, id: string) => (await call(s.owner.token, 'GET', `/v1/posts/${id}`)).json();

test('a campaign goes draft → in review → scheduled → live → completed, with real publishes held until approval', async () => {
  const s = await setup('launch');
  const campaign = await createCampaign(s, { startsAt: at(-60_000), endsAt: at(14_000) });
  expect(campaign.status).toBe('draft');

  const marker = `spring-${Date.now()}`;
  const created = await call(s.owner.token, 'POST', '/v1/posts', {
    text: `It's here ${marker} https://shop.example/spring?ref=home#new`,
    channelIds: s.channels,
    campaignId: campaign.id,
    publishAt: at(8000),
  });
  expect(created.statusCode).toBe(201);
  const post = created.json();
  expect(post.campaignId).toBe(campaign.id);
  const texts = Object.fromEntries(post.targets.map((t: { channelId: string; text: string }) => [t.channelId, t.text]));
  expect(texts[s.channels[0]!]).toContain(
    'https://shop.example/spring?ref=home&utm_source=bluesky&utm_medium=social&utm_campaign=Spring%20launch#new',
  );
  expect(texts[s.channels[2]!]).toContain('utm_source=webhook');
  // The post passes its own approval, then waits for its campaign's.
  expect(post.status).toBe('awaiting_approval');
  expect(
    (
      await call(s.approver.token, 'POST', `/v1/posts/${post.id}/approval`, { decision: 'approve', step: 1, round: 0 })
    ).json().state,
  ).toBe('approved');
  await waitFor('the post to be held by its draft campaign', async () => (await postOf(s, post.id)).status === 'held');

  expect((await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/submit`)).json()).toMatchObject({
    status: 'in_review',
  });
  expect(
    (
      await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/approval`, {
        decision: 'approve',
        step: 1,
        round: 0,
      })
    ).statusCode,
  ).toBe(403); // its owner
  // A decision for a step the plan's chain is not at is stale (409), and the answer says which one is current (from 1).
  const stale = await call(s.approver.token, 'POST', `/v1/campaigns/${campaign.id}/approval`, {
    decision: 'approve',
    step: 2,
    round: 0,
  });
  expect(stale.statusCode).toBe(409);
  expect(stale.json().errors[0]).toMatchObject({ field: 'step', rule: 'current', message: 'the current step is 1' });
  expect((await call(s.owner.token, 'GET', `/v1/campaigns/${campaign.id}/approval`)).json()).toMatchObject({
    state: 'pending',
    currentStep: 1,
    decisions: [],
  });
  expect(
    (
      await call(s.approver.token, 'POST', `/v1/campaigns/${campaign.id}/approval`, {
        decision: 'approve',
        step: 1,
        round: 0,
        comment: 'Go',
      })
    ).json().state,
  ).toBe('approved');
  await waitFor('the campaign to be scheduled', async () => (await campaignOf(s, campaign.id)).status === 'scheduled');
  expect(await pds().listPosts(s.accounts[0]!.did)).toHaveLength(0);

  await waitFor('the campaign to go live', async () => (await campaignOf(s, campaign.id)).status === 'live', 30_000);
  const done = await waitFor(
    'the campaign to complete',
    async () => {
      const c = await campaignOf(s, campaign.id);
      return c.status === 'completed' && c;
    },
    30_000,
  );
  expect(done.progress).toMatchObject({ total: 1, byStatus: { published: 1 } });
  expect(Object.keys(done.progress.byChannel)).toHaveLength(3);
  const published = await postOf(s, post.id);
  for (const t of published.targets)
    expect(new Date(t.publishedAt).getTime()).toBeGreaterThanOrEqual(new Date(published.publishAt).getTime());
  for (const account of s.accounts)
    expect((await pds().listPosts(account.did)).filter((p) => p.text.includes(marker))).toHaveLength(1);
  expect(hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker))).toHaveLength(1);

  const audit = (await call(s.owner.token, 'GET', `/v1/audit?subject=${campaign.id}`))
    .json()
    .entries.map((e: { action: string; after: { status?: string; decision?: string } }) =>
      `${e.action} ${e.after?.status ?? e.after?.decision ?? ''}`.trim(),
    )
    .reverse();
  expect(audit).toEqual([
    'campaign.created',
    'campaign.status_changed in_review',
    'campaign.approval_decided approve',
    'campaign.status_changed scheduled',
    'campaign.status_changed live',
    'campaign.status_changed completed',
  ]);
  // The decision's entry numbers its step from 1, like the API.
  const decided = (await call(s.owner.token, 'GET', `/v1/audit?subject=${campaign.id}`))
    .json()
    .entries.find((e: { after: { stepName?: string } | null }) => e.after?.stepName !== undefined);
  expect(decided.after).toMatchObject({ key: '0:1', step: 1, stepName: 'Brand' });
  await recordHistory(h().client, campaign.workflowId, 'campaign-completed');
  await recordHistory(h().client, post.workflowId, 'post-in-campaign');
});

test('pause holds pending posts; resume moves the missed ones by the stated rule; cancel stops every pending post', async () => {
  const s = await setup('pause');
  await call(s.owner.token, 'PUT', '/v1/approval-policies', { steps: [] });
  const campaign = await createCampaign(s, { startsAt: at(-60_000), endsAt: at(3600_000) });
  await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/submit`);
  await waitFor('scheduled', async () => (await campaignOf(s, campaign.id)).status === 'scheduled');

  const soon = at(6000); // more than CLAIM_AHEAD_MS ahead, or its claim could beat the pause
  const missed = (
    await call(s.owner.token, 'POST', '/v1/posts', {
      text: 'Missed during the pause',
      channelIds: [s.channels[0]],
      campaignId: campaign.id,
      publishAt: soon,
    })
  ).json();
  const later = (
    await call(s.owner.token, 'POST', '/v1/posts', {
      text: 'Still ahead',
      channelIds: [s.channels[0]],
      campaignId: campaign.id,
      publishAt: at(1800_000),
    })
  ).json();
  expect((await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/pause`)).json().status).toBe('paused');
  await waitFor(
    'both posts held',
    async () => (await postOf(s, missed.id)).status === 'held' && (await postOf(s, later.id)).status === 'held',
  );

  // Let the first post's time pass while the campaign is paused.
  await waitFor('the paused post to be overdue', async () => Date.now() > Date.parse(soon) + 500, 10_000);
  expect(await pds().listPosts(s.accounts[0]!.did)).toHaveLength(0);

  const resumedAt = Date.now();
  expect((await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/resume`)).json().status).toBe('scheduled');
  const moved = await waitFor('the missed post to be moved', async () => {
    const p = await postOf(s, missed.id);
    return p.status === 'scheduled' && p.publishAt !== missed.publishAt && p;
  });
  expect(Date.parse(moved.publishAt)).toBeGreaterThanOrEqual(resumedAt + 60_000);
  expect(Date.parse(moved.publishAt)).toBeLessThan(resumedAt + 70_000);
  const kept = await waitFor('the later post released', async () => {
    const p = await postOf(s, later.id);
    return p.status === 'scheduled' && p;
  });
  expect(kept.publishAt).toBe(later.publishAt);

  expect((await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/cancel`)).json().status).toBe('cancelled');
  await waitFor(
    'every pending post cancelled',
    async () =>
      (await postOf(s, missed.id)).status === 'cancelled' && (await postOf(s, later.id)).status === 'cancelled',
  );
  expect((await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/resume`)).statusCode).toBe(409);
  expect(await pds().listPosts(s.accounts[0]!.did)).toHaveLength(0);
  await recordHistory(h().client, campaign.workflowId, 'campaign-paused-resumed-cancelled');
});

test('queue: true takes the next free slot; the calendar shows free slots and warnings', async () => {
  const s = await setup('queue');
  const channel = s.channels[0]!;
  const everyDay = [1, 2, 3, 4, 5, 6, 7].flatMap((day) => [
    { day, time: '09:00' },
    { day, time: '09:10' },
    { day, time: '17:00' },
  ]);
  const slots = await call(s.owner.token, 'PUT', `/v1/channels/${channel}/slots`, {
    timezone: 'America/New_York',
    slots: everyDay,
    minGapMinutes: 30,
  });
  expect(slots.statusCode).toBe(200);
  expect(slots.json()).toMatchObject({ timezone: 'America/New_York', minGapMinutes: 30 });

  const first = (
    await call(s.owner.token, 'POST', '/v1/posts', { text: 'Queued one', channelIds: [channel], queue: true })
  ).json();
  const second = (
    await call(s.owner.token, 'POST', '/v1/posts', { text: 'Queued two', channelIds: [channel], queue: true })
  ).json();
  const local = (iso: string) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  expect(['09:00', '09:10', '17:00']).toContain(local(first.publishAt));
  expect(Date.parse(second.publishAt)).toBeGreaterThan(Date.parse(first.publishAt));
  // 09:10 is within the 30-minute gap of 09:00, so the queue never picks both.
  expect(Math.abs(Date.parse(second.publishAt) - Date.parse(first.publishAt))).toBeGreaterThanOrEqual(30 * 60_000);

  // A post too close to another, the same text twice, and an approval near its time.
  const near = (
    await call(s.owner.token, 'POST', '/v1/posts', {
      text: 'Queued one',
      channelIds: [channel],
      publishAt: new Date(Date.parse(first.publishAt) + 5 * 60_000).toISOString(),
    })
  ).json();
  const pending = await call(s.owner.token, 'POST', '/v1/posts', {
    text: 'Needs approval soon',
    channelIds: [s.channels[1]],
    publishAt: at(30 * 60_000),
  });
  expect(pending.statusCode).toBe(201);

  // A channel that needs reconnecting: its post is held, and the planner says so.
  await h().db.updateTable('channels').set({ status: 'needs_reconnect' }).where('id', '=', s.channels[1]!).execute();

  const from = new Date().toISOString();
  const to = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
  const calendar = (await call(s.owner.token, 'GET', `/v1/calendar?from=${from}&to=${to}`)).json();
  expect(calendar.posts.map((p: { id: string }) => p.id)).toEqual(
    expect.arrayContaining([first.id, second.id, near.id, pending.json().id]),
  );
  const kinds = calendar.warnings.map(
    (w: { kind: string; postIds: string[] }) => `${w.kind}:${[...w.postIds].sort().join(',')}`,
  );
  expect(kinds).toContain(`min_gap:${[first.id, near.id].sort().join(',')}`);
  expect(kinds).toContain(`duplicate_text:${[first.id, near.id].sort().join(',')}`);
  expect(kinds).toContain(`approval_near:${pending.json().id}`);
  expect(kinds).toContain(`needs_reconnect:${pending.json().id}`);
  expect(kinds.filter((k: string) => k.startsWith('needs_reconnect:'))).toHaveLength(1);
  const free = calendar.freeSlots
    .filter((f: { channelId: string }) => f.channelId === channel)
    .map((f: { at: string }) => f.at);
  expect(free).not.toContain(first.publishAt);
  expect(free.length).toBeGreaterThan(0);

  const bad = await call(s.owner.token, 'PUT', `/v1/channels/${channel}/slots`, {
    timezone: 'Mars/Olympus',
    slots: [{ day: 8, time: '25:00' }],
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['body.slots.0.day', 'body.slots.0.time']),
  );
  const badZone = await call(s.owner.token, 'PUT', `/v1/channels/${channel}/slots`, {
    timezone: 'Mars/Olympus',
    slots: [],
  });
  expect(badZone.json().errors[0]).toMatchObject({ field: 'timezone', rule: 'iana' });

  for (const p of [first, second, near, pending.json()]) await call(s.owner.token, 'POST', `/v1/posts/${p.id}/cancel`);
});

test('campaign bad input: end before start, posts outside its dates, unknown channels', async () => {
  const s = await setup('badcamp');
  const backwards = await call(s.owner.token, 'POST', '/v1/campaigns', {
    name: 'X',
    channelIds: s.channels,
    startsAt: at(3600_000),
    endsAt: at(60_000),
  });
  expect(backwards.statusCode).toBe(422);
  expect(backwards.json().errors[0]).toMatchObject({ field: 'endsAt', rule: 'after_startsAt' });
  const unknown = await call(s.owner.token, 'POST', '/v1/campaigns', {
    name: 'X',
    channelIds: ['00000000-0000-4000-8000-000000000000'],
    startsAt: at(0),
    endsAt: at(60_000),
  });
  expect(unknown.json().errors[0]).toMatchObject({ field: 'channelIds.0', rule: 'exists' });
  const campaign = await createCampaign(s, { startsAt: at(3600_000), endsAt: at(7200_000) });
  const outside = await call(s.owner.token, 'POST', '/v1/posts', {
    text: 'Too early',
    channelIds: [s.channels[0]],
    campaignId: campaign.id,
    publishAt: at(60_000),
  });
  expect(outside.statusCode).toBe(422);
  expect(outside.json().errors[0]).toMatchObject({ field: 'publishAt', rule: 'within_campaign_dates' });
  const posts = await h().db.selectFrom('posts').select('id').where('workspace_id', '=', s.owner.workspaceId).execute();
  expect(posts).toEqual([]);
  await call(s.owner.token, 'POST', `/v1/campaigns/${campaign.id}/cancel`);
});
