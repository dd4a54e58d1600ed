import { appendAudit } from '../db/audit';
import type { Db } from '../db/database';
import type { DecisionKind } from '../contracts/approval';
import { recordDecisionInAudit } from './campaign';

/** The I/O of a library item's review. */
export function createLibraryActivities({ db }: { db: Db }) {
  return {
    async recordLibraryDecision(input: { itemId: string; round: number; step: number; stepName: string; userId: string; decision: DecisionKind; comment?: string }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'library_item', subjectId: input.itemId, ...input });
    },

    async markLibraryItemStatus({ itemId, status }: { itemId: string; status: 'approved' | 'rejected' }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const item = await trx.selectFrom('library_items').select(['workspace_id', 'status']).where('id', '=', itemId).executeTakeFirstOrThrow();
        if (item.status === status) return;
        await trx.updateTable('library_items').set({ status, updated_at: new Date() }).where('id', '=', itemId).execute();
        await appendAudit(trx, { workspaceId: item.workspace_id, actorId: null, action: 'library_item.status_changed', subjectType: 'library_item', subjectId: itemId, before: { status: item.status }, after: { status } });
      });
    },
  };
}

export type LibraryActivities = ReturnType<typeof createLibraryActivities>;
