import { randomUUID } from 'node:crypto';
import { insertChannel } from '../db/channels';
import { deliverNotification } from '../notifications/deliver';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

const {
  harness: h,
  hook,
  workspace: ws,
  call,
} = useChorus({ harness: { webhooksAllowPrivate: false }, hook: true, workspace: 'Test workspace' });

const port = () => new URL(hook().url).port;
/** Every address form of the receiver (or of another private host) a user might type. */
const privateUrls = () => [
  hook().url,
  `http://localhost:${port()}/hooks/chorus`, // a name that resolves to loopback
  `http://[::1]:${port()}/hooks/chorus`,
  `http://[::ffff:127.0.0.1]:${port()}/hooks/chorus`,
  `http://[::ffff:7f00:1]:${port()}/hooks/chorus`,
  `http://2130706433:${port()}/hooks/chorus`, // 127.0.0.1 as one number
  'http://10.0.0.1/hooks',
  'http://169.254.169.254/latest/meta-data',
];

test('a webhook channel on a private address is refused at save, naming credentials.url', async () => {
  for (const url of privateUrls()) {
    const res = await call(ws().token, 'POST', '/v1/channels', {
      provider: 'webhook',
      name: 'Inside',
      credentials: { url, secret: hook().secret },
    });
    expect([url, res.statusCode]).toEqual([url, 422]);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ field: 'credentials.url', message: expect.stringMatching(/private address/) }),
    ]);
  }
  expect(hook().deliveries).toHaveLength(0);
  expect(
    await h().db.selectFrom('channels').select('id').where('workspace_id', '=', ws().workspaceId).execute(),
  ).toHaveLength(0);
});

test('the notification webhook on a private address is refused at save, naming url', async () => {
  for (const url of privateUrls()) {
    const res = await call(ws().token, 'PUT', '/v1/notifications/webhook', { url, secret: hook().secret });
    expect([url, res.statusCode]).toEqual([url, 422]);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ field: 'url', message: expect.stringMatching(/private address/) }),
    ]);
  }
  expect(hook().deliveries).toHaveLength(0);
  const workspace = await h()
    .db.selectFrom('workspaces')
    .select('notification_webhook_sealed')
    .where('id', '=', ws().workspaceId)
    .executeTakeFirstOrThrow();
  expect(workspace.notification_webhook_sealed).toBeNull();
});

test('a webhook saved before the guard (or under an intranet install) is not delivered to on a private address', async () => {
  // Saved directly, as a channel from before this check or from WEBHOOKS_ALLOW_PRIVATE=true would be.
  const channel = await insertChannel(h().db, {
    workspaceId: ws().workspaceId,
    actorId: ws().userId,
    provider: 'webhook',
    name: 'Old hook',
    accountRef: new URL(hook().url).host,
    credentialsSealed: h().sealer.seal({ url: `http://localhost:${port()}/hooks/chorus`, secret: hook().secret }),
  });
  const created = await call(ws().token, 'POST', '/v1/posts', { text: 'Not inside', channelIds: [channel.id] });
  expect(created.statusCode).toBe(201);
  const done = await waitFor('the post to fail', async () => {
    const p = (await call(ws().token, 'GET', `/v1/posts/${created.json().id}`)).json();
    return p.status === 'failed' && p;
  });
  // Refused for good, at the first attempt: the address will not become public by retrying.
  expect(done.targets[0]).toMatchObject({
    status: 'failed',
    attempts: 1,
    lastError: expect.stringMatching(/not delivered to: localhost resolves only to private addresses/),
  });
  expect(hook().deliveries).toHaveLength(0);
});

test('a notification is not delivered to a private address', async () => {
  await h()
    .db.updateTable('workspaces')
    .set({
      notification_webhook_sealed: h().sealer.seal({
        url: `http://[::ffff:127.0.0.1]:${port()}/hooks/chorus`,
        secret: hook().secret,
      }),
    })
    .where('id', '=', ws().workspaceId)
    .execute();
  const notification = await h()
    .db.insertInto('notifications')
    .values({
      workspace_id: ws().workspaceId,
      key: randomUUID(),
      kind: 'approval.reminder',
      subject_type: 'post',
      subject_id: randomUUID(),
      recipient_ids: [],
      payload: JSON.stringify({ type: 'approval.reminder', data: {} }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await expect(
    deliverNotification({ db: h().db, adapters: h().adapters, sealer: h().sealer }, notification.id),
  ).rejects.toThrow(/webhook: .*private address/);
  expect(hook().deliveries).toHaveLength(0);
});
