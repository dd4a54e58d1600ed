import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { ProblemMessage } from '../../components/ProblemMessage';
import { CsvLink, csvUrl, Figure, ImpressionsFigure, number, percent, type Counts } from './shared';
import '../analytics.css';

/** The campaign's figures on its detail screen: totals, per channel and per post. */
export function CampaignReport({ campaignId, postText }: { campaignId: string; postText: (id: string) => string }) {
  const report = useQuery({
    queryKey: ['analytics-campaign', campaignId],
    queryFn: () => data(api.GET('/v1/analytics/campaigns/{id}', { params: { path: { id: campaignId } } })),
  });
  const r = report.data;
  return (
    <section className="card analytics" aria-labelledby="campaign-report">
      <div className="section-head">
        <h2 id="campaign-report">Results</h2>
        <span>
          <CsvLink href={csvUrl(`/v1/analytics/campaigns/${campaignId}`)} label="the campaign's results" />{' '}
          <Link className="csv-link" to={`/analytics/compare?ids=${campaignId}`}>
            Compare with others
          </Link>
        </span>
      </div>
      {report.error ? (
        <ProblemMessage error={report.error} onRetry={() => void report.refetch()} />
      ) : !r ? (
        <p className="loading">Loading…</p>
      ) : r.totals.posts === 0 ? (
        <p className="muted">No published posts yet: figures appear an hour after the first one goes out.</p>
      ) : (
        <>
          <dl className="figures" aria-label="Campaign totals">
            <Figure label="Posts published" value={number(r.totals.posts)} hint={`${r.totals.targets} sends`} />
            <Figure
              label="Engagements"
              value={number(r.totals.engagements)}
              hint={`${r.totals.likes} likes, ${r.totals.reposts} reposts, ${r.totals.replies} replies, ${r.totals.quotes} quotes`}
            />
            <Figure
              label="Engagement rate"
              value={percent(r.totals.engagementRate)}
              hint="per follower at publishing"
            />
            <ImpressionsFigure totals={r.totals} />
            <Figure label="Link clicks" value={number(r.totals.clicks)} />
          </dl>
          <CountsTable
            caption="Per channel"
            rows={r.channels.map((c) => ({ key: c.channelId, name: c.channelName, counts: c }))}
          />
          <CountsTable
            caption="Per post"
            rows={r.posts.map((p) => ({
              key: p.postId,
              name: (
                <>
                  <Link to={`/posts/${p.postId}`}>{postText(p.postId)}</Link>
                  <br />
                  <span className="muted">{formatDateTime(p.publishedAt)}</span>
                </>
              ),
              counts: p,
            }))}
          />
        </>
      )}
    </section>
  );
}

function CountsTable({
  caption,
  rows,
}: {
  caption: string;
  rows: { key: string; name: React.ReactNode; counts: Counts }[];
}) {
  return (
    <table className="stacked-table">
      <caption className="table-caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{caption === 'Per post' ? 'Post' : 'Channel'}</th>
          <th scope="col">Likes</th>
          <th scope="col">Reposts</th>
          <th scope="col">Replies</th>
          <th scope="col">Quotes</th>
          <th scope="col">Engagements</th>
          <th scope="col">Impressions</th>
          <th scope="col">Rate</th>
          <th scope="col">Clicks</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ key, name, counts: c }) => (
          <tr key={key}>
            <td data-label={caption === 'Per post' ? 'Post' : 'Channel'}>{name}</td>
            <td data-label="Likes">{number(c.likes)}</td>
            <td data-label="Reposts">{number(c.reposts)}</td>
            <td data-label="Replies">{number(c.replies)}</td>
            <td data-label="Quotes">{number(c.quotes)}</td>
            <td data-label="Engagements">{number(c.engagements)}</td>
            <td data-label="Impressions">{number(c.impressions)}</td>
            <td data-label="Rate">{percent(c.engagementRate)}</td>
            <td data-label="Clicks">{number(c.clicks)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
