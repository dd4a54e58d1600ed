import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { api, data, type Ok } from '../api/client';
import { useSession } from '../app/session';
import { formatDateTime } from '../app/format';
import { ProblemMessage } from './ProblemMessage';
import { StatusBadge } from './StatusBadge';
import { useNow } from './useNow';
import './approval-chain.css';

/** A chain as every approval route shows it (posts add their texts). */
export type ApprovalChain = Ok<'/v1/campaigns/{id}/approval', 'get'>;
type Person = ApprovalChain['awaiting'][number];
type Decision = 'approve' | 'reject' | 'request_changes';

/** What the chain decides on: the route its decisions go to, and who made it (they never decide on it). */
export interface ApprovalSubject {
  kind: 'post' | 'campaign' | 'library' | 'reply';
  id: string;
  ownerId: string;
}

export const personName = (p: Person): string => `${p.name ?? p.email ?? 'Someone'}${p.member ? '' : ' (left)'}`;

const MODE: Record<ApprovalChain['steps'][number]['mode'], (quorum?: number) => string> = {
  any: () => 'any one of',
  all: () => 'all of',
  quorum: (quorum) => `${quorum ?? 1} of`,
};

const DECIDED: Record<Decision, string> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'requested changes on',
};

/** A key for the Idempotency-Key header: a retry of the same decision sends the same key. */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether the signed-in member is awaited on the chain's current step (the server checks again). */
export function mayDecide(chain: ApprovalChain, subject: ApprovalSubject, userId: string): boolean {
  return (
    chain.state === 'pending' &&
    chain.currentStep !== null &&
    chain.awaitingUserIds.includes(userId) &&
    subject.ownerId !== userId &&
    !chain.editorIds.includes(userId)
  );
}

/** The steps of an approval chain, its decisions by name, the current step's deadline, and (for the awaited) the decision form. */
export function ApprovalChainPanel({ chain, subject }: { chain: ApprovalChain; subject: ApprovalSubject }) {
  const { session, can } = useSession();
  const me = session.user.id;
  const current = chain.currentStep;
  const now = useNow();
  const overdue = chain.deadline !== null && Date.parse(chain.deadline) < now;
  const decisions = [...chain.decisions].reverse();
  return (
    <div className="approval-chain">
      <p className="chain-summary">
        <StatusBadge status={chain.state} />{' '}
        {current !== null && chain.state === 'pending'
          ? `Step ${current} of ${chain.steps.length}`
          : `${chain.steps.length} step${chain.steps.length === 1 ? '' : 's'}`}
        {' · '}round {chain.round + 1}
        {chain.deadline && (
          <>
            {' · '}
            <span className={overdue ? 'overdue' : undefined}>
              {overdue ? 'Overdue since' : 'Due'} {formatDateTime(chain.deadline)}
            </span>
          </>
        )}
      </p>
      <ol className="chain-steps">
        {chain.steps.map((step, i) => {
          const n = i + 1;
          const done = chain.state === 'approved' || (current !== null && n < current);
          const now = chain.state === 'pending' && n === current;
          const stepDecisions = chain.decisions.filter((d) => d.round === chain.round && d.step === n);
          return (
            <li key={n} className={done ? 'done' : now ? 'current' : undefined} aria-current={now ? 'step' : undefined}>
              <strong>
                Step {n}: {step.name}
              </strong>{' '}
              <span className="muted">{done ? '(done)' : now ? '(waiting)' : ''}</span>
              <div>
                {MODE[step.mode](step.quorum)} {step.approvers.map(personName).join(', ') || 'nobody'}
                {step.deadlineSeconds !== undefined && (
                  <span className="muted"> · {Math.round(step.deadlineSeconds / 3600)} h to decide</span>
                )}
                {step.source && <span className="muted"> · from rule {step.source}</span>}
              </div>
              {now && chain.awaiting.length > 0 && (
                <div className="muted">Waiting for {chain.awaiting.map(personName).join(', ')}</div>
              )}
              {stepDecisions.length > 0 && (
                <div className="muted">
                  {stepDecisions
                    .map((d) => `${personName(d.user)} ${DECIDED[d.decision].replace(' on', '')}`)
                    .join('; ')}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {decisions.length > 0 && (
        <details>
          <summary>Decisions ({decisions.length})</summary>
          <ul className="decisions">
            {decisions.map((d) => (
              <li key={`${d.round}:${d.step}:${d.userId}:${d.at}`}>
                <strong>{personName(d.user)}</strong> {DECIDED[d.decision]} step {d.step} (round {d.round + 1}),{' '}
                {formatDateTime(d.at)}
                {d.comment && <q>{d.comment}</q>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {can('decide') && mayDecide(chain, subject, me) && <DecisionForm chain={chain} subject={subject} />}
    </div>
  );
}

function DecisionForm({ chain, subject }: { chain: ApprovalChain; subject: ApprovalSubject }) {
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const attempt = useRef<{ fingerprint: string; key: string } | undefined>(undefined);
  const decide = useMutation({
    mutationFn: (decision: Decision) => {
      const body = { decision, step: chain.currentStep ?? 1, round: chain.round, comment: comment.trim() || undefined };
      // The same decision again (after a lost answer) reuses its key, so it is applied at most once.
      const fingerprint = JSON.stringify([subject.kind, subject.id, body]);
      if (attempt.current?.fingerprint !== fingerprint) attempt.current = { fingerprint, key: newKey() };
      const params = { path: { id: subject.id }, header: { 'idempotency-key': attempt.current.key } };
      if (subject.kind === 'post') return data(api.POST('/v1/posts/{id}/approval', { params, body }));
      if (subject.kind === 'campaign') return data(api.POST('/v1/campaigns/{id}/approval', { params, body }));
      if (subject.kind === 'reply') return data(api.POST('/v1/inbox/replies/{id}/decisions', { params, body }));
      return data(api.POST('/v1/library/{id}/approval', { params, body }));
    },
    onSuccess: async () => {
      attempt.current = undefined;
      setComment('');
      await queryClient.invalidateQueries();
    },
  });
  return (
    <form className="decision-form" onSubmit={(event) => event.preventDefault()}>
      <label htmlFor={commentId}>Comment (optional)</label>
      <textarea id={commentId} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      {decide.error && <ProblemMessage error={decide.error} />}
      <div className="decision-buttons">
        <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
          Approve
        </button>
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('request_changes')}>
          Request changes
        </button>
        <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
          Reject
        </button>
      </div>
    </form>
  );
}
