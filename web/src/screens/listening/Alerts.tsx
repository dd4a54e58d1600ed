import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { LIVE_REFETCH_MS } from '../../app/live';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { StatusBadge } from '../../components/StatusBadge';
import type { Alert, Query } from './types';

/** Spike alerts, newest first and polled; roles that listen acknowledge them. */
export function Alerts({ queries, queryId }: { queries: Query[]; queryId: string | undefined }) {
  const id = useId();
  const [status, setStatus] = useState<'open' | 'closed' | ''>('open');
  const alerts = useQuery({
    queryKey: ['alerts', queryId, status],
    queryFn: () =>
      data(
        api.GET('/v1/alerts', {
          params: { query: { ...(status ? { status } : {}), ...(queryId ? { queryId } : {}) } },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const names = new Map(queries.map((q) => [q.id, q.name]));
  return (
    <section className="alerts" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>Alerts</h2>
        <label className="inline">
          <span>Show</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
            <option value="">All</option>
          </select>
        </label>
      </div>
      {alerts.error && <ProblemMessage error={alerts.error} onRetry={() => void alerts.refetch()} />}
      {alerts.data?.alerts.length === 0 && <p className="muted">No alerts.</p>}
      <ul className="alert-list">
        {alerts.data?.alerts.map((a) => (
          <AlertItem key={a.id} alert={a} queryName={names.get(a.queryId)} />
        ))}
      </ul>
    </section>
  );
}

function AlertItem({ alert, queryName }: { alert: Alert; queryName: string | undefined }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const acknowledge = useMutation({
    mutationFn: () => data(api.POST('/v1/alerts/{id}/acknowledge', { params: { path: { id: alert.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['alerts'] }),
  });
  return (
    <li className="card alert-item" data-testid="alert">
      <div className="mention-head">
        <strong>{queryName ?? 'A query'}</strong>
        <StatusBadge status={alert.status} />
      </div>
      <p>{alert.reasons.join('; ') || 'Spike'}</p>
      <p className="muted">
        Opened {formatDateTime(alert.openedAt)}
        {alert.closedAt && ` · closed ${formatDateTime(alert.closedAt)}`}
      </p>
      {alert.acknowledgedAt ? (
        <p className="acknowledged">Acknowledged {formatDateTime(alert.acknowledgedAt)}</p>
      ) : (
        can('listen') && (
          <button type="button" onClick={() => acknowledge.mutate()} disabled={acknowledge.isPending}>
            Acknowledge<span className="visually-hidden"> the alert on {queryName ?? 'a query'}</span>
          </button>
        )
      )}
      {acknowledge.error && <ProblemMessage error={acknowledge.error} />}
    </li>
  );
}
