import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { connectBluesky } from './support/channels';
import { brandSpikeQuery, mentionRow } from './support/spikes';
import { useChorus } from './support/chorus';
import { startSmtpReceiver } from './support/smtp-receiver';
import { addMember, createWorkspace, waitFor } from './support/harness';

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
interface Mail {
  to: string[];
  raw: string;
}
let mails: Mail[] = [];
let smtp: SMTPServer;

/** The Subject header, unfolded and with its RFC 2047 encoded words (Q and B) decoded. */
const subjectOf = (m: Mail) => {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(m.raw)?.[1] ?? '';
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_all, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .replace(/\r?\n[ \t]/g, ' ');
};
const messageIdOf = (m: Mail) => /^Message-ID: (.*)$/im.exec(m.raw)?.[1]?.trim() ?? '';

beforeAll(async () => {
  smtp = await startSmtpReceiver((mail) => mails.push(mail));
});

const {
  harness: h,
  pds,
  hook,
  call,
} = useChorus({
  harness: () => ({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` }),
  pds: true,
  hook: true,
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const emailOf = async (userId: string) =>
  (await h().db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;

test('approval reminders and escalations are emailed to their recipients, once each', async () => {
  mails = [];
  const owner = await createWorkspace(h(), 'Mail approvals');
  const [author, approver, lead] = await Promise.all([
    addMember(h(), owner.workspaceId, 'editor'),
    addMember(h(), owner.workspaceId, 'approver'),
    addMember(h(), owner.workspaceId, 'admin'),
  ]);
  const channel = await connectBluesky(h(), owner.token, pds(), await pds().createAccount('mailapprovals'));
  await call(owner.token, 'PUT', '/v1/approval-policies', {
    steps: [
      {
        name: 'Legal',
        mode: 'any',
        approvers: { userIds: [approver.userId] },
        deadlineSeconds: 6,
        remindBeforeSeconds: 4,
        escalateTo: { userIds: [lead.userId] },
      },
    ],
  });
  const post = (
    await call(author.token, 'POST', '/v1/posts', {
      text: 'Needs legal sign-off',
      channelIds: [channel.id],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    })
  ).json();

  const reminder = await waitFor('the reminder email', async () =>
    mails.find((m) => subjectOf(m).startsWith('Reminder')),
  );
  expect(reminder.to).toEqual([await emailOf(approver.userId)]);
  expect(reminder.raw).toContain('Needs legal sign-off');
  const escalation = await waitFor('the escalation email', async () =>
    mails.find((m) => subjectOf(m).startsWith('Escalated to you')),
  );
  expect(escalation.to).toEqual([await emailOf(lead.userId)]);
  expect(subjectOf(escalation)).toContain('"Legal"');
  // Each once, with a Message-ID stable per notification.
  expect(mails.filter((m) => /^(Reminder|Escalated)/.test(subjectOf(m)))).toHaveLength(2);
  // Recorded as emailed once the mail server has accepted it: a moment after the mail arrives.
  const emailed = () =>
    h().db.selectFrom('notifications').select(['id', 'emailed_at']).where('subject_id', '=', post.id).execute();
  const recorded = await waitFor('the notifications recorded as emailed', async () => {
    const rows = await emailed();
    return rows.every((n) => n.emailed_at !== null) && rows;
  });
  expect(recorded.every((n) => n.emailed_at !== null)).toBe(true);
  expect(recorded.map((n) => `<ntf-${n.id}@chorus>`).sort()).toEqual(
    [messageIdOf(reminder), messageIdOf(escalation)].sort(),
  );
  await call(owner.token, 'POST', `/v1/posts/${post.id}/cancel`);
});

test("a spike alert is emailed to the workspace's owners and admins, and reaches the webhook, once, even when the first delivery failed", async () => {
  mails = [];
  const owner = await createWorkspace(h(), 'Mail alerts');
  const admin = await addMember(h(), owner.workspaceId, 'admin');
  await addMember(h(), owner.workspaceId, 'editor');
  expect(
    (await call(owner.token, 'PUT', '/v1/notifications/webhook', { url: hook().url, secret: hook().secret }))
      .statusCode,
  ).toBe(204);
  // The webhook refuses the first delivery: the retry must still deliver it (and email once).
  hook().respondNext({ status: 500 });
  // The query has listened through its baseline (two quiet hours): only then can it alert.
  const query = await brandSpikeQuery(h(), call, owner.token);
  const now = Date.now();
  await h()
    .db.insertInto('mentions')
    .values(
      Array.from({ length: 8 }, (_, i) =>
        mentionRow(
          { workspaceId: owner.workspaceId, queryId: query.id },
          i,
          now - i * 1000,
          `chorus is down again ${i}`,
          {
            score: -0.8,
            label: 'negative',
          },
        ),
      ),
    )
    .execute();

  const alertMail = await waitFor(
    'the alert email',
    async () => mails.find((m) => subjectOf(m).startsWith('Spike on "Brand"')),
    30_000,
  );
  expect(alertMail.to.sort()).toEqual([await emailOf(owner.userId), await emailOf(admin.userId)].sort());
  // In Bcc: no recipient sees another's address.
  expect(alertMail.raw).not.toContain(await emailOf(admin.userId));
  const delivered = await waitFor(
    'the webhook delivery after the refused one',
    async () =>
      hook().deliveries.find((d) => d.payload.type === 'listening.spike' && d.payload.data.queryId === query.id),
    30_000,
  );
  expect(delivered.payload.data.reasons).toContain('volume');
  const runs = (await call(owner.token, 'GET', `/v1/listening/queries/${query.id}`)).json().live.runs as number;
  await waitFor(
    'two more loops',
    async () =>
      ((await call(owner.token, 'GET', `/v1/listening/queries/${query.id}`)).json().live?.runs ?? 0) >= runs + 2,
    30_000,
  );
  expect(mails.filter((m) => subjectOf(m).startsWith('Spike on'))).toHaveLength(1);
  expect(
    hook().deliveries.filter((d) => d.payload.type === 'listening.spike' && d.payload.data.queryId === query.id),
  ).toHaveLength(1);
  await call(owner.token, 'DELETE', `/v1/listening/queries/${query.id}`);
});
