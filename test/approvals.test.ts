import { WorkflowUpdateFailedError } from '@temporalio/client';
import { approvalQuery, decideUpdate } from '../contracts/approval';
import { recordHistory } from './support/histories';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, bearer, createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { startWebhookReceiver } from './support/webhook-receiver';

const { harness: h, pds, call } = useChorus({ pds: true });

interface Team {
  owner: TestWorkspace;
  author: TestWorkspace;
  lead: TestWorkspace;
  approvers: TestWorkspace[];
  analyst: TestWorkspace;
  account: SandboxAccount;
  channelId: string;
}

/** A workspace with an author (editor), an editors' lead (admin), three approvers and an analyst. */
async function team(name: string): Promise<Team> {
  const owner = await createWorkspace(h(), name);
  const [author, lead, a1, a2, a3, analyst] = await Promise.all([
    addMember(h(), owner.workspaceId, 'editor'),
    addMember(h(), owner.workspaceId, 'admin'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'analyst'),
  ]);
  const account = await pds().createAccount(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const channel = await connectBluesky(h(), owner.token, pds(), account);
  return { owner, author, lead, approvers: [a1!, a2!, a3!], analyst: analyst!, account, channelId: channel.id };
}

const put = (token: string, payload: object) => call(token, 'PUT', '/v1/approval-policies', payload);
type Decision = 'approve' | 'reject' | 'request_changes';
const chainOf = async (token: string, postId: string) =>
  (await call(token, 'GET', `/v1/posts/${postId}/approval`)).json();
/** A decision for the step and round given, or (like a client that just read the chain) the current ones. */
const decide = async (
  token: string,
  postId: string,
  decision: Decision,
  comment?: string,
  at?: { step: number; round: number },
  headers: Record<string, string> = {},
) => {
  const chain = at ? undefined : await chainOf(token, postId);
  const { step, round } = at ?? { step: chain.currentStep ?? 1, round: chain.round };
  return h().app.inject({
    method: 'POST',
    url: `/v1/posts/${postId}/approval`,
    headers: { ...bearer(token), ...headers },
    payload: { decision, step, round, comment },
  });
};
/** One step, the first approver's, that escalates to the lead at its deadline. */
const legalEscalatingToLead = (t: Team, timing: { deadlineSeconds: number; remindBeforeSeconds?: number }) => ({
  steps: [
    {
      name: 'Legal',
      mode: 'any',
      approvers: { userIds: [t.approvers[0]!.userId] },
      ...timing,
      escalateTo: { userIds: [t.lead.userId] },
    },
  ],
});
/** The names of the steps of a post's chain. */
const stepNames = async (t: Team, postId: string) =>
  (await chainOf(t.owner.token, postId)).steps.map((s: { name: string }) => s.name);
const getPost = async (token: string, id: string) => (await call(token, 'GET', `/v1/posts/${id}`)).json();
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
/** A post by the token's holder on the channel, due in an hour unless `body` says otherwise. */
const createPost = async (token: string, channelId: string, text: string, body: object = {}) =>
  (await call(token, 'POST', '/v1/posts', { text, channelIds: [channelId], publishAt: at(3600_000), ...body })).json();
const cancelPost = (t: Team, id: string) => call(t.owner.token, 'POST', `/v1/posts/${id}/cancel`);
/** A campaign on the team's channel, from a minute from now for a week. */
const createCampaign = async (t: Team, name: string) =>
  (
    await call(t.owner.token, 'POST', '/v1/campaigns', {
      name,
      channelIds: [t.channelId],
      startsAt: at(60_000),
      endsAt: at(7 * 24 * 3600_000),
    })
  ).json();
/** The policy several tests use: the lead, then any approver. */
const leadThenBrand = (t: Team) => ({
  steps: [
    { name: 'Lead', mode: 'any', approvers: { userIds: [t.lead.userId] } },
    { name: 'Brand', mode: 'any', approvers: { roles: ['approver'] } },
  ],
});

test('a two-step chain gates a real publish: nothing reaches the PDS before the last approval', async () => {
  const t = await team('TwoStep');
  const policy = await put(t.owner.token, {
    steps: [
      { name: "Editors' lead", mode: 'any', approvers: { userIds: [t.lead.userId] } },
      { name: 'Brand', mode: 'all', approvers: { userIds: [t.approvers[0]!.userId, t.approvers[1]!.userId] } },
    ],
  });
  expect(policy.statusCode).toBe(200);

  const created = await call(t.author.token, 'POST', '/v1/posts', { text: 'Gated launch', channelIds: [t.channelId] });
  expect(created.statusCode).toBe(201);
  const post = created.json();
  expect(post.status).toBe('awaiting_approval');

  const mine = async (token: string) =>
    (await call(token, 'GET', '/v1/approvals?state=pending&mine=true')).json().posts.map((p: { id: string }) => p.id);
  expect(await mine(t.lead.token)).toEqual([post.id]);
  expect(await mine(t.approvers[0]!.token)).toEqual([]);

  expect((await decide(t.author.token, post.id, 'approve')).statusCode).toBe(403); // no self-approval
  expect((await decide(t.approvers[0]!.token, post.id, 'approve')).statusCode).toBe(403); // not step 1's approver
  expect((await decide(t.lead.token, post.id, 'approve', 'Good copy')).statusCode).toBe(200);
  expect(await mine(t.approvers[0]!.token)).toEqual([post.id]);
  const half = await decide(t.approvers[0]!.token, post.id, 'approve');
  expect(half.json()).toMatchObject({ state: 'pending', currentStep: 2 });
  expect((await decide(t.approvers[0]!.token, post.id, 'approve')).statusCode).toBe(403); // once per step
  expect((await getPost(t.owner.token, post.id)).status).toBe('awaiting_approval');
  expect(await pds().listPosts(t.account.did)).toHaveLength(0);

  expect((await decide(t.approvers[1]!.token, post.id, 'approve')).json()).toMatchObject({
    state: 'approved',
    currentStep: null,
  });
  await waitFor(
    'the approved post to publish',
    async () => (await getPost(t.owner.token, post.id)).status === 'published',
  );
  expect(await pds().listPosts(t.account.did)).toHaveLength(1);

  const chain = (await call(t.analyst.token, 'GET', `/v1/posts/${post.id}/approval`)).json();
  // Steps are numbered from 1 in the chain, its decisions and the audit log alike.
  expect(chain.decisions).toEqual([
    expect.objectContaining({
      step: 1,
      userId: t.lead.userId,
      decision: 'approve',
      comment: 'Good copy',
      at: expect.any(String),
    }),
    expect.objectContaining({ step: 2, userId: t.approvers[0]!.userId, decision: 'approve' }),
    expect.objectContaining({ step: 2, userId: t.approvers[1]!.userId, decision: 'approve' }),
  ]);
  const audit = (await call(t.owner.token, 'GET', `/v1/audit?subject=${post.id}`)).json();
  expect(
    audit.entries
      .filter(
        (e: { action: string; after: { decision?: string } }) =>
          e.action === 'post.approval_decided' && e.after?.decision === 'approve',
      )
      .map((e: { after: { step: number } }) => e.after.step)
      .sort(),
  ).toEqual([1, 2, 2]);
  await recordHistory(h().client, post.workflowId, 'post-approved-two-steps');
});

test('quorum 2 of 3 by role; a rejection ends the chain and nothing is published', async () => {
  const t = await team('Quorum');
  expect(
    (
      await put(t.owner.token, {
        steps: [{ name: 'Approvers', mode: 'quorum', quorum: 2, approvers: { roles: ['approver'] } }],
      })
    ).statusCode,
  ).toBe(200);
  const quorum = (
    await call(t.author.token, 'POST', '/v1/posts', { text: 'Two of three', channelIds: [t.channelId] })
  ).json();
  expect((await decide(t.analyst.token, quorum.id, 'approve')).statusCode).toBe(403);
  expect((await decide(t.approvers[2]!.token, quorum.id, 'approve')).json().state).toBe('pending');
  expect((await decide(t.approvers[0]!.token, quorum.id, 'approve')).json().state).toBe('approved');
  await waitFor(
    'the quorum-approved post to publish',
    async () => (await getPost(t.owner.token, quorum.id)).status === 'published',
  );

  const rejected = (
    await call(t.author.token, 'POST', '/v1/posts', { text: 'Off brand', channelIds: [t.channelId] })
  ).json();
  expect((await decide(t.approvers[1]!.token, rejected.id, 'reject', 'Off brand')).json().state).toBe('rejected');
  const result = await h().client.workflow.getHandle(rejected.workflowId).result();
  expect(result.status).toBe('rejected');
  expect((await getPost(t.owner.token, rejected.id)).status).toBe('rejected');
  expect((await decide(t.approvers[0]!.token, rejected.id, 'approve')).statusCode).toBe(409);
  expect((await pds().listPosts(t.account.did)).map((p) => p.text)).toEqual(['Two of three']);
});

test('two approvers racing for the last slot make exactly one transition', async () => {
  const t = await team('Race');
  await put(t.owner.token, { steps: [{ name: 'Any approver', mode: 'any', approvers: { roles: ['approver'] } }] });
  const post = await createPost(t.author.token, t.channelId, 'Race');
  const answers = await Promise.all(t.approvers.map((a) => decide(a.token, post.id, 'approve')));
  expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
  const decisions = await h().db.selectFrom('approval_decisions').selectAll().where('post_id', '=', post.id).execute();
  expect(decisions).toHaveLength(1);
  // The workflow records the new status right after the update; wait for it rather than race it.
  await waitFor('the post to be scheduled', async () => (await getPost(t.owner.token, post.id)).status === 'scheduled');
  await cancelPost(t, post.id);
});

test('a post whose time passes while awaiting approval expires, never publishes, and can be rescheduled back into its chain', async () => {
  const t = await team('Expiry');
  await put(t.owner.token, {
    steps: [{ name: 'Legal', mode: 'any', approvers: { userIds: [t.approvers[0]!.userId] } }],
  });
  const post = await createPost(t.author.token, t.channelId, 'Too late', { publishAt: at(3000) });
  await waitFor('the post to expire', async () => (await getPost(t.owner.token, post.id)).status === 'expired');
  const expired = (await call(t.owner.token, 'GET', '/v1/approvals?state=expired')).json();
  expect(expired.posts.map((p: { id: string }) => p.id)).toEqual([post.id]);
  expect((await decide(t.approvers[0]!.token, post.id, 'approve')).statusCode).toBe(409);
  expect(await pds().listPosts(t.account.did)).toHaveLength(0);

  const moved = await call(t.author.token, 'POST', `/v1/posts/${post.id}/reschedule`, {
    publishAt: at(3000),
  });
  expect(moved.statusCode).toBe(200);
  expect(moved.json().status).toBe('awaiting_approval');
  expect((await decide(t.approvers[0]!.token, post.id, 'approve')).json().state).toBe('approved');
  await waitFor(
    'the rescheduled, approved post to publish',
    async () => (await getPost(t.owner.token, post.id)).status === 'published',
  );
  expect(await pds().listPosts(t.account.did)).toHaveLength(1);
  await recordHistory(h().client, post.workflowId, 'post-expired-rescheduled-approved');
});

test('request changes sends the post back; an edit restarts the chain from step one; editing an approved post invalidates its approval', async () => {
  const t = await team('Changes');
  await put(t.owner.token, leadThenBrand(t));
  const post = await createPost(t.author.token, t.channelId, 'Draft one');
  await decide(t.lead.token, post.id, 'approve');
  expect((await decide(t.approvers[0]!.token, post.id, 'request_changes', 'Tone it down')).json()).toMatchObject({
    state: 'changes_requested',
    currentStep: 2,
  });
  await waitFor(
    'changes_requested',
    async () => (await getPost(t.owner.token, post.id)).status === 'changes_requested',
  );
  expect((await decide(t.approvers[1]!.token, post.id, 'approve')).statusCode).toBe(409);

  const tooLong = await call(t.author.token, 'POST', `/v1/posts/${post.id}/edit`, { text: 'x'.repeat(301) });
  expect(tooLong.statusCode).toBe(422);
  const edited = await call(t.author.token, 'POST', `/v1/posts/${post.id}/edit`, { text: 'Draft two' });
  expect(edited.statusCode).toBe(200);
  expect(edited.json()).toMatchObject({ status: 'awaiting_approval', text: 'Draft two' });
  expect(edited.json().targets[0].text).toBe('Draft two');
  let chain = (await call(t.owner.token, 'GET', `/v1/posts/${post.id}/approval`)).json();
  expect(chain).toMatchObject({ state: 'pending', round: 1, currentStep: 1 });

  // The lead may decide again in the new round.
  await decide(t.lead.token, post.id, 'approve');
  expect((await decide(t.approvers[1]!.token, post.id, 'approve')).json().state).toBe('approved');
  await waitFor('scheduled', async () => (await getPost(t.owner.token, post.id)).status === 'scheduled');

  // Approved, then edited: approval starts over.
  const again = await call(t.author.token, 'POST', `/v1/posts/${post.id}/edit`, { text: 'Draft three' });
  expect(again.json().status).toBe('awaiting_approval');
  chain = (await call(t.owner.token, 'GET', `/v1/posts/${post.id}/approval`)).json();
  expect(chain).toMatchObject({ state: 'pending', round: 2, currentStep: 1 });
  const audit = (await call(t.owner.token, 'GET', `/v1/audit?subject=${post.id}`)).json();
  expect(
    audit.entries.map(
      (e: { action: string; after: { decision?: string } }) =>
        `${e.action}${e.after?.decision ? ` ${e.after.decision}` : ''}`,
    ),
  ).toEqual(expect.arrayContaining(['post.approval_decided request_changes', 'post.edited']));
  await recordHistory(h().client, post.workflowId, 'post-changes-requested-edited');
  await cancelPost(t, post.id);
});

test('a step deadline sends a reminder before it and escalates at it; the escalation target can then decide', async () => {
  const t = await team('Deadline');
  const inbox = await startWebhookReceiver();
  try {
    expect(
      (await call(t.owner.token, 'PUT', '/v1/notifications/webhook', { url: inbox.url, secret: inbox.secret }))
        .statusCode,
    ).toBe(204);
    await put(t.owner.token, legalEscalatingToLead(t, { deadlineSeconds: 6, remindBeforeSeconds: 4 }));
    const post = await createPost(t.author.token, t.channelId, 'Needs legal');
    expect((await decide(t.lead.token, post.id, 'approve')).statusCode).toBe(403);

    const reminder = await waitFor('the reminder', async () =>
      inbox.deliveries.find((d) => d.payload.type === 'approval.reminder'),
    );
    expect(reminder.payload.data).toMatchObject({
      postId: post.id,
      step: 1,
      stepName: 'Legal',
      recipientIds: [t.approvers[0]!.userId],
    });
    const escalation = await waitFor('the escalation', async () =>
      inbox.deliveries.find((d) => d.payload.type === 'approval.escalated'),
    );
    expect(escalation.payload.data).toMatchObject({ postId: post.id, step: 1, recipientIds: [t.lead.userId] });
    expect(escalation.payload.data.fallback).toBeUndefined();
    expect(escalation.receivedAt).toBeGreaterThan(reminder.receivedAt);
    expect(inbox.deliveries.filter((d) => d.payload.type.startsWith('approval.'))).toHaveLength(2);

    const mine = (await call(t.lead.token, 'GET', '/v1/notifications?mine=true')).json();
    expect(mine.notifications.map((n: { kind: string }) => n.kind)).toEqual(['approval.escalated']);
    const waiting = (await call(t.lead.token, 'GET', '/v1/approvals?state=pending&mine=true')).json();
    expect(waiting.posts.map((p: { id: string }) => p.id)).toEqual([post.id]);
    expect((await decide(t.lead.token, post.id, 'approve')).json().state).toBe('approved');
    await recordHistory(h().client, post.workflowId, 'post-deadline-escalated');
    await cancelPost(t, post.id);
  } finally {
    await inbox.close();
  }
});

test('a content rule adds a legal step only to posts that match it', async () => {
  const t = await team('Rules');
  await put(t.owner.token, { steps: [{ name: 'Lead', mode: 'any', approvers: { userIds: [t.lead.userId] } }] });
  const rule = await call(t.owner.token, 'POST', '/v1/content-rules', {
    name: 'Legal review',
    match: { keywords: ['guarantee', 'lawsuit'], linkDomains: [] },
    step: { name: 'Legal', mode: 'any', approvers: { userIds: [t.approvers[2]!.userId] } },
  });
  expect(rule.statusCode).toBe(201);
  const plain = await createPost(t.author.token, t.channelId, 'Our spring collection is here');
  const risky = await createPost(t.author.token, t.channelId, 'We GUARANTEE the best prices');
  expect(await stepNames(t, plain.id)).toEqual(['Lead']);
  expect((await chainOf(t.owner.token, risky.id)).steps).toEqual([
    expect.objectContaining({ name: 'Lead' }),
    expect.objectContaining({ name: 'Legal', source: 'rule:Legal review', eligibleUserIds: [t.approvers[2]!.userId] }),
  ]);
  const bad = await call(t.owner.token, 'POST', '/v1/content-rules', {
    name: 'Bad',
    match: { regex: '([a-z' },
    step: { name: 'X', mode: 'any', approvers: { roles: ['approver'] } },
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().errors[0].field).toBe('body.match.regex');
  const empty = await call(t.owner.token, 'POST', '/v1/content-rules', {
    name: 'Empty',
    match: {},
    step: { name: 'X', mode: 'any', approvers: { roles: ['approver'] } },
  });
  expect(empty.statusCode).toBe(400);
  for (const p of [plain, risky]) await cancelPost(t, p.id);
});

test("a campaign's policy overrides the workspace's for the campaign's posts and its plan's review", async () => {
  const t = await team('CampaignPolicy');
  await put(t.owner.token, { steps: [{ name: 'Lead', mode: 'any', approvers: { userIds: [t.lead.userId] } }] });
  const campaign = await createCampaign(t, 'Launch');
  const set = await put(t.owner.token, {
    campaignId: campaign.id,
    steps: [{ name: 'Campaign board', mode: 'quorum', quorum: 2, approvers: { roles: ['approver'] } }],
  });
  expect(set.statusCode).toBe(200);
  expect(set.json()).toMatchObject({ campaignId: campaign.id, channelId: null });

  const create = (body: object) =>
    createPost(t.author.token, t.channelId, 'Launch week', { publishAt: at(3 * 24 * 3600_000), ...body });
  const inCampaign = await create({ campaignId: campaign.id });
  const outside = await create({});
  expect(await stepNames(t, inCampaign.id)).toEqual(['Campaign board']);
  expect(await stepNames(t, outside.id)).toEqual(['Lead']);

  const submitted = await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/submit`);
  expect(submitted.statusCode).toBeLessThan(300);
  await waitFor('the plan in review', async () => {
    const c = (await call(t.owner.token, 'GET', `/v1/campaigns/${campaign.id}`)).json();
    return c.status === 'in_review';
  });
  const planChain = (await call(t.owner.token, 'GET', `/v1/campaigns/${campaign.id}/approval`)).json();
  expect(planChain.steps.map((s: { name: string }) => s.name)).toEqual(['Campaign board']);

  // Existing posts cannot slip into it without its chain.
  const added = await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/posts`, { postIds: [outside.id] });
  expect(added.statusCode).toBe(422);
  expect(added.json().errors[0]).toMatchObject({ field: 'postIds', rule: 'campaign_policy' });
  // An empty campaign policy removes the override: the workspace's chain applies again.
  expect((await put(t.owner.token, { campaignId: campaign.id, steps: [] })).statusCode).toBe(200);
  const afterEmpty = await create({ campaignId: campaign.id });
  expect(await stepNames(t, afterEmpty.id)).toEqual(['Lead']);
  await cancelPost(t, afterEmpty.id);

  const both = await put(t.owner.token, { campaignId: campaign.id, channelId: t.channelId, steps: [] });
  expect(both.statusCode).toBe(400);
  const foreign = await put(t.owner.token, { campaignId: '00000000-0000-4000-8000-000000000000', steps: [] });
  expect(foreign.json().errors[0]).toMatchObject({ field: 'campaignId', rule: 'exists' });
  for (const p of [inCampaign, outside]) await cancelPost(t, p.id);
  await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/cancel`);
});

test('policies are checked: quorum above the eligible set, no eligible approver, unknown role, foreign user', async () => {
  const t = await team('PolicyRules');
  const tooBig = await put(t.owner.token, {
    steps: [{ name: 'Q', mode: 'quorum', quorum: 4, approvers: { roles: ['approver'] } }],
  });
  expect(tooBig.statusCode).toBe(422);
  expect(tooBig.json().errors[0]).toMatchObject({ field: 'steps.0.quorum', rule: 'at_most_eligible' });
  const nobody = await put(t.owner.token, { steps: [{ name: 'N', mode: 'any', approvers: { roles: [] } }] });
  expect(nobody.json().errors[0]).toMatchObject({ field: 'steps.0.approvers', rule: 'eligible' });
  const badRole = await put(t.owner.token, { steps: [{ name: 'R', mode: 'any', approvers: { roles: ['boss'] } }] });
  expect(badRole.statusCode).toBe(400);
  expect(badRole.json().errors[0].field).toBe('body.steps.0.approvers.roles.0');
  const other = await createWorkspace(h(), 'Elsewhere');
  const foreign = await put(t.owner.token, {
    steps: [{ name: 'F', mode: 'any', approvers: { userIds: [other.userId] } }],
  });
  expect(foreign.json().errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ field: 'steps.0.approvers.userIds.0', rule: 'member' })]),
  );
  expect((await put(t.author.token, { steps: [] })).statusCode).toBe(403);
  expect((await call(t.owner.token, 'GET', '/v1/approval-policies')).json().policies).toEqual([]);
});

test('a channel policy overrides the workspace policy; the author alone cannot satisfy a step', async () => {
  const t = await team('Override');
  await put(t.owner.token, { steps: [{ name: 'Workspace', mode: 'any', approvers: { roles: ['approver'] } }] });
  await put(t.owner.token, {
    channelId: t.channelId,
    steps: [{ name: 'Channel lead', mode: 'any', approvers: { userIds: [t.author.userId] } }],
  });
  const res = await call(t.author.token, 'POST', '/v1/posts', { text: 'Mine', channelIds: [t.channelId] });
  expect(res.statusCode).toBe(422);
  expect(res.json().errors[0]).toMatchObject({ field: 'channelIds', rule: 'approvable' });
  const byLead = await call(t.lead.token, 'POST', '/v1/posts', {
    text: 'Lead posts',
    channelIds: [t.channelId],
    publishAt: at(3600_000),
  });
  expect(byLead.statusCode).toBe(201);
  const chain = (await call(t.lead.token, 'GET', `/v1/posts/${byLead.json().id}/approval`)).json();
  expect(chain.steps).toEqual([expect.objectContaining({ name: 'Channel lead', eligibleUserIds: [t.author.userId] })]);
  await cancelPost(t, byLead.json().id);
});

test('a repeated approval does not count for the next step: a decision names its step and round, and one person approves one step', async () => {
  const t = await team('Repeat');
  // The lead is eligible for both steps: as observed, a second "approve" 200 ms later used to satisfy step 2.
  await put(t.owner.token, {
    steps: [
      { name: 'Lead', mode: 'any', approvers: { userIds: [t.lead.userId] } },
      { name: 'Brand', mode: 'any', approvers: { userIds: [t.lead.userId, t.approvers[0]!.userId] } },
    ],
  });
  const post = await createPost(t.author.token, t.channelId, 'Approve me once');
  const first = await decide(t.lead.token, post.id, 'approve', undefined, { step: 1, round: 0 });
  expect(first.statusCode).toBe(200);
  expect(first.json()).toMatchObject({ state: 'pending', currentStep: 2, distinctApprovers: true });

  // The same request again is stale: the chain has moved on, and the answer says where it is.
  const repeated = await decide(t.lead.token, post.id, 'approve', undefined, { step: 1, round: 0 });
  expect(repeated.statusCode).toBe(409);
  expect(repeated.json().errors).toEqual([
    { field: 'step', rule: 'current', message: 'the current step is 2' },
    { field: 'round', rule: 'current', message: 'the current round is 0' },
  ]);
  expect((await decide(t.lead.token, post.id, 'approve', undefined, { step: 2, round: 1 })).statusCode).toBe(409); // no such round yet
  // Naming step 2 on purpose: distinct approvers, so the lead may not approve a second step.
  const second = await decide(t.lead.token, post.id, 'approve', undefined, { step: 2, round: 0 });
  expect(second.statusCode).toBe(403);
  expect(second.json().detail).toMatch(/approved step 1 of round 0/);
  expect((await chainOf(t.owner.token, post.id)).state).toBe('pending');
  expect((await decide(t.approvers[0]!.token, post.id, 'approve', undefined, { step: 2, round: 0 })).json().state).toBe(
    'approved',
  );
  await recordHistory(h().client, post.workflowId, 'post-decisions-name-step-and-round');
  await cancelPost(t, post.id);

  // With distinctApprovers off, the lead may approve both steps (and a post created then keeps it).
  expect(
    (
      await put(t.owner.token, {
        distinctApprovers: false,
        steps: [
          { name: 'Lead', mode: 'any', approvers: { userIds: [t.lead.userId] } },
          { name: 'Lead again', mode: 'any', approvers: { userIds: [t.lead.userId] } },
        ],
      })
    ).statusCode,
  ).toBe(200);
  const lenient = await createPost(t.author.token, t.channelId, 'Twice by the lead');
  await decide(t.lead.token, lenient.id, 'approve', undefined, { step: 1, round: 0 });
  expect((await decide(t.lead.token, lenient.id, 'approve', undefined, { step: 2, round: 0 })).json()).toMatchObject({
    state: 'approved',
    distinctApprovers: false,
  });
  await cancelPost(t, lenient.id);
});

test('a chain distinct approvers cannot satisfy is refused when the policy is saved', async () => {
  const t = await team('Distinct');
  const [a0, a1] = [t.approvers[0]!.userId, t.approvers[1]!.userId];
  const sameOne = await put(t.owner.token, {
    steps: [
      { name: 'One', mode: 'any', approvers: { userIds: [t.lead.userId] } },
      { name: 'Two', mode: 'any', approvers: { userIds: [t.lead.userId] } },
    ],
  });
  expect(sameOne.statusCode).toBe(422);
  expect(sameOne.json().errors).toEqual([
    expect.objectContaining({ field: 'steps.1.approvers', rule: 'distinct_approvers' }),
  ]);
  // Two people can fill "any of a0, a1" then "all of a0": a1 the first, a0 the second (a matching, not first come first served).
  expect(
    (
      await put(t.owner.token, {
        steps: [
          { name: 'Any', mode: 'any', approvers: { userIds: [a0, a1] } },
          { name: 'All', mode: 'all', approvers: { userIds: [a0] } },
        ],
      })
    ).statusCode,
  ).toBe(200);
  const quorum = await put(t.owner.token, {
    steps: [
      { name: 'Q', mode: 'quorum', quorum: 2, approvers: { roles: ['approver'] } },
      { name: 'All', mode: 'all', approvers: { userIds: [a0, a1] } },
    ],
  });
  expect(quorum.statusCode).toBe(422);
  expect(quorum.json().errors[0]).toMatchObject({ rule: 'distinct_approvers' });
  const off = await put(t.owner.token, {
    distinctApprovers: false,
    steps: [
      { name: 'One', mode: 'any', approvers: { userIds: [t.lead.userId] } },
      { name: 'Two', mode: 'any', approvers: { userIds: [t.lead.userId] } },
    ],
  });
  expect(off.statusCode).toBe(200);
  expect(off.json()).toMatchObject({ distinctApprovers: false });
  const listed = (await call(t.owner.token, 'GET', '/v1/approval-policies')).json().policies;
  expect(listed).toEqual([expect.objectContaining({ distinctApprovers: false })]);
});

test('whoever rewrote the post cannot approve it in that round, like its author', async () => {
  const t = await team('Rewrite');
  // The lead (an admin, so allowed to edit) is one of step 2's approvers.
  await put(t.owner.token, {
    steps: [
      { name: 'Copy', mode: 'any', approvers: { userIds: [t.approvers[0]!.userId] } },
      { name: 'Brand', mode: 'any', approvers: { userIds: [t.lead.userId, t.approvers[1]!.userId] } },
    ],
  });
  const post = await createPost(t.author.token, t.channelId, 'Original text');
  const edited = await call(t.lead.token, 'POST', `/v1/posts/${post.id}/edit`, { text: "The lead's text" });
  expect(edited.statusCode).toBe(200);
  expect(await chainOf(t.owner.token, post.id)).toMatchObject({ round: 1, currentStep: 1, editorIds: [t.lead.userId] });
  await decide(t.approvers[0]!.token, post.id, 'approve', undefined, { step: 1, round: 1 });
  const mine = (await call(t.lead.token, 'GET', '/v1/approvals?state=pending&mine=true')).json().posts;
  expect(mine).toEqual([]);
  const byEditor = await decide(t.lead.token, post.id, 'approve', undefined, { step: 2, round: 1 });
  expect(byEditor.statusCode).toBe(403);
  expect(byEditor.json().detail).toMatch(/changed the content in round 1/);
  expect((await decide(t.approvers[1]!.token, post.id, 'approve', undefined, { step: 2, round: 1 })).json().state).toBe(
    'approved',
  );
  await cancelPost(t, post.id);
});

test('Temporal deduplicates a decide Update by id only when it was accepted; a refused one is validated again', async () => {
  const t = await team('UpdateIds');
  await put(t.owner.token, leadThenBrand(t));
  const post = await createPost(t.author.token, t.channelId, 'Update ids');
  const handle = h().client.workflow.getHandle(post.workflowId);
  const send = (updateId: string, userId: string, step: number) =>
    handle.executeUpdate(decideUpdate, { updateId, args: [{ userId, decision: 'approve', step, round: 0 }] });

  const accepted = await send('lead-1', t.lead.userId, 0);
  // The same id again (even with other arguments): the first outcome, nothing applied twice.
  expect(await send('lead-1', t.approvers[0]!.userId, 1)).toEqual(accepted);
  expect((await handle.query(approvalQuery)).decisions).toHaveLength(1);

  // Refused by the validator (stale: the chain is at step 2), then sent again once it would pass:
  // the refusal left no trace, so the retry is validated anew and applied — not the first answer.
  const early = send('a0-1', t.approvers[0]!.userId, 2);
  await expect(early).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  const retried = await send('a0-1', t.approvers[0]!.userId, 1);
  expect(retried.state).toBe('approved');
  await cancelPost(t, post.id);
});

test('a retried decision with the same Idempotency-Key gets the first answer, refusals included', async () => {
  const t = await team('Idempotent');
  await put(t.owner.token, leadThenBrand(t));
  const post = await createPost(t.author.token, t.channelId, 'Retry me');
  const key = (k: string) => ({ 'idempotency-key': k });

  const first = await decide(t.lead.token, post.id, 'approve', 'ok', { step: 1, round: 0 }, key('lead-approves'));
  expect(first.statusCode).toBe(200);
  const retry = await decide(t.lead.token, post.id, 'approve', 'ok', { step: 1, round: 0 }, key('lead-approves'));
  expect(retry.statusCode).toBe(200);
  expect(retry.json()).toEqual(first.json());
  expect((await chainOf(t.owner.token, post.id)).decisions).toHaveLength(1);
  // The key is the caller's: another person's request with the same key is its own.
  expect(
    (await decide(t.approvers[0]!.token, post.id, 'approve', undefined, { step: 1, round: 0 }, key('lead-approves')))
      .statusCode,
  ).toBe(409);

  // Refused first (step 2 is not current yet): the retry gets that refusal, though it would now pass.
  const early = await decide(t.approvers[1]!.token, post.id, 'approve', undefined, { step: 3, round: 0 }, key('a1'));
  expect(early.statusCode).toBe(409);
  const earlyRetry = await decide(
    t.approvers[1]!.token,
    post.id,
    'approve',
    undefined,
    { step: 3, round: 0 },
    key('a1'),
  );
  expect(earlyRetry.statusCode).toBe(409);
  expect(earlyRetry.json()).toEqual(early.json());
  expect(earlyRetry.headers['content-type']).toMatch(/application\/problem\+json/);

  // The same key with another request is refused, naming the header.
  const reused = await decide(
    t.lead.token,
    post.id,
    'reject',
    'changed my mind',
    { step: 1, round: 0 },
    key('lead-approves'),
  );
  expect(reused.statusCode).toBe(422);
  expect(reused.json().errors[0]).toMatchObject({ field: 'headers.idempotency-key', rule: 'same_request' });
  expect((await chainOf(t.owner.token, post.id)).state).toBe('pending');
  await cancelPost(t, post.id);
});

test('an escalation to nobody is refused at save, in a policy and in a content rule', async () => {
  const lonely = await createWorkspace(h(), 'Lonely');
  const approver = await addMember(h(), lonely.workspaceId, 'approver');
  const toAdmins = await put(lonely.token, {
    steps: [
      {
        name: 'Legal',
        mode: 'any',
        approvers: { userIds: [approver.userId] },
        deadlineSeconds: 60,
        escalateTo: { roles: ['admin'] },
      },
    ],
  });
  expect(toAdmins.statusCode).toBe(422);
  expect(toAdmins.json().errors).toEqual([
    expect.objectContaining({ field: 'steps.0.escalateTo', rule: 'has_members' }),
  ]);
  const rule = await call(lonely.token, 'POST', '/v1/content-rules', {
    name: 'Legal',
    match: { keywords: ['lawsuit'] },
    step: {
      name: 'Legal',
      mode: 'any',
      approvers: { roles: ['approver'] },
      deadlineSeconds: 60,
      escalateTo: { roles: ['admin'] },
    },
  });
  expect(rule.statusCode).toBe(422);
  expect(rule.json().errors[0]).toMatchObject({ field: 'step.escalateTo', rule: 'has_members' });
});

test('an escalation whose targets left the workspace since goes to its owners, saying so', async () => {
  const t = await team('Nobody');
  // Escalating to the lead, who is removed from the workspace before the deadline.
  await put(t.owner.token, legalEscalatingToLead(t, { deadlineSeconds: 2 }));
  const post = await createPost(t.author.token, t.channelId, 'Who decides?');
  expect((await call(t.owner.token, 'DELETE', `/v1/members/${t.lead.userId}`)).statusCode).toBe(204);
  const escalated = await waitFor('the escalation', async () => {
    const list = (await call(t.owner.token, 'GET', '/v1/notifications?mine=true')).json().notifications;
    return list.find(
      (n: { kind: string; subjectId: string }) => n.kind === 'approval.escalated' && n.subjectId === post.id,
    );
  });
  expect(escalated.recipientIds).toEqual([t.owner.userId]);
  expect(escalated.payload.data).toMatchObject({
    step: 1,
    recipientIds: [t.owner.userId],
    fallback: expect.stringMatching(/no longer members.*owners/),
  });
  expect((await decide(t.owner.token, post.id, 'approve')).json().state).toBe('approved');
  await recordHistory(h().client, post.workflowId, 'post-escalated-to-owners');
  await cancelPost(t, post.id);
});

test("bulk decisions on a campaign's posts: each validated and answered on its own", async () => {
  const t = await team('Bulk');
  await put(t.owner.token, { steps: [{ name: 'Brand', mode: 'any', approvers: { roles: ['approver'] } }] });
  const [campaign, otherCampaign] = [await createCampaign(t, 'Spring'), await createCampaign(t, 'Autumn')];
  const inCampaign = (c: { id: string }, text: string) =>
    createPost(t.author.token, t.channelId, text, { publishAt: at(24 * 3600_000), campaignId: c.id });
  const [p1, p2, p3] = [
    await inCampaign(campaign, 'One'),
    await inCampaign(campaign, 'Two'),
    await inCampaign(campaign, 'Three'),
  ];
  const elsewhere = await inCampaign(otherCampaign, 'Autumn post');
  const stranger = await team('BulkStranger');
  const foreign = await createPost(stranger.author.token, stranger.channelId, 'Not yours');

  const bulk = (decisions: object[], headers: Record<string, string> = {}) =>
    h().app.inject({
      method: 'POST',
      url: `/v1/campaigns/${campaign.id}/posts/approval`,
      headers: { ...bearer(t.approvers[0]!.token), ...headers },
      payload: { decisions },
    });
  const d = (postId: string, decision: Decision, step = 1, round = 0) => ({ postId, decision, step, round });
  const decisions = [
    d(p1.id, 'approve'),
    d(p2.id, 'reject'),
    d(p3.id, 'approve', 2),
    d(elsewhere.id, 'approve'),
    d(foreign.id, 'approve'),
  ];
  const res = await bulk(decisions, { 'idempotency-key': 'bulk-1' });
  expect(res.statusCode).toBe(200);
  const results = res.json().results;
  expect(results.map((r: { postId: string; status: number }) => [r.postId, r.status])).toEqual([
    [p1.id, 200],
    [p2.id, 200],
    [p3.id, 409],
    [elsewhere.id, 422],
    [foreign.id, 404],
  ]);
  expect(results[0].approval).toMatchObject({
    state: 'approved',
    currentStep: null,
    decisions: [expect.objectContaining({ step: 1 })],
  });
  expect(results[1].approval.state).toBe('rejected');
  expect(results[2].problem.errors[0]).toMatchObject({ field: 'step', message: 'the current step is 1' });
  expect(results[3].problem.errors[0]).toMatchObject({ field: 'decisions.3.postId', rule: 'in_campaign' });
  expect(results[4].problem.title).toBe('Not Found');
  expect((await chainOf(t.owner.token, p3.id)).state).toBe('pending');
  expect((await chainOf(t.owner.token, elsewhere.id)).decisions).toEqual([]);
  // A retry with the key gets the same answer, and decides nothing twice.
  const retry = await bulk(decisions, { 'idempotency-key': 'bulk-1' });
  expect(retry.json()).toEqual(res.json());
  const strict = await bulk([{ ...d(p3.id, 'approve'), extra: true }]);
  expect(strict.statusCode).toBe(400);
  for (const p of [p1, p3, elsewhere]) await cancelPost(t, p.id);
  await cancelPost(stranger, foreign.id);
  for (const c of [campaign, otherCampaign]) await call(t.owner.token, 'POST', `/v1/campaigns/${c.id}/cancel`);
});
