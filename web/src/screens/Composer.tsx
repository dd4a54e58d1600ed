import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  hashtagCount,
  INSTAGRAM_MAX_HASHTAGS,
  INSTAGRAM_MAX_MENTIONS,
  mentionCount,
  splitXThread,
  TEXT_RULES,
  utf8Length,
  xPostLength,
} from '../../../contracts/text-rules';
import { api, data, type Ok } from '../api/client';
import type { paths } from '../api/schema';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { useLeaveGuard } from '../components/useLeaveGuard';
import './composer.css';

type Channel = Ok<'/v1/channels', 'get'>['channels'][number];
type LibraryItem = Ok<'/v1/library', 'get'>['items'][number];
type Preview = Ok<'/v1/posts/preview', 'post'>;
type CreateBody = paths['/v1/posts']['post']['requestBody']['content']['application/json'];
type MediaRef = NonNullable<CreateBody['media']>[number];

/** An attachment being composed: an upload or a library media item, with its alt text. */
interface Attachment {
  key: string;
  ref: { mediaId: string } | { libraryItemId: string };
  /** The stored file, shown as the thumbnail. */
  mediaId: string;
  label: string;
  contentType: string;
  alt: string;
}

type When = 'now' | 'at' | 'queue';

/** How long typing pauses before the server is asked for its preview. */
const PREVIEW_DELAY_MS = 350;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** A datetime-local value (the browser's timezone) as an ISO instant. */
const instantOf = (local: string): string | undefined => {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
};

export default function Composer() {
  const { can } = useSession();
  if (!can('writeContent'))
    return (
      <Screen title="Compose">
        <p role="alert" className="problem">
          Your role in this workspace cannot write posts. Ask an owner, admin or editor to compose it, or to change your
          role.
        </p>
      </Screen>
    );
  return <ComposerForm />;
}

function ComposerForm() {
  const [params] = useSearchParams();
  const postId = params.get('postId');
  const editing = useQuery({
    queryKey: ['post', postId],
    queryFn: () => data(api.GET('/v1/posts/{id}', { params: { path: { id: postId! } } })),
    enabled: postId !== null,
  });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  // A first load that failed; a refresh that fails (the window regaining focus) keeps the editor and its draft.
  if (channels.isLoadingError || editing.isLoadingError)
    return (
      <Screen title={postId ? 'Edit post' : 'Compose'}>
        <ProblemMessage
          error={channels.isLoadingError ? channels.error : editing.error}
          onRetry={() => void (channels.isLoadingError ? channels.refetch() : editing.refetch())}
        />
      </Screen>
    );
  if (!channels.data || (postId && !editing.data)) return <p className="loading">Loading…</p>;
  return <Editor channels={channels.data.channels} post={editing.data} key={postId ?? 'new'} />;
}

function Editor({ channels, post }: { channels: Channel[]; post?: Ok<'/v1/posts/{id}', 'get'> }) {
  const navigate = useNavigate();
  const ids = useId();
  const textArea = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(post?.text ?? '');
  const [channelIds, setChannelIds] = useState<string[]>(post?.targets.map((t) => t.channelId) ?? []);
  const [variants, setVariants] = useState<Record<string, string>>(() =>
    Object.fromEntries((post?.targets ?? []).filter((t) => t.text !== post!.text).map((t) => [t.channelId, t.text])),
  );
  const [when, setWhen] = useState<When>('now');
  const [at, setAt] = useState('');
  const [campaignId, setCampaignId] = useState(post?.campaignId ?? '');
  const [template, setTemplate] = useState<LibraryItem | undefined>();
  const [libraryItemId, setLibraryItemId] = useState<string | undefined>();
  const [variables, setVariables] = useState<Record<string, string>>({});
  const [media, setMedia] = useState<Attachment[]>([]);

  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: () => data(api.GET('/v1/campaigns')) });
  const library = useQuery({
    queryKey: ['library', 'usable'],
    queryFn: () => data(api.GET('/v1/library', { params: { query: { usable: 'true' } } })),
  });

  const chosen = channels.filter((c) => channelIds.includes(c.id));
  const body: CreateBody = useMemo(() => {
    const b: CreateBody = { channelIds };
    if (!template) b.text = text;
    if (libraryItemId) b.libraryItemId = libraryItemId;
    if (template) b.variables = variables;
    const v = Object.fromEntries(Object.entries(variants).filter(([id]) => channelIds.includes(id)));
    if (Object.keys(v).length) b.variants = v;
    if (!post && when === 'at') {
      const instant = instantOf(at);
      if (instant) b.publishAt = instant;
    }
    if (!post && when === 'queue') b.queue = true;
    if (campaignId) b.campaignId = campaignId;
    if (media.length && !post) b.media = media.map((m): MediaRef => ({ ...m.ref, alt: m.alt }));
    return b;
  }, [channelIds, text, template, libraryItemId, variables, variants, when, at, campaignId, media, post]);
  const bodyKey = JSON.stringify(body);
  // What was on screen when it opened: anything else is a draft that leaving would lose.
  const [openedWith] = useState(bodyKey);
  const saved = useRef(false);
  const asked = useDebounced(bodyKey, PREVIEW_DELAY_MS);
  const askedBody = useMemo(() => JSON.parse(asked) as CreateBody, [asked]);
  const preview = useQuery({
    queryKey: ['post-preview', asked],
    queryFn: () => data(api.POST('/v1/posts/preview', { body: askedBody })),
    // The API refuses an empty text or no channel outright (400): nothing to ask about yet.
    enabled: askedBody.channelIds.length > 0 && (askedBody.text !== '' || askedBody.libraryItemId !== undefined),
    placeholderData: (previous) => previous,
    retry: false,
  });
  /** The server's answer is for what is on screen now (not for an earlier keystroke). */
  const current = preview.data && asked === bodyKey && !preview.isFetching ? preview.data : undefined;

  const textFor = (channel: Channel): string =>
    template
      ? (preview.data?.channels.find((c) => c.channelId === channel.id)?.text ?? '')
      : (variants[channel.id] ?? text);
  const localProblems = chosen.flatMap((c) => (template ? [] : TEXT_RULES[c.provider].validate(textFor(c))));
  const blocked =
    channelIds.length === 0 ||
    localProblems.length > 0 ||
    (when === 'at' && !body.publishAt && !post) ||
    !current ||
    current.problems.length > 0;
  const nothingYet = channelIds.length === 0 || (!template && text === '');

  const save = useMutation({
    mutationFn: async () =>
      post
        ? data(
            api.POST('/v1/posts/{id}/edit', {
              params: { path: { id: post.id } },
              body: { text: body.text ?? '', variants: body.variants },
            }),
          )
        : data(api.POST('/v1/posts', { body })),
    onSuccess: (answer) => {
      saved.current = true; // nothing left to lose: on to the post
      void navigate(`/posts/${answer.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!blocked) save.mutate();
  };
  useLeaveGuard(
    () => bodyKey !== openedWith && !saved.current,
    post ? 'Leave without saving your changes to this post?' : 'Leave the composer? This post is not saved yet.',
  );

  const insertAtCursor = (snippet: string) => {
    const area = textArea.current;
    const start = area?.selectionStart ?? text.length;
    const end = area?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + snippet + text.slice(end));
  };
  const pickLibraryItem = (item: LibraryItem) => {
    if (item.kind === 'media' && item.mediaId) {
      setMedia((m) => [
        ...m,
        {
          key: item.id,
          ref: { libraryItemId: item.id },
          mediaId: item.mediaId!,
          label: item.name,
          contentType: 'image/*',
          alt: '',
        },
      ]);
    } else if (item.kind === 'template') {
      setTemplate(item);
      setLibraryItemId(item.id);
      setVariables(Object.fromEntries(item.variables.map((v) => [v, ''])));
    } else if (item.body !== null) {
      // Made from the snippet when it is the whole text: unchanged, it skips approval (the server decides).
      if (text.trim() === '') {
        setText(item.body);
        setLibraryItemId(item.id);
      } else insertAtCursor(item.body);
    }
  };

  return (
    <Screen title={post ? 'Edit post' : 'Compose'}>
      <form className="composer" onSubmit={submit} noValidate>
        <div className="composer-main">
          <fieldset className="card">
            <legend>Channels</legend>
            {channels.length === 0 && <p>No channels yet: an owner or admin connects them in Settings.</p>}
            <ul className="channel-list">
              {channels.map((c) => (
                <li key={c.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={channelIds.includes(c.id)}
                      disabled={post !== undefined}
                      onChange={(e) =>
                        setChannelIds((list) => (e.target.checked ? [...list, c.id] : list.filter((x) => x !== c.id)))
                      }
                    />
                    <span>
                      {c.name} <span className="muted">({c.provider})</span>{' '}
                      {c.health.healthy ? (
                        <span className="badge active">healthy</span>
                      ) : (
                        <span className="badge failed" title={c.health.lastError ?? undefined}>
                          needs attention{c.health.lastError ? `: ${c.health.lastError}` : ''}
                        </span>
                      )}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            {post && <p className="muted">The channels of a saved post stay as they are.</p>}
          </fieldset>

          {template ? (
            <fieldset className="card">
              <legend>Template “{template.name}”</legend>
              <pre className="template-body">{template.body}</pre>
              {template.variables.map((name) => (
                <label key={name}>
                  {`{{${name}}}`}
                  <input
                    value={variables[name] ?? ''}
                    onChange={(e) => setVariables((v) => ({ ...v, [name]: e.target.value }))}
                  />
                </label>
              ))}
              <button
                type="button"
                onClick={() => {
                  setTemplate(undefined);
                  setLibraryItemId(undefined);
                }}
              >
                Stop using the template
              </button>
            </fieldset>
          ) : (
            <div className="card">
              <label htmlFor={`${ids}-text`}>Text</label>
              <textarea
                id={`${ids}-text`}
                ref={textArea}
                rows={6}
                value={text}
                onChange={(e) => setText(e.target.value)}
                aria-describedby={`${ids}-counters`}
              />
            </div>
          )}

          <section className="card" aria-labelledby={`${ids}-counters-h`}>
            <h2 id={`${ids}-counters-h`}>Per network</h2>
            {chosen.length === 0 && <p className="muted">Choose at least one channel.</p>}
            <ul className="counters" id={`${ids}-counters`}>
              {chosen.map((c) => (
                <ChannelCounter
                  key={c.id}
                  channel={c}
                  text={textFor(c)}
                  variant={variants[c.id]}
                  canVary={!template}
                  onVariant={(v) =>
                    setVariants((all) => {
                      const next = { ...all };
                      if (v === undefined) delete next[c.id];
                      else next[c.id] = v;
                      return next;
                    })
                  }
                  serverProblems={current?.channels.find((x) => x.channelId === c.id)?.problems ?? []}
                />
              ))}
            </ul>
          </section>

          {!post && (
            <Attachments
              media={media}
              setMedia={setMedia}
              library={library.data?.items ?? []}
              onLibraryItem={pickLibraryItem}
            />
          )}
          {post && (
            <LibraryPicker
              items={(library.data?.items ?? []).filter((i) => i.kind === 'snippet')}
              onPick={pickLibraryItem}
            />
          )}

          {!post && (
            <fieldset className="card">
              <legend>When</legend>
              <div className="when">
                {(
                  [
                    ['now', 'Publish now'],
                    ['at', 'At a time'],
                    ['queue', 'Next queue slot'],
                  ] as const
                ).map(([value, label]) => (
                  <label key={value} className="check">
                    <input
                      type="radio"
                      name="when"
                      value={value}
                      checked={when === value}
                      onChange={() => setWhen(value)}
                    />
                    {label}
                  </label>
                ))}
              </div>
              {when === 'at' && (
                <label>
                  Publish at (your time)
                  <input type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} required />
                </label>
              )}
              <label>
                Campaign
                <select value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
                  <option value="">No campaign</option>
                  {(campaigns.data?.campaigns ?? [])
                    .filter((c) => !['completed', 'cancelled', 'rejected'].includes(c.status))
                    .map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({c.status.replaceAll('_', ' ')})
                      </option>
                    ))}
                </select>
              </label>
            </fieldset>
          )}
        </div>

        <aside className="composer-side">
          <BeforeSaving
            preview={nothingYet ? undefined : current}
            pending={!nothingYet && !current && !preview.error}
            error={nothingYet ? null : preview.error}
            channels={channels}
            editing={post !== undefined}
          />
          {save.error && <ProblemMessage error={save.error} />}
          <button type="submit" className="primary" disabled={blocked || save.isPending}>
            {save.isPending ? 'Saving…' : post ? 'Save changes' : when === 'now' ? 'Publish' : 'Schedule'}
          </button>
          <section aria-labelledby={`${ids}-previews`} className="previews">
            <h2 id={`${ids}-previews`}>Previews</h2>
            {chosen.map((c) => (
              <NetworkPreview
                key={c.id}
                channel={c}
                // A campaign with short links on: its links as they will go out (`…/l/<code>`).
                text={current?.channels.find((x) => x.channelId === c.id)?.asPublished ?? textFor(c)}
                media={media}
                publishAt={current?.publishAt ?? null}
              />
            ))}
          </section>
        </aside>
      </form>
    </Screen>
  );
}

/** One channel's live count, exactly as the server counts (contracts/text-rules.ts), and its problems. */
function ChannelCounter({
  channel,
  text,
  variant,
  canVary,
  onVariant,
  serverProblems,
}: {
  channel: Channel;
  text: string;
  variant: string | undefined;
  canVary: boolean;
  onVariant: (text: string | undefined) => void;
  serverProblems: Preview['channels'][number]['problems'];
}) {
  const rules = TEXT_RULES[channel.provider];
  const length = rules.length(text);
  const bytes = utf8Length(text);
  // An X text with `---` lines is a thread: each post is counted on its own (the counter shows the longest).
  const thread = channel.provider === 'x' ? splitXThread(text) : [];
  const over = length > rules.limits.maxGraphemes || (rules.limits.maxBytes ?? Infinity) < bytes;
  // The server names the channel after each message; the same rule's message from the shared code says the rest.
  const suffix = ` (channel "${channel.name}")`;
  const messages = [
    ...new Set([
      ...rules.validate(text),
      ...serverProblems.map((p) => (p.message.endsWith(suffix) ? p.message.slice(0, -suffix.length) : p.message)),
    ]),
  ];
  return (
    <li className="counter" data-channel={channel.name}>
      <div className="counter-head">
        <strong>{channel.name}</strong>
        <span
          className={over ? 'count over' : 'count'}
          aria-label={`${channel.name}: ${length} of ${rules.limits.maxGraphemes} characters`}
        >
          {length} / {rules.limits.maxGraphemes}
        </span>
        {rules.limits.maxBytes !== undefined && (
          <span className="muted">
            {bytes} / {rules.limits.maxBytes} bytes
          </span>
        )}
        {channel.provider === 'instagram' && (
          <>
            <span
              className={hashtagCount(text) > INSTAGRAM_MAX_HASHTAGS ? 'count over' : 'muted'}
              aria-label={`${channel.name}: ${hashtagCount(text)} of ${INSTAGRAM_MAX_HASHTAGS} hashtags`}
            >
              # {hashtagCount(text)} / {INSTAGRAM_MAX_HASHTAGS}
            </span>
            <span
              className={mentionCount(text) > INSTAGRAM_MAX_MENTIONS ? 'count over' : 'muted'}
              aria-label={`${channel.name}: ${mentionCount(text)} of ${INSTAGRAM_MAX_MENTIONS} @tags`}
            >
              @ {mentionCount(text)} / {INSTAGRAM_MAX_MENTIONS}
            </span>
          </>
        )}
      </div>
      {channel.provider === 'x' && thread.length === 1 && (
        <p className="muted">A line of --- alone starts the next post of a thread.</p>
      )}
      {thread.length > 1 && (
        <ol className="thread-counts" aria-label={`${channel.name}: a thread of ${thread.length} posts`}>
          {thread.map((part, i) => {
            const n = xPostLength(part);
            return (
              <li key={i} className={n > rules.limits.maxGraphemes ? 'over' : undefined}>
                Post {i + 1}: {n} / {rules.limits.maxGraphemes}
              </li>
            );
          })}
        </ol>
      )}
      {messages.length > 0 && (
        // role=status on the list itself would hide its items from assistive technology (axe: listitem).
        <div role="status">
          <ul className="counter-problems">
            {messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {canVary &&
        (variant === undefined ? (
          <button type="button" onClick={() => onVariant(text)}>
            Different text for {channel.name}
          </button>
        ) : (
          <>
            <label>
              Text for {channel.name}
              <textarea rows={3} value={variant} onChange={(e) => onVariant(e.target.value)} />
            </label>
            <button type="button" onClick={() => onVariant(undefined)}>
              Use the main text for {channel.name}
            </button>
          </>
        ))}
    </li>
  );
}

function LibraryPicker({ items, onPick }: { items: LibraryItem[]; onPick: (item: LibraryItem) => void }) {
  const [choice, setChoice] = useState('');
  const kinds = ['snippet', 'template', 'media'] as const;
  return (
    <div className="library-picker">
      <label>
        From the library (approved items)
        <select value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Choose an item…</option>
          {kinds.map((kind) => {
            const ofKind = items.filter((i) => i.kind === kind);
            return ofKind.length === 0 ? null : (
              <optgroup key={kind} label={kind === 'media' ? 'Media' : `${kind[0]!.toUpperCase()}${kind.slice(1)}s`}>
                {ofKind.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
      </label>
      <button
        type="button"
        disabled={!choice}
        onClick={() => {
          const item = items.find((i) => i.id === choice);
          if (item) onPick(item);
          setChoice('');
        }}
      >
        Insert
      </button>
    </div>
  );
}

function Attachments({
  media,
  setMedia,
  library,
  onLibraryItem,
}: {
  media: Attachment[];
  setMedia: (update: (m: Attachment[]) => Attachment[]) => void;
  library: LibraryItem[];
  onLibraryItem: (item: LibraryItem) => void;
}) {
  const upload = useMutation({
    mutationFn: (file: File) =>
      data(
        api.POST('/v1/media', {
          params: { query: { filename: file.name } },
          headers: { 'content-type': file.type || 'application/octet-stream' },
          // The route takes the file itself as the body (no JSON): sent as it is.
          middleware: [{ onRequest: ({ request }) => new Request(request, { body: file }) }],
        }),
      ),
    onSuccess: (stored) =>
      setMedia((m) => [
        ...m,
        {
          key: stored.id,
          ref: { mediaId: stored.id },
          mediaId: stored.id,
          label: stored.filename,
          contentType: stored.contentType,
          alt: '',
        },
      ]),
  });
  return (
    <fieldset className="card">
      <legend>Media and library</legend>
      <LibraryPicker items={library} onPick={onLibraryItem} />
      <label>
        Upload an image or video
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp,video/mp4"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
            e.target.value = '';
          }}
        />
      </label>
      {upload.isPending && <p role="status">Uploading…</p>}
      {upload.error && <ProblemMessage error={upload.error} />}
      {media.length > 0 && (
        <ul className="attachments">
          {media.map((m, i) => (
            <li key={m.key}>
              <img src={`/v1/media/${m.mediaId}/content`} alt="" />
              <div>
                <span>{m.label}</span>
                <label>
                  Alt text for {m.label}
                  <textarea
                    rows={2}
                    value={m.alt}
                    onChange={(e) =>
                      setMedia((all) => all.map((x, j) => (j === i ? { ...x, alt: e.target.value } : x)))
                    }
                  />
                </label>
                <button type="button" onClick={() => setMedia((all) => all.filter((_, j) => j !== i))}>
                  Remove {m.label}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Each network's media rules are checked by the server; its answers show per network.</p>
    </fieldset>
  );
}

/** What saving would do, in the server's words: problems, the approval chain and the publish time. */
function BeforeSaving({
  preview,
  pending,
  error,
  channels,
  editing,
}: {
  preview: Preview | undefined;
  pending: boolean;
  error: unknown;
  channels: Channel[];
  editing: boolean;
}) {
  const channelName = (id: string | null) => channels.find((c) => c.id === id)?.name ?? id;
  return (
    <section className="card before-saving" aria-labelledby="before-saving" aria-live="polite">
      <h2 id="before-saving">Before saving</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {pending && <p className="muted">Checking with the server…</p>}
      {preview && preview.problems.length > 0 && (
        <div className="problem">
          <strong>It cannot be saved yet</strong>
          <ul>
            {preview.problems.map((p) => (
              <li key={`${p.field}:${p.message}`}>
                <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview && !editing && (
        <>
          {preview.approval ? (
            <div className="approval">
              <p>
                <strong>Approval chain</strong>{' '}
                {preview.approval.policies.length > 0 &&
                  `from ${preview.approval.policies
                    .map((p) =>
                      p.scope === 'channel'
                        ? `the policy of channel “${channelName(p.channelId)}”`
                        : p.scope === 'campaign'
                          ? "the campaign's policy"
                          : "the workspace's policy",
                    )
                    .join(' and ')}`}
              </p>
              <ol>
                {preview.approval.steps.map((s) => (
                  <li key={s.step}>
                    {s.name}
                    {s.source?.startsWith('rule:') && ` (content rule ${s.source.slice(5)})`} — {s.mode}
                    {s.mode === 'quorum' && s.quorum ? ` of ${s.quorum}` : ''}:{' '}
                    {s.approvers.map((a) => a.name ?? a.email ?? a.id).join(', ') || 'nobody'}
                  </li>
                ))}
              </ol>
            </div>
          ) : (
            <p>No approval needed.</p>
          )}
          {preview.status && (
            <p>
              Will be <StatusBadge status={preview.status} />{' '}
              {preview.publishAt
                ? `to publish ${formatDateTime(preview.publishAt)}`
                : 'and publish as soon as it is approved'}
            </p>
          )}
        </>
      )}
    </section>
  );
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+/g;

/** The text with its links as links, as the networks show them. */
function Linked({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    parts.push(text.slice(last, match.index), { url: match[0] });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <p className="preview-text">
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <span className="preview-link" key={i}>
            {p.url}
          </span>
        ),
      )}
    </p>
  );
}

function NetworkPreview({
  channel,
  text,
  media,
  publishAt,
}: {
  channel: Channel;
  text: string;
  media: Attachment[];
  publishAt: string | null;
}) {
  const heading = `${channel.name} (${channel.provider})`;
  if (channel.provider === 'webhook') {
    const payload = {
      type: 'post.published',
      timestamp: '(when delivered)',
      data: {
        postId: '(when saved)',
        targetId: '(when saved)',
        text,
        publishAt: publishAt ?? '(when approved)',
        media: media.map((m) => ({ mediaId: m.mediaId, contentType: m.contentType, alt: m.alt })),
      },
    };
    return (
      <article className="preview webhook" aria-label={`Preview on ${heading}`}>
        <h3>{heading}</h3>
        <pre>{JSON.stringify(payload, null, 2)}</pre>
      </article>
    );
  }
  const firstLink = text.match(URL_IN_TEXT)?.[0];
  const linkHost = firstLink ? hostOf(firstLink) : undefined;
  if (channel.provider === 'x') return <XThreadPreview channel={channel} heading={heading} text={text} media={media} />;
  if (channel.provider === 'instagram') return <InstagramPreview channel={channel} text={text} media={media} />;
  return (
    <article className={`preview ${channel.provider}`} aria-label={`Preview on ${heading}`}>
      <h3>{heading}</h3>
      <div className="preview-post">
        <div className="preview-author">
          <span className="avatar" aria-hidden="true">
            {channel.name.slice(0, 1).toUpperCase()}
          </span>
          <span>
            <strong>{channel.name}</strong>
            <span className="muted">
              {' '}
              {channel.provider === 'mastodon'
                ? `@${channel.accountRef}`
                : channel.provider === 'linkedin'
                  ? channel.accountRef.startsWith('urn:li:organization:')
                    ? 'Company page'
                    : 'Member'
                  : channel.accountRef}
            </span>
          </span>
        </div>
        <Linked text={text} />
        {media.length > 0 ? (
          <div className={`preview-media n${Math.min(media.length, 4)}`}>
            {media.map((m) => (
              <img key={m.key} src={`/v1/media/${m.mediaId}/content`} alt={m.alt} />
            ))}
          </div>
        ) : (
          ['bluesky', 'linkedin', 'facebook', 'threads'].includes(channel.provider) &&
          linkHost && (
            <div className="link-card">
              <span className="muted">{channel.provider === 'bluesky' ? 'Link card' : 'Link preview'}</span>
              <span>{linkHost}</span>
            </div>
          )
        )}
        {channel.provider === 'threads' && media.length > 1 && (
          <span className="muted">Carousel of {media.length}</span>
        )}
      </div>
    </article>
  );
}

/** Instagram shows the media first (a carousel swipes), then the caption, cut after about 125 characters with "more". */
const INSTAGRAM_FOLD = 125;

function InstagramPreview({ channel, text, media }: { channel: Channel; text: string; media: Attachment[] }) {
  const heading = `${channel.name} (instagram)`;
  const folded = [...text].length > INSTAGRAM_FOLD ? `${[...text].slice(0, INSTAGRAM_FOLD).join('')}…` : text;
  return (
    <article className="preview instagram" aria-label={`Preview on ${heading}`}>
      <h3>{heading}</h3>
      <div className="preview-post">
        <div className="preview-author">
          <span className="avatar" aria-hidden="true">
            {channel.name.slice(0, 1).toUpperCase()}
          </span>
          <strong>{channel.accountRef}</strong>
        </div>
        {media.length === 0 ? (
          <p className="preview-missing" role="status">
            Instagram posts need an image or a video
          </p>
        ) : (
          <div className="preview-media n1 instagram-media">
            <img src={`/v1/media/${media[0]!.mediaId}/content`} alt={media[0]!.alt} />
            {media.length > 1 && <span className="muted">1 / {media.length} (carousel)</span>}
          </div>
        )}
        <p className="preview-text">
          <strong>{channel.accountRef.replace(/^@/, '')}</strong> {folded}
          {folded !== text && <span className="muted"> more</span>}
        </p>
      </div>
    </article>
  );
}

/** An X post, or a thread as X shows it: each post under the one it replies to, the media on the first. */
function XThreadPreview({
  channel,
  heading,
  text,
  media,
}: {
  channel: Channel;
  heading: string;
  text: string;
  media: Attachment[];
}) {
  const posts = splitXThread(text);
  return (
    <article className="preview x" aria-label={`Preview on ${heading}`}>
      <h3>{heading}</h3>
      {posts.map((post, i) => (
        <div
          className="preview-post"
          key={i}
          aria-label={posts.length > 1 ? `Post ${i + 1} of ${posts.length}` : undefined}
        >
          <div className="preview-author">
            <span className="avatar" aria-hidden="true">
              {channel.name.slice(0, 1).toUpperCase()}
            </span>
            <span>
              <strong>{channel.name}</strong>
              <span className="muted"> {channel.accountRef}</span>
            </span>
          </div>
          <Linked text={post} />
          {i === 0 && media.length > 0 && (
            <div className={`preview-media n${Math.min(media.length, 4)}`}>
              {media.map((m) => (
                <img key={m.key} src={`/v1/media/${m.mediaId}/content`} alt={m.alt} />
              ))}
            </div>
          )}
        </div>
      ))}
    </article>
  );
}
