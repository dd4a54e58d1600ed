import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Ok } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { useNow } from '../components/useNow';
import './inbox.css';

type Report = Ok<'/v1/inbox/sla-report', 'get'>;
type Figures = Report['total'];

const PERIODS = [
  { days: 1, label: 'Last 24 hours' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
] as const;

/** Seconds as "42 s", "12 min", "3.5 h", "2.1 d": response times read at a glance. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Response times of the conversations that started in a period: the workspace's, per member and per channel. */
export default function SlaReport() {
  const [days, setDays] = useState<number>(7);
  // The period ends now, renewed each minute and rounded to it so a re-render does not ask for a new report.
  const now = useNow(60_000);
  const range = useMemo(() => {
    const to = Math.ceil(now / 60_000) * 60_000;
    return { from: new Date(to - days * 86_400_000).toISOString(), to: new Date(to).toISOString() };
  }, [days, now]);
  const report = useQuery({
    queryKey: ['inbox', 'sla-report', range],
    queryFn: () => data(api.GET('/v1/inbox/sla-report', { params: { query: range } })),
    placeholderData: keepPreviousData,
  });
  return (
    <Screen title="SLA report">
      <Link to="/inbox" className="back-link">
        ← Inbox
      </Link>
      <div className="report-filters">
        <label>
          Conversations started
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p.days} value={p.days}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {report.error && <ProblemMessage error={report.error} onRetry={() => void report.refetch()} />}
      {report.isPending && <p className="loading">Loading…</p>}
      {report.data && (
        <>
          <FiguresTable
            title="Whole workspace"
            who="Scope"
            rows={[{ key: 'total', name: 'All conversations', figures: report.data.total }]}
          />
          <FiguresTable
            title="Per member"
            who="Assignee"
            rows={report.data.members.map((m) => ({
              key: m.userId ?? 'unassigned',
              name: m.userId ? (m.name ?? 'A member without a name') : 'Unassigned',
              figures: m,
            }))}
          />
          <FiguresTable
            title="Per channel"
            who="Channel"
            rows={report.data.channels.map((c) => ({
              key: c.channelId ?? 'pushed',
              name: c.channelId ? (c.name ?? 'A removed channel') : 'Pushed by other systems',
              figures: c,
            }))}
          />
        </>
      )}
    </Screen>
  );
}

function FiguresTable({
  title,
  who,
  rows,
}: {
  title: string;
  /** What the rows are: their column's heading. */
  who: string;
  rows: { key: string; name: string; figures: Figures }[];
}) {
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section className="report-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No conversations in this period.</p>
      ) : (
        <div className="table-scroll">
          <table className="stacked-table">
            <thead>
              <tr>
                <th scope="col">{who}</th>
                <th scope="col">Conversations</th>
                <th scope="col">Answered</th>
                <th scope="col">Median first response</th>
                <th scope="col">p90 first response</th>
                <th scope="col">First-response breaches</th>
                <th scope="col">Resolution breaches</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ key, name, figures: f }) => (
                <tr key={key}>
                  <th scope="row">{name}</th>
                  <td data-label="Conversations" className="num">
                    {f.conversations}
                  </td>
                  <td data-label="Answered" className="num">
                    {f.responded}
                  </td>
                  <td data-label="Median first response" className="num">
                    {duration(f.medianFirstResponseSeconds)}
                  </td>
                  <td data-label="p90 first response" className="num">
                    {duration(f.p90FirstResponseSeconds)}
                  </td>
                  <td data-label="First-response breaches" className="num">
                    {f.firstResponseBreaches}
                  </td>
                  <td data-label="Resolution breaches" className="num">
                    {f.resolutionBreaches}
                  </td>
                  <td data-label="Resolved" className="num">
                    {f.resolved}
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
