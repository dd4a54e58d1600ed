import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { LibraryActivities } from '../activities/library';
import { ApprovalChain } from './approval-chain';
import { approvalQuery, decideUpdate, type ApprovalChainStatus } from '../contracts/approval';
import type { LibraryItemReviewInput } from '../contracts/library-item';

const { markLibraryItemStatus, recordLibraryDecision } = proxyActivities<LibraryActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * A library item's own approval (`library/<id>`): the workspace's chain, with the same rules as
 * posts. An approved item can be used in posts without their approval while unchanged and unexpired;
 * a rejected one (or one sent back for changes) cannot be used at all.
 */
export async function reviewLibraryItem(input: LibraryItemReviewInput): Promise<ApprovalChainStatus> {
  const chain = new ApprovalChain(input.ownerId, input.steps, { distinctApprovers: input.distinctApprovers });
  setHandler(approvalQuery, () => chain.snapshot());
  setHandler(
    decideUpdate,
    async (request) => {
      await recordLibraryDecision({ itemId: input.itemId, ...chain.apply(request) });
      return chain.snapshot();
    },
    { validator: (request) => chain.validate(request, `item is ${chain.state}`) },
  );

  await condition(() => chain.state !== 'pending');
  await condition(allHandlersFinished);
  await markLibraryItemStatus({
    itemId: input.itemId,
    status: chain.state === 'approved' || chain.state === 'none' ? 'approved' : 'rejected',
  });
  return chain.snapshot();
}
