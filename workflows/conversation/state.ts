import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  setCurrentDetails,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { ConversationActivities } from '../../activities/conversation';
import type { ApprovalChainStatus, DecisionRequest } from '../../contracts/approval';
import type {
  ConversationCarried,
  ConversationState,
  ConversationWorkflowInput,
  ReplyStatus,
} from '../../contracts/inbox';
import { ApprovalChain } from '../approval-chain';
import {
  assignConversation,
  likeMessage,
  loadConversation,
  loadReply,
  notifyReplyApprovers,
  notifySla,
  recordReplyDecision,
  sendReply,
  setReplyStatus,
} from './activities';

type Snapshot = NonNullable<Awaited<ReturnType<ConversationActivities['loadConversation']>>>;
type SlaClock = 'first_response' | 'resolution';
type SlaEvent = 'reminder' | 'breach';

/** An SLA reminder or breach the conversation's deadlines call for. */
interface SlaDue {
  clock: SlaClock;
  event: SlaEvent;
  dueAt: string;
  /** When it fires (ms since the epoch). */
  at: number;
  key: string;
}

/** A reply the workflow is taking through approval and sending. */
interface PendingReply {
  replyId: string;
  status: ReplyStatus;
  chain?: ApprovalChain;
}

const MINUTE_MS = 60_000;
/** The assignment activity only where the workspace has an enabled rule (histories before ask always). */
const ASSIGN_ONLY_WITH_RULES = 'inbox-assign-only-with-rules';

/**
 * The state of one conversation's workflow and its transitions: the conversation as last loaded,
 * the SLA reminders and breaches handled, and the replies in flight. The workflow function wires
 * the messages to these methods and runs the main loop.
 */
export class ConversationFlow {
  conversation: Snapshot | null = null;
  readonly minuteMs: number;
  /** A change was signalled: the loop reloads the conversation before anything else. */
  reloadRequested = false;
  assignmentTried: boolean;
  private lastStatus: ConversationCarried['status'];
  private readonly fired: Set<string>;
  private readonly replies = new Map<string, PendingReply>();
  /** Replies requested, not started yet (the loop starts them). */
  private readonly queued: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private woken = false;

  constructor(readonly input: ConversationWorkflowInput) {
    this.minuteMs = input.slaMinuteMs ?? MINUTE_MS;
    this.lastStatus = input.carried?.status ?? null;
    this.assignmentTried = input.carried?.assignmentTried ?? false;
    this.fired = new Set(input.carried?.fired ?? []);
  }

  get conversationId(): string {
    return this.input.conversationId;
  }

  snapshot(): ConversationState {
    return {
      status: this.conversation?.status ?? this.lastStatus ?? 'open',
      firstResponseDueAt: this.conversation?.firstResponseAt ? null : (this.conversation?.firstResponseDueAt ?? null),
      resolutionDueAt: this.conversation?.resolutionDueAt ?? null,
      pendingReplies: [...this.replies.values()].map((r) => ({
        replyId: r.replyId,
        status: r.status,
        ...(r.chain ? { approval: r.chain.snapshot() } : {}),
      })),
    };
  }

  /** What continue-as-new carries: only the SLA keys of the current deadlines still matter. */
  carried(): ConversationCarried {
    const current = new Set(this.slaSchedule().map((d) => d.key));
    return {
      status: this.conversation?.status ?? this.lastStatus,
      assignmentTried: this.assignmentTried,
      fired: [...this.fired].filter((k) => current.has(k)),
    };
  }

  wake(): void {
    this.woken = true;
  }

  /** What ops see in the Temporal UI: the status, the owner, the next deadline and the replies in flight. */
  describe(): void {
    const c = this.conversation;
    if (!c) return;
    const parts = [
      `**${c.status}**`,
      `${c.priority} priority`,
      c.assigneeId ? `assigned to ${c.assigneeId}` : 'unassigned',
    ];
    const next = this.slaSchedule().find((d) => !this.fired.has(d.key) && d.event === 'breach');
    if (next) parts.push(`${next.clock.replace('_', ' ')} due ${next.dueAt}`);
    if (this.replies.size > 0) parts.push(`${this.replies.size} reply(ies) in flight`);
    setCurrentDetails(parts.join(' · '));
  }

  /** The main loop's wait until a handler wakes it, or `ms` passes. */
  sleep(ms?: number): Promise<unknown> {
    this.woken = false;
    return ms === undefined ? condition(() => this.woken) : condition(() => this.woken, ms);
  }

  // --- the conversation ---

  changed(): void {
    this.reloadRequested = true;
    this.wake();
  }

  /**
   * Loads the conversation and (re)sets its SLA deadlines. A conversation seen closed before and
   * open now was reopened: a new SLA cycle. False when it no longer exists.
   */
  async reload(): Promise<boolean> {
    this.reloadRequested = false;
    let loaded = await loadConversation({ conversationId: this.conversationId, minuteMs: this.minuteMs });
    if (loaded && this.lastStatus === 'closed' && loaded.status !== 'closed')
      loaded = await loadConversation({ conversationId: this.conversationId, minuteMs: this.minuteMs, reopened: true });
    this.conversation = loaded;
    if (loaded) this.lastStatus = loaded.status;
    this.describe();
    return loaded !== null;
  }

  /** On first sight, an unassigned open conversation is assigned by the workspace's rules. */
  async assignIfNeeded(): Promise<void> {
    const conversation = this.conversation;
    if (this.assignmentTried || !conversation || conversation.assigneeId || conversation.status === 'closed') return;
    // A workspace without an enabled rule assigns nothing: no activity (and no locked row) for it.
    // Only where the snapshot says so (one loaded before it did, `undefined`, still asks).
    if (conversation.assignmentRules === false && patched(ASSIGN_ONLY_WITH_RULES)) return;
    this.assignmentTried = true;
    const { assigneeId } = await assignConversation({ conversationId: this.conversationId });
    conversation.assigneeId = assigneeId;
    this.describe();
  }

  closed(): boolean {
    return this.conversation?.status === 'closed';
  }

  /** Nothing in flight: no reply waiting on approval or being sent. */
  idle(): boolean {
    return this.replies.size === 0 && this.queued.length === 0;
  }

  // --- SLA ---

  /** The reminders and breaches the current deadlines call for (none once closed; first response none once answered). */
  private slaSchedule(): SlaDue[] {
    const c = this.conversation;
    if (!c || c.status === 'closed') return [];
    const due: SlaDue[] = [];
    const plan = (clock: SlaClock, dueAt: string | null) => {
      if (!dueAt) return;
      const deadline = Date.parse(dueAt);
      if (c.remindBeforeMs !== null)
        due.push({
          clock,
          event: 'reminder',
          dueAt,
          at: deadline - c.remindBeforeMs,
          key: `${clock}.reminder:${dueAt}`,
        });
      due.push({ clock, event: 'breach', dueAt, at: deadline, key: `${clock}.breach:${dueAt}` });
    };
    if (!c.firstResponseAt) plan('first_response', c.firstResponseDueAt);
    plan('resolution', c.resolutionDueAt);
    return due;
  }

  /**
   * Sends the reminders and breach escalations whose time has come, each once (the activity keys
   * them too, so a retry or replay never sends a second). A reminder whose deadline has passed
   * already is skipped: the escalation says more.
   */
  async fireDueSla(): Promise<void> {
    const now = Date.now();
    const schedule = this.slaSchedule();
    for (const due of schedule) {
      if (due.at > now || this.fired.has(due.key)) continue;
      this.fired.add(due.key);
      const breachDue = schedule.some(
        (d) => d.clock === due.clock && d.event === 'breach' && d.at <= now && due.event === 'reminder',
      );
      if (breachDue) continue;
      await notifySla({ conversationId: this.conversationId, clock: due.clock, event: due.event, dueAt: due.dueAt });
    }
  }

  /** Until the next SLA reminder or breach; undefined when none is to come. */
  untilNextSla(): number | undefined {
    const next = this.slaSchedule()
      .filter((d) => !this.fired.has(d.key))
      .map((d) => d.at);
    return next.length ? Math.max(0, Math.min(...next) - Date.now()) : undefined;
  }

  // --- replies ---

  requestReply(replyId: string): void {
    if (this.replies.has(replyId) || this.queued.includes(replyId)) return;
    this.queued.push(replyId);
    this.wake();
  }

  /** Starts each queued reply on its own way (approval, then send) beside the loop's timers. */
  startReplies(): void {
    for (const replyId of this.queued.splice(0)) {
      const entry: PendingReply = { replyId, status: 'sending' };
      this.replies.set(replyId, entry);
      const run: Promise<void> = this.runReply(entry).finally(() => {
        this.replies.delete(replyId);
        this.running.delete(run);
        this.wake();
      });
      this.running.add(run);
    }
  }

  private async runReply(entry: PendingReply): Promise<void> {
    const reply = await loadReply({ replyId: entry.replyId });
    // Another conversation's reply, or one the API never stored: nothing to do.
    if (!reply || reply.conversationId !== this.conversationId) return;
    entry.status = reply.status;
    if (reply.status === 'awaiting_approval') {
      const outcome = await this.approve(entry, reply.authorId, reply.approvalSteps);
      if (outcome !== 'approved') {
        const error =
          outcome === 'changes_requested'
            ? `Changes were requested${lastComment(entry.chain)}; write a new reply`
            : `Rejected${lastComment(entry.chain)}`;
        entry.status = 'rejected';
        await setReplyStatus({ replyId: entry.replyId, status: 'rejected', from: ['awaiting_approval'], error });
        return;
      }
      entry.status = 'sending';
      if (!(await setReplyStatus({ replyId: entry.replyId, status: 'sending', from: ['awaiting_approval'] }))) return;
    } else if (reply.status !== 'sending') return; // sent, failed or rejected already
    try {
      await sendReply({ replyId: entry.replyId });
      entry.status = 'sent';
      // Sent: the first response is recorded, so its timer stops; the conversation is reloaded.
      this.changed();
    } catch (err) {
      entry.status = 'failed';
      await setReplyStatus({ replyId: entry.replyId, status: 'failed', from: ['sending'], error: failureReason(err) });
    }
  }

  /**
   * Takes a reply through its approval chain, sending its reminders and escalations as a post's
   * chain does; returns how it ended. A chain without steps approves at once.
   */
  private async approve(
    entry: PendingReply,
    authorId: string,
    steps: ConstructorParameters<typeof ApprovalChain>[1],
  ): Promise<'approved' | 'rejected' | 'changes_requested'> {
    const chain = new ApprovalChain(authorId, steps);
    entry.chain = chain;
    while (chain.state === 'pending') {
      for (const due of chain.dueNotifications()) {
        if (due.kind === 'approval.escalated') chain.escalate(due);
        await notifyReplyApprovers({ conversationId: this.conversationId, replyId: entry.replyId, ...due });
      }
      const deadline = chain.nextDeadline();
      if (deadline === undefined) await condition(() => chain.state !== 'pending');
      else await condition(() => chain.state !== 'pending', Math.max(0, deadline - Date.now()));
    }
    const state = chain.state as ApprovalChainStatus['state'];
    if (state === 'approved' || state === 'none') return 'approved';
    return state === 'changes_requested' ? 'changes_requested' : 'rejected';
  }

  validateDecision({ replyId, ...request }: DecisionRequest & { replyId: string }): void {
    const entry = this.replies.get(replyId);
    if (!entry?.chain) throw new Error(`Reply ${replyId} is not awaiting approval`);
    entry.chain.validate(request, `reply is ${entry.status}`);
  }

  /** Applies a decision and audits it as posts' and library items' decisions are (the author's reply, the approver's call). */
  async decide({ replyId, ...request }: DecisionRequest & { replyId: string }): Promise<ApprovalChainStatus> {
    const chain = this.replies.get(replyId)!.chain!;
    const decided = chain.apply(request);
    const status = chain.snapshot();
    // Decisions taken before they were audited ran no activity here; their histories replay unchanged.
    if (patched('inbox-reply-decision-audit')) await recordReplyDecision({ replyId, ...decided });
    return status;
  }

  // --- likes ---

  async like(messageId: string): Promise<{ liked: true }> {
    await likeMessage({ conversationId: this.conversationId, messageId });
    return { liked: true };
  }
}

function lastComment(chain: ApprovalChain | undefined): string {
  const comment = chain?.decisions.at(-1)?.comment;
  return comment ? `: ${comment}` : '';
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.message;
    if (err.cause instanceof TimeoutFailure)
      return 'Gave up after retrying for 24 hours; the network stayed unavailable';
    return err.cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
