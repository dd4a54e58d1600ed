import { useQuery } from '@tanstack/react-query';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { useId, useMemo, useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { api, data } from '../../api/client';
import { LIVE_REFETCH_MS } from '../../app/live';
import { ProblemMessage } from '../../components/ProblemMessage';
import type { Query } from './types';

// Only the pieces these charts use.
ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

const RANGES = {
  day: { label: 'Last 24 hours', hours: 24, interval: 'hour' as const },
  week: { label: 'Last 7 days', hours: 24 * 7, interval: 'day' as const },
  month: { label: 'Last 30 days', hours: 24 * 30, interval: 'day' as const },
};
type Range = keyof typeof RANGES;

/** The period, fixed when it is chosen; it ends an hour ahead, so mentions arriving meanwhile fall inside it. */
function spanOf(hours: number): { from: string; to: string } {
  const to = Date.now() + 3600_000;
  return { from: new Date(to - (hours + 1) * 3600_000).toISOString(), to: new Date(to).toISOString() };
}

const COLOURS = ['#3b3bb3', '#b3261e', '#1e6b35', '#8a5a00', '#7a2c8f', '#0f6f7f', '#5b5b6e'];
const SENTIMENT_COLOURS = { positive: '#1e6b35', neutral: '#8e8ea3', negative: '#b3261e' };

function bucketLabel(iso: string, interval: 'hour' | 'day'): string {
  const at = new Date(iso);
  return interval === 'hour'
    ? at.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
    : at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** Volume and sentiment over time, share of voice and trends, for one query or all. */
export function Insights({ queries, queryId }: { queries: Query[]; queryId: string | undefined }) {
  const id = useId();
  const [range, setRange] = useState<Range>('week');
  const { hours, interval } = RANGES[range];
  const [span, setSpan] = useState(() => spanOf(RANGES.week.hours));

  const stats = useQuery({
    queryKey: ['listening-stats', queryId, span, interval],
    queryFn: () =>
      data(
        api.GET('/v1/listening/stats', {
          params: { query: { ...span, interval, ...(queryId ? { queryId } : {}) } },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const share = useQuery({
    queryKey: ['listening-share', span, interval],
    queryFn: () => data(api.GET('/v1/listening/share-of-voice', { params: { query: { ...span, interval } } })),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const trends = useQuery({
    queryKey: ['listening-trends', queryId, hours],
    queryFn: () =>
      data(
        api.GET('/v1/listening/trends', {
          params: { query: { hours: Math.min(hours, 24 * 30), limit: 10, ...(queryId ? { queryId } : {}) } },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
  });

  const series = useMemo(() => {
    const byAt = new Map<string, { volume: number; positive: number; negative: number; neutral: number }>();
    for (const row of stats.data?.series ?? []) {
      const sum = byAt.get(row.at) ?? { volume: 0, positive: 0, negative: 0, neutral: 0 };
      sum.volume += row.volume;
      sum.positive += row.positive;
      sum.negative += row.negative;
      sum.neutral += row.neutral;
      byAt.set(row.at, sum);
    }
    return [...byAt.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [stats.data]);
  const labels = series.map(([at]) => bucketLabel(at, interval));
  const total = series.reduce((sum, [, s]) => sum + s.volume, 0);

  const shareNames = useMemo(() => {
    const names = new Map<string, string>();
    for (const bucket of share.data?.series ?? []) for (const q of bucket.queries) names.set(q.queryId, q.name);
    return names;
  }, [share.data]);
  const shareSeries = share.data?.series ?? [];

  return (
    <section className="insights" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>Charts</h2>
        <label className="inline">
          <span>Period</span>
          <select
            value={range}
            onChange={(e) => {
              const next = e.target.value as Range;
              setRange(next);
              setSpan(spanOf(RANGES[next].hours));
            }}
          >
            {Object.entries(RANGES).map(([key, r]) => (
              <option key={key} value={key}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="chart-grid">
        <figure className="card chart">
          <figcaption>Volume and sentiment</figcaption>
          {stats.error && <ProblemMessage error={stats.error} />}
          {series.length === 0 && !stats.isPending && <p className="muted">No mentions in this period.</p>}
          {series.length > 0 && (
            <div className="chart-box">
              <Bar
                role="img"
                aria-label={`Mentions per ${interval}: ${total} in all, ${series.reduce((n, [, s]) => n + s.positive, 0)} positive, ${series.reduce((n, [, s]) => n + s.negative, 0)} negative`}
                data-testid="volume-chart"
                options={{
                  responsive: true,
                  maintainAspectRatio: false,
                  scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
                }}
                data={{
                  labels,
                  datasets: (['positive', 'neutral', 'negative'] as const).map((key) => ({
                    label: key,
                    data: series.map(([, s]) => s[key]),
                    backgroundColor: SENTIMENT_COLOURS[key],
                  })),
                }}
              />
            </div>
          )}
        </figure>
        <figure className="card chart">
          <figcaption>Share of voice (brand and competitor queries)</figcaption>
          {share.error && <ProblemMessage error={share.error} />}
          {shareSeries.length === 0 && !share.isPending && <p className="muted">No brand or competitor mentions.</p>}
          {shareSeries.length > 0 && (
            <div className="chart-box">
              <Bar
                role="img"
                aria-label={`Share of voice per ${interval} for ${[...shareNames.values()].join(', ')}`}
                options={{
                  responsive: true,
                  maintainAspectRatio: false,
                  scales: {
                    x: { stacked: true },
                    y: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
                  },
                }}
                data={{
                  labels: shareSeries.map((b) => bucketLabel(b.at, interval)),
                  datasets: [...shareNames.entries()].map(([qid, name], i) => ({
                    label: name,
                    data: shareSeries.map((b) =>
                      Math.round((b.queries.find((q) => q.queryId === qid)?.share ?? 0) * 100),
                    ),
                    borderColor: COLOURS[i % COLOURS.length],
                    backgroundColor: COLOURS[i % COLOURS.length],
                  })),
                }}
              />
            </div>
          )}
        </figure>
      </div>
      <div className="card">
        <h3>Trends</h3>
        {trends.error && <ProblemMessage error={trends.error} />}
        {trends.data && (
          <div className="trend-grid">
            {(['terms', 'hashtags', 'links', 'authors'] as const).map((kind) => (
              <div key={kind} className="table-scroll">
                <table>
                  <caption>{kind[0]!.toUpperCase() + kind.slice(1)}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Value</th>
                      <th scope="col">Now</th>
                      <th scope="col">Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {trends.data[kind].length === 0 && (
                      <tr>
                        <td colSpan={3} className="muted">
                          None yet
                        </td>
                      </tr>
                    )}
                    {trends.data[kind].map((t) => (
                      <tr key={t.value}>
                        <td className="trend-value">{t.value}</td>
                        <td>{t.count}</td>
                        <td>{t.change > 0 ? `+${t.change}` : t.change}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
        )}
      </div>
      {queries.length === 0 && <p className="muted">Create a query to see what people say.</p>}
    </section>
  );
}
