import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Ok } from '../api/client';
import { LIVE_REFETCH_MS } from '../app/live';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { ApprovalChainPanel } from '../components/ApprovalChainPanel';
import { ProblemMessage } from '../components/ProblemMessage';
import { RefreshProblem } from '../components/RefreshProblem';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { CampaignReport } from './analytics/CampaignReport';
import './campaigns.css';

type Campaign = Ok<'/v1/campaigns/{id}', 'get'>;
type Action = 'submit' | 'pause' | 'resume' | 'cancel';

/** The actions the campaign's workflow accepts in each status (it refuses the others with a 409). */
const ACTIONS: Record<Action, (status: Campaign['status']) => boolean> = {
  submit: (s) => s === 'draft',
  pause: (s) => s === 'scheduled' || s === 'live',
  resume: (s) => s === 'paused',
  cancel: (s) => !['completed', 'cancelled', 'rejected'].includes(s),
};
const LABELS: Record<Action, string> = {
  submit: 'Submit for approval',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel campaign',
};

export default function CampaignDetail() {
  const { campaignId = '' } = useParams();
  const params = { params: { path: { id: campaignId } } };
  const campaign = useQuery({
    queryKey: ['campaign', campaignId],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/campaigns/{id}', params)),
  });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const channelName = (id: string) => channels.data?.channels.find((c) => c.id === id)?.name ?? id;
  // The same query as the posts table below, so the results name each post by its text at no extra call.
  const posts = useQuery({
    queryKey: ['posts', { campaignId }],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/posts', { params: { query: { campaignId, limit: 500 } } })),
  });
  const postText = (id: string) => {
    const text = posts.data?.posts.find((p) => p.id === id)?.text ?? 'Post';
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };

  if (campaign.isPending)
    return (
      <Screen title="Campaign">
        <p className="loading">Loading…</p>
      </Screen>
    );
  // Its first load failed (a refresh that fails keeps the campaign on screen, and says so).
  if (campaign.isLoadingError)
    return (
      <Screen title="Campaign">
        <ProblemMessage error={campaign.error} onRetry={() => void campaign.refetch()} />
        <Link to="/campaigns">All campaigns</Link>
      </Screen>
    );
  const c = campaign.data;
  return (
    <Screen title={c.name} actions={<CampaignActions campaign={c} />}>
      <RefreshProblem queries={[campaign]} />
      <p>
        <Link to="/campaigns">All campaigns</Link>
      </p>
      <p aria-live="polite">
        Status: <StatusBadge status={c.status} />
      </p>
      <div className="campaign-detail two-columns">
        <section className="card" aria-labelledby="facts">
          <h2 id="facts">Plan</h2>
          <dl className="campaign-facts">
            <dt>Dates</dt>
            <dd>
              {formatDateTime(c.startsAt)} – {formatDateTime(c.endsAt)}
              {c.enforceDates ? ' (posts must fall within)' : ''}
            </dd>
            <dt>Channels</dt>
            <dd>{c.channelIds.map(channelName).join(', ')}</dd>
            {c.objective && (
              <>
                <dt>Objective</dt>
                <dd>{c.objective}</dd>
              </>
            )}
            {c.tags.length > 0 && (
              <>
                <dt>Tags</dt>
                <dd>{c.tags.join(', ')}</dd>
              </>
            )}
            <dt>UTM</dt>
            <dd>
              {c.utm
                ? `utm_medium=${c.utm.medium}, utm_campaign=${c.utm.campaign}, utm_source per channel${
                    c.utm.sources && Object.keys(c.utm.sources).length > 0
                      ? ` (${Object.entries(c.utm.sources)
                          .map(([id, s]) => `${channelName(id)}: ${s}`)
                          .join(', ')}; others: the network)`
                      : ': the network'
                  }`
                : 'None: links go out as written'}
            </dd>
          </dl>
        </section>
        <CampaignApproval campaign={c} />
        <Progress campaign={c} channelName={channelName} />
        <UtmPreview campaignId={c.id} />
      </div>
      <CampaignPosts campaignId={c.id} channelName={channelName} />
      <CampaignReport campaignId={c.id} postText={postText} />
    </Screen>
  );
}

function CampaignActions({ campaign }: { campaign: Campaign }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const act = useMutation({
    mutationFn: (action: Action) => {
      const params = { params: { path: { id: campaign.id } } };
      if (action === 'submit') return data(api.POST('/v1/campaigns/{id}/submit', params));
      if (action === 'pause') return data(api.POST('/v1/campaigns/{id}/pause', params));
      if (action === 'resume') return data(api.POST('/v1/campaigns/{id}/resume', params));
      return data(api.POST('/v1/campaigns/{id}/cancel', params));
    },
    onSettled: async () => {
      setConfirmCancel(false);
      await queryClient.invalidateQueries();
    },
  });
  if (!can('writeContent')) return null;
  const available = (Object.keys(ACTIONS) as Action[]).filter((a) => ACTIONS[a](campaign.status));
  return (
    <>
      {available.map((action) =>
        action === 'cancel' && !confirmCancel ? (
          <button key={action} type="button" className="danger" onClick={() => setConfirmCancel(true)}>
            {LABELS.cancel}
          </button>
        ) : action === 'cancel' ? (
          <span key={action} className="actions">
            <button type="button" className="danger" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
              Yes, cancel it and its pending posts
            </button>
            <button type="button" onClick={() => setConfirmCancel(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button
            key={action}
            type="button"
            className={action === 'submit' ? 'primary' : undefined}
            disabled={act.isPending}
            onClick={() => act.mutate(action)}
          >
            {LABELS[action]}
          </button>
        ),
      )}
      {act.error && <ProblemMessage error={act.error} />}
    </>
  );
}

function CampaignApproval({ campaign }: { campaign: Campaign }) {
  const chain = useQuery({
    queryKey: ['approval', 'campaign', campaign.id],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/campaigns/{id}/approval', { params: { path: { id: campaign.id } } })),
  });
  return (
    <section className="card" aria-labelledby="plan-approval">
      <h2 id="plan-approval">Plan approval</h2>
      {chain.error ? (
        <ProblemMessage error={chain.error} onRetry={() => void chain.refetch()} />
      ) : chain.isPending ? (
        <p className="loading">Loading…</p>
      ) : campaign.status === 'draft' ? (
        <p>A draft: submit it to send the plan through the approval chain.</p>
      ) : chain.data.steps.length === 0 ? (
        <p>No approval chain applies to this campaign's plan.</p>
      ) : (
        <ApprovalChainPanel
          chain={chain.data}
          subject={{ kind: 'campaign', id: campaign.id, ownerId: campaign.ownerId }}
        />
      )}
    </section>
  );
}

function Progress({ campaign, channelName }: { campaign: Campaign; channelName: (id: string) => string }) {
  const { total, byStatus, byChannel } = campaign.progress;
  const statuses = Object.keys(byStatus).sort();
  return (
    <section className="card" aria-labelledby="progress">
      <h2 id="progress">Progress</h2>
      {total === 0 ? (
        <p>No posts yet.</p>
      ) : (
        <>
          <p>
            {total} post{total === 1 ? '' : 's'}:{' '}
            {statuses.map((s) => `${byStatus[s]} ${s.replaceAll('_', ' ')}`).join(', ')}
          </p>
          <div className="table-scroll">
            <table className="progress-table">
              <caption className="visually-hidden">Posts per channel and status</caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  {statuses.map((s) => (
                    <th key={s} scope="col">
                      {s.replaceAll('_', ' ')}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(byChannel).map(([channelId, counts]) => (
                  <tr key={channelId}>
                    <th scope="row">{channelName(channelId)}</th>
                    {statuses.map((s) => (
                      <td key={s}>{counts[s] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function UtmPreview({ campaignId }: { campaignId: string }) {
  const [text, setText] = useState('https://example.com/');
  const [asked, setAsked] = useState('https://example.com/');
  const preview = useQuery({
    queryKey: ['utm-preview', campaignId, asked],
    enabled: asked.trim() !== '',
    queryFn: () =>
      data(api.GET('/v1/campaigns/{id}/utm-preview', { params: { path: { id: campaignId }, query: { text: asked } } })),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked(text);
  };
  return (
    <section className="card utm-preview" aria-labelledby="utm-preview">
      <h2 id="utm-preview">UTM preview</h2>
      <form onSubmit={submit} className="approval-chain">
        <label>
          A link or a post text
          <input value={text} required onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">Preview</button>
      </form>
      {preview.error ? (
        <ProblemMessage error={preview.error} />
      ) : preview.data ? (
        <div aria-live="polite">
          {!preview.data.tagged && <p>This campaign has no UTM settings: links go out as written.</p>}
          <ul>
            {preview.data.previews.map((p) => (
              <li key={p.channelId}>
                {p.channelName}: <code>{p.text}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function CampaignPosts({ campaignId, channelName }: { campaignId: string; channelName: (id: string) => string }) {
  const posts = useQuery({
    queryKey: ['posts', { campaignId }],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/posts', { params: { query: { campaignId, limit: 500 } } })),
  });
  return (
    <section className="card" aria-labelledby="campaign-posts">
      <h2 id="campaign-posts">Posts</h2>
      {posts.error ? (
        <ProblemMessage error={posts.error} onRetry={() => void posts.refetch()} />
      ) : posts.isPending ? (
        <p className="loading">Loading…</p>
      ) : posts.data.posts.length === 0 ? (
        <p>No posts in this campaign yet: create them in Compose with this campaign.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Post</th>
                <th scope="col">When</th>
                <th scope="col">Channels</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {posts.data.posts.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/posts/${p.id}`}>{p.text.length > 80 ? `${p.text.slice(0, 77)}…` : p.text}</Link>
                  </td>
                  <td>{formatDateTime(p.publishAt)}</td>
                  <td>{p.targets.map((t) => channelName(t.channelId)).join(', ')}</td>
                  <td>
                    <StatusBadge status={p.status} />
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
