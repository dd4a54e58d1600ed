import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { CsvLink, csvUrl, number, percent } from './analytics/shared';
import './analytics.css';

/** Campaigns side by side, per post and per follower; the picked ones live in the address, so it can be shared. */
export default function AnalyticsCompare() {
  const [search, setSearch] = useSearchParams();
  // The picks live in this state, written to the address after: the address changes a tick after a
  // click, so boxes drawn from it flickered back, and a second quick click built on the stale list
  // and dropped the first.
  const [ids, setIds] = useState(() => search.getAll('ids'));
  useEffect(() => {
    setSearch(new URLSearchParams(ids.map((i) => ['ids', i])), { replace: true });
  }, [ids, setSearch]);
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: () => data(api.GET('/v1/campaigns')) });
  const compare = useQuery({
    queryKey: ['analytics-compare', ids],
    enabled: ids.length >= 2,
    queryFn: () => data(api.GET('/v1/analytics/campaigns/compare', { params: { query: { ids } } })),
  });
  const toggle = (id: string, on: boolean) =>
    setIds((picked) => (on ? [...picked.filter((i) => i !== id), id] : picked.filter((i) => i !== id)));
  const rows = compare.data?.campaigns ?? [];
  const metrics: { label: string; value: (c: (typeof rows)[number]) => string }[] = [
    { label: 'Posts published', value: (c) => number(c.posts) },
    { label: 'Engagements', value: (c) => number(c.engagements) },
    { label: 'Engagements per post', value: (c) => number(c.engagementsPerPost, 1) },
    { label: 'Engagements per follower', value: (c) => percent(c.engagementsPerFollower) },
    { label: 'Impressions', value: (c) => number(c.impressions) },
    { label: 'Clicks', value: (c) => number(c.clicks) },
    { label: 'Clicks per post', value: (c) => number(c.clicksPerPost, 1) },
    { label: 'Likes', value: (c) => number(c.likes) },
    { label: 'Reposts', value: (c) => number(c.reposts) },
    { label: 'Replies', value: (c) => number(c.replies) },
    { label: 'Quotes', value: (c) => number(c.quotes) },
  ];
  return (
    <Screen title="Compare campaigns">
      <div className="analytics">
        <p>
          <Link to="/analytics">Analytics</Link>
        </p>
        <fieldset className="compare-picker">
          <legend>Campaigns to compare (two or more, up to ten)</legend>
          {campaigns.error && <ProblemMessage error={campaigns.error} />}
          {campaigns.data?.campaigns.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={ids.includes(c.id)}
                disabled={!ids.includes(c.id) && ids.length >= 10}
                onChange={(e) => toggle(c.id, e.target.checked)}
              />
              {c.name}
            </label>
          ))}
          {campaigns.data?.campaigns.length === 0 && <p className="muted">No campaigns yet.</p>}
        </fieldset>
        {ids.length < 2 ? (
          <p className="muted">Pick at least two campaigns.</p>
        ) : compare.error ? (
          <ProblemMessage error={compare.error} onRetry={() => void compare.refetch()} />
        ) : compare.isPending ? (
          <p className="loading">Loading…</p>
        ) : (
          <section className="card" aria-labelledby="compare-title">
            <div className="section-head">
              <h2 id="compare-title">Side by side</h2>
              <CsvLink href={csvUrl('/v1/analytics/campaigns/compare', { ids })} label="the comparison" />
            </div>
            <div className="table-scroll">
              <table className="compare-table">
                <caption className="visually-hidden">Campaigns compared, per post and per follower</caption>
                <thead>
                  <tr>
                    <th scope="col">Figure</th>
                    {rows.map((c) => (
                      <th key={c.campaignId} scope="col">
                        <Link to={`/campaigns/${c.campaignId}`}>{c.name}</Link>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {metrics.map((m) => (
                    <tr key={m.label}>
                      <th scope="row">{m.label}</th>
                      {rows.map((c) => (
                        <td key={c.campaignId}>{m.value(c)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )}
      </div>
    </Screen>
  );
}
