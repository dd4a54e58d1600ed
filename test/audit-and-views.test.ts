import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { appendAuditEntries, AUDIT_ACTIONS, type AuditEntry } from '../db/audit';
import { connectWebhook } from './support/channels';
import { recordHistory } from './support/histories';
import { brandSpikeQuery, mentionRow } from './support/spikes';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace, waitFor, type TestWorkspace } from './support/harness';

const { harness: h, hook, call } = useChorus({ hook: true });

interface Team {
  owner: TestWorkspace;
  author: TestWorkspace;
  ann: TestWorkspace;
  bea: TestWorkspace;
  cy: TestWorkspace;
  channelId: string;
  emails: Record<string, string>;
}

/** A workspace with an author and three named approvers (Ann Lead, Bea Brand, Cy Brand) and a webhook channel. */
async function team(name: string): Promise<Team> {
  const owner = await createWorkspace(h(), name);
  const [author, ann, bea, cy] = await Promise.all([
    addMember(h(), owner.workspaceId, 'editor'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'approver'),
  ]);
  const names: [TestWorkspace, string][] = [
    [ann!, 'Ann Lead'],
    [bea!, 'Bea Brand'],
    [cy!, 'Cy Brand'],
  ];
  for (const [member, full] of names)
    await h()
      .db.updateTable('memberships')
      .set({ name: full })
      .where('user_id', '=', member.userId)
      .where('workspace_id', '=', member.workspaceId)
      .execute();
  const users = await h()
    .db.selectFrom('users')
    .select(['id', 'email'])
    .where('id', 'in', [owner.userId, author!.userId, ann!.userId, bea!.userId, cy!.userId])
    .execute();
  const channel = await connectWebhook(h(), owner.token, hook(), 'CRM');
  return {
    owner,
    author: author!,
    ann: ann!,
    bea: bea!,
    cy: cy!,
    channelId: channel.id,
    emails: Object.fromEntries(users.map((u) => [u.id, u.email])),
  };
}

const person = (t: Team, member: TestWorkspace, name: string | null, stillMember = true) => ({
  id: member.userId,
  name,
  email: t.emails[member.userId],
  member: stillMember,
});

/** What the Temporal UI shows as a workflow's current details. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/** Workflow ids a visibility query lists (visibility lags a little behind the workflow). */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of h().client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

test("the approval view and the Temporal UI name the people of a post's chain; a removed member keeps a name", async () => {
  const t = await team('Named chain');
  const policy = await call(t.owner.token, 'PUT', '/v1/approval-policies', {
    steps: [
      { name: 'Lead', mode: 'any', approvers: { userIds: [t.ann.userId] } },
      { name: 'Brand', mode: 'all', approvers: { userIds: [t.bea.userId, t.cy.userId] } },
    ],
  });
  expect(policy.statusCode).toBe(200);
  const publishAt = new Date(Date.now() + 24 * 3600_000).toISOString();
  const created = await call(t.author.token, 'POST', '/v1/posts', {
    text: 'Spring launch:   our new espresso blend is here, and it is strong enough for Mondays',
    channelIds: [t.channelId],
    publishAt,
  });
  expect(created.statusCode).toBe(201);
  const post = created.json();
  const handle = h().client.workflow.getHandle(post.workflowId);

  const first = '"Spring launch: our new espresso blend is here, and it is…" · step 1 of 2 ("Lead") waits for Ann Lead';
  expect(
    await waitFor('the first details', async () => (await currentDetails(handle)).includes(first) || undefined),
  ).toBe(true);
  const waitingForLead = `ChorusPostStatus = "awaiting_approval" AND ChorusWorkspace = "${t.owner.workspaceId}"`;
  expect(
    await waitFor(
      'the post listed as awaiting approval',
      async () => (await listed(waitingForLead)).includes(post.workflowId) || undefined,
    ),
  ).toBe(true);

  expect(
    (
      await call(t.ann.token, 'POST', `/v1/posts/${post.id}/approval`, {
        decision: 'approve',
        step: 1,
        round: 0,
        comment: 'Good copy',
      })
    ).statusCode,
  ).toBe(200);
  expect(await currentDetails(handle)).toMatch(
    /step 2 of 2 \("Brand"\) waits for (Bea Brand, Cy Brand|Cy Brand, Bea Brand) · /,
  );
  expect((await call(t.owner.token, 'DELETE', `/v1/members/${t.ann.userId}`)).statusCode).toBe(204);

  const view = await call(t.owner.token, 'GET', `/v1/posts/${post.id}/approval`);
  expect(view.statusCode).toBe(200);
  const chain = view.json();
  expect(chain.steps[0]).toMatchObject({
    eligibleUserIds: [t.ann.userId],
    approvers: [person(t, t.ann, 'Ann Lead', false)],
  });
  // Named in the order of the ids they stand beside.
  const brand = { [t.bea.userId]: person(t, t.bea, 'Bea Brand'), [t.cy.userId]: person(t, t.cy, 'Cy Brand') };
  expect(chain.steps[1].approvers).toEqual(chain.steps[1].eligibleUserIds.map((id: string) => brand[id]));
  expect(chain.decisions).toEqual([
    expect.objectContaining({
      userId: t.ann.userId,
      user: person(t, t.ann, 'Ann Lead', false),
      decision: 'approve',
      comment: 'Good copy',
    }),
  ]);
  expect([...chain.awaitingUserIds].sort()).toEqual([t.bea.userId, t.cy.userId].sort());
  expect(chain.awaiting).toEqual(chain.awaitingUserIds.map((id: string) => brand[id]));

  // An edit starts the chain over: the details follow the new text and the step it waits on.
  expect(
    (await call(t.author.token, 'POST', `/v1/posts/${post.id}/edit`, { text: 'Autumn menu: pumpkin returns' }))
      .statusCode,
  ).toBe(200);
  const edited = await currentDetails(handle);
  expect(edited).toContain('"Autumn menu: pumpkin returns"');
  expect(edited).toContain('step 1 of 2 ("Lead") waits for Ann Lead');
  expect(edited).not.toContain('Spring launch');

  // The audit log names its actors too, removed members included.
  const audit = (await call(t.owner.token, 'GET', `/v1/audit?subject=${post.id}&action=post.approval_decided`)).json();
  expect(audit.entries).toEqual([
    expect.objectContaining({
      actorId: t.ann.userId,
      actor: person(t, t.ann, 'Ann Lead', false),
      after: expect.objectContaining({ decision: 'approve' }),
    }),
  ]);
  expect((await call(t.owner.token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
});

test('audit actions follow one pattern (their subject type, a dot, what happened); a filter by action finds rows stored under an older name', async () => {
  const t = await team('Audit names');
  const post = (
    await call(t.author.token, 'POST', '/v1/posts', {
      text: 'Audited',
      channelIds: [t.channelId],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    })
  ).json();
  expect((await call(t.owner.token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
  expect((await call(t.owner.token, 'PATCH', `/v1/members/${t.bea.userId}`, { role: 'analyst' })).statusCode).toBe(200);
  expect((await call(t.owner.token, 'DELETE', `/v1/members/${t.cy.userId}`)).statusCode).toBe(204);

  const entries = (await call(t.owner.token, 'GET', '/v1/audit')).json().entries as {
    action: string;
    subjectType: string;
    actorId: string | null;
    actor: unknown;
    recordedAs?: string;
  }[];
  expect(entries.map((e) => e.action)).toEqual(
    expect.arrayContaining([
      'workspace.created',
      'channel.created',
      'post.created',
      'post.status_changed',
      'member.removed',
    ]),
  );
  for (const e of entries) {
    expect(AUDIT_ACTIONS).toContain(e.action);
    expect(e.action.split('.')[0]).toBe(e.subjectType);
    expect(e.recordedAs).toBeUndefined();
  }
  const cancelled = entries.find((e) => e.action === 'post.status_changed');
  expect(cancelled).toMatchObject({
    actor: person(t, t.owner, null),
    before: { status: 'scheduled' },
    after: { status: 'cancelled' },
  });

  // A row written before the rename (post.<status>) still counts as a status change; the chain holds.
  const legacy = {
    workspaceId: t.owner.workspaceId,
    actorId: t.owner.userId,
    action: 'post.published',
    subjectType: 'post',
    subjectId: randomUUID(),
    before: { status: 'publishing' },
    after: { status: 'published' },
  };
  await h()
    .db.transaction()
    .execute((trx) => appendAuditEntries(trx, [legacy as unknown as AuditEntry]));
  const found = (
    await call(t.owner.token, 'GET', `/v1/audit?action=post.status_changed&subject=${legacy.subjectId}`)
  ).json();
  expect(found.entries).toEqual([
    expect.objectContaining({
      action: 'post.status_changed',
      recordedAs: 'post.published',
      subjectId: legacy.subjectId,
    }),
  ]);
  expect((await call(t.owner.token, 'GET', '/v1/audit/verify')).json()).toMatchObject({ ok: true });

  const oldName = await call(t.owner.token, 'GET', '/v1/audit?action=post.published');
  expect(oldName.statusCode).toBe(400);
  expect(oldName.body).toContain('action');
  expect((await call(t.owner.token, 'GET', '/v1/audit?actions=post.created')).statusCode).toBe(400);
});

test('notifications say what they are about (post or alert) and name their recipients', async () => {
  const t = await team('Notified');
  await call(t.owner.token, 'PUT', '/v1/approval-policies', {
    steps: [
      {
        name: 'Lead',
        mode: 'any',
        approvers: { userIds: [t.ann.userId] },
        deadlineSeconds: 600,
        remindBeforeSeconds: 599,
      },
    ],
  });
  const post = (
    await call(t.author.token, 'POST', '/v1/posts', {
      text: 'Remind Ann',
      channelIds: [t.channelId],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    })
  ).json();
  const reminder = await waitFor('the reminder', async () =>
    (await call(t.ann.token, 'GET', '/v1/notifications?mine=true'))
      .json()
      .notifications.find((n: { kind: string }) => n.kind === 'approval.reminder'),
  );
  expect(reminder).toMatchObject({
    subjectType: 'post',
    subjectId: post.id,
    recipientIds: [t.ann.userId],
    recipients: [person(t, t.ann, 'Ann Lead')],
  });
  expect(reminder).not.toHaveProperty('postId');

  // A spike: a query whose last window holds far more mentions than the windows before it.
  // The query has listened through its baseline windows (alerts wait for a baseline it watched).
  const query = await brandSpikeQuery(h(), call, t.owner.token);
  const now = Date.now();
  const mention = (i: number, postedAt: number) =>
    mentionRow({ workspaceId: t.owner.workspaceId, queryId: query.id }, i, postedAt, `chorus news ${i}`);
  await h()
    .db.insertInto('mentions')
    .values([
      ...Array.from({ length: 6 }, (_, i) => mention(100 + i, now - (i + 1) * 600_000 - 60_000)),
      ...Array.from({ length: 12 }, (_, i) => mention(i, now - i * 1000)),
    ])
    .execute();
  const spike = await waitFor('the spike notification', async () =>
    (await call(t.owner.token, 'GET', '/v1/notifications'))
      .json()
      .notifications.find((n: { kind: string }) => n.kind === 'listening.spike'),
  );
  const alerts = (await call(t.owner.token, 'GET', '/v1/alerts')).json().alerts as { id: string }[];
  expect(spike).toMatchObject({
    subjectType: 'alert',
    subjectId: alerts[0]!.id,
    recipients: [person(t, t.owner, null)],
  });
  expect(spike).not.toHaveProperty('postId');
  await call(t.owner.token, 'DELETE', `/v1/listening/queries/${query.id}`);
  await call(t.owner.token, 'POST', `/v1/posts/${post.id}/cancel`);
});

test('ops list campaigns and listening queries by status in Temporal (ChorusCampaignStatus, ChorusListeningStatus)', async () => {
  const t = await team('Ops filters');
  const ws = `ChorusWorkspace = "${t.owner.workspaceId}"`;
  const listedAs = (what: string, query: string, workflowId: string) =>
    waitFor(what, async () => (await listed(query)).includes(workflowId) || undefined);

  const query = (
    await call(t.owner.token, 'POST', '/v1/listening/queries', {
      name: 'Brand',
      expression: 'chorus',
      sources: { push: true },
    })
  ).json();
  await listedAs('the query listed as active', `ChorusListeningStatus = "active" AND ${ws}`, query.workflowId);
  expect((await call(t.owner.token, 'POST', `/v1/listening/queries/${query.id}/pause`)).statusCode).toBe(200);
  await listedAs('the query listed as paused', `ChorusListeningStatus = "paused" AND ${ws}`, query.workflowId);
  expect(await listed(`ChorusListeningStatus = "active" AND ${ws}`)).not.toContain(query.workflowId);
  await call(t.owner.token, 'POST', `/v1/listening/queries/${query.id}/resume`);
  await listedAs('the query listed as active again', `ChorusListeningStatus = "active" AND ${ws}`, query.workflowId);
  await call(t.owner.token, 'DELETE', `/v1/listening/queries/${query.id}`);
  await listedAs('the query listed as stopped', `ChorusListeningStatus = "stopped" AND ${ws}`, query.workflowId);
  await recordHistory(h().client, query.workflowId, 'listening-status-attribute');

  await call(t.owner.token, 'PUT', '/v1/approval-policies', { steps: [] });
  const campaign = (
    await call(t.owner.token, 'POST', '/v1/campaigns', {
      name: 'Spring',
      channelIds: [t.channelId],
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 7200_000).toISOString(),
    })
  ).json();
  await listedAs('the campaign listed as a draft', `ChorusCampaignStatus = "draft" AND ${ws}`, campaign.workflowId);
  expect((await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/submit`)).statusCode).toBe(200);
  await listedAs(
    'the campaign listed as scheduled',
    `ChorusCampaignStatus IN ("scheduled", "live") AND ${ws}`,
    campaign.workflowId,
  );
  expect((await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/pause`)).statusCode).toBe(200);
  await listedAs('the campaign listed as paused', `ChorusCampaignStatus = "paused" AND ${ws}`, campaign.workflowId);
  expect((await call(t.owner.token, 'POST', `/v1/campaigns/${campaign.id}/cancel`)).statusCode).toBe(200);
  await listedAs(
    'the campaign listed as cancelled',
    `ChorusCampaignStatus = "cancelled" AND ${ws}`,
    campaign.workflowId,
  );
  await recordHistory(h().client, campaign.workflowId, 'campaign-status-attribute');
});
