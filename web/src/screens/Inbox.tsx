import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { CONVERSATION_STATUSES, INBOX_NETWORKS, PRIORITIES } from '../../../contracts/inbox';
import { api, data } from '../api/client';
import { formatDateTime } from '../app/format';
import { LIVE_REFETCH_MS } from '../app/live';
import { ChannelCampaignFilters, FilterSelect } from '../components/FilterSelect';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { useNow } from '../components/useNow';
import { useCampaigns, useChannels } from './post-shared';
import { contactName, memberLabel, slaState, useMembers, type ConversationItem } from './inbox/shared';
import './inbox.css';

const PAGE = 30;
const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;

/** The quick views, each with its count: what a member checks first, one tap away on a phone. */
type View = 'open' | 'pending' | 'closed' | 'mine' | 'unassigned' | 'breached';
const VIEWS: { view: View; label: string }[] = [
  { view: 'open', label: 'Open' },
  { view: 'mine', label: 'Mine' },
  { view: 'unassigned', label: 'Unassigned' },
  { view: 'breached', label: 'Breached' },
  { view: 'pending', label: 'Pending' },
  { view: 'closed', label: 'Closed' },
];

interface Filters {
  view: View;
  channel: string;
  campaign: string;
  network: string;
  priority: string;
  sentiment: string;
  tag: string;
  leadOnly: boolean;
  q: string;
}

const NO_FILTERS: Omit<Filters, 'view'> = {
  channel: '',
  campaign: '',
  network: '',
  priority: '',
  sentiment: '',
  tag: '',
  leadOnly: false,
  q: '',
};

/** The list's query: a quick view is a status, an assignee or the breached flag (mine, unassigned and breached are open or pending). */
function listQuery(f: Filters) {
  const isStatus = (CONVERSATION_STATUSES as readonly string[]).includes(f.view);
  return {
    ...(isStatus ? { status: f.view as (typeof CONVERSATION_STATUSES)[number] } : {}),
    ...(f.view === 'mine' ? { assignee: 'me' } : {}),
    ...(f.view === 'unassigned' ? { assignee: 'unassigned' } : {}),
    ...(f.view === 'breached' ? { breached: 'true' as const } : {}),
    ...(f.channel ? { channelId: f.channel } : {}),
    ...(f.campaign ? { campaignId: f.campaign } : {}),
    ...(f.network ? { network: f.network as (typeof INBOX_NETWORKS)[number] } : {}),
    ...(f.priority ? { priority: f.priority as (typeof PRIORITIES)[number] } : {}),
    ...(f.sentiment ? { sentiment: f.sentiment as (typeof SENTIMENTS)[number] } : {}),
    ...(f.tag.trim() ? { tag: f.tag.trim() } : {}),
    ...(f.leadOnly ? { lead: 'true' as const } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
  };
}

/** The shared inbox: quick views with counts, filters, and the conversations newest first, a page at a time. */
export default function Inbox() {
  const id = useId();
  // Filters live in the screen's state, not the URL (the server refuses query strings on app pages).
  const [filters, setFilters] = useState<Filters>({ view: 'open', ...NO_FILTERS });
  const channels = useChannels();
  const campaigns = useCampaigns();
  const members = useMembers();
  // One clock for the whole list: SLA deadlines read "in 12 min" and move on while the screen is open.
  const now = useNow();
  const query = listQuery(filters);
  const list = useInfiniteQuery({
    queryKey: ['inbox', 'conversations', query],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/inbox/conversations', {
          params: { query: { ...query, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    refetchInterval: LIVE_REFETCH_MS,
    placeholderData: keepPreviousData,
  });
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const conversations = list.data?.pages.flatMap((p) => p.conversations) ?? [];
  // Every page carries the counts of the whole inbox (the filters aside); the first page's are the freshest.
  const counts = list.data?.pages[0]?.counts;
  const filtered = (Object.keys(NO_FILTERS) as (keyof typeof NO_FILTERS)[]).filter(
    (k) => k !== 'q' && filters[k] !== NO_FILTERS[k],
  );
  return (
    <Screen title="Inbox" actions={<Link to="/inbox/report">SLA report</Link>}>
      <nav className="inbox-views" aria-label="Inbox views">
        <ul>
          {VIEWS.map(({ view, label }) => (
            <li key={view}>
              <button
                type="button"
                aria-pressed={filters.view === view}
                className={view === 'breached' && (counts?.breached ?? 0) > 0 ? 'view-breached' : undefined}
                onClick={() => set('view', view)}
              >
                {label} <span className="count">{counts ? counts[view] : '…'}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="inbox-search">
        <label>
          <span className="visually-hidden">Search conversations</span>
          <input
            type="search"
            placeholder="Search people, messages, notes"
            value={filters.q}
            maxLength={200}
            onChange={(e) => set('q', e.target.value)}
          />
        </label>
      </div>
      <details className="inbox-filters">
        <summary>Filters{filtered.length > 0 ? ` (${filtered.length} on)` : ''}</summary>
        <div className="post-filters" role="group" aria-labelledby={`${id}-filters`}>
          <span id={`${id}-filters`} className="visually-hidden">
            Conversation filters
          </span>
          <ChannelCampaignFilters
            channelId={filters.channel}
            campaignId={filters.campaign}
            channels={channels.data}
            campaigns={campaigns.data}
            onChange={(which, value) => set(which, value)}
          />
          <FilterSelect
            label="Network"
            all="All networks"
            value={filters.network}
            options={INBOX_NETWORKS.map((n) => ({ id: n, name: n }))}
            onChange={(v) => set('network', v)}
          />
          <FilterSelect
            label="Priority"
            all="Any priority"
            value={filters.priority}
            options={PRIORITIES.map((p) => ({ id: p, name: p }))}
            onChange={(v) => set('priority', v)}
          />
          <FilterSelect
            label="Sentiment"
            all="Any sentiment"
            value={filters.sentiment}
            options={SENTIMENTS.map((s) => ({ id: s, name: s }))}
            onChange={(v) => set('sentiment', v)}
          />
          <label>
            Tag
            <input value={filters.tag} maxLength={50} onChange={(e) => set('tag', e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.leadOnly} onChange={(e) => set('leadOnly', e.target.checked)} />
            Leads only
          </label>
          <div className="actions">
            <button type="button" onClick={() => setFilters((f) => ({ view: f.view, ...NO_FILTERS }))}>
              Clear filters
            </button>
          </div>
        </div>
      </details>
      {list.error && <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && <p className="loading">Loading…</p>}
      {list.data && conversations.length === 0 && <p className="muted">No conversations here.</p>}
      {conversations.length > 0 && (
        <ol className="conversation-list" aria-label="Conversations, newest first">
          {conversations.map((c) => (
            <ConversationRow key={c.id} conversation={c} assignee={memberLabel(members.data, c.assigneeId)} now={now} />
          ))}
        </ol>
      )}
      {list.hasNextPage && (
        <div className="actions">
          <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'More conversations'}
          </button>
        </div>
      )}
    </Screen>
  );
}

function ConversationRow({
  conversation: c,
  assignee,
  now,
}: {
  conversation: ConversationItem;
  assignee: string;
  now: number;
}) {
  const sla = slaState(c, now);
  const who = contactName(c.contact);
  return (
    <li className={`conversation-item priority-${c.priority}`} data-testid="conversation">
      <Link to={`/inbox/${c.id}`} className="conversation-link">
        <span className="conversation-head">
          <strong className="conversation-author">{who}</strong>
          {c.contact.displayName && <span className="muted handle">@{c.contact.handle}</span>}
          <time className="muted when" dateTime={c.lastMessageAt}>
            {formatDateTime(c.lastMessageAt)}
          </time>
        </span>
        {/* The preview is the customer's text: React renders it as text, never as HTML. */}
        <span className="conversation-preview">{c.preview || '(no text)'}</span>
        <span className="conversation-meta">
          <StatusBadge status={c.status} />
          {c.priority !== 'normal' && <span className={`badge priority-${c.priority}`}>{c.priority}</span>}
          {sla && <span className={sla.breached ? 'badge breached' : 'badge due'}>{sla.label}</span>}
          {c.sentiment && <span className={`badge sentiment-${c.sentiment.label}`}>{c.sentiment.label}</span>}
          {c.lead && <span className="badge lead">lead</span>}
          {c.tags.map((t) => (
            <span key={t} className="badge tag">
              #{t}
            </span>
          ))}
          <span className="muted">
            {c.channelName ?? c.network} · {assignee}
          </span>
        </span>
      </Link>
    </li>
  );
}
