// The campaigns tables, apart from their repository (db/campaigns.ts): db/audit.ts needs their statuses as it
// loads, and the repository imports db/audit.ts.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type { CampaignStatus } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { CampaignStatus };

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
  /** Publish every link of the campaign's posts as a Chorus short link (migration 0036). */
  short_links: Generated<boolean>;
  status: CampaignStatus;
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
