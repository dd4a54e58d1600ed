import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace } from './support/harness';

const { harness: h, pds, call } = useChorus({ pds: true });

async function team(name: string) {
  const owner = await createWorkspace(h(), name);
  const [author, approver] = await Promise.all([
    addMember(h(), owner.workspaceId, 'editor'),
    addMember(h(), owner.workspaceId, 'approver'),
  ]);
  const account = await pds().createAccount(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const channel = await connectBluesky(h(), owner.token, pds(), account);
  return { owner, author, approver, channelId: channel.id, channelName: channel.name };
}

test("a post's approval view carries the text under decision, the step's deadline and, after an edit, the previous round's text", async () => {
  const t = await team('DiffView');
  const policy = await call(t.owner.token, 'PUT', '/v1/approval-policies', {
    steps: [{ name: 'Brand', mode: 'any', approvers: { userIds: [t.approver.userId] }, deadlineSeconds: 86_400 }],
  });
  expect(policy.statusCode).toBe(200);
  const before = Date.now();
  const created = await call(t.author.token, 'POST', '/v1/posts', {
    text: 'Launch on Monday',
    channelIds: [t.channelId],
  });
  expect(created.statusCode).toBe(201);
  const postId = created.json().id as string;

  const first = (await call(t.approver.token, 'GET', `/v1/posts/${postId}/approval`)).json();
  expect(first).toMatchObject({ round: 0, currentStep: 1, text: 'Launch on Monday', previousRound: null });
  expect(Date.parse(first.deadline)).toBeGreaterThanOrEqual(before + 86_400_000);
  expect(Date.parse(first.deadline)).toBeLessThanOrEqual(Date.now() + 86_400_000);

  const edited = await call(t.author.token, 'POST', `/v1/posts/${postId}/edit`, { text: 'Launch on Tuesday' });
  expect(edited.statusCode).toBe(200);
  const second = (await call(t.approver.token, 'GET', `/v1/posts/${postId}/approval`)).json();
  expect(second).toMatchObject({
    round: 1,
    currentStep: 1,
    text: 'Launch on Tuesday',
    previousRound: { round: 0, text: 'Launch on Monday' },
  });

  await call(t.author.token, 'POST', `/v1/posts/${postId}/edit`, { text: 'Launch on Wednesday' });
  const third = (await call(t.approver.token, 'GET', `/v1/posts/${postId}/approval`)).json();
  expect(third).toMatchObject({
    round: 2,
    text: 'Launch on Wednesday',
    previousRound: { round: 1, text: 'Launch on Tuesday' },
  });

  // Approved: no step is pending, so no deadline.
  const decided = await call(t.approver.token, 'POST', `/v1/posts/${postId}/approval`, {
    decision: 'approve',
    step: 1,
    round: 2,
  });
  expect(decided.statusCode).toBe(200);
  expect(decided.json()).toMatchObject({ state: 'approved', deadline: null });
});

test("the UTM preview shows each channel's tagged links; a campaign without UTM settings leaves them as written", async () => {
  const t = await team('UtmPreview');
  const startsAt = new Date(Date.now() + 86_400_000).toISOString();
  const endsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const tagged = await call(t.author.token, 'POST', '/v1/campaigns', {
    name: 'Spring sale',
    startsAt,
    endsAt,
    channelIds: [t.channelId],
    utm: { medium: 'social', campaign: 'spring-2026', sources: { [t.channelId]: 'bsky' } },
  });
  expect(tagged.statusCode).toBe(201);
  const text = encodeURIComponent('See https://example.com/shop?ref=1#top.');
  const preview = await call(t.approver.token, 'GET', `/v1/campaigns/${tagged.json().id}/utm-preview?text=${text}`);
  expect(preview.statusCode).toBe(200);
  expect(preview.json()).toEqual({
    tagged: true,
    previews: [
      {
        channelId: t.channelId,
        channelName: t.channelName,
        text: 'See https://example.com/shop?ref=1&utm_source=bsky&utm_medium=social&utm_campaign=spring-2026#top.',
      },
    ],
  });

  const plain = await call(t.author.token, 'POST', '/v1/campaigns', {
    name: 'Plain',
    startsAt,
    endsAt,
    channelIds: [t.channelId],
  });
  const untouched = await call(t.author.token, 'GET', `/v1/campaigns/${plain.json().id}/utm-preview?text=${text}`);
  expect(untouched.json()).toMatchObject({
    tagged: false,
    previews: [{ text: 'See https://example.com/shop?ref=1#top.' }],
  });

  const unknownKey = await call(t.author.token, 'GET', `/v1/campaigns/${plain.json().id}/utm-preview?text=x&url=y`);
  expect(unknownKey.statusCode).toBe(400);
  const elsewhere = await createWorkspace(h(), 'Elsewhere');
  expect((await call(elsewhere.token, 'GET', `/v1/campaigns/${plain.json().id}/utm-preview?text=x`)).statusCode).toBe(
    404,
  );
});
