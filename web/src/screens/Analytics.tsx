import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { useState } from 'react';
import { Line } from 'react-chartjs-2';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import {
  CsvLink,
  csvUrl,
  Figure,
  ImpressionsFigure,
  number,
  percent,
  RANGES,
  rangeOf,
  type RangeDays,
} from './analytics/shared';
import './analytics.css';

// Only the pieces the audience chart uses.
ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

const COLOURS = ['#3b3bb3', '#b3261e', '#1e6b35', '#8a5a00', '#7a2c8f', '#0f6f7f', '#5b5b6e'];

/** The dashboard: a range's publishing, audience, listening and inbox figures, audience growth, best times. */
export default function Analytics() {
  const [days, setDays] = useState<RangeDays>(30);
  const [range, setRange] = useState(() => rangeOf(30));
  return (
    <Screen
      title="Analytics"
      actions={
        <>
          <label className="inline">
            <span>Period</span>
            <select
              value={days}
              onChange={(e) => {
                const next = Number(e.target.value) as RangeDays;
                setDays(next);
                setRange(rangeOf(next));
              }}
            >
              {Object.entries(RANGES).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <Link to="/analytics/compare" className="csv-link">
            Compare campaigns
          </Link>
        </>
      }
    >
      <div className="analytics">
        <p className="muted">Days are counted in {range.timeZone}.</p>
        <Overview range={range} />
        <Audience range={range} />
        <BestTimes />
      </div>
    </Screen>
  );
}

function Overview({ range }: { range: ReturnType<typeof rangeOf> }) {
  const overview = useQuery({
    queryKey: ['analytics-overview', range],
    queryFn: () => data(api.GET('/v1/analytics/overview', { params: { query: range } })),
  });
  const o = overview.data;
  return (
    <section className="card" aria-labelledby="overview-title">
      <div className="section-head">
        <h2 id="overview-title">Overview</h2>
        <CsvLink href={csvUrl('/v1/analytics/overview', range)} label="the overview" />
      </div>
      {overview.error ? (
        <ProblemMessage error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !o ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <h3>Publishing</h3>
          <dl className="figures" aria-label="Publishing">
            <Figure label="Posts published" value={number(o.publishing.posts)} hint={`${o.publishing.targets} sends`} />
            <Figure
              label="Engagements"
              value={number(o.publishing.engagements)}
              hint={`${o.publishing.likes} likes, ${o.publishing.reposts} reposts, ${o.publishing.replies} replies, ${o.publishing.quotes} quotes`}
            />
            <Figure
              label="Engagement rate"
              value={percent(o.publishing.engagementRate)}
              hint="per follower at publishing"
            />
            <ImpressionsFigure totals={o.publishing} />
            <Figure label="Link clicks" value={number(o.publishing.clicks)} hint="bots and repeats left out" />
          </dl>
          <h3>Audience</h3>
          <dl className="figures" aria-label="Audience">
            <Figure
              label="Followers"
              value={number(o.audience.followers)}
              hint={`${o.audience.channels} channel${o.audience.channels === 1 ? '' : 's'}`}
            />
            <Figure
              label="Follower growth"
              value={`${o.audience.growth > 0 ? '+' : ''}${number(o.audience.growth)}`}
              hint="in the period"
            />
          </dl>
          <h3>Listening</h3>
          <dl className="figures" aria-label="Listening">
            <Figure label="Mentions" value={number(o.listening.mentions)} />
            {Object.entries(o.listening.bySentiment).map(([label, count]) => (
              <Figure key={label} label={label[0]!.toUpperCase() + label.slice(1)} value={number(count)} />
            ))}
            <Figure label="Leads" value={number(o.listening.leads)} />
          </dl>
          <h3>Inbox</h3>
          <dl className="figures" aria-label="Inbox">
            <Figure label="Conversations" value={number(o.inbox.conversations)} />
            <Figure label="Answered" value={number(o.inbox.responded)} />
            <Figure
              label="Median first response"
              value={
                o.inbox.medianFirstResponseMinutes === null ? '—' : `${number(o.inbox.medianFirstResponseMinutes)} min`
              }
            />
            <Figure label="Later than the SLA" value={number(o.inbox.firstResponseBreached)} />
          </dl>
        </>
      )}
    </section>
  );
}

function Audience({ range }: { range: ReturnType<typeof rangeOf> }) {
  const audience = useQuery({
    queryKey: ['analytics-audience', range],
    queryFn: () => data(api.GET('/v1/analytics/audience', { params: { query: range } })),
  });
  const channels = audience.data?.channels ?? [];
  const days = [...new Set(channels.flatMap((c) => c.days.map((d) => d.day)))].sort();
  return (
    <section className="card" aria-labelledby="audience-title">
      <div className="section-head">
        <h2 id="audience-title">Audience growth</h2>
        <CsvLink href={csvUrl('/v1/analytics/audience', range)} label="audience growth" />
      </div>
      {audience.error ? (
        <ProblemMessage error={audience.error} onRetry={() => void audience.refetch()} />
      ) : audience.isPending ? (
        <p className="loading">Loading…</p>
      ) : days.length === 0 ? (
        <p className="muted">No follower counts in this period yet: channels are read once a day.</p>
      ) : (
        <>
          <div className="chart-box">
            <Line
              role="img"
              aria-label={`Followers per day: ${channels
                .map(
                  (c) =>
                    `${c.channelName} ${c.growth === null ? 'no change' : `${c.growth >= 0 ? '+' : ''}${c.growth}`}`,
                )
                .join(', ')}`}
              data-testid="audience-chart"
              options={{ responsive: true, maintainAspectRatio: false, scales: { y: { ticks: { precision: 0 } } } }}
              data={{
                labels: days,
                datasets: channels.map((c, i) => {
                  const byDay = new Map(c.days.map((d) => [d.day, d.followers]));
                  return {
                    label: c.channelName,
                    data: days.map((d) => byDay.get(d) ?? null),
                    borderColor: COLOURS[i % COLOURS.length],
                    backgroundColor: COLOURS[i % COLOURS.length],
                    spanGaps: true,
                  };
                }),
              }}
            />
          </div>
          <table className="stacked-table">
            <caption className="visually-hidden">Followers and growth per channel</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Followers</th>
                <th scope="col">Growth</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.channelId}>
                  <td data-label="Channel">{c.channelName}</td>
                  <td data-label="Followers">{number(c.days.at(-1)?.followers)}</td>
                  <td data-label="Growth">{c.growth === null ? '—' : `${c.growth >= 0 ? '+' : ''}${c.growth}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Engagement rate by weekday × hour on one channel, and its suggested queue slots. */
function BestTimes() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const social = (channels.data?.channels ?? []).filter((c) => c.provider !== 'webhook');
  const [picked, setPicked] = useState<string>();
  const channelId = picked ?? social[0]?.id;
  const best = useQuery({
    queryKey: ['analytics-best-times', channelId],
    enabled: channelId !== undefined,
    queryFn: () =>
      data(api.GET('/v1/analytics/channels/{id}/best-times', { params: { path: { id: channelId ?? '' } } })),
  });
  const accept = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/analytics/channels/{id}/best-times/accept', {
          params: { path: { id: channelId ?? '' } },
          body: { replace: false },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
  const b = best.data;
  const rate = new Map((b?.slots ?? []).map((s) => [`${s.day}-${s.hour}`, s]));
  const top = b?.slots.reduce<number>((max, s) => Math.max(max, s.engagementRate), 0) ?? 0;
  const suggested = new Set((b?.suggestions ?? []).map((s) => `${s.day}-${Number(s.time.slice(0, 2))}`));
  return (
    <section className="card" aria-labelledby="best-title">
      <div className="section-head">
        <h2 id="best-title">Best time to post</h2>
        {channelId && <CsvLink href={csvUrl(`/v1/analytics/channels/${channelId}/best-times`)} label="best times" />}
      </div>
      {channels.error && <ProblemMessage error={channels.error} />}
      {channels.data && social.length === 0 && <p className="muted">Connect a Bluesky or Mastodon channel first.</p>}
      {social.length > 0 && (
        <label className="inline">
          <span>Channel</span>
          <select
            value={channelId}
            onChange={(e) => {
              setPicked(e.target.value);
              accept.reset();
            }}
          >
            {social.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {best.error ? (
        <ProblemMessage error={best.error} onRetry={() => void best.refetch()} />
      ) : b ? (
        <>
          <p>
            From {b.sample} post{b.sample === 1 ? '' : 's'} in the last 180 days, in the channel's time zone (
            {b.timeZone}). A slot needs 3 posts to be ranked.
          </p>
          {b.note && (
            <p className="notice" role="note">
              {b.note}
            </p>
          )}
          <div className="table-scroll" tabIndex={0} aria-label="Engagement rate by weekday and hour">
            <table className="best-grid">
              <caption className="visually-hidden">
                Engagement rate by weekday and hour (posts in brackets); the suggested slots are outlined
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Weekday</span>
                  </th>
                  {Array.from({ length: 24 }, (_, h) => (
                    <th key={h} scope="col">
                      {String(h).padStart(2, '0')}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {WEEKDAYS.map((name, i) => (
                  <tr key={name}>
                    <th scope="row" title={WEEKDAY_NAMES[i]}>
                      {name}
                    </th>
                    {Array.from({ length: 24 }, (_, h) => {
                      const slot = rate.get(`${i + 1}-${h}`);
                      const strength = slot && top > 0 ? slot.engagementRate / top : 0;
                      return (
                        <td
                          key={h}
                          className={suggested.has(`${i + 1}-${h}`) ? 'best' : undefined}
                          style={slot ? { background: `rgba(59, 59, 179, ${0.1 + strength * 0.5})` } : undefined}
                          title={
                            slot
                              ? `${WEEKDAY_NAMES[i]} ${h}:00: ${percent(slot.engagementRate)} over ${slot.posts} posts`
                              : undefined
                          }
                        >
                          {slot ? percent(slot.engagementRate) : ''}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {b.suggestions.length > 0 ? (
            <>
              <h3>Suggested queue slots</h3>
              <ul>
                {b.suggestions.map((s) => (
                  <li key={`${s.day}-${s.time}`}>
                    {WEEKDAY_NAMES[s.day - 1]} {s.time}: {percent(s.engagementRate)} over {s.posts} posts
                  </li>
                ))}
              </ul>
              {can('manageChannels') ? (
                <button type="button" className="primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
                  Add the suggested slots
                </button>
              ) : (
                <p className="muted">An owner or admin can add them to the channel's queue.</p>
              )}
              {accept.error && <ProblemMessage error={accept.error} />}
              {accept.data && (
                <p role="status">
                  Added. {accept.data.name}'s queue slots:{' '}
                  {accept.data.slots.map((s) => `${WEEKDAYS[s.day - 1]} ${s.time}`).join(', ')}.
                </p>
              )}
            </>
          ) : (
            <p className="muted">No suggestions yet.</p>
          )}
        </>
      ) : channelId ? (
        <p className="loading">Loading…</p>
      ) : null}
    </section>
  );
}
