import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { LIBRARY_ITEM_KINDS, type LibraryItemKind } from '../../../contracts/domain';
import { api, data, type Ok } from '../api/client';
import type { paths } from '../api/schema';
import { LIVE_REFETCH_MS } from '../app/live';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { ApprovalChainPanel } from '../components/ApprovalChainPanel';
import { FormDialog } from '../components/FormDialog';
import { ProblemMessage } from '../components/ProblemMessage';
import { RefreshProblem } from '../components/RefreshProblem';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { useNow } from '../components/useNow';
import './library.css';
import './campaigns.css';

type Item = Ok<'/v1/library', 'get'>['items'][number];
type NewItem = paths['/v1/library']['post']['requestBody']['content']['application/json'];

export default function Library() {
  const { can } = useSession();
  const [kind, setKind] = useState<LibraryItemKind | ''>('');
  const [tag, setTag] = useState('');
  const [usable, setUsable] = useState(false);
  const [creating, setCreating] = useState(false);
  const query = {
    ...(kind ? { kind } : {}),
    ...(tag.trim() ? { tag: tag.trim() } : {}),
    ...(usable ? { usable: 'true' as const } : {}),
  };
  const items = useQuery({
    queryKey: ['library', query],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/library', { params: { query } })),
  });
  return (
    <Screen
      title="Library"
      actions={
        can('writeContent') && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New item
          </button>
        )
      }
    >
      <form
        className="library-filters"
        role="search"
        aria-label="Filter the library"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Kind
          <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as LibraryItemKind | '')}>
            <option value="">Any</option>
            {LIBRARY_ITEM_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="e.g. legal" />
        </label>
        <label className="check">
          <input type="checkbox" checked={usable} onChange={(e) => setUsable(e.target.checked)} />
          Only usable (approved, not expired)
        </label>
      </form>
      {items.error ? (
        <ProblemMessage error={items.error} onRetry={() => void items.refetch()} />
      ) : items.isPending ? (
        <p className="loading">Loading…</p>
      ) : items.data.items.length === 0 ? (
        <p>No library items{kind || tag || usable ? ' match these filters' : ' yet'}.</p>
      ) : (
        <ul className="library-list" aria-label="Library items">
          {items.data.items.map((item) => (
            <li key={item.id}>
              <LibraryCard item={item} onTag={setTag} />
            </li>
          ))}
        </ul>
      )}
      {can('writeContent') && <CreateItem open={creating} onClose={() => setCreating(false)} />}
    </Screen>
  );
}

function LibraryCard({ item, onTag }: { item: Item; onTag: (tag: string) => void }) {
  const titleId = useId();
  const now = useNow();
  const expired = item.expiresAt !== null && Date.parse(item.expiresAt) <= now;
  return (
    <article className="card library-card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        <span className="kind">{item.kind}</span> {item.name}
      </h2>
      <p>
        <StatusBadge status={item.status} /> {item.usable ? <span className="badge active">usable</span> : null}
        {expired && <span className="badge expired">expired</span>}
      </p>
      {item.body && <p className="item-body">{item.body}</p>}
      {item.variables.length > 0 && (
        <p className="muted">Variables: {item.variables.map((v) => `{{${v}}}`).join(', ')}</p>
      )}
      {item.mediaId && (
        <img
          className="item-media"
          src={`/v1/media/${item.mediaId}/content`}
          alt={`Media of library item ${item.name}`}
          loading="lazy"
        />
      )}
      {item.tags.length > 0 && (
        <p className="tags">
          Tags:{' '}
          {item.tags.map((t) => (
            <button key={t} type="button" className="tag" onClick={() => onTag(t)} aria-label={`Filter by tag ${t}`}>
              {t}
            </button>
          ))}
        </p>
      )}
      <p className="muted">
        {item.expiresAt ? `${expired ? 'Expired' : 'Expires'} ${formatDateTime(item.expiresAt)} · ` : 'No expiry · '}
        Used by {item.usedBy.length} post{item.usedBy.length === 1 ? '' : 's'} · added {formatDateTime(item.createdAt)}
      </p>
      {item.status === 'awaiting_approval' && <ItemApproval item={item} />}
    </article>
  );
}

function ItemApproval({ item }: { item: Item }) {
  const chain = useQuery({
    queryKey: ['approval', 'library', item.id],
    refetchInterval: LIVE_REFETCH_MS,
    queryFn: () => data(api.GET('/v1/library/{id}/approval', { params: { path: { id: item.id } } })),
  });
  if (chain.isPending) return <p className="loading">Loading the approval chain…</p>;
  if (chain.isLoadingError) return <ProblemMessage error={chain.error} onRetry={() => void chain.refetch()} />;
  return (
    <>
      <RefreshProblem queries={[chain]} />
      <ApprovalChainPanel chain={chain.data} subject={{ kind: 'library', id: item.id, ownerId: item.ownerId }} />
    </>
  );
}

function CreateItem({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<LibraryItemKind>('snippet');
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [tags, setTags] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const create = useMutation({
    mutationFn: async () => {
      let mediaId: string | undefined;
      if (kind === 'media' && file) {
        const media = await data(
          api.POST('/v1/media', {
            params: { query: { filename: file.name } },
            body: file as never,
            bodySerializer: (raw: unknown) => raw as BodyInit,
            headers: { 'content-type': file.type || 'application/octet-stream' },
          }),
        );
        mediaId = media.id;
      }
      const item: NewItem = {
        kind,
        name,
        ...(kind !== 'media' ? { body } : {}),
        ...(mediaId ? { mediaId } : {}),
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      };
      return data(api.POST('/v1/library', { body: item }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['library'] });
      setName('');
      setBody('');
      setTags('');
      setExpiresAt('');
      setFile(null);
      onClose();
    },
  });
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="New library item"
      submission={create}
      submitLabel="Add to library"
      pendingLabel="Adding…"
    >
      <p className="muted">It goes through the workspace's approval chain before posts may use it unchanged.</p>
      <label>
        Kind
        <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as LibraryItemKind)}>
          <option value="snippet">Snippet (text to reuse)</option>
          <option value="template">Template (text with {'{{variables}}'})</option>
          <option value="media">Media (an image or video)</option>
          <option value="saved_reply">
            Saved reply (inbox; {'{{author.name}}'}, {'{{author.handle}}'}, {'{{post.link}}'})
          </option>
        </select>
      </label>
      <label>
        Name
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {kind === 'media' ? (
        <label>
          File (PNG, JPEG, GIF, WebP or MP4)
          <input
            type="file"
            required
            accept="image/png,image/jpeg,image/gif,image/webp,video/mp4"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
      ) : (
        <label>
          {kind === 'template'
            ? 'Template text (variables as {{name}})'
            : kind === 'saved_reply'
              ? 'Reply text (variables: {{author.name}}, {{author.handle}}, {{post.link}})'
              : 'Text'}
          <textarea required rows={4} maxLength={10_000} value={body} onChange={(e) => setBody(e.target.value)} />
        </label>
      )}
      <label>
        Tags (comma-separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        Expires (optional)
        <input type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
      </label>
    </FormDialog>
  );
}
