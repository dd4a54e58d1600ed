import { ApplicationFailure } from '@temporalio/workflow';
import {
  approvalsNeeded,
  type ApprovalChainStatus,
  type ApprovalDecision,
  type ApprovalStep,
  type ChainDecision,
  type DecisionRequest,
  type DueNotification,
  type StaleDecisionDetails,
} from '../contracts/approval';
import { FailureType } from '../contracts/shared';

/**
 * The state of one approval chain (a post's or a campaign's) inside a workflow: whose turn it is,
 * who may decide, what each decision does. It issues no commands itself; the workflow that owns it
 * waits, records and notifies, so the same rules serve every kind of subject.
 */
export class ApprovalChain {
  state: ApprovalChainStatus['state'];
  round = 0;
  currentStep: number | null;
  readonly steps: ApprovalStep[];
  readonly decisions: ApprovalDecision[] = [];
  /** Who changed the content, by round: they may not decide in that round. */
  private readonly editors: { round: number; userId: string }[] = [];
  private readonly distinctApprovers: boolean | undefined;
  private stepStartedAt = Date.now();
  private readonly notified = new Set<string>();

  constructor(
    private readonly authorId: string | undefined,
    steps: ApprovalStep[],
    /** Undefined for chains started before the option existed: they behave as before (not distinct). */
    options: { distinctApprovers?: boolean } = {},
  ) {
    // A copy: escalation makes more users eligible for a step.
    this.steps = steps.map((s) => ({ ...s, eligibleUserIds: [...s.eligibleUserIds] }));
    this.state = steps.length > 0 ? 'pending' : 'none';
    this.currentStep = steps.length > 0 ? 0 : null;
    this.distinctApprovers = options.distinctApprovers;
  }

  snapshot(): ApprovalChainStatus {
    const timing = this.stepTiming();
    return {
      state: this.state,
      round: this.round,
      currentStep: this.currentStep,
      steps: this.steps.map((s) => ({ ...s })),
      decisions: [...this.decisions],
      awaitingUserIds: this.pendingApprovers(),
      ...(this.distinctApprovers !== undefined ? { distinctApprovers: this.distinctApprovers } : {}),
      editorIds: this.roundEditors(),
      ...(timing ? { deadline: new Date(timing.deadline).toISOString() } : {}),
    };
  }

  /**
   * Throws, for an Update validator, when this decision may not be made now: a stale one (for
   * another step or round than the current) with StaleDecision, a person who may not decide with
   * NotEligible.
   */
  validate(
    { userId, step: forStep, round: forRound }: Pick<DecisionRequest, 'userId' | 'step' | 'round'>,
    subject: string,
  ): void {
    const stale = (message: string) => {
      const details: StaleDecisionDetails = { state: this.state, round: this.round, currentStep: this.currentStep };
      return ApplicationFailure.create({
        type: FailureType.StaleDecision,
        message,
        nonRetryable: true,
        details: [details],
      });
    };
    if (this.state !== 'pending' || this.currentStep === null) {
      if (forStep !== undefined) throw stale(`The ${subject}; no approval is pending`);
      throw new Error(`The ${subject}; no approval is pending`);
    }
    const step = this.steps[this.currentStep]!;
    const at = `step ${this.currentStep + 1} ("${step.name}") of round ${this.round}`;
    if (forRound !== undefined && forRound !== this.round)
      throw stale(`This decision is for round ${forRound}; the chain is at ${at}`);
    if (forStep !== undefined && forStep !== this.currentStep)
      throw stale(`This decision is for step ${forStep + 1}; the chain is at ${at}`);
    if (userId === this.authorId)
      throw ApplicationFailure.nonRetryable('Authors cannot approve their own work', FailureType.NotEligible);
    if (this.roundEditors().includes(userId))
      throw ApplicationFailure.nonRetryable(
        `You changed the content in round ${this.round}; someone else must decide on it`,
        FailureType.NotEligible,
      );
    if (!step.eligibleUserIds.includes(userId))
      throw ApplicationFailure.nonRetryable(
        `You are not an approver of step ${this.currentStep + 1} ("${step.name}")`,
        FailureType.NotEligible,
      );
    if (this.decidedThisStep(userId))
      throw ApplicationFailure.nonRetryable(
        `You have already decided on step ${this.currentStep + 1} ("${step.name}")`,
        FailureType.NotEligible,
      );
    const earlier = this.approvedEarlierStep(userId);
    if (earlier !== undefined) {
      throw ApplicationFailure.nonRetryable(
        `You approved step ${earlier + 1} of round ${this.round}; with distinct approvers one person approves at most one step of a round`,
        FailureType.NotEligible,
      );
    }
  }

  /** Applies a validated decision; returns it as the workflow records it, naming the step it was made on. */
  apply({ userId, decision, comment }: DecisionRequest): ChainDecision {
    const stepIndex = this.currentStep!;
    const step = this.steps[stepIndex]!;
    this.decisions.push({
      round: this.round,
      step: stepIndex,
      userId,
      decision,
      comment,
      at: new Date().toISOString(),
    });
    if (decision === 'reject') {
      this.state = 'rejected';
      this.currentStep = null;
    } else if (decision === 'request_changes') {
      this.state = 'changes_requested';
    } else if (
      this.decisions.filter((d) => d.round === this.round && d.step === stepIndex && d.decision === 'approve').length >=
      approvalsNeeded(step)
    ) {
      this.currentStep = stepIndex + 1 < this.steps.length ? stepIndex + 1 : null;
      this.stepStartedAt = Date.now();
      if (this.currentStep === null) this.state = 'approved';
    }
    return { round: this.round, step: stepIndex, stepName: step.name, userId, decision, comment };
  }

  /** New content (changed by `editorId`): a new round from step one, whatever had been approved. */
  restart(editorId?: string): void {
    this.round++;
    this.currentStep = 0;
    this.state = 'pending';
    this.stepStartedAt = Date.now();
    if (editorId) this.editors.push({ round: this.round, userId: editorId });
  }

  /** Remembers where the chain is; calling the result puts it back there (a restart that could not be saved). */
  checkpoint(): () => void {
    const { round, currentStep, state, stepStartedAt } = this;
    const editors = this.editors.length;
    return () => {
      this.round = round;
      this.currentStep = currentStep;
      this.state = state;
      this.stepStartedAt = stepStartedAt;
      this.editors.splice(editors);
    };
  }

  /** Back into the chain where it stopped (after an expiry was rescheduled). */
  resume(): void {
    if (this.state === 'expired') this.state = 'pending';
    this.stepStartedAt = Date.now();
  }

  /** Approvers of the current step who have not decided yet and still may. */
  pendingApprovers(): string[] {
    if (this.currentStep === null || this.state !== 'pending') return [];
    const editors = this.roundEditors();
    return this.steps[this.currentStep]!.eligibleUserIds.filter(
      (id) => !this.decidedThisStep(id) && !editors.includes(id) && this.approvedEarlierStep(id) === undefined,
    );
  }

  /**
   * The reminder and escalation of the current step whose time has come, each returned once. An
   * escalation's recipients are the step's targets; the workflow passes it to `escalate` (with
   * the targets still in the workspace) before notifying.
   */
  dueNotifications(): DueNotification[] {
    const due: DueNotification[] = [];
    const timing = this.stepTiming();
    if (!timing) return due;
    const { step, index, deadline, key } = timing;
    const base = { round: this.round, step: index, stepName: step.name, deadline: new Date(deadline).toISOString() };
    if (
      step.remindBeforeSeconds !== undefined &&
      Date.now() >= deadline - step.remindBeforeSeconds * 1000 &&
      !this.notified.has(`remind:${key}`)
    ) {
      this.notified.add(`remind:${key}`);
      due.push({ ...base, kind: 'approval.reminder', recipientIds: this.pendingApprovers() });
    }
    if (Date.now() >= deadline && !this.notified.has(`escalate:${key}`)) {
      this.notified.add(`escalate:${key}`);
      due.push({
        ...base,
        kind: 'approval.escalated',
        recipientIds: (step.escalateToUserIds ?? []).filter((id) => id !== this.authorId),
      });
    }
    return due;
  }

  /** Makes an escalation's recipients eligible for its step; sets who the step now awaits. */
  escalate(due: DueNotification): void {
    const step = this.steps[due.step]!;
    for (const id of due.recipientIds)
      if (id !== this.authorId && !step.eligibleUserIds.includes(id)) step.eligibleUserIds.push(id);
    due.awaitingUserIds = this.pendingApprovers();
  }

  /** When the next reminder or escalation of the current step falls due, if one is still to come. */
  nextDeadline(): number | undefined {
    const timing = this.stepTiming();
    if (!timing) return undefined;
    const { step, deadline, key } = timing;
    const times: number[] = [];
    if (step.remindBeforeSeconds !== undefined && !this.notified.has(`remind:${key}`))
      times.push(deadline - step.remindBeforeSeconds * 1000);
    if (!this.notified.has(`escalate:${key}`)) times.push(deadline);
    return times.length ? Math.min(...times) : undefined;
  }

  private stepTiming() {
    if (this.currentStep === null || this.state !== 'pending') return undefined;
    const step = this.steps[this.currentStep]!;
    if (step.deadlineSeconds === undefined) return undefined;
    return {
      step,
      index: this.currentStep,
      deadline: this.stepStartedAt + step.deadlineSeconds * 1000,
      key: `${this.round}:${this.currentStep}`,
    };
  }

  private decidedThisStep(userId: string): boolean {
    return this.decisions.some((d) => d.round === this.round && d.step === this.currentStep && d.userId === userId);
  }

  private roundEditors(): string[] {
    return this.editors.filter((e) => e.round === this.round).map((e) => e.userId);
  }

  /** With distinct approvers, the earlier step of this round this user approved, if any. */
  private approvedEarlierStep(userId: string): number | undefined {
    if (!this.distinctApprovers) return undefined;
    return this.decisions.find(
      (d) => d.round === this.round && d.step !== this.currentStep && d.userId === userId && d.decision === 'approve',
    )?.step;
  }
}
