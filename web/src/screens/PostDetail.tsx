import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, data } from '../api/client';
import { formatDateTime } from '../app/format';
import { LIVE_REFETCH_MS } from '../app/live';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { RefreshProblem } from '../components/RefreshProblem';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { channelName, excerpt, MOVABLE, statusText, useChannels, type PostView } from './post-shared';
import './posts.css';

/** An instant as the value of a `datetime-local` input (the browser's timezone). */
function localInputValue(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The post's workflow in the Temporal UI, when the installation names one. */
function temporalLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export default function PostDetail() {
  const { postId = '' } = useParams();
  const { session, can } = useSession();
  const channels = useChannels();
  const post = useQuery({
    queryKey: ['post', postId],
    queryFn: () => data(api.GET('/v1/posts/{id}', { params: { path: { id: postId } } })),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const approval = useQuery({
    queryKey: ['post', postId, 'approval'],
    queryFn: () => data(api.GET('/v1/posts/{id}/approval', { params: { path: { id: postId } } })),
    refetchInterval: LIVE_REFETCH_MS,
    enabled: post.isSuccess,
  });
  const audit = useQuery({
    queryKey: ['audit', postId],
    queryFn: () => data(api.GET('/v1/audit', { params: { query: { subject: postId, limit: 200 } } })),
    refetchInterval: LIVE_REFETCH_MS,
    enabled: post.isSuccess && can('audit'),
  });

  if (post.isPending) return <p className="loading">Loading…</p>;
  // Its first load failed (a refresh that fails keeps the post on screen, and says so).
  if (post.isLoadingError)
    return (
      <Screen title="Post">
        <ProblemMessage error={post.error} onRetry={() => void post.refetch()} />
        <p>
          <Link to="/posts">All posts</Link>
        </p>
      </Screen>
    );
  const p = post.data;
  // Its sends that wait for a channel to be reconnected (the post stays `publishing` or `scheduled`
  // meanwhile: the status alone would not say why nothing goes out).
  const waitingOn = (channels.data ?? []).filter(
    (c) =>
      c.status === 'needs_reconnect' &&
      p.targets.some((t) => t.channelId === c.id && (t.status === 'pending' || t.status === 'publishing')),
  );
  return (
    <Screen title={`Post: ${excerpt(p.text, 40)}`}>
      <RefreshProblem queries={[post]} />
      <div className="post-detail">
        <section aria-labelledby="post-summary">
          <h2 id="post-summary">Summary</h2>
          <dl className="post-facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={p.status} />
              {waitingOn.length > 0 && (
                <p className="held-note">
                  Held until {waitingOn.map((c) => c.name).join(', ')} {waitingOn.length > 1 ? 'are' : 'is'} reconnected
                  (<Link to="/settings/channels">Settings → Channels</Link>); it goes out then.
                </p>
              )}
            </dd>
            <dt>Publishes</dt>
            <dd>
              <time dateTime={p.publishAt}>{formatDateTime(p.publishAt)}</time>
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(p.createdAt)}</dd>
            {p.campaignId && (
              <>
                <dt>Campaign</dt>
                <dd>
                  <Link to={`/campaigns/${p.campaignId}`}>Open the campaign</Link>
                </dd>
              </>
            )}
            <dt>Workflow</dt>
            <dd>
              <code>{p.workflowId}</code>
              {session.temporalUiUrl && (
                <>
                  {' '}
                  <a
                    href={temporalLink(session.temporalUiUrl, session.temporalNamespace, p.workflowId)}
                    target="_blank"
                    rel="noreferrer"
                  >
                    Open in Temporal UI
                  </a>
                </>
              )}
            </dd>
          </dl>
          <h3 className="visually-hidden">Text</h3>
          <p className="post-text">{p.text}</p>
          {p.media.length > 0 && <p>{p.media.length} attached media.</p>}
        </section>

        {can('writeContent') && <PostActions post={p} />}

        <section aria-labelledby="post-targets">
          <h2 id="post-targets">Targets</h2>
          {channels.error && <ProblemMessage error={channels.error} />}
          <div className="table-scroll">
            <table className="stacked-table">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Text</th>
                  <th scope="col">Published</th>
                </tr>
              </thead>
              <tbody>
                {p.targets.map((t) => (
                  <tr key={t.id}>
                    <td data-label="Channel">{channelName(channels.data, t.channelId)}</td>
                    <td data-label="Status">
                      <StatusBadge status={t.status} />
                      {t.lastError && <p className="last-error">Last error: {t.lastError}</p>}
                    </td>
                    <td data-label="Attempts">{t.attempts}</td>
                    <td data-label="Text">
                      <span className="post-text">{t.text}</span>
                      {t.text !== p.text && <em> (variant)</em>}
                    </td>
                    <td data-label="Published">
                      {t.url ? (
                        <a href={t.url} target="_blank" rel="noreferrer">
                          View on {channelName(channels.data, t.channelId)}
                          {t.publishedAt ? ` (${formatDateTime(t.publishedAt)})` : ''}
                        </a>
                      ) : (
                        (t.publishedAt && formatDateTime(t.publishedAt)) || '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section aria-labelledby="post-approval">
          <h2 id="post-approval">Approval</h2>
          {approval.error && <ProblemMessage error={approval.error} />}
          {approval.data &&
            (approval.data.state === 'none' ? (
              <p>{p.preApproved ? 'Made from an approved library item: no approval needed.' : 'No approval chain.'}</p>
            ) : (
              <>
                <p>
                  <StatusBadge status={approval.data.state} /> round {approval.data.round + 1}
                  {approval.data.currentStep !== null &&
                    `, step ${approval.data.currentStep} of ${approval.data.steps.length}`}
                  {approval.data.awaiting.length > 0 &&
                    ` — waiting for ${approval.data.awaiting.map((a) => a.name ?? a.email ?? a.id).join(', ')}`}
                </p>
                {approval.data.decisions.length > 0 && (
                  <ul>
                    {approval.data.decisions.map((d) => (
                      <li key={`${d.round}:${d.step}:${d.userId}:${d.at}`}>
                        {formatDateTime(d.at)}: {d.user.name ?? d.user.email ?? d.userId} — {statusText(d.decision)}{' '}
                        (step {d.step}){d.comment ? `: “${d.comment}”` : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ))}
        </section>

        {can('audit') && (
          <section aria-labelledby="post-audit">
            <h2 id="post-audit">Audit trail</h2>
            {audit.error && <ProblemMessage error={audit.error} />}
            {audit.data && audit.data.entries.length === 0 && <p>No entries.</p>}
            {audit.data && audit.data.entries.length > 0 && (
              <ol className="target-list">
                {audit.data.entries.map((e) => (
                  <li key={e.id}>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time> — <code>{e.action}</code> by{' '}
                    {e.actor ? (e.actor.name ?? e.actor.email ?? e.actor.id) : 'Chorus'}
                  </li>
                ))}
              </ol>
            )}
          </section>
        )}
      </div>
    </Screen>
  );
}

/** Edit, reschedule and cancel, for roles that may write content; each shows the server's answer. */
function PostActions({ post }: { post: PostView }) {
  const queryClient = useQueryClient();
  const [publishAt, setPublishAt] = useState(() => localInputValue(post.publishAt));
  const [answer, setAnswer] = useState<string>();
  const settle = (next: PostView, message: string) => {
    queryClient.setQueryData(['post', post.id], next);
    void queryClient.invalidateQueries({ queryKey: ['posts'] });
    void queryClient.invalidateQueries({ queryKey: ['calendar'] });
    void queryClient.invalidateQueries({ queryKey: ['audit', post.id] });
    setAnswer(message);
  };
  const reschedule = useMutation({
    mutationFn: (at: string) =>
      data(api.POST('/v1/posts/{id}/reschedule', { params: { path: { id: post.id } }, body: { publishAt: at } })),
    onMutate: () => setAnswer(undefined),
    onSuccess: (next) => settle(next, `Rescheduled: it now publishes ${formatDateTime(next.publishAt)}.`),
  });
  const cancel = useMutation({
    mutationFn: () => data(api.POST('/v1/posts/{id}/cancel', { params: { path: { id: post.id } } })),
    onMutate: () => setAnswer(undefined),
    onSuccess: (next) => settle(next, `Cancelled: the post is ${statusText(next.status)}.`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const at = new Date(publishAt);
    if (Number.isNaN(at.getTime())) return;
    cancel.reset();
    reschedule.mutate(at.toISOString());
  };
  const busy = reschedule.isPending || cancel.isPending;
  const movable = MOVABLE.has(post.status);
  // Claimed, with a send that failed and waits (a retry, or a held post waiting for its channel's
  // reconnect): the server still cancels it (409 if the sends are on the network right now).
  const waiting =
    post.status === 'publishing' && post.targets.some((t) => t.status === 'publishing' && Boolean(t.lastError));
  return (
    <section aria-labelledby="post-actions" className="post-actions">
      <h2 id="post-actions">Actions</h2>
      {movable ? (
        <>
          {post.status === 'changes_requested' && (
            <p>
              A reviewer asked for changes (see Approval below): revise the text, and saving sends it back for approval.
            </p>
          )}
          <Link to={`/compose?postId=${encodeURIComponent(post.id)}`} className="action-link primary">
            {post.status === 'changes_requested' ? 'Revise and resubmit' : 'Edit text'}
          </Link>
          <form className="reschedule-form" onSubmit={submit}>
            <label>
              New publish time
              <input type="datetime-local" required value={publishAt} onChange={(e) => setPublishAt(e.target.value)} />
            </label>
            <button type="submit" className="primary" disabled={busy}>
              Reschedule
            </button>
          </form>
          <div>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => {
                reschedule.reset();
                cancel.mutate();
              }}
            >
              Cancel post
            </button>
          </div>
        </>
      ) : waiting ? (
        <>
          <p>
            A send failed and waits: to be retried, or for its channel to be reconnected. It goes out then (at once if
            its time has passed); cancel it to stop it instead.
          </p>
          <div>
            <button type="button" className="danger" disabled={busy} onClick={() => cancel.mutate()}>
              Cancel post
            </button>
          </div>
        </>
      ) : (
        <p>The post is {statusText(post.status)}: it can no longer be moved or cancelled.</p>
      )}
      <div aria-live="polite">
        {answer && (
          <p role="status" className="answer-ok">
            {answer}
          </p>
        )}
        {reschedule.error && <ProblemMessage error={reschedule.error} />}
        {cancel.error && <ProblemMessage error={cancel.error} />}
      </div>
    </section>
  );
}
