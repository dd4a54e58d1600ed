import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The engagement inbox: the people who talk to a workspace's accounts (contacts), what they said
// (messages, inbound and the team's replies) grouped into conversations, and the team's work on
// them (assignment, notes, SLA targets, replies and their approval, who is replying now).
export async function up(db: Kysely<any>): Promise<void> {
  const workspaceId = (c: any) => c.notNull().references('workspaces.id').onDelete('cascade');

  // One per author per network per workspace: their profile as last seen, and whether the team
  // closed them as spam (their later items are dropped as noise).
  await db.schema
    .createTable('inbox_contacts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('network', 'text', (c) => c.notNull().check(sql`network in ('bluesky', 'mastodon', 'push')`))
    // A Bluesky DID, a Mastodon account id (as the instance gives it), a pushing system's author key.
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('profile_url', 'text')
    .addColumn('spam', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('inbox_contacts_uq', ['workspace_id', 'network', 'external_id'])
    .execute();

  await db.schema
    .createTable('inbox_conversations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    // The connected channel it came through; null for items pushed by another system.
    .addColumn('channel_id', 'uuid', (c) => c.references('channels.id').onDelete('cascade'))
    .addColumn('network', 'text', (c) => c.notNull().check(sql`network in ('bluesky', 'mastodon', 'push')`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('thread', 'direct')`))
    // What groups its messages: a thread's root (at:// URI, status id), a direct conversation's id,
    // a pushing system's ticket id.
    .addColumn('thread_key', 'text', (c) => c.notNull())
    // The Chorus post it answers (so its campaign), when the thread's root is one of ours.
    .addColumn('post_id', 'uuid', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id').onDelete('set null'))
    // Who started it (the customer).
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('inbox_contacts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'pending', 'closed')`),
    )
    .addColumn('priority', 'text', (c) =>
      c
        .notNull()
        .defaultTo('normal')
        .check(sql`priority in ('low', 'normal', 'high', 'urgent')`),
    )
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('assignee_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    // The latest inbound message's sentiment; the lead flag stays once any message was a lead.
    .addColumn('sentiment_label', 'text')
    .addColumn('sentiment_score', 'real')
    .addColumn('lead', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('spam', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_inbound_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_inbound_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull())
    // The first reply sent by the team since the conversation (re)opened; SLA figures use it.
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    // SLA deadlines as set when the conversation (re)opened or its priority changed, and breaches.
    .addColumn('first_response_due_at', 'timestamptz')
    .addColumn('resolution_due_at', 'timestamptz')
    .addColumn('first_response_breached_at', 'timestamptz')
    .addColumn('resolution_breached_at', 'timestamptz')
    // Bumped by every new message in or out: a reply written against an older version is refused.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint(
      'inbox_conversations_thread_uq',
      ['workspace_id', 'channel_id', 'network', 'thread_key'],
      (c) => c.nullsNotDistinct(),
    )
    .execute();
  await db.schema
    .createIndex('inbox_conversations_list_idx')
    .on('inbox_conversations')
    .columns(['workspace_id', 'status', 'last_message_at'])
    .execute();
  await db.schema
    .createIndex('inbox_conversations_contact_idx')
    .on('inbox_conversations')
    .columns(['contact_id'])
    .execute();

  await db.schema
    .createTable('inbox_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('inbox_conversations.id').onDelete('cascade'))
    .addColumn('channel_id', 'uuid', (c) => c.references('channels.id').onDelete('cascade'))
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('reply', 'mention', 'quote', 'direct', 'push', 'reply_out')`),
    )
    // The item on the network: an at:// URI, a status id, a pushing system's id.
    .addColumn('external_id', 'text', (c) => c.notNull())
    // Bluesky's record CID (a reply needs strong refs to its parent and root).
    .addColumn('external_cid', 'text')
    .addColumn('url', 'text')
    .addColumn('parent_external_id', 'text')
    .addColumn('parent_cid', 'text')
    .addColumn('root_external_id', 'text')
    .addColumn('root_cid', 'text')
    // Inbound: who wrote it; outbound: the member whose reply it was.
    .addColumn('contact_id', 'bigint', (c) => c.references('inbox_contacts.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    // Stored as received, shown as text (never as HTML).
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sentiment_label', 'text')
    .addColumn('sentiment_score', 'real')
    .addColumn('lead', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    // When the network says it was written.
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Stored once per item per source, however often a read sees it (a reply that also mentions).
    .addUniqueConstraint('inbox_messages_item_uq', ['workspace_id', 'channel_id', 'network', 'external_id'], (c) =>
      c.nullsNotDistinct(),
    )
    .execute();
  await db.schema
    .createIndex('inbox_messages_conversation_idx')
    .on('inbox_messages')
    .columns(['conversation_id', 'sent_at'])
    .execute();

  // Where each channel's inbound read is: a restart resumes after it, neither skipping nor repeating.
  await db.schema
    .createTable('inbox_cursors')
    .addColumn('channel_id', 'uuid', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    // 'notifications', 'conversations', …: one per stream the channel's reader follows.
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inbox_cursors_pk', ['channel_id', 'stream'])
    .execute();

  await db.schema
    .createTable('inbox_notes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('inbox_conversations.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('mentioned_user_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The team's replies, from written to sent: approval (when the workspace's policy asks for it)
  // and the send, which the conversation's workflow owns.
  await db.schema
    .createTable('inbox_replies')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('inbox_conversations.id').onDelete('cascade'))
    .addColumn('in_reply_to_message_id', 'bigint', (c) => c.notNull().references('inbox_messages.id'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('saved_reply_id', 'uuid', (c) => c.references('library_items.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('awaiting_approval', 'sending', 'sent', 'failed', 'rejected')`),
    )
    .addColumn('approval_steps', 'jsonb')
    // The sent item (at:// URI, status id), once the network has it.
    .addColumn('external_id', 'text')
    .addColumn('url', 'text')
    .addColumn('error', 'text')
    // The conversation's version the member replied to (collision control).
    .addColumn('conversation_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();

  // Who has a conversation's reply box open: a lease renewed while they type, gone when it expires.
  await db.schema
    .createTable('inbox_reply_leases')
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('inbox_conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_reply_leases_pk', ['conversation_id', 'user_id'])
    .execute();

  // Response-time targets per workspace and priority (minutes).
  await db.schema
    .createTable('inbox_sla_targets')
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('low', 'normal', 'high', 'urgent')`))
    .addColumn('first_response_minutes', 'integer', (c) => c.notNull().check(sql`first_response_minutes > 0`))
    .addColumn('resolution_minutes', 'integer', (c) => c.notNull().check(sql`resolution_minutes > 0`))
    // How long before a deadline the assignee is reminded.
    .addColumn('remind_before_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('inbox_sla_targets_pk', ['workspace_id', 'priority'])
    .execute();

  // Rules that assign a new conversation, first match by position.
  await db.schema
    .createTable('inbox_assignment_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // { channelIds?, keywords?, sentiment?, lead? }: every given condition must hold.
    .addColumn('conditions', 'jsonb', (c) => c.notNull())
    // { role } or { userIds }: round-robin among those members who are not away.
    .addColumn('assignees', 'jsonb', (c) => c.notNull())
    // Round-robin: the member assigned last by this rule.
    .addColumn('last_assigned_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The workspace's inbox policy: which replies need approval before they are sent.
  await db.schema
    .createTable('inbox_settings')
    .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    // { mode: 'none' | 'all' | 'roles' | 'rules', roles?, steps? }
    .addColumn('reply_approval', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A member away (holiday, off shift) is skipped by round-robin assignment.
  await db.schema
    .alterTable('memberships')
    .addColumn('away', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  // Saved replies live in the content library beside snippets and templates.
  await sql`alter table library_items drop constraint if exists library_items_kind_check`.execute(db);
  await sql`alter table library_items add constraint library_items_kind_check
    check (kind in ('snippet', 'template', 'media', 'saved_reply'))`.execute(db);

  // Reminders, escalations, assignments and note mentions about a conversation.
  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert', 'conversation'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notifications where subject_type = 'conversation'`.execute(db);
  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert'))`.execute(db);
  await sql`delete from library_items where kind = 'saved_reply'`.execute(db);
  await sql`alter table library_items drop constraint if exists library_items_kind_check`.execute(db);
  await sql`alter table library_items add constraint library_items_kind_check
    check (kind in ('snippet', 'template', 'media'))`.execute(db);
  await db.schema.alterTable('memberships').dropColumn('away').execute();
  for (const table of [
    'inbox_settings',
    'inbox_assignment_rules',
    'inbox_sla_targets',
    'inbox_reply_leases',
    'inbox_replies',
    'inbox_notes',
    'inbox_cursors',
    'inbox_messages',
    'inbox_conversations',
    'inbox_contacts',
  ])
    await db.schema.dropTable(table).execute();
}
