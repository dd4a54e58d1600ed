import { ChannelCampaignFilters } from '../components/FilterSelect';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { POST_STATUSES, type PostStatus } from '../../../contracts/domain';
import { api, data } from '../api/client';
import { formatDateTime } from '../app/format';
import { LIVE_REFETCH_MS } from '../app/live';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { channelName, excerpt, statusText, useCampaigns, useChannels } from './post-shared';
import './posts.css';

const isStatus = (value: string | null): value is PostStatus =>
  value !== null && (POST_STATUSES as readonly string[]).includes(value);

export default function Posts() {
  const { can } = useSession();
  // Filters live in the screen's state, not the URL: the server refuses a query string on app pages
  // (api/plugins/input.ts gives every route a strict one), so a reload of /posts?status=… would fail.
  const [filters, setFilters] = useState({ status: '', channel: '', campaign: '' });
  const status = isStatus(filters.status) ? filters.status : undefined;
  const channelId = filters.channel;
  const campaignId = filters.campaign;
  const channels = useChannels();
  const campaigns = useCampaigns();
  const posts = useQuery({
    queryKey: ['posts', status, channelId, campaignId],
    queryFn: () =>
      data(
        api.GET('/v1/posts', {
          params: {
            query: {
              ...(status ? { status } : {}),
              ...(channelId ? { channelId } : {}),
              ...(campaignId ? { campaignId } : {}),
            },
          },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
    placeholderData: keepPreviousData,
  });

  const setFilter = (key: keyof typeof filters, value: string) =>
    setFilters((current) => ({ ...current, [key]: value }));

  const list = posts.data?.posts ?? [];
  return (
    <Screen title="Posts" actions={can('writeContent') ? <Link to="/compose">New post</Link> : undefined}>
      <div className="post-filters">
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {POST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusText(s)}
              </option>
            ))}
          </select>
        </label>
        <ChannelCampaignFilters
          channelId={channelId}
          campaignId={campaignId}
          channels={channels.data}
          campaigns={campaigns.data}
          onChange={setFilter}
        />
      </div>
      {posts.error && <ProblemMessage error={posts.error} onRetry={() => void posts.refetch()} />}
      {posts.isPending && <p className="loading">Loading…</p>}
      {posts.data && list.length === 0 && <p>No posts match.</p>}
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="stacked-table">
            <caption className="visually-hidden">Posts, by publish time</caption>
            <thead>
              <tr>
                <th scope="col">Post</th>
                <th scope="col">Publishes</th>
                <th scope="col">Status</th>
                <th scope="col">Targets</th>
              </tr>
            </thead>
            <tbody>
              {list.map((post) => (
                <tr key={post.id}>
                  <td data-label="Post">
                    <Link to={`/posts/${post.id}`}>{excerpt(post.text)}</Link>
                  </td>
                  <td data-label="Publishes">
                    <time dateTime={post.publishAt}>{formatDateTime(post.publishAt)}</time>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={post.status} />
                  </td>
                  <td data-label="Targets">
                    <ul className="target-list">
                      {post.targets.map((t) => (
                        <li key={t.id}>
                          {channelName(channels.data, t.channelId)}: <StatusBadge status={t.status} />
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Screen>
  );
}
