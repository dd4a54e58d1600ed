import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../../contracts/domain';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';
import { LIVE_REFETCH_MS } from '../app/live';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { FormDialog } from '../components/FormDialog';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import './campaigns.css';

type NewCampaign = paths['/v1/campaigns']['post']['requestBody']['content']['application/json'];

/** A date-time for <input type="datetime-local"> in the browser's timezone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export default function Campaigns() {
  const { can } = useSession();
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const [creating, setCreating] = useState(false);
  const campaigns = useQuery({
    queryKey: ['campaigns', status],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/campaigns', { params: { query: status ? { status } : {} } })),
  });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const channelName = (id: string) => channels.data?.channels.find((c) => c.id === id)?.name ?? 'a channel';
  return (
    <Screen
      title="Campaigns"
      actions={
        can('writeContent') && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New campaign
          </button>
        )
      }
    >
      <label className="inline-filter">
        Status
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as CampaignStatus | '')}>
          <option value="">Any</option>
          {CAMPAIGN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      {campaigns.error ? (
        <ProblemMessage error={campaigns.error} onRetry={() => void campaigns.refetch()} />
      ) : campaigns.isPending ? (
        <p className="loading">Loading…</p>
      ) : campaigns.data.campaigns.length === 0 ? (
        <p>No campaigns{status ? ` with status ${status.replaceAll('_', ' ')}` : ''} yet.</p>
      ) : (
        <ul className="campaign-list" aria-label="Campaigns">
          {campaigns.data.campaigns.map((c) => (
            <li key={c.id} className="card">
              <h2>
                <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
              </h2>
              <p>
                <StatusBadge status={c.status} />
              </p>
              <p className="muted">
                {formatDateTime(c.startsAt)} – {formatDateTime(c.endsAt)}
              </p>
              <p className="muted">{c.channelIds.map(channelName).join(', ')}</p>
              {c.tags.length > 0 && <p className="muted">Tags: {c.tags.join(', ')}</p>}
            </li>
          ))}
        </ul>
      )}
      {can('writeContent') && <CreateCampaign open={creating} onClose={() => setCreating(false)} />}
    </Screen>
  );
}

function CreateCampaign({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const [name, setName] = useState('');
  const [objective, setObjective] = useState('');
  const [startsAt, setStartsAt] = useState(() => localInput(new Date(Date.now() + 86_400_000)));
  const [endsAt, setEndsAt] = useState(() => localInput(new Date(Date.now() + 8 * 86_400_000)));
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const [tags, setTags] = useState('');
  const [enforceDates, setEnforceDates] = useState(true);
  const [utmOn, setUtmOn] = useState(true);
  const [shortLinks, setShortLinks] = useState(false);
  const [medium, setMedium] = useState('social');
  const [utmCampaign, setUtmCampaign] = useState('');
  const [sources, setSources] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => {
      const chosenSources = Object.fromEntries(
        Object.entries(sources).filter(([id, source]) => channelIds.includes(id) && source.trim() !== ''),
      );
      const body: NewCampaign = {
        name,
        ...(objective.trim() ? { objective } : {}),
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        channelIds,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        enforceDates,
        shortLinks,
        ...(utmOn
          ? {
              utm: {
                medium: medium.trim() || 'social',
                ...(utmCampaign.trim() ? { campaign: utmCampaign.trim() } : {}),
                ...(Object.keys(chosenSources).length > 0 ? { sources: chosenSources } : {}),
              },
            }
          : {}),
      };
      return data(api.POST('/v1/campaigns', { body }));
    },
    onSuccess: async (campaign) => {
      await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      onClose();
      await navigate(`/campaigns/${campaign.id}`);
    },
  });
  const toggle = (id: string, on: boolean) =>
    setChannelIds((ids) => (on ? [...ids, id] : ids.filter((other) => other !== id)));
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="New campaign"
      submission={create}
      submitLabel="Create campaign"
      pendingLabel="Creating…"
    >
      <label>
        Name
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Objective (optional)
        <textarea rows={2} maxLength={2000} value={objective} onChange={(e) => setObjective(e.target.value)} />
      </label>
      <div className="two-columns">
        <label>
          Starts
          <input type="datetime-local" required value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </label>
        <label>
          Ends
          <input type="datetime-local" required value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Channels (at least one)</legend>
        {channels.error && <ProblemMessage error={channels.error} />}
        {channels.data?.channels.length === 0 && <p>Connect a channel in Settings first.</p>}
        {channels.data?.channels.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={channelIds.includes(c.id)}
              // None ticked: the browser asks for one before sending (the API would refuse the campaign).
              required={channelIds.length === 0}
              onChange={(e) => toggle(c.id, e.target.checked)}
            />
            {c.name} <span className="muted">({c.provider})</span>
          </label>
        ))}
      </fieldset>
      <label>
        Tags (comma-separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={enforceDates} onChange={(e) => setEnforceDates(e.target.checked)} />
        Refuse posts outside the campaign's dates
      </label>
      <fieldset>
        <legend>UTM tags on links</legend>
        <label className="check">
          <input type="checkbox" checked={utmOn} onChange={(e) => setUtmOn(e.target.checked)} />
          Add utm_source, utm_medium and utm_campaign to the links of the campaign's posts
        </label>
        {utmOn && (
          <>
            <div className="two-columns">
              <label>
                utm_medium
                <input maxLength={100} value={medium} onChange={(e) => setMedium(e.target.value)} />
              </label>
              <label>
                utm_campaign
                <input
                  maxLength={100}
                  placeholder={name || 'the campaign name'}
                  value={utmCampaign}
                  onChange={(e) => setUtmCampaign(e.target.value)}
                />
              </label>
            </div>
            {channels.data?.channels
              .filter((c) => channelIds.includes(c.id))
              .map((c) => (
                <label key={c.id}>
                  utm_source for {c.name}
                  <input
                    maxLength={100}
                    placeholder={c.provider}
                    value={sources[c.id] ?? ''}
                    onChange={(e) => setSources((s) => ({ ...s, [c.id]: e.target.value }))}
                  />
                </label>
              ))}
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={shortLinks} onChange={(e) => setShortLinks(e.target.checked)} />
          Publish links as Chorus short links, to count their clicks per post and channel
        </label>
      </fieldset>
    </FormDialog>
  );
}
