import {
  allHandlersFinished,
  condition,
  continueAsNew,
  workflowInfo,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { CampaignActivities } from '../activities/campaign';
import type { CampaignStatus } from '../contracts/domain';
import { ApprovalChain } from './approval-chain';
import { approvalQuery, decideUpdate } from '../contracts/approval';
import { campaignCancelledSignal, holdSignal, releaseSignal } from '../contracts/post';
import {
  campaignStatusQuery,
  cancelCampaignUpdate,
  pauseCampaignUpdate,
  postProgressSignal,
  resumeCampaignUpdate,
  submitCampaignUpdate,
  type CampaignWorkflowInput,
  type CampaignWorkflowStatus,
} from '../contracts/campaign';
import { SearchAttributes } from '../contracts/shared';

const { markCampaignStatus, pendingCampaignPosts, planResume, recordCampaignDecision } =
  proxyActivities<CampaignActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });

/** Workflows started before this change did not keep their status in a search attribute. */
const STATUS_SEARCH_ATTRIBUTE = 'status-search-attribute';

/**
 * A campaign's life: draft → in_review (its plan goes through the workspace's approval chain) →
 * scheduled → live (at its first publish) → completed (after its end date, once no post is
 * pending); or rejected, or cancelled. While it is not running (draft, in review, paused) its
 * posts are held: they can be approved but cannot publish. Pause holds them; resume releases
 * them, moving the posts whose time passed during the pause (see activities/campaign.ts).
 */
export async function runCampaign(input: CampaignWorkflowInput): Promise<CampaignWorkflowStatus> {
  let status: CampaignStatus = input.carried?.status ?? 'draft';
  let chain = new ApprovalChain(input.ownerId, []);
  let pausedAt: string | null = input.carried?.pausedAt ?? null;
  let resumeFrom: CampaignStatus = input.carried?.resumeFrom ?? 'scheduled';
  let woken = false;
  let published = input.carried?.published ?? false;

  const snapshot = (): CampaignWorkflowStatus => ({
    campaignId: input.campaignId,
    status,
    approval: chain.snapshot(),
    pausedAt,
  });
  const describe = () => setCurrentDetails(`**${status}** · ${input.startsAt} → ${input.endsAt}`);
  const wake = () => {
    woken = true;
    describe();
  };
  /** Lets ops list campaigns by status in the Temporal UI (ChorusCampaignStatus). */
  const showStatus = () => {
    if (patched(STATUS_SEARCH_ATTRIBUTE))
      upsertSearchAttributes([{ key: SearchAttributes.campaignStatus, value: status }]);
  };
  const setStatus = async (next: CampaignStatus, actorId?: string) => {
    status = next;
    showStatus();
    wake();
    await markCampaignStatus({ campaignId: input.campaignId, status: next, actorId });
  };
  /** Signals every pending post of the campaign. */
  const signalPosts = async (signal: typeof holdSignal | typeof campaignCancelledSignal) => {
    for (const post of await pendingCampaignPosts({ campaignId: input.campaignId })) {
      await getExternalWorkflowHandle(post.workflowId)
        .signal(signal)
        .catch(() => undefined);
    }
  };
  const releasePosts = async (pausedSince: string | null) => {
    for (const move of await planResume({
      campaignId: input.campaignId,
      pausedAt: pausedSince,
      resumedAt: new Date(Date.now()).toISOString(),
    })) {
      await getExternalWorkflowHandle(move.workflowId)
        .signal(releaseSignal, { publishAt: move.publishAt })
        .catch(() => undefined);
    }
  };

  setHandler(campaignStatusQuery, snapshot);
  setHandler(approvalQuery, () => chain.snapshot());

  setHandler(
    submitCampaignUpdate,
    async ({ actorId, steps, distinctApprovers }) => {
      chain = new ApprovalChain(input.ownerId, steps, { distinctApprovers });
      await setStatus('in_review', actorId);
      return snapshot();
    },
    {
      validator: (_request) =>
        void (status !== 'draft' && fail(`The campaign is ${status}; only a draft can be submitted`)),
    },
  );

  setHandler(
    decideUpdate,
    async (request) => {
      const decided = chain.apply(request);
      wake();
      await recordCampaignDecision({ campaignId: input.campaignId, ...decided });
      return chain.snapshot();
    },
    {
      validator: (request) => {
        if (status !== 'in_review' && chain.state === 'pending')
          fail(`The campaign is ${status}; no approval is pending`);
        chain.validate(request, `campaign is ${status}`);
      },
    },
  );

  setHandler(
    pauseCampaignUpdate,
    async ({ actorId }) => {
      resumeFrom = status;
      pausedAt = new Date(Date.now()).toISOString();
      await setStatus('paused', actorId);
      await signalPosts(holdSignal);
      return snapshot();
    },
    {
      validator: (_request) =>
        void (
          !['scheduled', 'live'].includes(status) &&
          fail(`The campaign is ${status}; only a scheduled or live campaign can be paused`)
        ),
    },
  );

  setHandler(
    resumeCampaignUpdate,
    async ({ actorId }) => {
      const since = pausedAt;
      pausedAt = null;
      await setStatus(published ? 'live' : resumeFrom, actorId);
      await releasePosts(since);
      return snapshot();
    },
    {
      validator: (_request) =>
        void (status !== 'paused' && fail(`The campaign is ${status}; only a paused campaign can be resumed`)),
    },
  );

  setHandler(
    cancelCampaignUpdate,
    async ({ actorId }) => {
      await setStatus('cancelled', actorId);
      await signalPosts(campaignCancelledSignal);
      return snapshot();
    },
    {
      validator: (_request) =>
        void (['completed', 'cancelled', 'rejected'].includes(status) && fail(`The campaign is already ${status}`)),
    },
  );

  setHandler(postProgressSignal, ({ status: postStatus }) => {
    if (postStatus === 'publishing' || postStatus === 'published' || postStatus === 'partially_published')
      published = true;
    woken = true;
  });

  describe();
  showStatus();
  const ended = () => Date.now() >= Date.parse(input.endsAt);
  for (;;) {
    if (status === 'in_review') {
      // Let the decision that settled the chain be recorded before the campaign moves on.
      if (chain.state !== 'pending') await condition(allHandlersFinished);
      if (chain.state === 'approved' || chain.state === 'none') {
        await setStatus(published ? 'live' : 'scheduled');
        await releasePosts(null);
        continue;
      }
      if (chain.state === 'changes_requested') {
        // Back to the owner: a draft again, to be changed and submitted anew.
        await setStatus('draft');
        continue;
      }
      if (chain.state === 'rejected') {
        // A rejected plan ends here; its posts stay held until someone cancels them.
        await setStatus('rejected');
        break;
      }
    }
    if (status === 'scheduled' && published) {
      await setStatus('live');
      continue;
    }
    if ((status === 'scheduled' || status === 'live') && ended()) {
      const pending = await pendingCampaignPosts({ campaignId: input.campaignId });
      if (pending.length === 0) {
        await setStatus('completed');
        break;
      }
    }
    if (status === 'cancelled') break;
    if (workflowInfo().continueAsNewSuggested && status !== 'in_review') {
      // Every post reports its progress here: start a fresh history before it grows too long.
      await condition(allHandlersFinished);
      await continueAsNew<typeof runCampaign>({ ...input, carried: { status, published, pausedAt, resumeFrom } });
    }
    woken = false;
    const untilEnd = Date.parse(input.endsAt) - Date.now();
    if ((status === 'scheduled' || status === 'live') && untilEnd > 0) await condition(() => woken, untilEnd);
    else await condition(() => woken);
  }

  await condition(allHandlersFinished);
  return snapshot();
}

function fail(message: string): never {
  throw new Error(message);
}
