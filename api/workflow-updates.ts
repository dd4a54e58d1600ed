import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findIdempotentAnswer, saveIdempotentAnswer } from '../db/approvals';
import type { Caller } from '../db/tokens';
import {
  APPROVAL_MODES,
  decideUpdate,
  type ApprovalChainStatus,
  type DecisionKind,
  type StaleDecisionDetails,
} from '../contracts/approval';
import { FailureType } from '../contracts/shared';
import { callerOf } from './plugins/auth';
import { conflict, forbidden, invalidField, Problem } from './problems';

/**
 * Runs a workflow Update for a route. The workflow's validator has the last word: a refusal for
 * who the caller is becomes 403, any other refusal 409 (a stale decision's names the current step
 * and round); a workflow that has finished is a 409 too.
 */
export async function runWorkflowUpdate<T>(update: () => Promise<T>, finished: string): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      if (err.cause instanceof ApplicationFailure && err.cause.type === FailureType.NotEligible)
        throw forbidden(err.cause.message);
      if (err.cause instanceof ApplicationFailure && err.cause.type === FailureType.StaleDecision)
        throw staleDecision(err.cause.message, err.cause.details?.[0] as StaleDecisionDetails | undefined);
      throw conflict(err.cause?.message ?? err.message);
    }
    if (err instanceof WorkflowNotFoundError) throw conflict(finished);
    throw err;
  }
}

function staleDecision(message: string, current: StaleDecisionDetails | undefined): Problem {
  if (!current) return conflict(message);
  const step =
    current.currentStep === null
      ? `no step is pending (the chain is ${current.state})`
      : `the current step is ${current.currentStep + 1}`;
  return conflict(message, [
    { field: 'step', rule: 'current', message: step },
    { field: 'round', rule: 'current', message: `the current round is ${current.round}` },
  ]);
}

export const approvalStepView = z.object({
  name: z.string(),
  mode: z.enum(APPROVAL_MODES),
  quorum: z.number().int().optional(),
  eligibleUserIds: z.array(z.string()),
  source: z.string().optional(),
  deadlineSeconds: z.number().int().optional(),
  remindBeforeSeconds: z.number().int().optional(),
  escalateToUserIds: z.array(z.string()).optional(),
});

export const decisionView = z.object({
  round: z.number().int(),
  step: z.number().int().describe('From 1'),
  userId: z.string(),
  decision: z.enum(['approve', 'reject', 'request_changes']),
  comment: z.string().optional(),
  at: z.string(),
});

/** An approval chain as the API shows it: steps numbered from 1, like everywhere people see them. */
export const approvalChainView = z.object({
  state: z.enum(['pending', 'changes_requested', 'approved', 'rejected', 'expired', 'none']),
  round: z.number().int().describe('From 0; each edit of the content starts a new round from step 1'),
  currentStep: z
    .number()
    .int()
    .nullable()
    .describe('The step waiting for decisions, from 1 (the index in steps plus one); null when none is'),
  steps: z.array(approvalStepView),
  decisions: z.array(decisionView),
  awaitingUserIds: z.array(z.string()).describe('Approvers of the current step who have not decided yet'),
  distinctApprovers: z.boolean().describe('One person approves at most one step of a round'),
  editorIds: z.array(z.string()).describe('Who changed the content in this round: they may not decide in it'),
  deadline: z
    .string()
    .nullable()
    .describe(
      'When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending',
    ),
});
export type ApprovalChainView = z.infer<typeof approvalChainView>;

/** The one place workflow step numbers (from 0) become the API's (from 1). */
export function approvalView(chain: ApprovalChainStatus): ApprovalChainView {
  return {
    ...chain,
    currentStep: chain.currentStep === null ? null : chain.currentStep + 1,
    decisions: chain.decisions.map((d) => ({ ...d, step: d.step + 1 })),
    distinctApprovers: chain.distinctApprovers ?? false,
    editorIds: chain.editorIds ?? [],
    awaitingUserIds: chain.awaitingUserIds ?? [],
    deadline: chain.deadline ?? null,
  };
}

export interface DecisionBody {
  decision: DecisionKind;
  /** From 1, as the API shows steps. */
  step: number;
  round: number;
  comment?: string;
}

/**
 * A caller's decision on the approval chain a workflow runs (a post's, a campaign plan's, a library
 * item's). With `updateId` (from an Idempotency-Key), Temporal applies it at most once per run.
 */
export async function runDecision(
  temporal: Client,
  workflowId: string,
  caller: Caller,
  body: DecisionBody,
  finished: string,
  updateId?: string,
): Promise<ApprovalChainView> {
  const request = {
    userId: caller.userId,
    decision: body.decision,
    comment: body.comment,
    step: body.step - 1,
    round: body.round,
  };
  const chain = await runWorkflowUpdate(
    () =>
      temporal.workflow
        .getHandle(workflowId)
        .executeUpdate(decideUpdate, { args: [request], ...(updateId ? { updateId } : {}) }),
    finished,
  );
  return approvalView(chain);
}

/** Declares the optional Idempotency-Key header on a route (other headers pass untouched). */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('A retry with the same key gets the first answer (same status and body)'),
});

/**
 * Answers a request at most once per Idempotency-Key (per caller): a retry with the key gets the
 * first answer, status and body, whether it was a decision or a refusal; the same key with another
 * request is a 422. Temporal's own deduplication (the key as the Update id) does not cover refusals
 * (test/approvals.test.ts shows it), so the answer is kept in PostgreSQL; the Update id still keeps
 * a decision single when a retry overtakes the first attempt before its answer is saved.
 */
export async function answerOnce<R extends FastifyReply>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: R,
  run: (updateId?: string) => Promise<unknown>,
  /** False for an answer a retry should not get again (a bulk answer with an item that met an outage). */
  keep: (body: unknown) => boolean = () => true,
): Promise<R> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.send(await run()) as R;
  const caller = callerOf(request);
  const scope = { workspaceId: caller.workspaceId, userId: caller.userId, key };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([request.method, request.routeOptions.url, request.params, request.body]))
    .digest('hex');
  let answer = await findIdempotentAnswer(app.db, scope);
  if (!answer) {
    let statusCode = 200;
    let body: unknown;
    try {
      body = await run(`decide:${caller.userId}:${createHash('sha256').update(key).digest('hex')}`);
    } catch (err) {
      // An outage is not an answer: the retry should try again.
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      statusCode = err.status;
      body = err.toJSON(request.url);
    }
    if (!keep(body)) return reply.code(statusCode).send(body) as R;
    answer = await saveIdempotentAnswer(app.db, { ...scope, fingerprint, statusCode, body });
  }
  if (answer.fingerprint !== fingerprint)
    throw invalidField(
      'headers.idempotency-key',
      'same_request',
      'was used with another request; use a new key for a new request',
    );
  if (answer.statusCode >= 400)
    return reply.code(answer.statusCode).type('application/problem+json').send(answer.body) as R;
  return reply.code(answer.statusCode).send(answer.body) as R;
}
