// The inbox's tables (migration 0027), apart from their repositories (db/inbox-*.ts), which each
// feature of the inbox keeps in its own file.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type {
  AssignmentConditions,
  AssignmentPool,
  ConversationKind,
  ConversationStatus,
  InboxNetwork,
  MessageDirection,
  MessageKind,
  Priority,
  ReplyApprovalPolicy,
  ReplyStatus,
} from '../contracts/inbox';

type Bigserial = Generated<string>;
type Tags = ColumnType<string[], string[] | undefined, string[]>;

export interface InboxContactsTable {
  id: Bigserial;
  workspace_id: string;
  network: InboxNetwork;
  external_id: string;
  handle: string;
  display_name: string | null;
  avatar_url: string | null;
  profile_url: string | null;
  spam: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
}

export interface InboxConversationsTable {
  id: Bigserial;
  workspace_id: string;
  channel_id: string | null;
  network: InboxNetwork;
  kind: ConversationKind;
  thread_key: string;
  post_id: string | null;
  campaign_id: string | null;
  contact_id: string;
  status: Generated<ConversationStatus>;
  priority: Generated<Priority>;
  tags: Tags;
  assignee_id: string | null;
  sentiment_label: string | null;
  sentiment_score: number | null;
  lead: Generated<boolean>;
  spam: Generated<boolean>;
  message_count: Generated<number>;
  first_inbound_at: Timestamp;
  last_inbound_at: Timestamp;
  last_message_at: Timestamp;
  first_response_at: Timestamp | null;
  closed_at: Timestamp | null;
  first_response_due_at: Timestamp | null;
  resolution_due_at: Timestamp | null;
  first_response_breached_at: Timestamp | null;
  resolution_breached_at: Timestamp | null;
  /** When the current SLA cycle began (migration 0029): the first inbound message, or the last reopen. */
  sla_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
}

export interface InboxMessagesTable {
  id: Bigserial;
  workspace_id: string;
  conversation_id: string;
  channel_id: string | null;
  network: InboxNetwork;
  direction: MessageDirection;
  kind: MessageKind;
  external_id: string;
  external_cid: string | null;
  url: string | null;
  parent_external_id: string | null;
  parent_cid: string | null;
  root_external_id: string | null;
  root_cid: string | null;
  contact_id: string | null;
  author_id: string | null;
  text: string;
  sentiment_label: string | null;
  sentiment_score: number | null;
  lead: Generated<boolean>;
  deleted: Generated<boolean>;
  sent_at: Timestamp;
  received_at: Generated<Timestamp>;
}

export interface InboxCursorsTable {
  channel_id: string;
  stream: string;
  cursor: string;
  updated_at: Generated<Timestamp>;
}

/** A changed conversation whose workflow is still to be signalled (migration 0042; db/inbox-signals.ts). */
export interface InboxConversationSignalsTable {
  conversation_id: string;
  workspace_id: string;
  task_queue: string;
  seq: Generated<string>;
  queued_at: Generated<Timestamp>;
}

export interface InboxNotesTable {
  id: Bigserial;
  workspace_id: string;
  conversation_id: string;
  author_id: string;
  body: string;
  mentioned_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface InboxRepliesTable {
  id: Bigserial;
  workspace_id: string;
  conversation_id: string;
  in_reply_to_message_id: string;
  author_id: string;
  text: string;
  saved_reply_id: string | null;
  status: ReplyStatus;
  /** The approval chain's steps when the policy asked for one (JSON). */
  approval_steps: ColumnType<unknown, string | null | undefined, string | null>;
  external_id: string | null;
  url: string | null;
  error: string | null;
  conversation_version: number;
  /** What the send left on the network between attempts (a Threads reply's container id; JSON). */
  network_state: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

export interface InboxReplyLeasesTable {
  conversation_id: string;
  user_id: string;
  expires_at: Timestamp;
}

export interface InboxSlaTargetsTable {
  workspace_id: string;
  priority: Priority;
  first_response_minutes: number;
  resolution_minutes: number;
  remind_before_minutes: Generated<number>;
}

export interface InboxAssignmentRulesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  position: number;
  enabled: Generated<boolean>;
  conditions: ColumnType<AssignmentConditions, string, string>;
  assignees: ColumnType<AssignmentPool, string, string>;
  last_assigned_id: string | null;
  created_at: CreatedAt;
}

export interface InboxSettingsTable {
  workspace_id: string;
  reply_approval: ColumnType<ReplyApprovalPolicy, string, string>;
  updated_at: Generated<Timestamp>;
}

export type InboxConversation = Selectable<InboxConversationsTable>;
export type InboxMessage = Selectable<InboxMessagesTable>;
export type InboxContact = Selectable<InboxContactsTable>;
export type InboxReply = Selectable<InboxRepliesTable>;
