import { recordDecisionInAudit } from '../db/approvals';
import type { ChainDecision } from '../contracts/approval';
import type { Db } from '../db/database';
import { saveLibraryItemStatus } from '../db/library';

/** The I/O of a library item's review. */
export function createLibraryActivities({ db }: { db: Db }) {
  return {
    async recordLibraryDecision(input: ChainDecision & { itemId: string }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'library_item', subjectId: input.itemId, ...input });
    },

    async markLibraryItemStatus(input: { itemId: string; status: 'approved' | 'rejected' }): Promise<void> {
      await saveLibraryItemStatus(db, input);
    },
  };
}

export type LibraryActivities = ReturnType<typeof createLibraryActivities>;
