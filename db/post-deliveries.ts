import { sql } from 'kysely';
import { appendAuditEntries } from './audit';
import { Batches } from './batches';
import type { Db } from './database';

/** One target's send that got through: what the network answered, to be recorded before anything else. */
export interface Delivery {
  targetId: string;
  channelId: string;
  externalId: string;
  url: string | null;
}

/**
 * Records deliveries, many in one transaction: each target published with the network's answer
 * (keyed by the target: recording one twice changes nothing), each post whose last target this was
 * `published` with its audit entry, and each channel that delivered healthy again. A retry of the
 * target's publish finds it published and sends nothing; only a delivery not recorded yet (its
 * worker lost between the answer and this) goes out again.
 *
 * The post is marked here rather than by its workflow once the publish activity has reported back
 * (two Temporal round trips later, seconds in a burst, while the API and the calendar said
 * `publishing`); the workflow's own mark then finds it done (`savePostStatus`). Only the all-published
 * case: a partly published or failed post is settled by its workflow, which knows no send is left.
 */
export async function recordDeliveries(db: Db, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const targetIds = deliveries.map((d) => d.targetId);
    // The posts first, in id order, as the claims lock them (db/post-claims.ts): then the targets.
    // Taken in the other order, a delivery recorded while a retry on another worker claims the same
    // post could deadlock with it.
    const postIds = (
      await trx
        .selectFrom('posts')
        .select('id')
        .where('id', 'in', (eb) => eb.selectFrom('post_targets').select('post_id').where('id', 'in', targetIds))
        .orderBy('id')
        .forUpdate()
        .execute()
    ).map((p) => p.id);
    await sql`
      update post_targets t set status = 'published', sending = false, external_id = d.external_id,
        external_url = d.url, last_error = null, published_at = coalesce(t.published_at, now()), updated_at = now()
      from unnest(${targetIds}::uuid[], ${deliveries.map((d) => d.externalId)}::text[],
        ${deliveries.map((d) => d.url)}::text[]) as d(id, external_id, url)
      where t.id = d.id`.execute(trx);
    const done = await sql<{ id: string; workspace_id: string }>`
      update posts p set status = 'published', awaiting_user_ids = '{}', updated_at = now()
      where p.id = any(${postIds}::uuid[]) and p.status = 'publishing'
        and not exists (select 1 from post_targets o where o.post_id = p.id and o.status <> 'published')
      returning p.id, p.workspace_id`.execute(trx);
    await appendAuditEntries(
      trx,
      done.rows.map((post) => ({
        workspaceId: post.workspace_id,
        actorId: null,
        action: 'post.status_changed' as const,
        subjectType: 'post',
        subjectId: post.id,
        before: { status: 'publishing' },
        after: { status: 'published' },
      })),
    );
    const channelIds = [...new Set(deliveries.map((d) => d.channelId))];
    await trx
      .updateTable('channels')
      .set({ healthy: true, consecutive_failures: 0, last_error: null, failing_since: null })
      .where('id', 'in', channelIds)
      .where((eb) => eb.or([eb('healthy', '=', false), eb('consecutive_failures', '>', 0)]))
      .execute();
  });
}

/**
 * Gathers the deliveries of one worker into batches (`recordDeliveries`) the moment they happen: a
 * burst of sends is recorded in a few transactions, right behind their answers, instead of queueing
 * two statements each for the pool while the worker could be lost. One batch at a time; those that
 * arrive meanwhile go in the next.
 */
export class DeliveryRecorder {
  private readonly batches: Batches<Delivery, undefined>;

  constructor(db: Db) {
    this.batches = Batches.ofWrites((deliveries: Delivery[]) => recordDeliveries(db, deliveries), {
      max: MAX_DELIVERIES_PER_BATCH,
    });
  }

  async record(delivery: Delivery): Promise<void> {
    await this.batches.add(delivery);
  }
}

const MAX_DELIVERIES_PER_BATCH = 500;
