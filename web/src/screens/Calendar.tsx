import { ChannelCampaignFilters } from '../components/FilterSelect';
import FullCalendar from '@fullcalendar/react';
import type { DatesSetInfo, EventClickInfo, EventDropInfo, EventInput } from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import classicThemePlugin from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { DAILY_PUBLISHING_LIMITS } from '../../../contracts/text-rules';
import { api, data } from '../api/client';
import { formatDateTime } from '../app/format';
import { LIVE_REFETCH_MS } from '../app/live';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { channelColor, channelName, excerpt, MOVABLE, statusText, useCampaigns, useChannels } from './post-shared';
import './calendar.css';

/** Below this width the calendar opens as a list: a month grid has no room for text on a phone. */
const NARROW_PX = 700;
/** How long a free queue slot is drawn in the week view. */
const SLOT_MINUTES = 30;

type Moved = { postId: string; publishAt: string };

/** Posts that will not go out do not count against a network's daily limit. */
const NOT_COUNTED = new Set(['cancelled', 'rejected', 'expired', 'failed']);

/**
 * One all-day marker per channel and day for networks with a daily publishing limit (Instagram 100,
 * Threads 250): that day's posts against the limit. The API checks the moving 24 hours itself when a
 * post is scheduled; this shows how close a day is.
 */
function publishingLimitEvents(
  posts: { status: string; publishAt: string; targets: { channelId: string }[] }[],
  channels: { id: string; name: string; provider: keyof typeof DAILY_PUBLISHING_LIMITS }[],
): EventInput[] {
  const counts = new Map<string, { channel: (typeof channels)[number]; day: string; n: number }>();
  for (const post of posts) {
    if (NOT_COUNTED.has(post.status)) continue;
    const at = new Date(post.publishAt);
    const day = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
    for (const target of post.targets) {
      const channel = channels.find((c) => c.id === target.channelId);
      if (!channel || DAILY_PUBLISHING_LIMITS[channel.provider] === undefined) continue;
      const key = `${channel.id}:${day}`;
      const entry = counts.get(key) ?? { channel, day, n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].map(({ channel, day, n }) => {
    const limit = DAILY_PUBLISHING_LIMITS[channel.provider]!;
    return {
      id: `limit:${channel.id}:${day}`,
      title: `${channel.name}: ${n} / ${limit} posts (daily limit)`,
      start: day,
      allDay: true,
      editable: false,
      className: n >= limit ? 'limit-event full' : n >= limit * 0.8 ? 'limit-event near' : 'limit-event',
    };
  });
}

export default function Calendar() {
  const { can } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Filters live in the screen's state, not the URL: the server refuses a query string on app pages
  // (api/plugins/input.ts gives every route a strict one), so a reload with one would fail.
  const [filters, setFilters] = useState({ channel: '', campaign: '' });
  const channelId = filters.channel;
  const campaignId = filters.campaign;
  const [range, setRange] = useState<{ from: string; to: string }>();
  const [moved, setMoved] = useState<Moved>();
  const mayMove = can('writeContent');
  const channels = useChannels();
  const campaigns = useCampaigns();

  const calendar = useQuery({
    queryKey: ['calendar', range?.from, range?.to, channelId, campaignId],
    enabled: range !== undefined,
    queryFn: () =>
      data(
        api.GET('/v1/calendar', {
          params: {
            query: {
              from: range!.from,
              to: range!.to,
              ...(channelId ? { channelId } : {}),
              ...(campaignId ? { campaignId } : {}),
            },
          },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
    placeholderData: keepPreviousData,
  });

  const reschedule = useMutation({
    mutationFn: ({ postId, publishAt }: Moved & { revert: () => void }) =>
      data(api.POST('/v1/posts/{id}/reschedule', { params: { path: { id: postId } }, body: { publishAt } })),
    onMutate: () => setMoved(undefined),
    onError: (_error, variables) => variables.revert(),
    onSuccess: (post) => {
      setMoved({ postId: post.id, publishAt: post.publishAt });
      void queryClient.invalidateQueries({ queryKey: ['calendar'] });
      void queryClient.invalidateQueries({ queryKey: ['posts'] });
    },
  });

  const events = useMemo<EventInput[]>(() => {
    const answer = calendar.data;
    if (!answer) return [];
    const posts: EventInput[] = answer.posts.map((post) => {
      const shown = post.targets.find((t) => t.channelId === channelId) ?? post.targets[0];
      const color = channelColor(channels.data, shown?.channelId);
      const where = post.targets.map((t) => channelName(channels.data, t.channelId)).join(', ');
      return {
        id: post.id,
        // The status is in the text, not only in the colour or border.
        title: `${statusText(post.status)} · ${excerpt(post.text, 60)} (${where})`,
        start: post.publishAt,
        url: `/posts/${post.id}`,
        color,
        contrastColor: '#ffffff',
        className: `post-event status-${post.status}`,
        startEditable: mayMove && MOVABLE.has(post.status),
        durationEditable: false,
      };
    });
    const slots: EventInput[] = answer.freeSlots.map((slot) => ({
      id: `slot:${slot.channelId}:${slot.at}`,
      title: `Free slot · ${channelName(channels.data, slot.channelId)}`,
      start: slot.at,
      end: new Date(Date.parse(slot.at) + SLOT_MINUTES * 60_000).toISOString(),
      display: 'background',
      color: channelColor(channels.data, slot.channelId),
      className: 'slot-event',
    }));
    return [...posts, ...slots, ...publishingLimitEvents(answer.posts, channels.data ?? [])];
  }, [calendar.data, channels.data, channelId, mayMove]);

  const onDatesSet = (info: DatesSetInfo) => {
    const from = info.start.toISOString();
    const to = info.end.toISOString();
    if (range?.from !== from || range?.to !== to) setRange({ from, to });
  };
  const onEventClick = (info: EventClickInfo) => {
    info.jsEvent.preventDefault();
    if (info.event.url) void navigate(info.event.url);
  };
  const onEventDrop = (info: EventDropInfo) => {
    if (!info.event.start) return info.revert();
    reschedule.mutate({ postId: info.event.id, publishAt: info.event.start.toISOString(), revert: info.revert });
  };
  const setFilter = (key: keyof typeof filters, value: string) =>
    setFilters((current) => ({ ...current, [key]: value }));

  const warnings = calendar.data?.warnings ?? [];
  const postText = (id: string) => {
    const post = calendar.data?.posts.find((p) => p.id === id);
    return post ? excerpt(post.text, 40) : 'a post outside this view';
  };

  return (
    <Screen title="Calendar">
      <div className="calendar-filters">
        <ChannelCampaignFilters
          channelId={channelId}
          campaignId={campaignId}
          channels={channels.data}
          campaigns={campaigns.data}
          onChange={setFilter}
        />
      </div>
      {channels.data && channels.data.length > 0 && (
        <ul className="channel-legend" aria-label="Channel colours">
          {channels.data.map((c) => (
            <li key={c.id}>
              <span className="swatch" style={{ background: channelColor(channels.data, c.id) }} aria-hidden="true" />
              {c.name}
            </li>
          ))}
        </ul>
      )}
      <p className="calendar-hint">
        {mayMove
          ? 'Drag a post that has not started publishing to move it. Shaded times are free queue slots.'
          : 'Shaded times are free queue slots.'}
      </p>
      <div aria-live="polite">
        {reschedule.isPending && <p role="status">Moving the post…</p>}
        {reschedule.error && <ProblemMessage error={reschedule.error} />}
        {moved && (
          <p role="status" className="calendar-moved">
            Moved: it now publishes {formatDateTime(moved.publishAt)}.
          </p>
        )}
      </div>
      {calendar.error && <ProblemMessage error={calendar.error} onRetry={() => void calendar.refetch()} />}
      {channels.error && <ProblemMessage error={channels.error} />}
      <div className="calendar-frame">
        <FullCalendar
          plugins={[classicThemePlugin, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
          initialView={window.innerWidth < NARROW_PX ? 'listWeek' : 'dayGridMonth'}
          headerToolbar={{ start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek,listWeek' }}
          height="auto"
          // The view's type as a class, so the month grid can be styled apart on phones (calendar.css).
          viewClass={(info) => `calendar-view-${info.view.type}`}
          editable={mayMove}
          eventDurationEditable={false}
          events={events}
          datesSet={onDatesSet}
          eventClick={onEventClick}
          eventDrop={onEventDrop}
          // A post is a link (keyboard, open in a new tab); the browser's own link dragging would
          // take the pointer away from the calendar's.
          eventDidMount={(info) => info.el.setAttribute('draggable', 'false')}
          dayMaxEvents={4}
          nowIndicator
          // Nothing loaded yet (or the load failed, said above): not "no events", which reads as nothing scheduled.
          noEventsContent={calendar.data ? 'Nothing scheduled in this view.' : calendar.isError ? '—' : 'Loading…'}
        />
      </div>
      <section aria-labelledby="warnings-heading" className="calendar-warnings">
        <h2 id="warnings-heading">Planner warnings</h2>
        {!calendar.data ? (
          <p className="muted">{calendar.isError ? 'Not known: the calendar did not load.' : 'Loading…'}</p>
        ) : warnings.length === 0 ? (
          <p>None in this view.</p>
        ) : (
          <ul>
            {warnings.map((w) => (
              <li key={`${w.kind}:${w.postIds.join(',')}`}>
                <strong>{statusText(w.kind)}</strong>: {w.message}{' '}
                {w.postIds.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ', '}
                    <Link to={`/posts/${id}`}>{postText(id)}</Link>
                  </span>
                ))}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Screen>
  );
}
