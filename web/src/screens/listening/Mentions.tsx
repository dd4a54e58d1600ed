import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, data } from '../../api/client';
import { LIVE_REFETCH_MS } from '../../app/live';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import type { Mention, Query } from './types';

const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;
type Sentiment = (typeof SENTIMENTS)[number];

/** The mention stream, newest first, with its filters; roles that listen correct a mention's sentiment. */
export function Mentions({ queries, queryId }: { queries: Query[]; queryId: string | undefined }) {
  const id = useId();
  const [sentiment, setSentiment] = useState<Sentiment | ''>('');
  const [source, setSource] = useState('');
  const [leadOnly, setLeadOnly] = useState(false);
  const mentions = useQuery({
    queryKey: ['mentions', queryId, sentiment, source, leadOnly],
    queryFn: () =>
      data(
        api.GET('/v1/mentions', {
          params: {
            query: {
              ...(queryId ? { queryId } : {}),
              ...(sentiment ? { sentiment } : {}),
              ...(source.trim() ? { source: source.trim() } : {}),
              ...(leadOnly ? { lead: 'true' as const } : {}),
              limit: 100,
            },
          },
        }),
      ),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const names = new Map(queries.map((q) => [q.id, q.name]));
  return (
    <section className="mentions" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Mentions</h2>
      <div className="filters" role="group" aria-label="Mention filters">
        <label>
          Sentiment
          <select value={sentiment} onChange={(e) => setSentiment(e.target.value as Sentiment | '')}>
            <option value="">Any</option>
            {SENTIMENTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source
          <input
            list={`${id}-sources`}
            placeholder="e.g. bluesky, push:reddit"
            value={source}
            onChange={(e) => setSource(e.target.value)}
          />
          <datalist id={`${id}-sources`}>
            {[...new Set(mentions.data?.mentions.map((m) => m.source))].map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label className="check">
          <input type="checkbox" checked={leadOnly} onChange={(e) => setLeadOnly(e.target.checked)} />
          Leads only
        </label>
      </div>
      {mentions.error && <ProblemMessage error={mentions.error} onRetry={() => void mentions.refetch()} />}
      {mentions.isPending && <p className="loading">Loading mentions…</p>}
      {mentions.data?.mentions.length === 0 && <p className="muted">No mentions match yet.</p>}
      <ol className="mention-list">
        {mentions.data?.mentions.map((m) => (
          <MentionItem key={m.id} mention={m} queryName={names.get(m.queryId)} />
        ))}
      </ol>
    </section>
  );
}

function MentionItem({ mention, queryName }: { mention: Mention; queryName: string | undefined }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const correct = useMutation({
    mutationFn: (sentiment: Sentiment) =>
      data(api.PATCH('/v1/mentions/{id}', { params: { path: { id: mention.id } }, body: { sentiment } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mentions'] }),
  });
  const label = mention.sentiment.label;
  return (
    <li className="mention" data-testid="mention">
      <div className="mention-head">
        <strong>{mention.author}</strong>
        <span className="muted">
          {mention.source} · {formatDateTime(mention.postedAt)}
          {queryName ? ` · ${queryName}` : ''}
        </span>
      </div>
      <p className="mention-text">{mention.text}</p>
      <div className="mention-meta">
        <span className={`badge sentiment-${label}`}>
          {label}
          {mention.sentiment.corrected ? ' (corrected)' : ''}
        </span>
        {mention.lead && <span className="badge lead">lead</span>}
        {mention.url && (
          <a href={mention.url} target="_blank" rel="noreferrer">
            Open<span className="visually-hidden"> the mention by {mention.author}</span>
          </a>
        )}
        {can('listen') && (
          <label className="inline">
            <span>Correct sentiment</span>
            <select
              value={label}
              disabled={correct.isPending}
              aria-label={`Sentiment of the mention by ${mention.author}`}
              onChange={(e) => correct.mutate(e.target.value as Sentiment)}
            >
              {SENTIMENTS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {correct.error && <ProblemMessage error={correct.error} />}
    </li>
  );
}
