import { Tab, TabGroup, TabList, TabPanel, TabPanels } from '@headlessui/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { LIVE_REFETCH_MS } from '../app/live';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { Alerts } from './listening/Alerts';
import { Insights } from './listening/Insights';
import { Mentions } from './listening/Mentions';
import { QueryEditor } from './listening/QueryEditor';
import type { Query } from './listening/types';
import './listening.css';

/** Social listening: the queries, what they hear (mentions, charts, trends) and the spike alerts. */
export default function Listening() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const selected = params.get('query') ?? undefined;
  const [editing, setEditing] = useState<'new' | Query | null>(null);
  const queries = useQuery({
    queryKey: ['listening-queries'],
    queryFn: () => data(api.GET('/v1/listening/queries')),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const list = (queries.data?.queries ?? []).filter((q) => q.status !== 'deleted');
  const select = (id: string | undefined) =>
    setParams((p) => {
      if (id) p.set('query', id);
      else p.delete('query');
      return p;
    });

  return (
    <Screen
      title="Listening"
      actions={
        can('listen') &&
        editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New query
          </button>
        )
      }
    >
      {editing !== null && (
        <QueryEditor
          key={editing === 'new' ? 'new' : editing.id}
          query={editing === 'new' ? undefined : editing}
          onSaved={(saved) => {
            setEditing(null);
            select(saved.id);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <div className="listening-layout">
        <section className="card query-list" aria-labelledby="queries-title">
          <h2 id="queries-title">Queries</h2>
          {queries.error && <ProblemMessage error={queries.error} onRetry={() => void queries.refetch()} />}
          {queries.isPending && <p className="loading">Loading…</p>}
          {queries.data && list.length === 0 && <p className="muted">No queries yet.</p>}
          <ul>
            <li>
              <button
                type="button"
                className="query-pick"
                aria-pressed={selected === undefined}
                onClick={() => select(undefined)}
              >
                All queries
              </button>
            </li>
            {list.map((q) => (
              <QueryItem
                key={q.id}
                query={q}
                selected={selected === q.id}
                onSelect={() => select(q.id)}
                onEdit={() => setEditing(q)}
                onStopped={() => selected === q.id && select(undefined)}
              />
            ))}
          </ul>
        </section>
        <TabGroup className="listening-main">
          <TabList className="tabs" aria-label="Listening views">
            <Tab className="tab">Mentions</Tab>
            <Tab className="tab">Charts</Tab>
            <Tab className="tab">Alerts</Tab>
          </TabList>
          <TabPanels>
            <TabPanel>
              <Mentions queries={list} queryId={selected} />
            </TabPanel>
            <TabPanel>
              <Insights queries={list} queryId={selected} />
            </TabPanel>
            <TabPanel>
              <Alerts queries={list} queryId={selected} />
            </TabPanel>
          </TabPanels>
        </TabGroup>
      </div>
    </Screen>
  );
}

function QueryItem({
  query,
  selected,
  onSelect,
  onEdit,
  onStopped,
}: {
  query: Query;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onStopped: () => void;
}) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['listening-queries'] });
  const toggle = useMutation({
    mutationFn: () =>
      query.status === 'paused'
        ? data(api.POST('/v1/listening/queries/{id}/resume', { params: { path: { id: query.id } } }))
        : data(api.POST('/v1/listening/queries/{id}/pause', { params: { path: { id: query.id } } })),
    onSuccess: refresh,
  });
  const stop = useMutation({
    mutationFn: () => data(api.DELETE('/v1/listening/queries/{id}', { params: { path: { id: query.id } } })),
    onSuccess: async () => {
      onStopped();
      await refresh();
    },
  });
  return (
    <li className={selected ? 'query-item selected' : 'query-item'}>
      <button type="button" className="query-pick" aria-pressed={selected} onClick={onSelect}>
        <strong>{query.name}</strong> <span className="muted">({query.kind})</span>
      </button>
      <code className="query-expression">{query.expression}</code>
      <div className="query-actions">
        <StatusBadge status={query.status} />
        {can('listen') && (
          <>
            <button type="button" onClick={onEdit}>
              Edit<span className="visually-hidden"> {query.name}</span>
            </button>
            <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
              {query.status === 'paused' ? 'Resume' : 'Pause'}
              <span className="visually-hidden"> {query.name}</span>
            </button>
            <button
              type="button"
              className="danger"
              disabled={stop.isPending}
              onClick={() => {
                if (window.confirm(`Stop listening with “${query.name}” for good? Its mentions are kept.`))
                  stop.mutate();
              }}
            >
              Stop<span className="visually-hidden"> {query.name}</span>
            </button>
          </>
        )}
      </div>
      {(toggle.error ?? stop.error) && <ProblemMessage error={toggle.error ?? stop.error} />}
    </li>
  );
}
