/**
 * What a publish leaves on the network between its attempts (Meta's media container ids), kept per
 * target so that a retry continues that work instead of starting it again (channels/meta-graph.ts).
 */
import type { ColumnType } from 'kysely';
import type { Timestamp } from './columns';
import type { Db } from './database';

export interface PostTargetNetworkStateTable {
  target_id: string;
  state: ColumnType<Record<string, unknown>, string, string>;
  updated_at: Timestamp;
}

export async function findTargetNetworkState(db: Db, targetId: string): Promise<Record<string, unknown> | null> {
  const row = await db
    .selectFrom('post_target_network_state')
    .select('state')
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return row?.state ?? null;
}

export async function saveTargetNetworkState(db: Db, targetId: string, state: Record<string, unknown>): Promise<void> {
  const json = JSON.stringify(state);
  await db
    .insertInto('post_target_network_state')
    .values({ target_id: targetId, state: json, updated_at: new Date() })
    .onConflict((oc) => oc.column('target_id').doUpdateSet({ state: json, updated_at: new Date() }))
    .execute();
}
