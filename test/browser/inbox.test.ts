import type { Locator } from 'playwright-core';
import { waitFor } from '../support/harness';
import {
  DESKTOP,
  loseConnectionTo,
  notUpToDate,
  PHONE,
  screenshot,
  seriousViolations,
  smallTouchTargets,
  useApp,
} from '../support/browser';
import { signalConversation } from '../support/conversations';
import { seedChannel, seedConversation, seedInboundMessage } from '../support/inbox';

const { chorus, signedIn } = useApp({ workspace: 'Inbox screens', members: ['editor', 'analyst'] });

/** Waits until the locator matches exactly `n` elements (the screens poll). */
const countIs = (locator: Locator, n: number) =>
  waitFor(`${n} matching elements`, async () => (await locator.count()) === n, 15_000);

test('at phone size, an editor finds the customer in the inbox, reads the thread as text, sees a teammate replying, survives a collision and answers; notes and status work', async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  const editor = chorus.member('editor');
  const channelId = await seedChannel(h, {
    workspaceId: owner.workspaceId,
    createdBy: owner.userId,
    provider: 'bluesky',
    name: 'Brand on Bluesky',
  });
  // The customer: a past conversation (closed) and today's, whose text tries to be HTML.
  const hostile = 'My order <img src=x onerror="window.__pwned=1"> never came <b>at all</b>';
  const past = await seedConversation(h, {
    workspaceId: owner.workspaceId,
    channelId,
    handle: 'rosa.bsky.test',
    displayName: 'Rosa Díaz',
    messages: [{ text: 'Love the new release!' }],
    status: 'closed',
    startedAt: new Date(Date.now() - 7 * 86_400_000),
    closedAfterMinutes: 60,
  });
  const conversation = await seedConversation(h, {
    workspaceId: owner.workspaceId,
    channelId,
    contactId: past.contactId,
    messages: [{ text: 'Hello, anyone there?' }, { text: hostile }],
    sentiment: 'negative',
    priority: 'high',
  });
  // Someone else's conversation, past its SLA: counted as breached.
  await seedConversation(h, {
    workspaceId: owner.workspaceId,
    channelId,
    handle: 'sam.bsky.test',
    displayName: 'Sam',
    messages: [{ text: 'Is there a student discount?' }],
    lead: true,
    firstResponseBreached: true,
  });

  // An approved saved reply, as the library's approval chain leaves one.
  await h.db
    .insertInto('library_items')
    .values({
      workspace_id: owner.workspaceId,
      kind: 'saved_reply',
      name: 'Sorry for the trouble',
      body: 'Hi {{author.name}}, sorry for the trouble! ',
      variables: ['author.name'],
      owner_id: owner.userId,
      status: 'approved',
      workflow_id: `seeded-saved-reply/${conversation.id}`,
      updated_at: new Date(),
    })
    .execute();

  const p = await signedIn(editor, PHONE);
  // One hand: the menu, then the inbox.
  await p.getByRole('button', { name: 'Menu' }).click();
  await p.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inbox' }).click();
  await p.getByRole('heading', { name: 'Inbox' }).waitFor();
  const views = p.getByRole('navigation', { name: 'Inbox views' });
  await views.getByRole('button', { name: 'Open 2' }).waitFor();
  await views.getByRole('button', { name: 'Unassigned 2' }).waitFor();
  await views.getByRole('button', { name: 'Breached 1' }).waitFor();
  await views.getByRole('button', { name: 'Closed 1' }).waitFor();
  const items = p.getByTestId('conversation');
  await countIs(items, 2);
  const rosa = items.filter({ hasText: 'Rosa Díaz' });
  await rosa.getByText('negative').waitFor();
  await rosa.getByText('high', { exact: true }).waitFor();
  await items.filter({ hasText: 'Sam' }).getByText('SLA breached').waitFor();
  await items.filter({ hasText: 'Sam' }).getByText('lead', { exact: true }).waitFor();
  expect(await smallTouchTargets(p)).toEqual([]);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-phone');

  await views.getByRole('button', { name: /^Breached/ }).click();
  await countIs(items, 1);
  await views.getByRole('button', { name: /^Open/ }).click();
  await countIs(items, 2);

  // The conversation: the hostile text is shown as the characters it is, and nothing of it runs.
  await rosa.getByRole('link').click();
  await p.getByRole('heading', { name: 'Rosa Díaz' }).waitFor();
  const messages = p.getByTestId('message');
  await countIs(messages, 2);
  await messages.nth(1).getByText(hostile, { exact: true }).waitFor();
  expect(await p.locator('.thread img, .thread b').count()).toBe(0);
  expect(await p.evaluate('window.__pwned')).toBeUndefined();
  // The contact card lists the past conversation.
  await p.getByRole('link', { name: 'Love the new release!' }).waitFor();

  // A teammate has the reply box open: the editor sees who.
  await h.db
    .insertInto('inbox_reply_leases')
    .values({ conversation_id: conversation.id, user_id: owner.userId, expires_at: new Date(Date.now() + 60_000) })
    .execute();
  const owners = await h.db
    .selectFrom('memberships')
    .select('name')
    .where('user_id', '=', owner.userId)
    .executeTakeFirstOrThrow();
  await p.getByText(`${owners.name ?? 'A teammate'} is replying`).waitFor();

  // Opening the box takes the editor's own lease.
  const box = p.getByRole('textbox', { name: /^Reply to/ });
  await box.click();
  await waitFor(
    'the editor’s lease',
    async () =>
      (await h.db
        .selectFrom('inbox_reply_leases')
        .select('user_id')
        .where('conversation_id', '=', conversation.id)
        .where('user_id', '=', editor.userId)
        .executeTakeFirst()) !== undefined,
  );
  // The saved reply goes in filled in for this customer; the editor writes on.
  await p.getByLabel('Saved reply').selectOption({ label: 'Sorry for the trouble' });
  await waitFor(
    'the saved reply in the box',
    async () => (await box.inputValue()) === 'Hi Rosa Díaz, sorry for the trouble! ',
  );
  // The caret is left after what went in (a frame later), so typing carries on from there.
  await waitFor('the caret after the saved reply', () =>
    box.evaluate((el) => {
      const area = el as unknown as {
        value: string;
        selectionStart: number;
        ownerDocument: { activeElement: unknown };
      };
      return area.ownerDocument.activeElement === area && area.selectionStart === area.value.length;
    }),
  );
  await box.pressSequentially('We are sending a new one today.');
  const draft = 'Hi Rosa Díaz, sorry for the trouble! We are sending a new one today.';
  expect(await box.inputValue()).toBe(draft);
  await p.getByText(`${draft.length} / 300`).waitFor();

  // The customer writes again before the reply goes: refused, the draft kept, the new message marked.
  await seedInboundMessage(h, conversation.id, 'Hello??');
  await p.getByRole('button', { name: 'Send reply' }).click();
  await p.getByText('New messages arrived while you were writing.').waitFor();
  expect(await box.inputValue()).toBe(draft);
  const fresh = messages.filter({ hasText: 'Hello??' });
  await fresh.getByText('New', { exact: true }).waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-conversation-collision-phone');
  await p.getByRole('button', { name: 'I have read them' }).click();
  await p.getByRole('button', { name: 'Send reply' }).click();

  // The reply is stored against the thread as the editor saw it and shown with its status; sending
  // it on the network is the conversation workflow's work (its own tests).
  await p.getByTestId('reply').filter({ hasText: draft }).waitFor();
  expect(await box.inputValue()).toBe('');
  const stored = await h.db
    .selectFrom('inbox_replies')
    .selectAll()
    .where('conversation_id', '=', conversation.id)
    .execute();
  expect(stored).toEqual([
    expect.objectContaining({
      text: draft,
      author_id: editor.userId,
      conversation_version: conversation.version + 1,
      saved_reply_id: expect.any(String),
    }),
  ]);
  await p
    .getByTestId('reply')
    .getByText(/Awaiting approval|Sending|Sent/)
    .waitFor();

  // A note mentioning the analyst, and the conversation set to pending and assigned to the editor.
  const analystEmail = (
    await h.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', chorus.member('analyst').userId)
      .executeTakeFirstOrThrow()
  ).email;
  // Typing "@" and part of a name offers the members it fits; a tap completes the mention.
  const note = p.getByLabel(/^Add a note/);
  await note.fill('Replacement sent, @analy');
  await p
    .getByRole('list', { name: 'Mention a teammate' })
    .getByRole('button', { name: /^analyst/ })
    .click();
  const mention = `@${analystEmail.split('@')[0]}`;
  expect(await note.inputValue()).toBe(`Replacement sent, ${mention} `);
  await note.press('End');
  await note.pressSequentially('please check stock');
  await p.getByRole('button', { name: 'Add note' }).click();
  await p.locator('.note').getByText('please check stock').waitFor();
  await p.locator('.note strong', { hasText: mention }).waitFor();
  const notes = await h.db
    .selectFrom('inbox_notes')
    .selectAll()
    .where('conversation_id', '=', conversation.id)
    .execute();
  expect(notes[0]!.mentioned_user_ids).toEqual([chorus.member('analyst').userId]);
  await p.getByRole('button', { name: 'Assign to me' }).click();
  await p.getByLabel('Status').selectOption('pending');
  await waitFor('the conversation pending and the editor’s', async () => {
    const row = await h.db
      .selectFrom('inbox_conversations')
      .select(['status', 'assignee_id'])
      .where('id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    return row.status === 'pending' && row.assignee_id === editor.userId;
  });
  expect(await smallTouchTargets(p)).toEqual([]);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-conversation-phone');

  // The contact card opens the customer's past conversation; nothing of this one's open reply box comes along.
  await box.click();
  await box.fill('half a thought');
  await p.getByRole('link', { name: 'Love the new release!' }).click();
  await countIs(messages, 1);
  await messages.getByText('Love the new release!').waitFor();
  expect(await p.getByText('New', { exact: true }).count()).toBe(0);
  expect(await p.getByRole('textbox', { name: /^Reply to/ }).inputValue()).toBe('');

  // Back to the list, one tap.
  await p.getByRole('link', { name: '← Inbox' }).click();
  await views.getByRole('button', { name: 'Mine 1' }).waitFor();
  await p.context().close();

  // The same screens at desktop size.
  const d = await signedIn(editor, DESKTOP);
  await d.goto('/inbox');
  await d.getByTestId('conversation').first().waitFor();
  expect(await seriousViolations(d)).toEqual([]);
  await screenshot(d, 'inbox-desktop');
  await d.goto(`/inbox/${conversation.id}`);
  await d.getByRole('heading', { name: 'Rosa Díaz' }).waitFor();
  await screenshot(d, 'inbox-conversation-desktop');
  await d.context().close();
});

test('on a phone (and at a desk) that loses the connection, the conversation and the draft stay on screen, marked not up to date, until it is back', async () => {
  const owner = chorus.workspace();
  const conversation = await seedConversation(chorus.harness(), {
    workspaceId: owner.workspaceId,
    handle: 'tunnel.bsky.test',
    displayName: 'Lee in a Tunnel',
    messages: [{ text: 'Where is my parcel?' }],
  });
  for (const [viewport, size] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ] as const) {
    const p = await signedIn(chorus.member('editor'), viewport);
    await p.goto(`/inbox/${conversation.id}`);
    await p.getByRole('heading', { name: 'Lee in a Tunnel' }).waitFor();
    const box = p.getByRole('textbox', { name: /^Reply to/ });
    await box.fill('It left our warehouse on');

    // The screen's polls of the conversation fail (retried, then given up).
    const reconnect = await loseConnectionTo(p, `/v1/inbox/conversations/${conversation.id}`);
    await notUpToDate(p).waitFor();
    await p.getByText('Where is my parcel?').waitFor();
    expect(await box.inputValue()).toBe('It left our warehouse on');
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, `inbox-conversation-offline-${size}`);

    // Back online: the next poll clears the notice; the draft was never touched.
    await reconnect();
    await notUpToDate(p).waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('It left our warehouse on');
    await p.context().close();
  }
});

test('an analyst reads the inbox and a conversation without the controls only the team that engages has', async () => {
  const owner = chorus.workspace();
  const seeded = await seedConversation(chorus.harness(), {
    workspaceId: owner.workspaceId,
    handle: 'reader.bsky.test',
    displayName: 'Quiet Reader',
    messages: [{ text: 'Just saying hi' }],
  });
  const p = await signedIn(chorus.member('analyst'), PHONE);
  await p.goto(`/inbox/${seeded.id}`);
  await p.getByRole('heading', { name: 'Quiet Reader' }).waitFor();
  await p.getByText('Just saying hi').waitFor();
  expect(await p.getByRole('textbox', { name: /^Reply to/ }).count()).toBe(0);
  expect(await p.getByRole('button', { name: 'Mark as spam' }).count()).toBe(0);
  expect(await p.getByLabel('Status').count()).toBe(0);
  expect(await seriousViolations(p)).toEqual([]);
  await p.context().close();
});

test('an owner sets the inbox up from a phone (away, SLA targets, an assignment rule, reply approval) and reads the SLA report', async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  const editor = chorus.member('editor');
  // Answered after 10 minutes by the editor: the report's figures.
  await seedConversation(h, {
    workspaceId: owner.workspaceId,
    handle: 'fast.bsky.test',
    displayName: 'Answered Fast',
    assigneeId: editor.userId,
    startedAt: new Date(Date.now() - 2 * 3600_000),
    messages: [{ text: 'Quick question' }, { text: 'Sure!', direction: 'out', atMinute: 10, authorId: editor.userId }],
    firstResponseAfterMinutes: 10,
  });
  const p = await signedIn(owner, PHONE);
  await p.goto('/settings/inbox');
  await p.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();

  await p.getByLabel('I’m away').check();
  await waitFor('the owner away', async () => {
    const m = await h.db
      .selectFrom('memberships')
      .select('away')
      .where('user_id', '=', owner.userId)
      .where('workspace_id', '=', owner.workspaceId)
      .executeTakeFirstOrThrow();
    return m.away;
  });

  const urgent = p.getByRole('row', { name: /urgent/ });
  await urgent.getByRole('checkbox').check();
  await p.getByLabel('urgent: first response in minutes').fill('15');
  await p.getByLabel('urgent: resolution in minutes').fill('240');
  await p.getByLabel('urgent: remind before in minutes').fill('5');
  await p.getByRole('button', { name: 'Save targets' }).click();
  await p.getByText('Saved; open conversations’ deadlines follow.').waitFor();
  const targets = await h.db
    .selectFrom('inbox_sla_targets')
    .selectAll()
    .where('workspace_id', '=', owner.workspaceId)
    .execute();
  expect(targets).toEqual([
    expect.objectContaining({
      priority: 'urgent',
      first_response_minutes: 15,
      resolution_minutes: 240,
      remind_before_minutes: 5,
    }),
  ]);

  await p.getByRole('button', { name: 'New rule' }).click();
  await p.getByLabel('Rule name').fill('Refunds');
  await p.getByLabel('Says any of these words (comma-separated)').fill('refund, money back');
  await p.getByRole('combobox', { name: /^Role/ }).selectOption('editor');
  await p.getByRole('button', { name: 'Save rule' }).click();
  await p.getByText('saying “refund” or “money back” → in turn among every editor').waitFor();

  await p.getByLabel('Which replies need approval').selectOption('all');
  // The new step's approvers: every owner (the workspace has no admin).
  await p.getByLabel('Every owner').check();
  await p.getByLabel('Every admin').uncheck();
  await p.getByRole('button', { name: 'Save reply approval' }).click();
  await p.getByText('Saved.', { exact: true }).waitFor();
  const settings = await h.db
    .selectFrom('inbox_settings')
    .select('reply_approval')
    .where('workspace_id', '=', owner.workspaceId)
    .executeTakeFirstOrThrow();
  expect(settings.reply_approval).toMatchObject({ mode: 'all', steps: [expect.objectContaining({ name: 'Review' })] });
  expect(await smallTouchTargets(p)).toEqual([]);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-settings-phone');
  await p.setViewportSize(DESKTOP);
  await screenshot(p, 'inbox-settings-desktop');
  await p.setViewportSize(PHONE);

  await p.goto('/inbox/report');
  await p.getByRole('heading', { name: 'SLA report' }).waitFor();
  const perMember = p.getByRole('region', { name: 'Per member' });
  const row = perMember.getByRole('row', { name: /editor/ });
  await row.getByRole('cell', { name: '10 min' }).first().waitFor();
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-sla-report-phone');
  await p.setViewportSize(DESKTOP);
  await screenshot(p, 'inbox-sla-report-desktop');
  await p.context().close();
});

test("a reply awaiting approval shows its chain to its author, and to its approver each step's decision in turn", async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  const editor = chorus.member('editor');
  const channelId = await seedChannel(h, {
    workspaceId: owner.workspaceId,
    createdBy: owner.userId,
    provider: 'bluesky',
  });
  const seeded = await seedConversation(h, {
    workspaceId: owner.workspaceId,
    channelId,
    handle: 'waiting.bsky.test',
    displayName: 'Waiting Customer',
    messages: [{ text: 'Can I get a refund?' }],
  });
  // As the reply route leaves a reply the workspace's policy holds for approval (the route has its own
  // tests), and its conversation's workflow told: a chain of two steps, both the owner's.
  const steps = ['Review', 'Sign-off'].map((name) => ({ name, mode: 'any', eligibleUserIds: [owner.userId] }));
  const stored = await h.db
    .insertInto('inbox_replies')
    .values({
      workspace_id: owner.workspaceId,
      conversation_id: seeded.id,
      in_reply_to_message_id: seeded.messageIds[0]!,
      author_id: editor.userId,
      text: 'Yes, within 30 days.',
      status: 'awaiting_approval',
      approval_steps: JSON.stringify(steps),
      conversation_version: seeded.version,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const workflow = await signalConversation(
    h.client,
    h.taskQueue,
    { conversationId: seeded.id, workspaceId: owner.workspaceId },
    { replyId: stored.id },
  );
  try {
    const author = await signedIn(editor, PHONE);
    await author.goto(`/inbox/${seeded.id}`);
    const reply = author.getByTestId('reply').filter({ hasText: 'Yes, within 30 days.' });
    await reply.getByText('Awaiting approval').waitFor();
    await reply.getByText('Step 1 of 2').waitFor();
    expect(await reply.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await author.context().close();

    const approver = await signedIn(owner, PHONE);
    await approver.goto(`/inbox/${seeded.id}`);
    const pending = approver.getByTestId('reply').filter({ hasText: 'Yes, within 30 days.' });
    await pending.getByText('Step 1 of 2').waitFor();
    await pending.getByRole('button', { name: 'Reject' }).waitFor();
    expect(await seriousViolations(approver)).toEqual([]);
    await screenshot(approver, 'inbox-reply-approval-phone');
    await pending.getByRole('button', { name: 'Approve', exact: true }).click();
    // The second step's decision names step 2: the first step's would be refused (409).
    await pending.getByText('Step 2 of 2').waitFor();
    await pending.getByRole('button', { name: 'Approve', exact: true }).click();
    // Each decision is audited by the conversation's workflow, beside the reply going on its way.
    const audited = await waitFor('both decisions audited', async () => {
      const rows = await h.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('subject_type', '=', 'reply')
        .where('subject_id', '=', stored.id)
        .execute();
      return rows.length >= 2 && rows;
    });
    expect(audited.map((a) => [a.action, (a.after as { step: number }).step]).sort()).toEqual([
      ['reply.approval_decided', 1],
      ['reply.approval_decided', 2],
    ]);
    await pending.getByText(/Sending|Sent|Failed/).waitFor();
    await approver.context().close();
  } finally {
    await workflow.terminate('test over').catch(() => undefined);
  }
});

test("on Mastodon the reply box starts with the author's @acct; the conversation links to the post and campaign it answers", async () => {
  const owner = chorus.workspace();
  const h = chorus.harness();
  const channelId = await seedChannel(h, {
    workspaceId: owner.workspaceId,
    createdBy: owner.userId,
    provider: 'mastodon',
  });
  const campaign = await chorus.call(owner.token, 'POST', '/v1/campaigns', {
    name: 'Autumn menu',
    startsAt: new Date(Date.now() + 60_000).toISOString(),
    endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    channelIds: [channelId],
  });
  expect(campaign.statusCode).toBe(201);
  const post = await chorus.call(owner.token, 'POST', '/v1/posts', {
    text: 'Pumpkin soup is back',
    channelIds: [channelId],
    publishAt: new Date(Date.now() + 3600_000).toISOString(),
    campaignId: campaign.json().id,
  });
  expect(post.statusCode).toBe(201);
  const seeded = await seedConversation(h, {
    workspaceId: owner.workspaceId,
    channelId,
    network: 'mastodon',
    handle: 'souplover@elsewhere.test',
    displayName: 'Soup Lover',
    messages: [{ text: 'Is it vegan?' }],
    postId: post.json().id,
    campaignId: campaign.json().id,
  });
  const p = await signedIn(owner, PHONE);
  await p.goto(`/inbox/${seeded.id}`);
  const box = p.getByRole('textbox', { name: /Reply to/ });
  await box.waitFor();
  expect(await box.inputValue()).toBe('@souplover@elsewhere.test ');
  // The mention alone is no reply.
  expect(await p.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
  await p.getByRole('link', { name: /Pumpkin soup is back/ }).click();
  await p.waitForURL(`**/posts/${post.json().id}`);
  await p.goBack();
  await p.getByRole('link', { name: 'Autumn menu' }).click();
  await p.waitForURL(`**/campaigns/${campaign.json().id}`);
  await p.context().close();
  await chorus.call(owner.token, 'POST', `/v1/posts/${post.json().id}/cancel`);
});

test('a filter narrows the list and "More conversations" pages on past the first thirty', async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  for (let i = 0; i < 31; i++)
    await seedConversation(h, {
      workspaceId: owner.workspaceId,
      handle: `bulk-${i}.bsky.test`,
      displayName: `Bulk ${i}`,
      tags: ['bulk'],
      startedAt: new Date(Date.now() - (i + 1) * 60_000),
      messages: [{ text: `Bulk message ${i}` }],
    });
  const p = await signedIn(chorus.member('editor'), PHONE);
  await p.goto('/inbox');
  await p.getByText('Filters', { exact: true }).click();
  await p.getByLabel('Tag', { exact: true }).fill('bulk');
  await p.getByText('Filters (1 on)').waitFor();
  const items = p.getByTestId('conversation');
  await countIs(items, 30);
  expect(await seriousViolations(p)).toEqual([]);
  await screenshot(p, 'inbox-filters-phone');
  await p.getByRole('button', { name: 'More conversations' }).click();
  await countIs(items, 31);
  // Newest first: the oldest of them is last, and nothing repeats across the pages.
  await items.last().getByText('Bulk 30').waitFor();
  expect(new Set(await items.locator('.conversation-author').allTextContents()).size).toBe(31);
  expect(await p.getByRole('button', { name: 'More conversations' }).count()).toBe(0);
  await p.context().close();
});

test('mark as spam asks first, closes the conversation, marks its author and goes back to the inbox', async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  const seeded = await seedConversation(h, {
    workspaceId: owner.workspaceId,
    handle: 'spammer.bsky.test',
    displayName: 'Cheap Followers',
    messages: [{ text: 'Buy 10k followers now!!!' }],
  });
  const p = await signedIn(chorus.member('editor'), PHONE);
  await p.goto(`/inbox/${seeded.id}`);
  const dialogs: string[] = [];
  p.once('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  await p.getByRole('button', { name: 'Mark as spam' }).click();
  await p.getByRole('heading', { name: 'Inbox' }).waitFor();
  expect(dialogs).toEqual(['Close this conversation as spam? Later messages from Cheap Followers will be dropped.']);
  const row = await h.db
    .selectFrom('inbox_conversations as c')
    .innerJoin('inbox_contacts as ct', 'ct.id', 'c.contact_id')
    .select(['c.status', 'c.spam', 'ct.spam as contactSpam'])
    .where('c.id', '=', seeded.id)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ status: 'closed', spam: true, contactSpam: true });
  await p.context().close();
});
