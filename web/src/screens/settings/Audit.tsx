import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { formatDateTime } from '../../app/format';
import { ProblemMessage } from '../../components/ProblemMessage';
import { memberName } from './common';

type AuditQuery = NonNullable<paths['/v1/audit']['get']['parameters']['query']>;

const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined);

/** The audit log with filters, and a check of its hash chain. */
export function AuditSection() {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const members = useQuery({ queryKey: ['members'], queryFn: () => data(api.GET('/v1/members')) });
  const filters: AuditQuery = {
    ...(action.trim() ? { action: action.trim() as NonNullable<AuditQuery['action']> } : {}),
    ...(actor ? { actor } : {}),
    ...(subject.trim() ? { subject: subject.trim() } : {}),
    ...(from ? { from: dayStart(from) } : {}),
    ...(to ? { to: dayEnd(to) } : {}),
    limit: 200,
  };
  const entries = useQuery({
    queryKey: ['audit', filters],
    queryFn: () => data(api.GET('/v1/audit', { params: { query: filters } })),
  });
  const verify = useMutation({ mutationFn: () => data(api.GET('/v1/audit/verify')) });
  const actions = [...new Set(entries.data?.entries.map((e) => e.action))].sort();
  return (
    <section aria-labelledby="audit-title" className="settings-section">
      <div className="section-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      <div aria-live="polite">
        {verify.error && <ProblemMessage error={verify.error} />}
        {verify.data?.ok && (
          <p className="chain-ok" data-testid="chain-result">
            The chain is intact: {verify.data.checked} entries checked, each sealed with the audit key and following
            from the one before; {verify.data.checkpoints} signed checkpoints match it.
          </p>
        )}
        {verify.data && !verify.data.ok && (
          <div className="problem" data-testid="chain-result">
            <strong>The chain is broken</strong>
            {verify.data.firstBroken && (
              <p>
                {verify.data.checked} entries checked; the first broken one is {verify.data.firstBroken.id}:{' '}
                {verify.data.firstBroken.reason}
              </p>
            )}
            {verify.data.brokenCheckpoint && (
              <p>
                Checkpoint {verify.data.brokenCheckpoint.id}: {verify.data.brokenCheckpoint.reason}
              </p>
            )}
          </div>
        )}
      </div>
      <div className="filters" role="group" aria-label="Audit filters">
        <label>
          Action
          <input
            list="audit-actions"
            placeholder="e.g. member.added"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          Who
          <select value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">Anyone</option>
            {members.data?.members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {memberName(m)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Subject id
          <input value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {entries.error && <ProblemMessage error={entries.error} />}
      {entries.data?.entries.length === 0 && <p className="muted">No entries match.</p>}
      {entries.data && entries.data.entries.length > 0 && (
        <div className="table-scroll">
          <table className="stacked-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.entries.map((e) => (
                <tr key={e.id} data-testid="audit-entry">
                  <td data-label="When">{formatDateTime(e.at)}</td>
                  <td data-label="Who">{e.actor ? (e.actor.name ?? e.actor.email ?? e.actor.id) : 'Chorus'}</td>
                  <td data-label="Action">
                    <code>{e.action}</code>
                  </td>
                  <td data-label="Subject">
                    {e.subjectType} <code>{e.subjectId.slice(0, 8)}</code>
                  </td>
                  <td data-label="Change">
                    {(e.before != null || e.after != null) && (
                      <details>
                        <summary>Details</summary>
                        <pre className="audit-json">
                          {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
                        </pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
