import type { ChannelAdapters } from '../channels/registry';
import type { WebhookAdapter, WebhookCredentials } from '../channels/webhook';
import {
  createAuditCheckpoint,
  findUndeliveredCheckpoints,
  findWorkspacesDueCheckpoint,
  markCheckpointDelivered,
  type AuditCheckpointView,
} from '../db/audit';
import type { Db } from '../db/database';
import type { Sealer } from '../db/sealing';

export interface AuditCheckpointDeps {
  /** A handle carrying the audit key (see AuditKey in db/audit.ts). */
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
}

/** What the workspace's notification webhook receives: `{ type: 'audit.checkpoint', data }`, webhook-id `audit_checkpoint_<id>`. */
export function checkpointPayload(workspaceId: string, c: AuditCheckpointView) {
  return {
    type: 'audit.checkpoint',
    data: {
      workspaceId,
      checkpointId: c.id,
      count: c.count,
      headId: c.headId,
      headHash: c.headHash,
      at: c.at,
      keyId: c.keyId,
      signature: c.signature,
    },
  };
}

/**
 * Signs a checkpoint of every chain that moved since its last one (of `workspaceId` only, when
 * given), then sends every checkpoint not yet sent to its workspace's notification webhook, oldest
 * first; a workspace whose webhook fails keeps the rest of its checkpoints for the next call.
 */
export async function publishAuditCheckpoints(
  { db, adapters, sealer }: AuditCheckpointDeps,
  { workspaceId }: { workspaceId?: string } = {},
): Promise<{ created: AuditCheckpointView[]; delivered: number; failures: string[] }> {
  const created: AuditCheckpointView[] = [];
  for (const id of workspaceId ? [workspaceId] : await findWorkspacesDueCheckpoint(db)) {
    const checkpoint = await createAuditCheckpoint(db, id);
    if (checkpoint) created.push(checkpoint);
  }
  const webhook = adapters.webhook as unknown as WebhookAdapter;
  const failed = new Set<string>();
  const failures: string[] = [];
  let delivered = 0;
  for (const pending of await findUndeliveredCheckpoints(db, workspaceId ? { workspaceId } : {})) {
    if (failed.has(pending.workspaceId)) continue;
    try {
      await webhook.deliver(
        sealer.open<WebhookCredentials>(pending.webhook),
        `audit_checkpoint_${pending.checkpoint.id}`,
        checkpointPayload(pending.workspaceId, pending.checkpoint),
      );
      await markCheckpointDelivered(db, pending.checkpoint.id);
      delivered++;
    } catch (err) {
      failed.add(pending.workspaceId);
      failures.push(`workspace ${pending.workspaceId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { created, delivered, failures };
}

export interface AuditCheckpointer {
  /** Waits for a run under way, and runs no more. */
  stop(): Promise<void>;
}

/**
 * Publishes checkpoints now and then every `intervalMs` (runs never overlap), in the worker's
 * process. Several processes may run it: a chain gets one checkpoint per move whoever makes it.
 */
export function startAuditCheckpoints(
  deps: AuditCheckpointDeps,
  { intervalMs, onError }: { intervalMs: number; onError: (err: unknown) => void },
): AuditCheckpointer {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = publishAuditCheckpoints(deps)
      .then(({ failures }) => {
        if (failures.length > 0)
          onError(new Error(`Audit checkpoints not delivered (retried next run): ${failures.join('; ')}`));
      })
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
