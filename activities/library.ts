import { recordDecisionInAudit } from '../db/approvals';
import type { Db } from '../db/database';
import { saveLibraryItemStatus } from '../db/library';
import type { DecisionKind } from '../contracts/approval';

/** The I/O of a library item's review. */
export function createLibraryActivities({ db }: { db: Db }) {
  return {
    async recordLibraryDecision(input: {
      itemId: string;
      round: number;
      step: number;
      stepName: string;
      userId: string;
      decision: DecisionKind;
      comment?: string;
    }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'library_item', subjectId: input.itemId, ...input });
    },

    async markLibraryItemStatus(input: { itemId: string; status: 'approved' | 'rejected' }): Promise<void> {
      await saveLibraryItemStatus(db, input);
    },
  };
}

export type LibraryActivities = ReturnType<typeof createLibraryActivities>;
