import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { utf8Length } from '../../../../contracts/text-rules';
import { api, ApiProblem, data } from '../../api/client';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { type ConversationDetail } from './shared';
import { replyRules } from './shared';

/** How often an open reply box renews its lease: well inside the server's 30 s, so others never see it lapse. */
const LEASE_RENEW_MS = 10_000;

/**
 * What a reply's draft starts with. On Mastodon a reply notifies only the accounts its text
 * mentions (`in_reply_to_id` alone threads it but tells no one), so a reply to a customer starts
 * with `@acct ` of the author of the message answered — the conversation's contact, whose handle
 * is their acct (`user@instance`, or `user` on the channel's own instance). Bluesky notifies the
 * parent's author of any reply, X puts the parent's author in front of a reply itself, and a
 * LinkedIn reply under a comment notifies its author: nothing to add there. The count below is
 * each network's own (`replyRules`: X's weighted characters, 280; Bluesky's graphemes, …).
 */
export function mentionOf(detail: ConversationDetail): string {
  if (detail.conversation.network !== 'mastodon') return '';
  const acct = detail.contact.handle.replace(/^@/, '');
  return acct ? `@${acct} ` : '';
}

/**
 * The reply box: the draft, saved replies inserted already filled in, the count against the
 * network's limit, who else is replying, and the collision answer — a reply written against an
 * older thread is refused (409); the draft stays and the new messages are marked in the thread.
 */
export function ReplyBox({
  detail,
  onSeen,
}: {
  detail: ConversationDetail;
  /** The messages the member has read while the box is open (the thread marks the others new); undefined once it closes. */
  onSeen: (messageIds: string[] | undefined) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const { session } = useSession();
  const conversation = detail.conversation;
  const greeting = mentionOf(detail);
  const [draft, setDraft] = useState(greeting);
  const [savedReplyId, setSavedReplyId] = useState<string | undefined>(undefined);
  // The version the member is answering: set when the box opens and after they have seen a collision,
  // never by the screen's polling (that would let a reply through over a message its writer never saw).
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [collided, setCollided] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const open = version !== undefined;

  const openBox = () => {
    if (open) return;
    setVersion(detail.version);
    onSeen(detail.messages.map((m) => m.id));
  };
  const closeBox = () => {
    setDraft(greeting);
    setSavedReplyId(undefined);
    setVersion(undefined);
    setCollided(false);
    onSeen(undefined);
  };

  // While the box is open, a lease tells the others "X is replying"; it ends when the box closes.
  const conversationId = conversation.id;
  useEffect(() => {
    if (!open) return;
    const renew = () =>
      void api.PUT('/v1/inbox/conversations/{id}/lease', { params: { path: { id: conversationId } } }).catch(() => {});
    renew();
    const timer = setInterval(renew, LEASE_RENEW_MS);
    return () => {
      clearInterval(timer);
      void api
        .DELETE('/v1/inbox/conversations/{id}/lease', { params: { path: { id: conversationId } } })
        .catch(() => {});
    };
  }, [open, conversationId]);

  const savedReplies = useQuery({
    queryKey: ['inbox', 'saved-replies', conversationId],
    queryFn: () =>
      data(api.GET('/v1/inbox/conversations/{id}/saved-replies', { params: { path: { id: conversationId } } })),
    enabled: open,
    staleTime: 60_000,
  });

  // The message answered: the latest inbound one (the thread's newest word from the customer).
  const inbound = detail.messages.filter((m) => m.direction === 'in' && !m.deleted);
  const answering = inbound.at(-1);

  const send = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/inbox/conversations/{id}/replies', {
          params: { path: { id: conversationId } },
          body: {
            text: draft,
            version: version ?? detail.version,
            ...(answering ? { inReplyToMessageId: answering.id } : {}),
            ...(savedReplyId ? { savedReplyId } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      closeBox();
      await queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
    onError: async (error) => {
      if (error instanceof ApiProblem && error.status === 409) {
        setCollided(true);
        await queryClient.invalidateQueries({ queryKey: ['inbox', 'conversation', conversationId] });
      }
    },
  });

  // After a collision, the member has the new messages in front of them: sending again answers the thread as it is now.
  const acknowledge = () => {
    setCollided(false);
    setVersion(detail.version);
    onSeen(detail.messages.map((m) => m.id));
    send.reset();
  };

  const insertSaved = (replyId: string) => {
    const reply = savedReplies.data?.savedReplies.find((r) => r.id === replyId);
    if (!reply) return;
    const el = textarea.current;
    const at = el ? el.selectionStart : draft.length;
    const end = el ? el.selectionEnd : draft.length;
    const next = draft.slice(0, at) + reply.text + draft.slice(end);
    setDraft(next);
    setSavedReplyId(reply.id);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + reply.text.length, at + reply.text.length);
    });
  };

  const rules = replyRules(conversation.network);
  const length = rules.length(draft);
  const bytes = utf8Length(draft);
  const over = length > rules.limits.maxGraphemes || (rules.limits.maxBytes ?? Infinity) < bytes;
  const others = detail.replying.filter((r) => r.userId !== session.user.id);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (collided) return;
    send.mutate();
  };

  return (
    <form
      className={collided ? 'reply-box card collided' : 'reply-box card'}
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`} className="visually-hidden">
        Reply
      </h2>
      {others.length > 0 && (
        <p className="replying" role="status">
          {others.map((o) => o.name ?? 'A teammate').join(', ')} {others.length === 1 ? 'is' : 'are'} replying
        </p>
      )}
      {collided && (
        <div className="collision" role="alert">
          <strong>New messages arrived while you were writing.</strong>
          <p>Your draft is kept. Read what is new (marked “New” in the thread), then send again.</p>
          <button type="button" onClick={acknowledge}>
            I have read them
          </button>
        </div>
      )}
      {open && savedReplies.data && savedReplies.data.savedReplies.length > 0 && (
        <label>
          Saved reply
          <select value="" onChange={(e) => insertSaved(e.target.value)}>
            <option value="">Insert a saved reply…</option>
            {savedReplies.data.savedReplies.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {savedReplies.error && <ProblemMessage error={savedReplies.error} />}
      <label htmlFor={`${id}-text`}>
        Reply to {answering ? 'the latest message' : 'the conversation'}
        <span className="visually-hidden"> on {conversation.channelName ?? conversation.network}</span>
      </label>
      <textarea
        id={`${id}-text`}
        ref={textarea}
        rows={open ? 4 : 2}
        value={draft}
        onFocus={openBox}
        onChange={(e) => {
          openBox();
          setDraft(e.target.value);
        }}
        aria-describedby={`${id}-count`}
        aria-invalid={over || undefined}
        placeholder="Write a reply…"
      />
      <div className="reply-foot">
        <span id={`${id}-count`} className={over ? 'count over' : 'count'}>
          {length} / {rules.limits.maxGraphemes}
          <span className="visually-hidden"> characters</span>
        </span>
        {open && (
          <button
            type="button"
            onClick={() => {
              closeBox();
              send.reset();
            }}
          >
            Discard
          </button>
        )}
        <button
          type="submit"
          className="primary"
          disabled={send.isPending || collided || over || draft.trim() === greeting.trim()}
        >
          {send.isPending ? 'Sending…' : 'Send reply'}
        </button>
      </div>
      {send.error && !collided && <ProblemMessage error={send.error} />}
    </form>
  );
}
