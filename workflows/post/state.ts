import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { PostStatus } from '../../contracts/domain';
import { ApprovalChain } from '../approval-chain';
import { type ApprovalChainStatus, type DecisionRequest } from '../../contracts/approval';
import { campaignWorkflowId, postProgressSignal } from '../../contracts/campaign';
import {
  excerptOf,
  type CancelRequest,
  type EditRequest,
  type PostWorkflowInput,
  type PostWorkflowStatus,
  type PostWorkflowTargetStatus,
  type ReleaseRequest,
  type RescheduleRequest,
} from '../../contracts/post';
import { FailureType, SearchAttributes } from '../../contracts/shared';
import { cancelRetries, markPostStatus, recordApprovalDecision, savePostContent, savePostSchedule } from './activities';

/** Workflows started before this change could not be cancelled once claimed, even while a send waited to retry. */
const CANCEL_RETRIES = 'cancel-during-retries';

/** Workflows started before this change could not fail an edit (its save was retried forever). */
const UNSAVED_EDITS_UNDONE = 'unsaved-edits-undone';

/**
 * How long a target refused for its channel's credentials waited for the channel to be reconnected
 * in workflows started before held posts waited without end (targets.ts HELD_UNTIL_RECONNECT).
 */
const RECONNECT_WAIT_MS = 24 * 60 * 60_000;

/**
 * How long before its time a post's publishes are handed to a worker, which sends them at the time
 * itself: a burst of posts due at once then costs no workflow task at the due second.
 */
const STAGE_LEAD_MS = 60_000;

/**
 * Workflows started before this stage exactly STAGE_LEAD_MS ahead; newer ones up to STAGE_SPREAD_MS
 * earlier still, by their post's id: 10,000 posts due within one minute are staged over three
 * minutes instead of one, and the Temporal server's work for them is spread too. (A waiting staged
 * publish costs the server nothing: services/publish-leases.ts.)
 */
const STAGING_SPREAD = 'staging-spread';
const STAGE_SPREAD_MS = 120_000;

/**
 * Workflows started before this change staged one to three minutes ahead (above); newer ones two to
 * six. A minute's posts are then all staged a minute before the first of them is due: staging the
 * later ones no longer competes with the first ones' sends and completions, and the stagings are
 * spread over five minutes instead of three (docs/benchmarks.md, "Where a minute of 10,000 goes").
 */
const STAGING_TWO_TO_SIX = 'staging-two-to-six-minutes';
const STAGE_LEAD_LATER_MS = 120_000;
const STAGE_SPREAD_LATER_MS = 240_000;
/** The longest a post is staged ahead of its time (stagingLead's largest answer). */
export const LONGEST_STAGING_LEAD_MS = STAGE_LEAD_LATER_MS + STAGE_SPREAD_LATER_MS;

/**
 * The state of one post's workflow and its transitions: what each message does to it, and what
 * the main loop records. The workflow function wires the messages to these methods and runs the loop.
 *
 * Methods that issue a single command return its promise rather than awaiting it (they are not
 * async), so that the loop awaits the same promise it awaited when it was written inline: the
 * workflow's commands keep their order relative to handlers running in the same workflow task.
 */
export class PostState {
  readonly chain: ApprovalChain | undefined;
  status: PostStatus;
  publishAt: string;
  readonly targets: PostWorkflowTargetStatus[];
  /** Held by its campaign (not yet approved, or paused): it may not publish until released. */
  held: boolean;
  /**
   * Its publishes are handed to a worker and wait there for the time: a change is saved only if the
   * post is not claimed yet (`unlessClaimed`), and then the staged publishes are called off.
   */
  staged = false;
  /**
   * Each staged target's publish runs in a scope of its own: a cancel during retries stops those
   * waiting to retry and leaves a send on the network to finish.
   */
  readonly targetScopes = new Map<string, CancellationScope>();
  retriesCancelled = false;
  /** Reconnects seen per channel: a target refused for its credentials waits for the next one. */
  readonly reconnects: Record<string, number> = {};
  private woken = false;
  private campaignId: string | null;
  private excerpt: string | undefined;
  /**
   * While staged, changes are saved one at a time, each seeing the last one's outcome, so the
   * workflow's state and the database's cannot drift apart however handlers interleave.
   */
  private lastChange: Promise<unknown> = Promise.resolve();

  constructor(readonly input: PostWorkflowInput) {
    this.chain = input.approval
      ? new ApprovalChain(input.approval.authorId, input.approval.steps, {
          distinctApprovers: input.approval.distinctApprovers,
        })
      : undefined;
    this.status = this.chain ? 'awaiting_approval' : 'scheduled';
    this.publishAt = input.publishAt;
    this.campaignId = input.campaignId ?? null;
    this.held = input.held ?? false;
    this.targets = input.targets.map((t) => ({ ...t, status: 'pending' }));
    this.excerpt = input.excerpt;
  }

  get postId(): string {
    return this.input.postId;
  }

  snapshot(): PostWorkflowStatus {
    return {
      postId: this.input.postId,
      status: this.status,
      publishAt: this.publishAt,
      targets: this.targets.map((t) => ({ ...t })),
    };
  }

  approvalSnapshot(): ApprovalChainStatus {
    return this.chain?.snapshot() ?? { state: 'none', round: 0, currentStep: null, steps: [], decisions: [] };
  }

  setStatus(next: PostStatus): void {
    this.status = next;
    upsertSearchAttributes([{ key: SearchAttributes.postStatus, value: next }]);
  }

  /** What ops see in the Temporal UI: the state, the text's first words and who the chain waits for. */
  describe(state: string = this.status): void {
    const parts = [`**${state}**`];
    if (this.excerpt !== undefined) parts.push(`"${this.excerpt}"`);
    const chain = this.chain;
    if (chain && this.status === 'awaiting_approval' && chain.currentStep !== null) {
      const step = chain.steps[chain.currentStep]!;
      const waiting = chain.pendingApprovers().map((id) => this.input.people?.[id] ?? id);
      parts.push(
        `step ${chain.currentStep + 1} of ${chain.steps.length} ("${step.name}") waits for ${waiting.join(', ') || 'nobody'}`,
      );
    }
    parts.push(`publish${state === 'staged' ? 'es' : ''} at ${this.publishAt}`, `${this.targets.length} channel(s)`);
    setCurrentDetails(parts.join(' · '));
  }

  /** Wakes the main loop to look at the state again. */
  wake(): void {
    this.woken = true;
    this.describe();
  }

  /** The main loop's wait until a handler wakes it, or `ms` passes. */
  sleep(ms?: number): Promise<unknown> {
    this.woken = false;
    return ms === undefined ? condition(() => this.woken) : condition(() => this.woken, ms);
  }

  editable(): boolean {
    return ['awaiting_approval', 'changes_requested', 'scheduled', 'held', 'expired'].includes(this.status);
  }

  /** Moves to `next` and records it. */
  mark(next: PostStatus, fields: { publishAt?: string } = {}): Promise<boolean> {
    this.setStatus(next);
    this.describe();
    return markPostStatus({ postId: this.input.postId, status: next, ...fields });
  }

  oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const run = this.lastChange.then(change);
    this.lastChange = run.catch(() => undefined);
    return run;
  }

  /** Tells the post's campaign (if any) how it went, so the campaign can go live and complete. */
  async reportToCampaign(): Promise<void> {
    if (!this.campaignId) return;
    await getExternalWorkflowHandle(campaignWorkflowId(this.campaignId))
      .signal(postProgressSignal, { postId: this.input.postId, status: this.status })
      .catch(() => undefined); // a finished campaign no longer listens
  }

  // --- the approval chain, as the main loop drives it ---

  /** The chain, while the post waits in it. */
  pendingChain(): ApprovalChain | undefined {
    return this.chain && (this.status === 'awaiting_approval' || this.status === 'changes_requested')
      ? this.chain
      : undefined;
  }

  /** The chain approved or rejected the post: it is scheduled (publishing now, if asked) or rejected. */
  settleChain(outcome: 'scheduled' | 'rejected'): Promise<boolean> {
    const publishNow = outcome === 'scheduled' && this.input.publishOnApproval;
    if (publishNow) this.publishAt = new Date(Date.now()).toISOString();
    // The time it publishes at is saved with it: a staged publish is claimed for that time.
    return this.mark(outcome, publishNow ? { publishAt: this.publishAt } : {});
  }

  /** Its time passed before the chain approved: never publish unapproved, never late by surprise. */
  approvalTooLate(): boolean {
    return Date.parse(this.publishAt) - Date.now() <= 0 && !this.input.publishOnApproval;
  }

  expire(): Promise<boolean> {
    this.chain!.state = 'expired';
    return this.mark('expired');
  }

  /** How long the chain may wait for a decision: until the post's time, or the next reminder or escalation. */
  approvalWait(): number | undefined {
    const untilPublish = Date.parse(this.publishAt) - Date.now();
    const deadline = this.chain!.nextDeadline();
    const limits = [
      ...(this.input.publishOnApproval ? [] : [untilPublish]),
      ...(deadline !== undefined ? [Math.max(0, deadline - Date.now())] : []),
    ];
    return limits.length === 0 ? undefined : Math.min(...limits);
  }

  // --- publishing ---

  /** How long until the post's publishes are staged on a worker. */
  untilStaging(): number {
    const { postId } = this.input;
    const lead = patched(STAGING_TWO_TO_SIX)
      ? stagingLead(postId)
      : patched(STAGING_SPREAD)
        ? stagingLead(postId, STAGE_LEAD_MS, STAGE_SPREAD_MS)
        : STAGE_LEAD_MS;
    return Date.parse(this.publishAt) - lead - Date.now();
  }

  /** After its publishes: published, partially published or failed, by how many targets went out. */
  settlePublishing(): void {
    const published = this.targets.filter((t) => t.status === 'published').length;
    this.setStatus(
      published === this.targets.length ? 'published' : published === 0 ? 'failed' : 'partially_published',
    );
    this.describe();
  }

  /** A target refused for its channel's credentials waits for a reconnect newer than `seen`; false after `ms` (default RECONNECT_WAIT_MS). */
  reconnected(channelId: string, seen: number, ms: number = RECONNECT_WAIT_MS): Promise<boolean> {
    return condition(() => (this.reconnects[channelId] ?? 0) > seen, ms);
  }

  // --- messages ---

  /**
   * Decisions are Updates: the validator refuses, synchronously and without a trace in history,
   * anyone who may not decide now; the handler applies one decision at a time, so two approvers
   * racing for the last slot of a step make exactly one transition.
   */
  validateDecision(request: DecisionRequest): void {
    if (!this.chain || (this.status !== 'awaiting_approval' && this.chain.state === 'pending'))
      throw new Error(`The post is ${this.status}; no approval is pending`);
    this.chain.validate(request, `post is ${this.status}`);
  }

  async decide(request: DecisionRequest): Promise<ApprovalChainStatus> {
    const chain = this.chain!;
    const decided = chain.apply(request);
    this.wake();
    await recordApprovalDecision({ postId: this.input.postId, ...decided, awaitingUserIds: chain.pendingApprovers() });
    return this.approvalSnapshot();
  }

  validateReschedule({ publishAt: next }: RescheduleRequest): void {
    if (!this.editable())
      throw new Error(`The post is ${this.status}; only a post that has not started publishing can be rescheduled`);
    const at = Date.parse(next);
    if (Number.isNaN(at)) throw new Error('publishAt must be an ISO-8601 date-time');
    if (at <= Date.now()) throw new Error('publishAt must be in the future');
  }

  async reschedule(request: RescheduleRequest): Promise<PostWorkflowStatus> {
    if (!this.staged) return this.rescheduleNow(request);
    return this.oneAtATime(async () => {
      if (!this.editable()) throw tooLate(this.status, 'rescheduled');
      if (!this.staged) return this.rescheduleNow(request);
      const moved = new Date(request.publishAt).toISOString();
      if (
        !(await savePostSchedule({
          postId: this.input.postId,
          publishAt: moved,
          actorId: request.actorId,
          unlessClaimed: true,
        }))
      )
        throw tooLate(this.status, 'rescheduled');
      this.publishAt = moved;
      this.wake();
      return this.snapshot();
    });
  }

  private async rescheduleNow({ publishAt: next, actorId }: RescheduleRequest): Promise<PostWorkflowStatus> {
    this.publishAt = new Date(next).toISOString();
    if (this.status === 'expired' && this.chain) {
      // Back into the chain where it stopped; the decisions made so far stand.
      this.chain.resume();
      this.setStatus(this.chain.state === 'changes_requested' ? 'changes_requested' : 'awaiting_approval');
      await markPostStatus({
        postId: this.input.postId,
        status: this.status,
        actorId,
        awaitingUserIds: this.chain.pendingApprovers(),
      });
    }
    this.wake();
    await savePostSchedule({ postId: this.input.postId, publishAt: this.publishAt, actorId });
    return this.snapshot();
  }

  validateEdit(): void {
    if (!this.editable()) throw new Error(`The post is ${this.status}; its content can no longer change`);
  }

  async edit(request: EditRequest): Promise<PostWorkflowStatus> {
    if (!this.staged) return this.editNow(request);
    return this.oneAtATime(async () => {
      const { actorId, text, targets: texts } = request;
      const chain = this.chain;
      if (!this.editable()) throw tooLate(this.status, 'edited');
      if (!this.staged) return this.editNow(request);
      // Saved only while unclaimed; the staged publishes read the text after their claim.
      const undo = chain?.checkpoint();
      chain?.restart(actorId);
      const next = chain ? 'awaiting_approval' : undefined; // without a chain the status stays as it is
      let saved: boolean;
      try {
        saved = await savePostContent({
          postId: this.input.postId,
          actorId,
          text,
          targets: texts,
          status: next,
          round: chain?.round ?? 0,
          awaitingUserIds: chain?.pendingApprovers() ?? [],
          unlessClaimed: true,
        });
      } catch (err) {
        undo?.();
        throw editNotSaved(err);
      }
      if (!saved) {
        undo?.();
        throw tooLate(this.status, 'edited');
      }
      if (next) this.setStatus(next);
      this.excerpt = excerptOf(text);
      this.wake();
      return this.snapshot();
    });
  }

  private async editNow({ actorId, text, targets: texts }: EditRequest): Promise<PostWorkflowStatus> {
    const chain = this.chain;
    const before = { undo: chain?.checkpoint(), status: this.status, excerpt: this.excerpt };
    if (chain) {
      // New content needs new approval, from step one, whatever had been approved before; not from its editor.
      chain.restart(actorId);
      this.setStatus('awaiting_approval');
    }
    const round = chain?.round;
    this.excerpt = excerptOf(text);
    this.wake();
    try {
      await savePostContent({
        postId: this.input.postId,
        actorId,
        text,
        targets: texts,
        status: this.status,
        round: chain?.round ?? 0,
        awaitingUserIds: chain?.pendingApprovers() ?? [],
      });
    } catch (err) {
      // Not saved (the database refused the content): the post stays as the database has it, unless
      // another change came since.
      if (patched(UNSAVED_EDITS_UNDONE) && chain?.round === round) {
        before.undo?.();
        if (this.status !== before.status) this.setStatus(before.status);
        this.excerpt = before.excerpt;
        this.wake();
      }
      throw editNotSaved(err);
    }
    return this.snapshot();
  }

  validateCancel(): void {
    if (!this.editable())
      throw new Error(`The post is ${this.status}; only a post that has not started publishing can be cancelled`);
  }

  async cancelByUpdate({ actorId }: CancelRequest): Promise<PostWorkflowStatus> {
    if (!(await this.cancel(actorId))) throw tooLate(this.status, 'cancelled');
    return this.snapshot();
  }

  /** A cancel by signal (the post's own, or its campaign's): ignored once the post is past changing. */
  async cancelIfEditable(): Promise<void> {
    if (this.editable()) await this.cancel();
  }

  hold(): void {
    if (this.editable()) {
      this.held = true;
      this.wake();
    }
  }

  async release({ publishAt: next }: ReleaseRequest): Promise<void> {
    if (!this.held) return;
    this.held = false;
    this.wake();
    if (next && this.editable()) {
      const moved = new Date(next).toISOString();
      if (this.staged) {
        await this.oneAtATime(async () => {
          if (!this.editable()) return;
          if (await savePostSchedule({ postId: this.input.postId, publishAt: moved, unlessClaimed: this.staged }))
            this.publishAt = moved;
        });
        return;
      }
      this.publishAt = moved;
      await savePostSchedule({ postId: this.input.postId, publishAt: this.publishAt });
    }
  }

  channelReconnected(channelId: string): void {
    this.reconnects[channelId] = (this.reconnects[channelId] ?? 0) + 1;
  }

  joinCampaign({ campaignId, held }: { campaignId: string; held: boolean }): void {
    this.campaignId = campaignId;
    if (held && this.editable()) this.held = true;
    this.wake();
  }

  // --- cancelling ---

  /** False when the post was claimed for publishing first (it is going out; nothing changed). */
  private async cancel(actorId?: string): Promise<boolean> {
    if (!this.staged) return this.cancelNow(actorId);
    return this.oneAtATime(async () => {
      if (!this.editable()) return this.status === 'cancelled';
      if (!this.staged) return this.cancelNow(actorId);
      if (!(await markPostStatus({ postId: this.input.postId, status: 'cancelled', actorId, unlessClaimed: true })))
        return patched(CANCEL_RETRIES) && this.stopRetries(actorId);
      this.setStatus('cancelled');
      this.wake();
      for (const t of this.targets) t.status = 'cancelled';
      await this.reportToCampaign();
      return true;
    });
  }

  private async cancelNow(actorId?: string): Promise<boolean> {
    this.setStatus('cancelled');
    this.wake();
    for (const t of this.targets) t.status = 'cancelled';
    await markPostStatus({ postId: this.input.postId, status: 'cancelled', actorId });
    await this.reportToCampaign();
    return true;
  }

  /**
   * Claimed, but a send failed and waits to retry: the post is cancelled, the targets not on the
   * network now are called off, and a send on the network finishes (publishWhenDue records how).
   * False while the claim's first sends are out (nothing waits to retry yet).
   */
  private async stopRetries(actorId?: string): Promise<boolean> {
    const outcome = await cancelRetries({ postId: this.input.postId, actorId });
    if (!outcome.cancelled) return false;
    this.retriesCancelled = true;
    this.setStatus('cancelled');
    this.wake();
    for (const t of this.targets) {
      if (!outcome.stopped.includes(t.targetId)) continue;
      t.status = 'cancelled';
      this.targetScopes.get(t.targetId)?.cancel();
    }
    return true;
  }
}

/**
 * An Update that came too late for a staged post: it was claimed for publishing first (its status
 * here may still say scheduled), or another change made while this one waited its turn ended it.
 */
function tooLate(status: PostStatus, what: string): ApplicationFailure {
  const publishing = status === 'scheduled' || status === 'publishing';
  return ApplicationFailure.create({
    type: FailureType.PublishingStarted,
    message: publishing
      ? `The post is publishing (claimed a moment before its time); it can no longer be ${what}`
      : `The post is ${status}; it can no longer be ${what}`,
    nonRetryable: true,
  });
}

/**
 * An edit whose content the database refused for good (`BadData`, `IntegrityViolation`): the Update
 * fails saying so, and the post goes on as it was. Any other failure fails the Update as it is.
 */
function editNotSaved(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (
    cause instanceof ApplicationFailure &&
    (cause.type === FailureType.BadData || cause.type === FailureType.IntegrityViolation)
  )
    return ApplicationFailure.create({
      type: cause.type,
      message: `The edit was not saved: ${cause.message}`,
      nonRetryable: true,
      details: cause.details ?? undefined,
    });
  return err;
}

/**
 * How long before its time a post is staged: `leadMs` and its share of `spreadMs` (two to six
 * minutes by default), the same for the post each time (FNV-1a of its id), evenly spread over posts.
 */
export function stagingLead(postId: string, leadMs = STAGE_LEAD_LATER_MS, spreadMs = STAGE_SPREAD_LATER_MS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < postId.length; i++) hash = Math.imul(hash ^ postId.charCodeAt(i), 0x01000193) >>> 0;
  return leadMs + Math.floor((hash / 0x1_0000_0000) * spreadMs);
}
