import { sql } from 'kysely';
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
 * (keyed by the target: recording one twice changes nothing), and each channel that delivered
 * healthy again. A retry of the target's publish finds it published and sends nothing; only a
 * delivery not recorded yet (its worker lost between the answer and this) goes out again.
 */
export async function recordDeliveries(db: Db, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`
      update post_targets t set status = 'published', sending = false, external_id = d.external_id,
        external_url = d.url, last_error = null, published_at = coalesce(t.published_at, now()), updated_at = now()
      from unnest(${deliveries.map((d) => d.targetId)}::uuid[], ${deliveries.map((d) => d.externalId)}::text[],
        ${deliveries.map((d) => d.url)}::text[]) as d(id, external_id, url)
      where t.id = d.id`.execute(trx);
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
  private waiting: { delivery: Delivery; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private recording = false;
  private scheduled = false;

  constructor(private readonly db: Db) {}

  record(delivery: Delivery): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ delivery, resolve, reject });
      if (this.recording || this.scheduled) return;
      // The other answers already read from the network join this batch.
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting.splice(0, MAX_DELIVERIES_PER_BATCH);
    if (batch.length === 0) return;
    this.recording = true;
    recordDeliveries(
      this.db,
      batch.map((w) => w.delivery),
    )
      .then(
        () => batch.forEach((w) => w.resolve()),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.recording = false;
        this.flush();
      });
  }
}

const MAX_DELIVERIES_PER_BATCH = 500;
