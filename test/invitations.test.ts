import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SMTPServer } from 'smtp-server';
import { deliverNotification } from '../notifications/deliver';
import { smtpMailer } from '../notifications/mailer';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { startSmtpReceiver } from './support/smtp-receiver';
import { addMember, waitFor } from './support/harness';

/** Emails received by a real SMTP server on 127.0.0.1. */
let mails: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let channelId: string;
const workflowIds: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpReceiver((mail) => mails.push(mail));
});

const {
  harness: h,
  hook,
  workspace: ws,
  call,
} = useChorus({
  harness: () => ({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` }),
  hook: true,
  workspace: 'Invitations',
  beforeClose: async (chorus) => {
    for (const id of workflowIds)
      await chorus
        .harness()
        .client.workflow.getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
  },
});

beforeAll(async () => {
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Hook')).id;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const accept = (code: string, tokenName?: string) =>
  call(undefined, 'POST', '/v1/invitations/accept', { code, ...(tokenName ? { tokenName } : {}) });
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
let people = 0;
/** A post due in an hour, created with the token (a 201), its workflow ended when the file's tests are. */
const createPost = async (token: string, text: string) => {
  const post = await call(token, 'POST', '/v1/posts', { text, channelIds: [channelId], publishAt: inAnHour() });
  expect(post.statusCode).toBe(201);
  workflowIds.push(post.json().workflowId);
  return post;
};
const invite = async (role = 'editor', token = ws().token) => {
  const res = await call(token, 'POST', '/v1/members', {
    email: `person-${++people}-${Date.now()}@example.test`,
    role,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as {
    userId: string;
    email: string;
    invitation: { id: string; code: string; state: string; expiresAt: string; emailed: boolean };
  };
};
const actionsOn = async (subjectId: string) =>
  (
    await h()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_id', 'after'])
      .where('subject_id', '=', subjectId)
      .orderBy('id')
      .execute()
  ).map((r) => ({ action: r.action, actorId: r.actor_id, after: r.after }));

describe('invitations', () => {
  test('adding a member emails an invitation; redeeming it gives a token that acts as that member with their role', async () => {
    mails = [];
    const member = await invite('editor');
    expect(member.invitation).toMatchObject({
      state: 'pending',
      emailed: true,
      code: expect.stringMatching(/^chorusinv_/),
    });
    const { code } = member.invitation;
    // Only the hash is stored.
    const stored = await h()
      .db.selectFrom('invitations')
      .select('code_hash')
      .where('id', '=', member.invitation.id)
      .executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);
    // The email reached the member, with the code and how to redeem it.
    const mail = await waitFor('the invitation email', async () => mails.find((m) => m.to.includes(member.email)));
    expect(mail.raw).toContain(code);
    expect(mail.raw).toContain('chorus invite accept');
    // And the web app's link where they choose a password (the body is quoted-printable).
    const body = mail.raw.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
    expect(body).toContain(`/welcome?code=${code}`);
    // Admins see it pending.
    const pending = (await call(ws().token, 'GET', '/v1/invitations')).json().invitations;
    expect(pending).toContainEqual(
      expect.objectContaining({ id: member.invitation.id, userId: member.userId, role: 'editor', state: 'pending' }),
    );

    const accepted = await accept(code, 'laptop');
    expect(accepted.statusCode).toBe(201);
    const mine = accepted.json();
    expect(mine).toMatchObject({
      userId: member.userId,
      workspaceId: ws().workspaceId,
      role: 'editor',
      name: 'laptop',
      scopes: null,
      token: expect.stringMatching(/^chorus_/),
    });

    // The token acts as the member: a post they create is theirs; adding members is not for editors.
    const post = await createPost(mine.token, 'Written by the invited editor');
    expect(
      await h().db.selectFrom('posts').select('author_id').where('id', '=', post.json().id).executeTakeFirstOrThrow(),
    ).toEqual({ author_id: member.userId });
    const addByEditor = await call(mine.token, 'POST', '/v1/members', {
      email: 'someone@example.test',
      role: 'analyst',
    });
    expect(addByEditor.statusCode).toBe(403);

    // Their token list shows it without the secret.
    const tokens = (await call(mine.token, 'GET', '/v1/tokens')).json();
    expect(tokens.tokens).toEqual([expect.objectContaining({ id: mine.id, userId: member.userId, scopes: null })]);
    expect(JSON.stringify(tokens)).not.toContain(mine.token);

    expect(await actionsOn(member.invitation.id)).toEqual([
      { action: 'invitation.created', actorId: ws().userId, after: expect.objectContaining({ userId: member.userId }) },
      { action: 'invitation.accepted', actorId: member.userId, after: { userId: member.userId, tokenId: mine.id } },
    ]);
    expect((await call(ws().token, 'GET', '/v1/invitations?state=accepted')).json().invitations).toContainEqual(
      expect.objectContaining({ id: member.invitation.id, state: 'accepted' }),
    );
  });

  test('a used, expired, revoked or replaced code is refused with a 4xx saying why; an unknown one is 404', async () => {
    const used = await invite();
    expect((await accept(used.invitation.code)).statusCode).toBe(201);
    const again = await accept(used.invitation.code);
    expect(again.statusCode).toBe(410);
    expect(again.json().errors[0]).toMatchObject({ field: 'code', rule: 'used' });

    const expired = await invite();
    await h()
      .db.updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expired.invitation.id)
      .execute();
    const late = await accept(expired.invitation.code);
    expect(late.statusCode).toBe(410);
    expect(late.json()).toMatchObject({ title: 'Gone', errors: [{ field: 'code', rule: 'expired' }] });
    expect(
      (await call(ws().token, 'GET', '/v1/invitations?state=expired'))
        .json()
        .invitations.map((i: { id: string }) => i.id),
    ).toContain(expired.invitation.id);
    // Re-issuing gives a new code that works; the old one stays dead.
    const reissued = await call(ws().token, 'POST', `/v1/invitations/${expired.invitation.id}/reissue`);
    expect(reissued.statusCode).toBe(201);
    expect(reissued.json()).toMatchObject({ userId: expired.userId, state: 'pending', emailed: true });
    expect(reissued.json().code).not.toBe(expired.invitation.code);
    expect((await accept(expired.invitation.code)).json().errors[0]).toMatchObject({ rule: 'reissued' });
    expect((await accept(reissued.json().code)).statusCode).toBe(201);
    expect((await call(ws().token, 'POST', `/v1/invitations/${reissued.json().id}/reissue`)).statusCode).toBe(409);

    const revoked = await invite();
    const revoke = await call(ws().token, 'DELETE', `/v1/invitations/${revoked.invitation.id}`);
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ state: 'revoked', revokedReason: 'revoked' });
    const refused = await accept(revoked.invitation.code);
    expect(refused.statusCode).toBe(410);
    expect(refused.json().errors[0]).toMatchObject({ field: 'code', rule: 'revoked' });
    expect((await call(ws().token, 'DELETE', `/v1/invitations/${revoked.invitation.id}`)).statusCode).toBe(409);
    expect(await actionsOn(revoked.invitation.id)).toContainEqual(
      expect.objectContaining({ action: 'invitation.revoked', actorId: ws().userId }),
    );
    expect(await actionsOn(reissued.json().id)).toContainEqual(
      expect.objectContaining({
        action: 'invitation.reissued',
        after: expect.objectContaining({ replaces: [expired.invitation.id] }),
      }),
    );

    const unknown = await accept('chorusinv_nothing-like-this');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'code', rule: 'unknown' });
    const extra = await call(undefined, 'POST', '/v1/invitations/accept', { code: 'x', role: 'owner' });
    expect(extra.statusCode).toBe(400);
  });

  test('two accepts racing for one code give one token', async () => {
    const member = await invite('approver');
    const answers = await Promise.all(Array.from({ length: 6 }, () => accept(member.invitation.code)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 410, 410, 410, 410, 410]);
    const tokens = await h().db.selectFrom('api_tokens').select('id').where('user_id', '=', member.userId).execute();
    expect(tokens).toHaveLength(1);
  });

  test('removing the member ends their invitation', async () => {
    const member = await invite('analyst');
    expect((await call(ws().token, 'DELETE', `/v1/members/${member.userId}`)).statusCode).toBe(204);
    const refused = await accept(member.invitation.code);
    expect(refused.statusCode).toBe(410);
    expect(refused.json().errors[0]).toMatchObject({ rule: 'member_removed' });
    expect(
      (await call(ws().token, 'GET', '/v1/invitations')).json().invitations.map((i: { id: string }) => i.id),
    ).not.toContain(member.invitation.id);
    expect(await actionsOn(member.invitation.id)).toContainEqual({
      action: 'invitation.revoked',
      actorId: ws().userId,
      after: { reason: 'member_removed' },
    });
  });

  test('a member added earlier can be invited again; only an owner can invite an owner', async () => {
    const earlier = await addMember(h(), ws().workspaceId, 'approver');
    const invited = await call(ws().token, 'POST', '/v1/invitations', { userId: earlier.userId });
    expect(invited.statusCode).toBe(201);
    expect((await accept(invited.json().code)).json()).toMatchObject({ userId: earlier.userId, role: 'approver' });

    const admin = await addMember(h(), ws().workspaceId, 'admin');
    const byAdmin = await call(admin.token, 'POST', '/v1/invitations', { userId: ws().userId });
    expect(byAdmin.statusCode).toBe(403);
    expect(
      (await call(admin.token, 'POST', '/v1/invitations', { userId: '00000000-0000-4000-8000-000000000000' }))
        .statusCode,
    ).toBe(404);
  });

  test('chorus invite accept redeems a code against the API and prints the token as JSON', async () => {
    const member = await invite('editor');
    const api = await h().app.listen({ host: '127.0.0.1', port: 0 });
    const cli = (args: string[]) =>
      promisify(execFile)('node', [path.join(__dirname, '..', 'bin', 'chorus.js'), 'invite', 'accept', ...args]);
    const { stdout } = await cli(['--code', member.invitation.code, '--api', api, '--name', 'cli']);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({
      userId: member.userId,
      role: 'editor',
      name: 'cli',
      token: expect.stringMatching(/^chorus_/),
    });
    expect((await call(answer.token, 'GET', '/v1/members')).statusCode).toBe(200);
    await expect(cli(['--code', member.invitation.code, '--api', api])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already used'),
    });
    await expect(cli(['--api', api])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--code') });
  });
});

describe('service accounts', () => {
  test('owners and admins create them (never owners); their minted tokens work, scoped, and are audited', async () => {
    const created = await call(ws().token, 'POST', '/v1/service-accounts', { name: 'Zapier', role: 'editor' });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ name: 'Zapier', role: 'editor', kind: 'service' });
    expect((await call(ws().token, 'GET', '/v1/members')).json().members).toContainEqual(
      expect.objectContaining({ userId: account.userId, kind: 'service' }),
    );
    expect(
      (await call(ws().token, 'POST', '/v1/service-accounts', { name: 'Boss bot', role: 'owner' })).statusCode,
    ).toBe(400);
    const editor = await addMember(h(), ws().workspaceId, 'editor');
    expect(
      (await call(editor.token, 'POST', '/v1/service-accounts', { name: 'Mine', role: 'editor' })).statusCode,
    ).toBe(403);
    expect(
      (await call(ws().token, 'PATCH', `/v1/members/${account.userId}`, { role: 'owner' })).json().errors[0],
    ).toMatchObject({ field: 'role', rule: 'not_owner' });

    const minted = await call(ws().token, 'POST', `/v1/service-accounts/${account.userId}/tokens`, {
      name: 'zap',
      scopes: ['publish'],
    });
    expect(minted.statusCode).toBe(201);
    const { token, id } = minted.json();
    expect(minted.json()).toMatchObject({ userId: account.userId, scopes: ['publish'] });
    expect((await call(token, 'GET', '/v1/posts')).statusCode).toBe(200);
    const post = await createPost(token, 'From the integration');
    expect(
      (await call(token, 'POST', `/v1/posts/${post.json().id}/approval`, { decision: 'approve' })).statusCode,
    ).toBe(403);

    expect(await actionsOn(account.userId)).toEqual([
      { action: 'service_account.created', actorId: ws().userId, after: { name: 'Zapier', role: 'editor' } },
    ]);
    expect(await actionsOn(id)).toEqual([
      {
        action: 'api_token.created',
        actorId: ws().userId,
        after: expect.objectContaining({ userId: account.userId, scopes: ['publish'] }),
      },
    ]);

    // Not invitable, not addable as a person, and a person gets no service token.
    const invited = await call(ws().token, 'POST', '/v1/invitations', { userId: account.userId });
    expect(invited.json().errors[0]).toMatchObject({ field: 'userId', rule: 'person' });
    expect(
      (await call(ws().token, 'POST', '/v1/members', { email: account.email, role: 'editor' })).statusCode,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (await call(ws().token, 'POST', `/v1/service-accounts/${editor.userId}/tokens`, { name: 'x' })).statusCode,
    ).toBe(404);
  });

  test('a service account cannot redeem an invitation, even one written to the database', async () => {
    const account = (
      await call(ws().token, 'POST', '/v1/service-accounts', { name: 'Sneaky', role: 'analyst' })
    ).json();
    const code = 'chorusinv_written-by-hand';
    await h()
      .db.insertInto('invitations')
      .values({
        workspace_id: ws().workspaceId,
        user_id: account.userId,
        code_hash: createHash('sha256').update(code).digest('hex'),
        created_by: ws().userId,
        expires_at: new Date(Date.now() + 3600_000),
      })
      .execute();
    const refused = await accept(code);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().errors[0]).toMatchObject({ rule: 'not_a_person' });
  });
  test("notification emails go to the people among the recipients, never to a service account's made-up address", async () => {
    const account = (
      await call(ws().token, 'POST', '/v1/service-accounts', { name: 'Approver bot', role: 'approver' })
    ).json();
    const person = await addMember(h(), ws().workspaceId, 'approver');
    const notification = await h()
      .db.insertInto('notifications')
      .values({
        workspace_id: ws().workspaceId,
        key: `test-${Date.now()}`,
        kind: 'approval.reminder',
        subject_type: 'post',
        subject_id: ws().workspaceId,
        recipient_ids: [account.userId, person.userId],
        payload: JSON.stringify({
          type: 'approval.reminder',
          data: { step: 1, stepName: 'Legal', deadline: 'soon', postId: 'x' },
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    mails = [];
    const mailer = smtpMailer(
      `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      'Chorus <chorus@example.test>',
    );
    await deliverNotification({ db: h().db, adapters: h().adapters, sealer: h().sealer, mailer }, notification.id);
    const personEmail = (
      await h().db.selectFrom('users').select('email').where('id', '=', person.userId).executeTakeFirstOrThrow()
    ).email;
    expect(mails.map((m) => m.to)).toEqual([[personEmail]]);
  });
});

describe('token scopes', () => {
  test('a read-only token of an owner can read but not write; the 403 names the missing scope', async () => {
    const res = await call(ws().token, 'POST', '/v1/tokens', { name: 'dashboard', scopes: ['read'] });
    expect(res.statusCode).toBe(201);
    const readOnly = res.json().token;
    expect((await call(readOnly, 'GET', '/v1/posts')).statusCode).toBe(200);
    expect((await call(readOnly, 'GET', '/v1/audit')).statusCode).toBe(200);
    const write = await call(readOnly, 'POST', '/v1/posts', { text: 'x', channelIds: [channelId] });
    expect(write.statusCode).toBe(403);
    expect(write.json().detail).toContain('"publish"');
    expect(
      (await call(readOnly, 'POST', '/v1/members', { email: 'x@example.test', role: 'analyst' })).json().detail,
    ).toContain('"admin"');
    expect(
      (
        await call(readOnly, 'POST', '/v1/posts/00000000-0000-4000-8000-000000000000/approval', { decision: 'approve' })
      ).json().detail,
    ).toContain('"approve"');
    expect(
      (await call(readOnly, 'POST', '/v1/listening/queries', { name: 'x', expression: 'chorus' })).json().detail,
    ).toContain('"listening"');
    // The owner's read-only token cannot see or revoke other people's tokens either.
    const all = (await call(readOnly, 'GET', '/v1/tokens?all=true')).json().tokens;
    expect(all.every((t: { userId: string }) => t.userId === ws().userId)).toBe(true);
    const someone = await addMember(h(), ws().workspaceId, 'editor');
    const theirs = await h()
      .db.selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', someone.userId)
      .executeTakeFirstOrThrow();
    expect((await call(readOnly, 'DELETE', `/v1/tokens/${theirs.id}`)).statusCode).toBe(404);
    expect((await call(someone.token, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await call(ws().token, 'GET', '/v1/tokens')).json().tokens).toContainEqual(
      expect.objectContaining({ name: 'dashboard', scopes: ['read'] }),
    );
  });

  test('a token cannot mint a broader one, in scopes or in time', async () => {
    const narrow = (
      await call(ws().token, 'POST', '/v1/tokens', { name: 'narrow', scopes: ['publish'], expiresAt: inAnHour() })
    ).json();
    const broader = await call(narrow.token, 'POST', '/v1/tokens', { name: 'broader', scopes: ['publish', 'admin'] });
    expect(broader.statusCode).toBe(403);
    expect(broader.json().detail).toContain('"admin"');
    expect((await call(narrow.token, 'POST', '/v1/tokens', { name: 'everything' })).statusCode).toBe(403);
    const later = await call(narrow.token, 'POST', '/v1/tokens', {
      name: 'later',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 7200_000).toISOString(),
    });
    expect(later.json().errors[0]).toMatchObject({ field: 'expiresAt', rule: 'within_token_expiry' });
    const within = await call(narrow.token, 'POST', '/v1/tokens', { name: 'within', scopes: ['read'] });
    expect(within.statusCode).toBe(201);
    expect(within.json()).toMatchObject({ scopes: ['read'], expiresAt: narrow.expiresAt });
    expect((await call(ws().token, 'POST', '/v1/tokens', { name: 'bad', scopes: ['superuser'] })).statusCode).toBe(400);
  });
});
