import { connectWebhook } from './support/channels';
import { png } from './support/images';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';

const {
  harness: h,
  hook,
  workspace: ws,
  member,
  call,
} = useChorus({ hook: true, workspace: 'Library', members: ['approver', 'editor'] });
const approver = () => member('approver');
const editor = () => member('editor');
let channelId: string;

beforeAll(async () => {
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Hook')).id;
  await call(ws().token, 'PUT', '/v1/approval-policies', {
    steps: [{ name: 'Brand', mode: 'any', approvers: { roles: ['approver'] } }],
  });
});

async function approvedItem(payload: object): Promise<{ id: string }> {
  const created = await call(editor().token, 'POST', '/v1/library', payload);
  expect(created.statusCode).toBe(201);
  expect(created.json().status).toBe('awaiting_approval');
  expect(
    (
      await call(approver().token, 'POST', `/v1/library/${created.json().id}/approval`, {
        decision: 'approve',
        step: 1,
        round: 0,
      })
    ).statusCode,
  ).toBe(200);
  await waitFor(
    'the item approved',
    async () => (await call(ws().token, 'GET', `/v1/library/${created.json().id}`)).json().status === 'approved',
  );
  return created.json();
}

test('a post from an approved item skips approval unchanged, and does not when edited; usage is tracked', async () => {
  const item = await approvedItem({
    kind: 'template',
    name: 'Store opening',
    body: 'Our {{city}} store opens today!',
    tags: ['retail'],
  });
  expect((await call(ws().token, 'GET', `/v1/library/${item.id}`)).json().variables).toEqual(['city']);

  const missing = await call(editor().token, 'POST', '/v1/posts', {
    channelIds: [channelId],
    libraryItemId: item.id,
    publishAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  expect(missing.statusCode).toBe(422);
  expect(missing.json().errors[0]).toMatchObject({ field: 'variables.city', rule: 'required' });

  const unchanged = await call(editor().token, 'POST', '/v1/posts', {
    channelIds: [channelId],
    libraryItemId: item.id,
    variables: { city: 'Berlin' },
  });
  expect(unchanged.statusCode).toBe(201);
  expect(unchanged.json()).toMatchObject({
    text: 'Our Berlin store opens today!',
    preApproved: true,
    libraryItemId: item.id,
  });
  await waitFor(
    'the pre-approved post to publish',
    async () => (await call(ws().token, 'GET', `/v1/posts/${unchanged.json().id}`)).json().status === 'published',
  );
  expect(hook().deliveries.some((d) => d.payload.data.text === 'Our Berlin store opens today!')).toBe(true);
  const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${unchanged.json().id}`))
    .json()
    .entries.find((e: { action: string }) => e.action === 'post.created');
  expect(audit.after).toMatchObject({ libraryItemId: item.id, preApprovedByLibraryItem: true, approvalSteps: [] });

  const edited = await call(editor().token, 'POST', '/v1/posts', {
    text: 'Our Berlin store opens today!!! Come early',
    channelIds: [channelId],
    libraryItemId: item.id,
    variables: { city: 'Berlin' },
    publishAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  expect(edited.json()).toMatchObject({ status: 'awaiting_approval', preApproved: false, libraryItemId: item.id });

  const usage = (await call(ws().token, 'GET', `/v1/library/${item.id}`)).json().usedBy;
  expect(usage.sort()).toEqual([unchanged.json().id, edited.json().id].sort());
  await call(ws().token, 'POST', `/v1/posts/${edited.json().id}/cancel`);
});

test('an expired, unapproved or rejected item cannot be used', async () => {
  const expiring = await approvedItem({
    kind: 'snippet',
    name: 'Flash sale',
    body: 'Flash sale!',
    expiresAt: new Date(Date.now() + 1500).toISOString(),
  });
  await waitFor(
    'the item to expire',
    async () => !(await call(ws().token, 'GET', `/v1/library/${expiring.id}`)).json().usable,
    10_000,
  );
  const expired = await call(editor().token, 'POST', '/v1/posts', {
    channelIds: [channelId],
    libraryItemId: expiring.id,
  });
  expect(expired.statusCode).toBe(422);
  expect(expired.json().errors[0]).toMatchObject({ field: 'libraryItemId', rule: 'unexpired' });

  const pending = (
    await call(editor().token, 'POST', '/v1/library', { kind: 'snippet', name: 'Draft', body: 'Not yet' })
  ).json();
  expect(
    (await call(editor().token, 'POST', '/v1/posts', { channelIds: [channelId], libraryItemId: pending.id })).json()
      .errors[0],
  ).toMatchObject({ rule: 'approved' });
  expect(
    (
      await call(editor().token, 'POST', `/v1/library/${pending.id}/approval`, {
        decision: 'approve',
        step: 1,
        round: 0,
      })
    ).statusCode,
  ).toBe(403); // its owner
  const stale = await call(approver().token, 'POST', `/v1/library/${pending.id}/approval`, {
    decision: 'reject',
    step: 1,
    round: 1,
  }); // no such round
  expect(stale.statusCode).toBe(409);
  expect(stale.json().errors[1]).toMatchObject({ field: 'round', message: 'the current round is 0' });
  await call(approver().token, 'POST', `/v1/library/${pending.id}/approval`, {
    decision: 'reject',
    step: 1,
    round: 0,
    comment: 'Off brand',
  });
  await waitFor(
    'the item rejected',
    async () => (await call(ws().token, 'GET', `/v1/library/${pending.id}`)).json().status === 'rejected',
  );
  const usable = (await call(ws().token, 'GET', '/v1/library?usable=true'))
    .json()
    .items.map((i: { id: string }) => i.id);
  expect(usable).not.toContain(pending.id);
  expect(usable).not.toContain(expiring.id);
});

test('media uploads are checked by type, size and pixels, stored, and can be library items', async () => {
  const image = png(640, 480);
  const upload = (body: Buffer, type: string) =>
    h().app.inject({
      method: 'POST',
      url: '/v1/media?filename=hero.png',
      headers: { ...bearer(editor().token), 'content-type': type },
      payload: body,
    });
  const ok = await upload(image, 'image/png');
  expect(ok.statusCode).toBe(201);
  expect(ok.json()).toMatchObject({ contentType: 'image/png', width: 640, height: 480, bytes: image.length });
  const back = await call(ws().token, 'GET', `/v1/media/${ok.json().id}/content`);
  expect(Buffer.compare(back.rawPayload, image)).toBe(0);

  expect((await upload(image, 'image/jpeg')).json().detail).toContain('not image/jpeg');
  expect((await upload(png(9000, 10), 'image/png')).json().detail).toContain('at most 8000×8000');
  expect((await upload(Buffer.from('hello'), 'image/tiff')).statusCode).toBe(415);
  expect((await upload(Buffer.from('not a video at all'), 'video/mp4')).statusCode).toBe(422);

  const item = await call(editor().token, 'POST', '/v1/library', {
    kind: 'media',
    name: 'Hero image',
    mediaId: ok.json().id,
    tags: ['hero'],
  });
  expect(item.statusCode).toBe(201);
  expect((await call(ws().token, 'GET', '/v1/library?tag=hero')).json().items.map((i: { id: string }) => i.id)).toEqual(
    [item.json().id],
  );
  const noMedia = await call(editor().token, 'POST', '/v1/library', { kind: 'media', name: 'Nothing' });
  expect(noMedia.json().errors[0]).toMatchObject({ field: 'body.mediaId' });
});

test('a post made wholly of approved items (a snippet and a media item) is pre-approved; own media or an expired media item are not', async () => {
  const upload = async () =>
    (
      await h().app.inject({
        method: 'POST',
        url: '/v1/media?filename=logo.png',
        headers: { ...bearer(editor().token), 'content-type': 'image/png' },
        payload: png(32, 32),
      })
    ).json().id as string;
  const snippet = await approvedItem({ kind: 'snippet', name: 'Tagline', body: 'Made with care.' });
  const logo = await approvedItem({ kind: 'media', name: 'Logo', mediaId: await upload() });

  const whole = await call(editor().token, 'POST', '/v1/posts', {
    channelIds: [channelId],
    libraryItemId: snippet.id,
    media: [{ libraryItemId: logo.id, alt: 'Our logo' }],
  });
  expect(whole.statusCode).toBe(201);
  expect(whole.json()).toMatchObject({
    preApproved: true,
    status: 'scheduled',
    media: [{ libraryItemId: logo.id, alt: 'Our logo' }],
  });
  await waitFor(
    'the pre-approved post to publish',
    async () => (await call(ws().token, 'GET', `/v1/posts/${whole.json().id}`)).json().status === 'published',
  );
  const delivered = hook().deliveries.find((d) => d.payload.data.postId === whole.json().id)!;
  expect(delivered.payload.data.media).toEqual([
    expect.objectContaining({ alt: 'Our logo', contentType: 'image/png' }),
  ]);
  expect((await call(ws().token, 'GET', `/v1/library/${logo.id}`)).json().usedBy).toEqual([whole.json().id]);

  // An upload of one's own is not pre-approved content: the chain comes back.
  const ownMedia = await call(editor().token, 'POST', '/v1/posts', {
    channelIds: [channelId],
    libraryItemId: snippet.id,
    media: [{ mediaId: await upload() }],
    publishAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  expect(ownMedia.json()).toMatchObject({ preApproved: false, status: 'awaiting_approval' });
  await call(ws().token, 'POST', `/v1/posts/${ownMedia.json().id}/cancel`);

  const expiring = await approvedItem({
    kind: 'media',
    name: 'Old logo',
    mediaId: await upload(),
    expiresAt: new Date(Date.now() + 1500).toISOString(),
  });
  await waitFor(
    'the media item to expire',
    async () => !(await call(ws().token, 'GET', `/v1/library/${expiring.id}`)).json().usable,
    10_000,
  );
  const expired = await call(editor().token, 'POST', '/v1/posts', {
    text: 'Old look',
    channelIds: [channelId],
    media: [{ libraryItemId: expiring.id }],
  });
  expect(expired.statusCode).toBe(422);
  expect(expired.json().errors[0]).toMatchObject({ field: 'media.0.libraryItemId', rule: 'unexpired' });
  const textAsMedia = await call(editor().token, 'POST', '/v1/posts', {
    text: 'Hm',
    channelIds: [channelId],
    media: [{ libraryItemId: snippet.id }],
  });
  expect(textAsMedia.json().errors[0]).toMatchObject({ field: 'media.0.libraryItemId', rule: 'media_item' });
  const both = await call(editor().token, 'POST', '/v1/posts', {
    text: 'Hm',
    channelIds: [channelId],
    media: [{ libraryItemId: logo.id, mediaId: await upload() }],
  });
  expect(both.statusCode).toBe(400);
});
