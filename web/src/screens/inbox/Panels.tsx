import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../../contracts/inbox';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { StatusBadge } from '../../components/StatusBadge';
import type { Body } from '../settings/common';
import { contactName, memberLabel, type ConversationDetail, type Member } from './shared';

type Change = Body<'/v1/inbox/conversations/{id}', 'patch'>;

/** Status, priority, assignee and tags: controls for the roles that work the inbox, plain facts for the others. */
export function ConversationControls({ detail, members }: { detail: ConversationDetail; members: Member[] }) {
  const id = useId();
  const { can, session } = useSession();
  const queryClient = useQueryClient();
  const c = detail.conversation;
  const [tags, setTags] = useState<string | undefined>(undefined);
  const update = useMutation({
    mutationFn: (change: Change) =>
      data(
        api.PATCH('/v1/inbox/conversations/{id}', {
          params: { path: { id: c.id } },
          body: change,
        }),
      ),
    onSuccess: async () => {
      setTags(undefined);
      await queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  if (!can('engage'))
    return (
      <section className="panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Details</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={c.status} />
          </dd>
          <dt>Priority</dt>
          <dd>{c.priority}</dd>
          <dt>Assignee</dt>
          <dd>{memberLabel(members, c.assigneeId)}</dd>
          <dt>Tags</dt>
          <dd>{c.tags.length ? c.tags.map((t) => `#${t}`).join(' ') : '—'}</dd>
        </dl>
      </section>
    );
  const saveTags = (event: FormEvent) => {
    event.preventDefault();
    const list = [
      ...new Set(
        (tags ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    update.mutate({ tags: list });
  };
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Details</h2>
      <div className="control-grid">
        <label>
          Status
          <select
            value={c.status}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ status: e.target.value as Change['status'] })}
          >
            {CONVERSATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select
            value={c.priority}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ priority: e.target.value as Change['priority'] })}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <select
            value={c.assigneeId ?? ''}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ assigneeId: e.target.value || null })}
          >
            <option value="">Unassigned</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name ?? m.email}
              </option>
            ))}
          </select>
        </label>
      </div>
      {c.assigneeId !== session.user.id && (
        <div className="actions">
          <button
            type="button"
            disabled={update.isPending}
            onClick={() => update.mutate({ assigneeId: session.user.id })}
          >
            Assign to me
          </button>
        </div>
      )}
      <form className="tags-form" onSubmit={saveTags}>
        <label>
          Tags (comma-separated)
          <input
            value={tags ?? c.tags.join(', ')}
            maxLength={500}
            onChange={(e) => setTags(e.target.value)}
            placeholder="billing, bug"
          />
        </label>
        {tags !== undefined && (
          <button type="submit" disabled={update.isPending}>
            Save tags
          </button>
        )}
      </form>
      {update.error && <ProblemMessage error={update.error} />}
    </section>
  );
}

/** A note's text with its @mentions in bold: still text, never HTML. */
function NoteBody({ body }: { body: string }) {
  const parts = body.split(/(@[\w.+-]+)/g);
  return <p className="note-body">{parts.map((part, i) => (i % 2 === 1 ? <strong key={i}>{part}</strong> : part))}</p>;
}

/** What a member is mentioned as: the local part of their email, which the server resolves back. */
const mentionOf = (m: Member) => `@${m.email.split('@')[0]}`;

/** The team's internal notes (never sent to the customer), with @mentions that notify the member named. */
export function Notes({ detail, members }: { detail: ConversationDetail; members: Member[] }) {
  const id = useId();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  const add = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/inbox/conversations/{id}/notes', {
          params: { path: { id: detail.conversation.id } },
          body: { body: body.trim() },
        }),
      ),
    onSuccess: async () => {
      setBody('');
      await queryClient.invalidateQueries({ queryKey: ['inbox', 'conversation', detail.conversation.id] });
    },
  });
  // The word being typed after an "@": suggestions complete it to a member's mention.
  const partial = /(^|\s)@([\w.+-]*)$/.exec(body)?.[2];
  const suggestions =
    partial === undefined
      ? []
      : members
          .filter((m) => [m.name ?? '', m.email].some((s) => s.toLowerCase().includes(partial.toLowerCase())))
          .slice(0, 5);
  const complete = (m: Member) => {
    setBody((b) => b.replace(/@([\w.+-]*)$/, `${mentionOf(m)} `));
    field.current?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Internal notes</h2>
      {detail.notes.length === 0 && <p className="muted">No notes yet.</p>}
      <ol className="notes">
        {detail.notes.map((n) => (
          <li key={n.id} className="note">
            <div className="muted">
              {memberLabel(members, n.authorId)} · {formatDateTime(n.createdAt)}
            </div>
            <NoteBody body={n.body} />
          </li>
        ))}
      </ol>
      {can('engage') && (
        <form onSubmit={submit} className="note-form">
          <label htmlFor={`${id}-note`}>Add a note (the customer never sees it; @name notifies a teammate)</label>
          <textarea
            id={`${id}-note`}
            ref={field}
            rows={2}
            maxLength={5000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
          {suggestions.length > 0 && (
            <ul className="mention-suggestions" aria-label="Mention a teammate">
              {suggestions.map((m) => (
                <li key={m.userId}>
                  <button type="button" onClick={() => complete(m)}>
                    {m.name ?? m.email} <span className="muted">{mentionOf(m)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {add.error && <ProblemMessage error={add.error} />}
          <div className="actions">
            <button type="submit" disabled={add.isPending || !body.trim()}>
              Add note
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Who the customer is, and their other conversations with the workspace. */
export function ContactCard({ detail }: { detail: ConversationDetail }) {
  const id = useId();
  const contact = detail.contact;
  const others = contact.conversations.filter((c) => c.id !== detail.conversation.id);
  return (
    <section className="panel contact-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Contact</h2>
      <p className="contact-who">
        <strong>{contactName(contact)}</strong>
        <span className="muted">
          {' '}
          @{contact.handle} · {contact.network}
        </span>
        {contact.spam && <span className="badge breached">spam</span>}
      </p>
      {contact.profileUrl && /^https?:\/\//.test(contact.profileUrl) && (
        <a href={contact.profileUrl} target="_blank" rel="noreferrer noopener">
          Profile on {contact.network}
        </a>
      )}
      <h3>Past conversations</h3>
      {others.length === 0 ? (
        <p className="muted">This is their first conversation.</p>
      ) : (
        <ul className="past-conversations">
          {others.map((c) => (
            <li key={c.id}>
              <Link to={`/inbox/${c.id}`}>{c.preview || '(no text)'}</Link>
              <div className="muted">
                <StatusBadge status={c.status} /> {c.messageCount} message{c.messageCount === 1 ? '' : 's'} ·{' '}
                {formatDateTime(c.lastMessageAt)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
