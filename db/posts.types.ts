// The posts tables, apart from their repository (db/posts.ts): db/audit.ts needs their statuses as it
// loads, and the repository imports db/audit.ts.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type { PostStatus, TargetStatus } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { PostStatus, TargetStatus };

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

export type Post = Selectable<PostsTable>;
export type PostTarget = Selectable<PostTargetsTable>;
export type NewPostTarget = Insertable<PostTargetsTable>;
