import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { likesInbox, replyRefusal } from '../../../contracts/inbox';
import { api, ApiProblem, data } from '../api/client';
import { formatDateTime } from '../app/format';
import { LIVE_REFETCH_MS } from '../app/live';
import { useSession } from '../app/session';
import { ApprovalChainPanel } from '../components/ApprovalChainPanel';
import { ProblemMessage } from '../components/ProblemMessage';
import { RefreshProblem } from '../components/RefreshProblem';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { useNow } from '../components/useNow';
import { ContactCard, ConversationControls, Notes } from './inbox/Panels';
import { ReplyBox } from './inbox/ReplyBox';
import {
  contactName,
  memberLabel,
  slaState,
  useMembers,
  type ConversationDetail,
  type Member,
  type Message,
  type Reply,
} from './inbox/shared';
import './inbox.css';

/** One conversation: the thread, the reply box, and the team's controls, notes and the contact beside it. */
export default function Conversation() {
  const { conversationId = '' } = useParams();
  // A fresh screen per conversation (a past one opened from the contact card): no draft or "seen" carried over.
  return <ConversationScreen key={conversationId} conversationId={conversationId} />;
}

function ConversationScreen({ conversationId }: { conversationId: string }) {
  const { can } = useSession();
  const members = useMembers();
  const now = useNow();
  // The thread's messages as the member saw them when they opened the reply box: what arrived since is marked "New".
  const [seen, setSeen] = useState<Set<string> | undefined>(undefined);
  const detail = useQuery({
    queryKey: ['inbox', 'conversation', conversationId],
    queryFn: () => data(api.GET('/v1/inbox/conversations/{id}', { params: { path: { id: conversationId } } })),
    refetchInterval: LIVE_REFETCH_MS,
  });
  // Its first load failed. A refresh that fails keeps the conversation, and the draft in the reply box, on screen.
  if (detail.isLoadingError)
    return (
      <Screen title="Conversation">
        <Link to="/inbox" className="back-link">
          ← Inbox
        </Link>
        <ProblemMessage error={detail.error} onRetry={() => void detail.refetch()} />
      </Screen>
    );
  if (!detail.data) return <p className="loading">Loading…</p>;
  const d = detail.data;
  const c = d.conversation;
  const sla = slaState(c, now);
  // What the reply box would answer (its latest inbound message): some the network takes no reply to.
  const answering = d.messages.filter((m) => m.direction === 'in' && !m.deleted).at(-1);
  const refusal = answering
    ? replyRefusal({ network: c.network, kind: answering.kind, parentExternalId: answering.parentExternalId })
    : null;
  return (
    <Screen title={contactName(c.contact)}>
      <div className="conversation-bar">
        <Link to="/inbox" className="back-link">
          ← Inbox
        </Link>
        <span className="conversation-facts">
          <StatusBadge status={c.status} />
          {c.priority !== 'normal' && <span className={`badge priority-${c.priority}`}>{c.priority}</span>}
          {sla && <span className={sla.breached ? 'badge breached' : 'badge due'}>{sla.label}</span>}
          {c.sentiment && <span className={`badge sentiment-${c.sentiment.label}`}>{c.sentiment.label}</span>}
          {c.lead && <span className="badge lead">lead</span>}
          {c.spam && <span className="badge breached">spam</span>}
          <span className="muted">
            {c.channelName ?? c.network} · {c.kind === 'direct' ? 'direct conversation' : 'thread'} ·{' '}
            {memberLabel(members.data, c.assigneeId)}
          </span>
        </span>
      </div>
      <RefreshProblem queries={[detail]} />
      <Answers detail={d} />
      <div className="conversation-layout">
        <div className="conversation-main">
          <Thread detail={d} members={members.data ?? []} seen={seen} />
          {can('engage') &&
            !c.spam &&
            (refusal ? (
              <p className="reply-refused card muted" role="note">
                {refusal}
              </p>
            ) : (
              <ReplyBox key={c.id} detail={d} onSeen={(ids) => setSeen(ids && new Set(ids))} />
            ))}
        </div>
        <aside className="conversation-side" aria-label="About this conversation">
          <ConversationControls detail={d} members={members.data ?? []} />
          <Notes detail={d} members={members.data ?? []} />
          <ContactCard detail={d} />
          <SpamAction detail={d} />
        </aside>
      </div>
    </Screen>
  );
}

/**
 * The thread, oldest first: the customer's messages and the team's, then the replies still on their
 * way (awaiting approval, sending, failed). Every text is rendered as text — inbound text is hostile.
 */
function Thread({
  detail,
  members,
  seen,
}: {
  detail: ConversationDetail;
  members: Member[];
  /** The message ids seen when the reply box opened; others are marked new. */
  seen: Set<string> | undefined;
}) {
  const who = contactName(detail.contact);
  const pending = detail.replies.filter((r) => r.status !== 'sent');
  return (
    <section className="thread" aria-label="Thread">
      <ol className="messages">
        {detail.messages.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            author={m.direction === 'in' ? who : memberLabel(members, m.authorId)}
            isNew={seen !== undefined && !seen.has(m.id)}
            network={detail.conversation.network}
            conversationId={detail.conversation.id}
          />
        ))}
        {pending.map((r) => (
          <ReplyItem key={r.id} reply={r} author={memberLabel(members, r.authorId)} />
        ))}
      </ol>
    </section>
  );
}

function MessageItem({
  message: m,
  author,
  isNew,
  network,
  conversationId,
}: {
  message: Message;
  author: string;
  isNew: boolean;
  network: string;
  conversationId: string;
}) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [liked, setLiked] = useState(false);
  const like = useMutation({
    mutationFn: () => data(api.POST('/v1/inbox/messages/{id}/like', { params: { path: { id: m.id } } })),
    onSuccess: async () => {
      setLiked(true);
      await queryClient.invalidateQueries({ queryKey: ['inbox', 'conversation', conversationId] });
    },
  });
  return (
    <li className={`message ${m.direction}${isNew ? ' new' : ''}`} data-testid="message">
      <div className="message-head">
        <strong>{author}</strong>
        {isNew && <span className="badge new">New</span>}
        <span className="muted">
          {m.kind.replace('_', ' ')} · <time dateTime={m.sentAt}>{formatDateTime(m.sentAt)}</time>
        </span>
      </div>
      <p className="message-text">{m.deleted ? <em className="muted">Deleted on {network}.</em> : m.text}</p>
      <div className="message-actions">
        {m.sentiment && m.direction === 'in' && (
          <span className={`badge sentiment-${m.sentiment.label}`}>{m.sentiment.label}</span>
        )}
        {m.lead && <span className="badge lead">lead</span>}
        {m.url && /^https?:\/\//.test(m.url) && (
          <a href={m.url} target="_blank" rel="noreferrer noopener">
            Open on {network}
          </a>
        )}
        {/* Instagram's and Threads' APIs let no app like anything, and a pushed item has no network: no Like there. */}
        {m.direction === 'in' && !m.deleted && likesInbox(network) && can('engage') && (
          <button type="button" onClick={() => like.mutate()} disabled={like.isPending || liked}>
            {liked ? 'Liked' : 'Like'}
            <span className="visually-hidden"> the message by {author}</span>
          </button>
        )}
      </div>
      {like.error && <ProblemMessage error={like.error} />}
    </li>
  );
}

const REPLY_STATUS: Record<Reply['status'], string> = {
  awaiting_approval: 'Awaiting approval',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  rejected: 'Rejected',
};

/** A reply on its way: its status, and while it awaits approval its chain (with the decision for those awaited). */
function ReplyItem({ reply, author }: { reply: Reply; author: string }) {
  return (
    <li className={`message out reply-${reply.status}`} data-testid="reply">
      <div className="message-head">
        <strong>{author}</strong>
        <span className={`badge ${reply.status}`}>{REPLY_STATUS[reply.status]}</span>
        <span className="muted">{formatDateTime(reply.createdAt)}</span>
      </div>
      <p className="message-text">{reply.text}</p>
      {reply.error && <p className="last-error">{reply.error}</p>}
      {reply.status === 'awaiting_approval' && <ReplyApproval reply={reply} />}
    </li>
  );
}

/**
 * The reply's chain as its conversation's workflow holds it: the decision names the chain's current
 * step and round (a later step or round is refused if it named the first).
 */
function ReplyApproval({ reply }: { reply: Reply }) {
  const chain = useQuery({
    queryKey: ['inbox', 'reply-approval', reply.id],
    queryFn: () => data(api.GET('/v1/inbox/replies/{id}/approval', { params: { path: { id: reply.id } } })),
    refetchInterval: LIVE_REFETCH_MS,
  });
  if (chain.data)
    return (
      <section className="reply-approval" aria-label="Approval of this reply">
        <ApprovalChainPanel chain={chain.data} subject={{ kind: 'reply', id: reply.id, ownerId: reply.authorId }} />
      </section>
    );
  // A moment after the reply is written its workflow has not started the chain yet (409): the next poll shows it.
  if (chain.error && !(chain.error instanceof ApiProblem && chain.error.status === 409))
    return <ProblemMessage error={chain.error} onRetry={() => void chain.refetch()} />;
  return <p className="muted">Loading its approval…</p>;
}

/** The Chorus post the conversation answers, and its campaign, when it answers one. */
function Answers({ detail }: { detail: ConversationDetail }) {
  if (!detail.post && !detail.campaign) return null;
  return (
    <p className="conversation-answers">
      {detail.post && (
        <>
          Answers <Link to={`/posts/${detail.post.id}`}>the post “{clip(detail.post.text)}”</Link>
        </>
      )}
      {detail.post && detail.campaign && ' · '}
      {detail.campaign && (
        <>
          Campaign <Link to={`/campaigns/${detail.campaign.id}`}>{detail.campaign.name}</Link>
        </>
      )}
    </p>
  );
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** Closing as spam also teaches the noise filter to drop the author's later items: asked for once, plainly. */
function SpamAction({ detail }: { detail: ConversationDetail }) {
  const { can } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const spam = useMutation({
    mutationFn: () =>
      data(api.POST('/v1/inbox/conversations/{id}/spam', { params: { path: { id: detail.conversation.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['inbox'] });
      await navigate('/inbox');
    },
  });
  if (!can('engage') || detail.conversation.spam) return null;
  const who = contactName(detail.contact);
  return (
    <section className="panel">
      <button
        type="button"
        className="danger"
        disabled={spam.isPending}
        onClick={() => {
          if (window.confirm(`Close this conversation as spam? Later messages from ${who} will be dropped.`))
            spam.mutate();
        }}
      >
        Mark as spam
      </button>
      {spam.error && <ProblemMessage error={spam.error} />}
    </section>
  );
}
