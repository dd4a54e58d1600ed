/** The review workflow of a library item (workflows/library-item.ts); its messages are the approval chain's. */
import type { ApprovalStep } from './approval';

export const libraryItemWorkflowId = (itemId: string): string => `library/${itemId}`;

export interface LibraryItemReviewInput {
  itemId: string;
  workspaceId: string;
  ownerId: string;
  steps: ApprovalStep[];
  distinctApprovers?: boolean;
}
