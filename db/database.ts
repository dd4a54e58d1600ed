import { Kysely, PostgresDialect, type ColumnType, type Generated, type Insertable, type Selectable } from 'kysely';
import pg from 'pg';
import type { RecurrenceRule } from '../content/recurrence';
import type { Role, Scope, UserKind, Provider, PostStatus, TargetStatus, NotificationSubjectType, CampaignStatus, LibraryItemKind } from '../contracts/domain';

// The domain's enums live in contracts/domain.ts (workflows and clients need them without the database); re-exported for the table types' users.
export { ROLES, SCOPES, USER_KINDS, PROVIDERS, POST_STATUSES, TARGET_STATUSES, NOTIFICATION_SUBJECT_TYPES, CAMPAIGN_STATUSES, LIBRARY_ITEM_KINDS } from '../contracts/domain';
export type { Role, Scope, UserKind, Provider, PostStatus, TargetStatus, NotificationSubjectType, CampaignStatus, LibraryItemKind } from '../contracts/domain';

// Timestamps come back as Date and go in as Date or ISO string.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  /** Sealed `{url, secret}` of the Standard Webhooks endpoint that receives approval notifications. */
  notification_webhook_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  /** A service account is a non-human member for an integration: tokens minted by admins, no invitations. */
  kind: ColumnType<UserKind, UserKind | undefined, UserKind>;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  workspace_id: string;
  name: string;
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** null: everything the role allows. */
  scopes: ColumnType<Scope[] | null, Scope[] | null | undefined, Scope[] | null>;
}

export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  /** The member the invitation lets in; the role is their membership's, read when the token is used. */
  user_id: string;
  /** sha256 of the code; the code is shown once to the inviter (and emailed), never stored. */
  code_hash: string;
  created_by: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  /** The token the code was redeemed for. */
  token_id: string | null;
  revoked_at: Timestamp | null;
  revoked_reason: 'revoked' | 'reissued' | 'member_removed' | null;
}

export interface ChannelsTable {
  id: Generated<string>;
  workspace_id: string;
  provider: Provider;
  name: string;
  /** Who the channel posts as: a Bluesky DID, a webhook host. Never a secret. */
  account_ref: string;
  /** AES-256-GCM sealed JSON of the provider's credentials. */
  credentials_sealed: string;
  /** IANA timezone the channel's queue slots are in. */
  timezone: Generated<string>;
  /** Weekly queue slots, local times: `[{ day: 1-7 (Monday = 1), time: 'HH:MM' }]`. */
  slots: ColumnType<QueueSlot[], string | undefined, string>;
  min_gap_minutes: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  deleted_at: Timestamp | null;
  /** False after a run of failed sends (or refused credentials), until a send succeeds or a reconnect. */
  healthy: Generated<boolean>;
  consecutive_failures: Generated<number>;
  last_error: string | null;
  failing_since: Timestamp | null;
}

export interface PostsTable {
  id: Generated<string>;
  workspace_id: string;
  author_id: string;
  text: string;
  publish_at: Timestamp;
  status: PostStatus;
  workflow_id: string;
  campaign_id: string | null;
  /** Set on posts that are occurrences of a recurring post. */
  recurrence_id: ColumnType<string | null, string | null | undefined, string | null>;
  occurrence: ColumnType<number | null, number | null | undefined, number | null>;
  /** The library item the post was made from, and whether its unchanged approved text skipped the chain. */
  library_item_id: ColumnType<string | null, string | null | undefined, string | null>;
  pre_approved: ColumnType<boolean, boolean | undefined, boolean>;
  /** Who the current approval step waits on (empty when none). */
  awaiting_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** The latest staging of its publishes the workflow announced; only that staging may claim the post. */
  publish_stage: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PostTargetsTable {
  id: Generated<string>;
  post_id: string;
  channel_id: string;
  /** The text sent to this channel: the post's text or its per-channel variant. */
  text: string;
  status: TargetStatus;
  attempts: Generated<number>;
  last_error: string | null;
  /** Key the network (or receiver) enforces, so a retried publish never posts twice. */
  idempotency_key: string;
  external_id: string | null;
  external_url: string | null;
  published_at: Timestamp | null;
  updated_at: Timestamp;
  /** A send of this target is on the network right now (a cancel leaves it to finish). */
  sending: Generated<boolean>;
}

export interface AuditLogTable {
  id: Generated<string>;
  workspace_id: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  at: Timestamp;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

export interface ApprovalPoliciesTable {
  id: Generated<string>;
  workspace_id: string;
  /** null: the workspace-wide policy; otherwise it overrides it for posts to this channel. */
  channel_id: string | null;
  /** A campaign's policy: overrides the others for the campaign's posts and its plan's review. */
  campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
  steps: ColumnType<unknown, string, string>;
  /** One person approves at most one step of a round. */
  distinct_approvers: Generated<boolean>;
  updated_by: string;
  updated_at: Timestamp;
}

/** The first answer to a request sent with an Idempotency-Key, per caller and key. */
export interface IdempotentRequestsTable {
  workspace_id: string;
  user_id: string;
  key: string;
  /** The request's method, path and body, hashed: the same key with another request is refused. */
  fingerprint: string;
  status_code: number;
  body: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

export interface ApprovalDecisionsTable {
  id: Generated<string>;
  post_id: string;
  /** Each edit starts a new round of the chain. */
  round: Generated<number>;
  step: number;
  user_id: string;
  decision: 'approve' | 'reject' | 'request_changes';
  comment: string | null;
  at: Timestamp;
}

export interface ContentRulesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  match: ColumnType<unknown, string, string>;
  step: ColumnType<unknown, string, string>;
  position: 'first' | 'last';
  created_by: string;
  created_at: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<string>;
  workspace_id: string;
  /** Idempotency key: one notification per workflow, kind, step and round, whatever the retries. */
  key: string;
  kind: string;
  subject_type: NotificationSubjectType;
  subject_id: string;
  recipient_ids: string[];
  payload: ColumnType<unknown, string, string>;
  /** Delivered to the workspace's notification webhook. */
  delivered_at: Timestamp | null;
  /** Emailed to the recipients. */
  emailed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface QueueSlot {
  day: number;
  time: string;
}

export interface CampaignUtm {
  medium: string;
  campaign: string;
  /** utm_source per channel id; defaults to the channel's provider. */
  sources?: Record<string, string>;
}

export interface CampaignsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  objective: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  channel_ids: string[];
  owner_id: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  utm: ColumnType<CampaignUtm | null, string | null, string | null>;
  /** Refuse posts outside the campaign's dates. */
  enforce_dates: Generated<boolean>;
  status: CampaignStatus;
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One CSV row, as parsed: its line in the file and its cells by column. */
export interface ImportRow {
  line: number;
  cells: Record<string, string>;
}

export interface ImportJobsTable {
  id: Generated<string>;
  workspace_id: string;
  created_by: string;
  status: 'running' | 'completed' | 'failed';
  rows: ColumnType<ImportRow[], string, string>;
  total: number;
  workflow_id: string;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface ImportJobRowsTable {
  job_id: string;
  line: number;
  post_id: string | null;
  errors: ColumnType<unknown, string | null, string | null>;
}

export interface RecurrencesTable {
  id: Generated<string>;
  workspace_id: string;
  author_id: string;
  text: string;
  channel_ids: string[];
  variants: ColumnType<Record<string, string>, string | undefined, string>;
  rule: ColumnType<RecurrenceRule, string, string>;
  status: 'active' | 'paused' | 'stopped' | 'completed';
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MediaAssetsTable {
  id: Generated<string>;
  workspace_id: string;
  owner_id: string;
  filename: string;
  content_type: string;
  bytes: number;
  width: number | null;
  height: number | null;
  sha256: string;
  storage_key: string;
  created_at: CreatedAt;
}

export interface PostMediaTable {
  post_id: string;
  position: number;
  media_id: string;
  alt: Generated<string>;
  /** Set when the medium came from a library media item. */
  library_item_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LibraryItemsTable {
  id: Generated<string>;
  workspace_id: string;
  kind: LibraryItemKind;
  name: string;
  body: string | null;
  variables: ColumnType<string[], string[] | undefined, string[]>;
  media_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  owner_id: string;
  expires_at: Timestamp | null;
  status: 'awaiting_approval' | 'approved' | 'rejected';
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ListeningSources {
  /** A relay or PDS to read the firehose from (com.atproto.sync.subscribeRepos), and the PLC directory. */
  bluesky?: { service: string; plcUrl?: string; fromCursor?: number };
  /** RSS or Atom feeds, polled with conditional GET at each turn of the loop. */
  rss?: string[];
  /** Mastodon hashtag or search timelines; an access token is stored sealed, never in clear. */
  mastodon?: MastodonSource[];
  /** Match the mentions pushed to POST /v1/listening/ingest by the workspace's ingest keys. */
  push?: boolean;
}

export interface MastodonSource {
  instance: string;
  hashtag?: string;
  search?: string;
  /** The access token, sealed with the credentials key (see db/sealing.ts). */
  accessTokenSealed?: string;
}

export interface NoiseFilters {
  minLength?: number;
  languages?: string[];
  blockAuthors?: string[];
  blockDomains?: string[];
}

/**
 * Spike detection: the last window against the mean of the windows before it. A spike when the
 * window has at least `minVolume` mentions and `volumeFactor` times the baseline, or when its share
 * of negative mentions is at least 0.5 and `negativeShareIncrease` above the baseline's.
 */
export interface AlertingRule {
  windowSeconds: number;
  baselineWindows: number;
  minVolume: number;
  volumeFactor: number;
  negativeShareIncrease: number;
}

export interface MastodonStatesTable {
  query_id: string;
  /** See timelineKey in listening/mastodon.ts. */
  timeline: string;
  /** The newest status id read: the next read asks for statuses after it (min_id). */
  position: string | null;
  /** Rate limit used up: no request before this time. */
  paused_until: Timestamp | null;
  healthy: Generated<boolean>;
  last_error: string | null;
  checked_at: Timestamp;
}

export interface IngestKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  /** The Standard Webhooks secret (whsec_…), sealed: signatures are checked with it. */
  secret_sealed: string;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface IngestDeliveriesTable {
  key_id: string;
  delivery_id: string;
  received_at: CreatedAt;
  /** What the delivery did, answered again to a retry of it. */
  result: ColumnType<unknown, string, string>;
}

export interface FeedStatesTable {
  query_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  healthy: Generated<boolean>;
  last_error: string | null;
  checked_at: Timestamp;
}

export interface AlertsTable {
  id: Generated<string>;
  workspace_id: string;
  query_id: string;
  status: 'open' | 'closed';
  reasons: string[];
  details: ColumnType<unknown, string, string>;
  opened_at: CreatedAt;
  closed_at: Timestamp | null;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
}

export interface ListeningQueriesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  expression: string;
  kind: 'brand' | 'competitor' | 'topic';
  sources: ColumnType<ListeningSources, string, string>;
  filters: ColumnType<NoiseFilters, string, string>;
  alerting: ColumnType<Partial<AlertingRule>, string | undefined, string>;
  status: 'active' | 'paused' | 'deleted';
  bluesky_cursor: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** Since when it has listened without a break (created, resumed, sources changed): the spike baseline starts here. */
  listening_since: ColumnType<Date, Date | string | undefined, Date | string>;
  workflow_id: string;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MentionsTable {
  id: Generated<string>;
  workspace_id: string;
  query_id: string;
  source: string;
  source_id: string;
  author: string;
  text: string;
  lang: string | null;
  url: string | null;
  posted_at: Timestamp;
  sentiment_score: number;
  sentiment_label: string;
  /** A person's correction; statistics use it over the computed label. */
  corrected_label: string | null;
  lead: Generated<boolean>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  dedupe_key: string;
  /** Hash of the normalised words (texts of five words or more): finds the same text from many accounts. */
  text_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface ListeningFilteredTable {
  query_id: string;
  source_id: string;
  reason: string;
  at: CreatedAt;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  channels: ChannelsTable;
  posts: PostsTable;
  post_targets: PostTargetsTable;
  audit_log: AuditLogTable;
  approval_policies: ApprovalPoliciesTable;
  approval_decisions: ApprovalDecisionsTable;
  idempotent_requests: IdempotentRequestsTable;
  content_rules: ContentRulesTable;
  notifications: NotificationsTable;
  campaigns: CampaignsTable;
  import_jobs: ImportJobsTable;
  import_job_rows: ImportJobRowsTable;
  recurrences: RecurrencesTable;
  media_assets: MediaAssetsTable;
  post_media: PostMediaTable;
  library_items: LibraryItemsTable;
  listening_queries: ListeningQueriesTable;
  mentions: MentionsTable;
  listening_filtered: ListeningFilteredTable;
  alerts: AlertsTable;
  feed_states: FeedStatesTable;
  mastodon_states: MastodonStatesTable;
  ingest_keys: IngestKeysTable;
  ingest_deliveries: IngestDeliveriesTable;
}

export type Channel = Selectable<ChannelsTable>;
export type Post = Selectable<PostsTable>;
export type PostTarget = Selectable<PostTargetsTable>;
export type NewPostTarget = Insertable<PostTargetsTable>;

export type Db = Kysely<Database>;

export function createDb(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
