import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Unavailable } from '../contracts/errors';
import { EmptyListPlugin } from './empty-lists';
import type { AlertsTable } from './alerts';
import type { AnalyticsEventsTable, WeeklyReportSettingsTable } from './analytics-events';
import type {
  ApprovalDecisionsTable,
  ApprovalPoliciesTable,
  ContentRulesTable,
  IdempotentRequestsTable,
} from './approvals';
import type { AuditCheckpointsTable, AuditLogTable } from './audit';
import type { CampaignsTable } from './campaigns.types';
import type { ChannelsTable } from './channels';
import type {
  InboxAssignmentRulesTable,
  InboxContactsTable,
  InboxConversationsTable,
  InboxConversationSignalsTable,
  InboxCursorsTable,
  InboxMessagesTable,
  InboxNotesTable,
  InboxRepliesTable,
  InboxReplyLeasesTable,
  InboxSettingsTable,
  InboxSlaTargetsTable,
} from './inbox.types';
import type { ImportJobRowsTable, ImportJobsTable } from './imports';
import type { InstagramMentionEventsTable } from './instagram-mentions';
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
import type { AudienceSnapshotsTable, MetricSnapshotsTable, TargetMetricsTable } from './metrics';
import type { NotificationsTable } from './notifications';
import type { OAuthPendingConnectionsTable, OAuthStatesTable } from './oauth';
import type { MediaAssetsTable, PostMediaTable, PostTargetsTable, PostsTable } from './posts.types';
import type { PostTargetNetworkStateTable } from './publish-network-state';
import type { RecurrencesTable } from './recurrences';
import type { SessionsTable } from './sessions';
import type { ShortLinkClicksTable, ShortLinksTable } from './short-links';
import type { ApiTokensTable } from './tokens';
import type { PublishHoldsTable, WorkerLeasesTable } from './publish-leases';
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
  oauth_states: OAuthStatesTable;
  oauth_pending_connections: OAuthPendingConnectionsTable;
  posts: PostsTable;
  post_targets: PostTargetsTable;
  post_target_network_state: PostTargetNetworkStateTable;
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
  inbox_contacts: InboxContactsTable;
  inbox_conversations: InboxConversationsTable;
  inbox_messages: InboxMessagesTable;
  inbox_cursors: InboxCursorsTable;
  inbox_conversation_signals: InboxConversationSignalsTable;
  inbox_notes: InboxNotesTable;
  inbox_replies: InboxRepliesTable;
  inbox_reply_leases: InboxReplyLeasesTable;
  inbox_sla_targets: InboxSlaTargetsTable;
  inbox_assignment_rules: InboxAssignmentRulesTable;
  inbox_settings: InboxSettingsTable;
  instagram_mention_events: InstagramMentionEventsTable;
  metric_snapshots: MetricSnapshotsTable;
  target_metrics: TargetMetricsTable;
  audience_snapshots: AudienceSnapshotsTable;
  short_links: ShortLinksTable;
  short_link_clicks: ShortLinkClicksTable;
  weekly_report_settings: WeeklyReportSettingsTable;
  analytics_events: AnalyticsEventsTable;
  worker_leases: WorkerLeasesTable;
  publish_holds: PublishHoldsTable;
}

export type Db = Kysely<Database>;

export interface DbOptions {
  /**
   * How long opening a connection may take (ms): past it, the query fails with `Unavailable`
   * instead of waiting on a database that does not answer (a refused connection fails at once).
   */
  connectTimeoutMs?: number;
  /**
   * How long a query may wait for a pooled connection when all are in use (ms), then `Unavailable`:
   * long enough for a burst of work to queue, short of a request waiting forever.
   */
  acquireTimeoutMs?: number;
  /** Where a connection lost outside any query is reported (it is dropped, and the next query connects anew). */
  onConnectionError?: (err: Error) => void;
  /**
   * Whether the reads marked by nameStatement run as named prepared statements (default true).
   * Off where connections share one server session, as on the embedded PGlite (db/embedded.ts):
   * there a name prepared by one connection exists for all, and a second one preparing it fails.
   */
  namedStatements?: boolean;
}

/**
 * How Chorus's pools must use the embedded database (db/embedded.ts): PGlite is one PostgreSQL session, which its
 * socket server shares between all connections (each transaction kept to its own connection), so
 * session state such as a named prepared statement is every connection's.
 */
export const EMBEDDED_DB_OPTIONS: DbOptions = { namedStatements: false };

export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;

/** Node socket errors that mean the server is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server shutting down, starting up or refusing connections (class 08: connection exception). */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres and pg-pool say (as plain `Error`s) when a connection is lost or never made. */
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection terminated due to connection timeout|timeout expired$)/;

/**
 * True when `err` (or an error it wraps) says PostgreSQL is unreachable, not that a query is wrong.
 * Read by shape, not `instanceof Error`: Node's socket errors may come from another realm (jest's).
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, errors, cause } = e as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code) || code.startsWith('08')))
      return true;
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
    // Connecting to a host name with several addresses fails with one error per address.
    if (Array.isArray(errors) && errors.some(isConnectionError)) return true;
    e = cause;
  }
  return false;
}

/** A lost or refused connection as the domain's `Unavailable` (the API answers 503); other errors unchanged. */
function asOutage(err: unknown): unknown {
  return err instanceof Unavailable || !isConnectionError(err)
    ? err
    : new Unavailable('The database (PostgreSQL) is unreachable; try again shortly.', err);
}

type Query = (...args: unknown[]) => unknown;

/**
 * Every query of this client rejects with `Unavailable` when its connection is lost; and a loss
 * between queries (the client checked out, in a transaction waiting on Temporal) is reported
 * instead of being an unhandled 'error' event that ends the process.
 */
/**
 * bigint columns (ids, counts) come back as strings, pg's default, whatever else in the process
 * changed pg's global parsers: Bluesky's appview, run in-process by tests, parses them as numbers.
 */
const INT8_AS_TEXT: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Statements run by name (see nameStatement): their SQL → their name. */
const statementNames = new Map<string, string>();

/**
 * Has every connection run this SQL as a named prepared statement: PostgreSQL then parses and plans
 * it once per connection, not at every run (pg sends the text only the first time a connection
 * runs the name). For the hot reads whose text never changes (db/prepared.ts): parsing and
 * planning a post read with its targets and media cost PostgreSQL more than running it (issue 13,
 * docs/benchmarks.md "api-load"). A pooler between Chorus and PostgreSQL must keep prepared
 * statements per client (PgBouncer in transaction mode: 1.21 or later, `max_prepared_statements`).
 */
export function nameStatement(text: string): void {
  if (!statementNames.has(text))
    statementNames.set(text, `chorus_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
}

function guardClient(client: pg.PoolClient, onError: (err: Error) => void, namedStatements: boolean) {
  client.on('error', onError);
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (...args) => {
    const name = namedStatements && typeof args[0] === 'string' ? statementNames.get(args[0]) : undefined;
    const result = name ? query({ name, text: args[0], values: args[1] }) : query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(asOutage(err))) : result;
  };
}

/** Reports connection errors, once per burst: an outage drops every pooled connection at once. */
function reporter(report: (err: Error) => void): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last > 5000) report(err);
    last = now;
  };
}

const logLost = (err: Error) =>
  console.error(`PostgreSQL connection lost (${err.message}); the next query connects again`);

/**
 * A Kysely over a pg pool that rides out an outage: connections the server drops are discarded
 * (reported, never an unhandled 'error' that ends the process), opening a connection takes at most
 * `connectTimeoutMs`, and a query that cannot reach the server fails with `Unavailable`. Once the
 * server is back the next query connects again; nothing needs restarting.
 */
export function createDb(connectionString: string, poolSize = 10, options: DbOptions = {}): Db {
  const onError = reporter(options.onConnectionError ?? logLost);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  // pg-pool's connectionTimeoutMillis bounds the wait for a free connection; the client's own, its connect.
  class BoundedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({
        ...(typeof config === 'string' ? { connectionString: config } : config),
        connectionTimeoutMillis: connectTimeoutMs,
      });
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    Client: BoundedClient,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    // A server that vanishes without closing the connection is noticed by TCP keepalive.
    keepAlive: true,
    types: INT8_AS_TEXT,
  });
  // An idle connection the server drops: pg-pool discards it and emits 'error' here.
  pool.on('error', onError);
  pool.on('connect', (client) => guardClient(client, onError, options.namedStatements ?? true));
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: () => pool.connect().catch((err: unknown) => Promise.reject(asOutage(err))),
        end: () => pool.end(),
      },
    }),
    // No repository has to guard its `in (...)` lists: an empty one means "none" (db/empty-lists.ts).
    plugins: [new EmptyListPlugin()],
  });
}
