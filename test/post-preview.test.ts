import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace } from './support/harness';

const { harness: h, pds, call } = useChorus({ pds: true });

async function setup(name: string) {
  const owner = await createWorkspace(h(), name);
  const [editor, approver, analyst] = await Promise.all([
    addMember(h(), owner.workspaceId, 'editor'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'analyst'),
  ]);
  const [a, b] = await Promise.all([
    pds().createAccount(`${name.toLowerCase()}a`),
    pds().createAccount(`${name.toLowerCase()}b`),
  ]);
  const one = await connectBluesky(h(), owner.token, pds(), a!);
  const two = await connectBluesky(h(), owner.token, pds(), b!);
  return { owner, editor: editor!, approver: approver!, analyst: analyst!, channels: [one.id, two.id] };
}

const postCount = async (token: string) => (await call(token, 'GET', '/v1/posts')).json().posts.length;

test('a preview answers as creating would, stores nothing, and names the approval chain', async () => {
  const s = await setup('Preview');
  const inAnHour = new Date(Date.now() + 3600_000).toISOString();
  const body = { text: 'Hello 👩‍👩‍👧 https://example.com', channelIds: s.channels, publishAt: inAnHour };

  const plain = await call(s.editor.token, 'POST', '/v1/posts/preview', body);
  expect(plain.statusCode).toBe(200);
  expect(plain.json()).toEqual({
    problems: [],
    channels: s.channels.map((channelId) => ({ channelId, text: body.text, problems: [], asPublished: null })),
    approval: null,
    publishAt: inAnHour,
    status: 'scheduled',
  });

  // Too long for Bluesky on one channel only: that channel's problem, in the words creating would use.
  const long = {
    ...body,
    variants: { [s.channels[1]!]: '🎉'.repeat(301) },
  };
  const refused = await call(s.editor.token, 'POST', '/v1/posts', long);
  expect(refused.statusCode).toBe(422);
  const preview = (await call(s.editor.token, 'POST', '/v1/posts/preview', long)).json();
  expect(preview.status).toBeNull();
  expect(preview.problems).toEqual(refused.json().errors);
  expect(preview.problems).toEqual([
    {
      field: `variants.${s.channels[1]}`,
      rule: 'channel_limits',
      message: expect.stringMatching(/^Bluesky allows at most 300 characters; this text has 301 \(channel "/),
    },
  ]);
  expect(preview.channels[0].problems).toEqual([]);
  expect(preview.channels[1].problems).toEqual(preview.problems);

  // A policy on the second channel: the preview names it, its step and who decides.
  const policy = await call(s.owner.token, 'PUT', '/v1/approval-policies', {
    channelId: s.channels[1],
    steps: [{ name: 'Brand review', mode: 'any', approvers: { roles: ['approver'] } }],
  });
  expect(policy.statusCode).toBe(200);
  const chained = (await call(s.editor.token, 'POST', '/v1/posts/preview', body)).json();
  expect(chained).toMatchObject({
    problems: [],
    status: 'awaiting_approval',
    publishAt: inAnHour,
    approval: {
      policies: [{ id: policy.json().id, scope: 'channel', channelId: s.channels[1], campaignId: null }],
      steps: [
        {
          step: 1,
          name: 'Brand review',
          mode: 'any',
          eligibleUserIds: [s.approver.userId],
          approvers: [{ id: s.approver.userId, name: 'approver', member: true }],
        },
      ],
    },
  });
  // The chain is named even when the text is refused.
  const refusedChained = (await call(s.editor.token, 'POST', '/v1/posts/preview', long)).json();
  expect(refusedChained.approval.steps[0].name).toBe('Brand review');
  expect(refusedChained.problems).toHaveLength(1);

  // Without a time and with a chain, it publishes when approved: no publish time yet.
  const onApproval = (
    await call(s.editor.token, 'POST', '/v1/posts/preview', { ...body, publishAt: undefined })
  ).json();
  expect(onApproval).toMatchObject({ status: 'awaiting_approval', publishAt: null });

  expect(await postCount(s.owner.token)).toBe(0);
});

test('a queued preview resolves the slot; bad input is a 400; only writers may preview', async () => {
  const s = await setup('Queue');
  for (const id of s.channels) {
    const set = await call(s.owner.token, 'PUT', `/v1/channels/${id}/slots`, {
      timezone: 'UTC',
      slots: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, time: '12:00' })),
    });
    expect(set.statusCode).toBe(200);
  }
  const queued = (
    await call(s.editor.token, 'POST', '/v1/posts/preview', { text: 'Queued', channelIds: s.channels, queue: true })
  ).json();
  expect(queued.problems).toEqual([]);
  expect(new Date(queued.publishAt).toISOString()).toMatch(/T12:00:00\.000Z$/);
  expect(Date.parse(queued.publishAt)).toBeGreaterThan(Date.now());
  const created = (
    await call(s.editor.token, 'POST', '/v1/posts', { text: 'Queued', channelIds: s.channels, queue: true })
  ).json();
  expect(created.publishAt).toBe(queued.publishAt);

  const past = (
    await call(s.editor.token, 'POST', '/v1/posts/preview', {
      text: 'Late',
      channelIds: s.channels,
      publishAt: new Date(Date.now() - 60_000).toISOString(),
    })
  ).json();
  expect(past.problems).toEqual([expect.objectContaining({ field: 'publishAt', rule: 'future' })]);
  expect(past.channels).toHaveLength(2);

  expect(
    (await call(s.editor.token, 'POST', '/v1/posts/preview', { text: 'x', channelIds: s.channels, extra: 1 }))
      .statusCode,
  ).toBe(400);
  expect(
    (await call(s.analyst.token, 'POST', '/v1/posts/preview', { text: 'x', channelIds: s.channels })).statusCode,
  ).toBe(403);
});
