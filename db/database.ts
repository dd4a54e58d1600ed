import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { EmptyListPlugin } from './empty-lists';
import type { AlertsTable } from './alerts';
import type {
  ApprovalDecisionsTable,
  ApprovalPoliciesTable,
  ContentRulesTable,
  IdempotentRequestsTable,
} from './approvals';
import type { AuditCheckpointsTable, AuditLogTable } from './audit';
import type { CampaignsTable } from './campaigns.types';
import type { ChannelsTable } from './channels';
import type { ImportJobRowsTable, ImportJobsTable } from './imports';
import type { InvitationsTable } from './invitations';
import type { LibraryItemsTable } from './library';
import type {
  FeedStatesTable,
  IngestDeliveriesTable,
  IngestKeysTable,
  ListeningFilteredTable,
  ListeningQueriesTable,
  MastodonStatesTable,
  MentionsTable,
} from './listening';
import type { MembershipsTable } from './members';
import type { NotificationsTable } from './notifications';
import type { MediaAssetsTable, PostMediaTable, PostTargetsTable, PostsTable } from './posts.types';
import type { RecurrencesTable } from './recurrences';
import type { SessionsTable } from './sessions';
import type { ApiTokensTable } from './tokens';
import type { UsersTable } from './users';
import type { WorkspacesTable } from './workspaces';

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  channels: ChannelsTable;
  posts: PostsTable;
  post_targets: PostTargetsTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
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

export type Db = Kysely<Database>;

export function createDb(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // No repository has to guard its `in (...)` lists: an empty one means "none" (db/empty-lists.ts).
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new EmptyListPlugin()] });
}
