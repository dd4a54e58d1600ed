import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, data } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import type { NewQuery, Parsed, Query } from './types';

const PARSE_DEBOUNCE_MS = 300;

/** The expression as typed, checked by the server's parser a moment after typing stops. */
function useParsed(expression: string): { parsed: Parsed | undefined; checking: boolean; error: unknown } {
  const [settled, setSettled] = useState(expression);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(expression), PARSE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [expression]);
  const query = useQuery({
    queryKey: ['listening-parse', settled],
    queryFn: () => data(api.POST('/v1/listening/queries/parse', { body: { expression: settled } })),
    enabled: settled.trim() !== '',
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const current = settled === expression && query.data !== undefined && !query.isPlaceholderData;
  return {
    parsed: current ? query.data : undefined,
    checking: !current && expression.trim() !== '',
    error: query.error,
  };
}

/** The expression with the character the parser stopped at marked, so the error is seen where it is. */
function ErrorEcho({ expression, position }: { expression: string; position: number }) {
  const at = expression.slice(position, position + 1);
  return (
    <pre className="query-echo" aria-hidden="true">
      {expression.slice(0, position)}
      <mark data-position={position}>{at === '' || at === '\n' ? ' ' : at}</mark>
      {expression.slice(position + 1)}
    </pre>
  );
}

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

interface Form {
  name: string;
  kind: NewQuery['kind'];
  expression: string;
  push: boolean;
  bluesky: boolean;
  blueskyService: string;
  rss: string;
  mastodon: string;
  minLength: string;
  languages: string;
  blockAuthors: string;
  blockDomains: string;
}

function formOf(query: Query | undefined): Form {
  return {
    name: query?.name ?? '',
    kind: query?.kind ?? 'brand',
    expression: query?.expression ?? '',
    push: query ? query.sources.push === true : true,
    bluesky: query?.sources.bluesky !== undefined,
    blueskyService: query?.sources.bluesky?.service ?? 'wss://bsky.network',
    rss: (query?.sources.rss ?? []).join('\n'),
    mastodon: (query?.sources.mastodon ?? [])
      .filter((t) => t.hashtag)
      .map((t) => `${t.instance} #${t.hashtag}`)
      .join('\n'),
    minLength: query?.filters.minLength?.toString() ?? '',
    languages: (query?.filters.languages ?? []).join(', '),
    blockAuthors: (query?.filters.blockAuthors ?? []).join(', '),
    blockDomains: (query?.filters.blockDomains ?? []).join(', '),
  };
}

function sourcesOf(form: Form): NewQuery['sources'] {
  const mastodon = lines(form.mastodon.replaceAll(',', '\n')).map((line) => {
    const [instance = '', hashtag = ''] = line.split(/\s+/);
    return { instance, hashtag };
  });
  return {
    ...(form.push ? { push: true } : {}),
    ...(form.bluesky ? { bluesky: { service: form.blueskyService.trim() } } : {}),
    ...(lines(form.rss).length ? { rss: lines(form.rss) } : {}),
    ...(mastodon.length ? { mastodon } : {}),
  };
}

function filtersOf(form: Form): NonNullable<NewQuery['filters']> {
  return {
    ...(form.minLength.trim() ? { minLength: Number(form.minLength) } : {}),
    ...(lines(form.languages).length ? { languages: lines(form.languages) } : {}),
    ...(lines(form.blockAuthors).length ? { blockAuthors: lines(form.blockAuthors) } : {}),
    ...(lines(form.blockDomains).length ? { blockDomains: lines(form.blockDomains) } : {}),
  };
}

/** Creates a query, or changes one: the expression is checked as it is typed, errors shown where they are. */
export function QueryEditor({
  query,
  onSaved,
  onCancel,
}: {
  query?: Query;
  onSaved: (saved: Query) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => formOf(query));
  const [sourcesTouched, setSourcesTouched] = useState(query === undefined);
  const expressionRef = useRef<HTMLTextAreaElement>(null);
  const { parsed, checking, error: parseProblem } = useParsed(form.expression);
  const searchTimelines = (query?.sources.mastodon ?? []).filter((t) => t.search);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setSource = <K extends keyof Form>(key: K, value: Form[K]) => {
    setSourcesTouched(true);
    set(key, value);
  };

  const save = useMutation({
    mutationFn: async () => {
      if (!query)
        return data(
          api.POST('/v1/listening/queries', {
            body: {
              name: form.name,
              expression: form.expression,
              kind: form.kind,
              sources: sourcesOf(form),
              filters: filtersOf(form),
            },
          }),
        );
      return data(
        api.PATCH('/v1/listening/queries/{id}', {
          params: { path: { id: query.id } },
          body: {
            name: form.name,
            expression: form.expression,
            filters: filtersOf(form),
            ...(sourcesTouched ? { sources: sourcesOf(form) } : {}),
          },
        }),
      );
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['listening-queries'] });
      onSaved(saved);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const goToError = () => {
    const position = parsed?.error?.position;
    const box = expressionRef.current;
    if (position === undefined || !box) return;
    box.focus();
    box.setSelectionRange(position, position);
  };
  const invalid = parsed?.ok === false;

  return (
    <form className="card query-editor" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{query ? `Edit “${query.name}”` : 'New query'}</h2>
      <div className="field-row">
        <label>
          Name
          <input required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label>
          Kind
          <select
            value={form.kind}
            disabled={query !== undefined}
            onChange={(e) => set('kind', e.target.value as Form['kind'])}
          >
            <option value="brand">Brand</option>
            <option value="competitor">Competitor</option>
            <option value="topic">Topic</option>
          </select>
        </label>
      </div>
      <label>
        Expression
        <textarea
          ref={expressionRef}
          required
          rows={3}
          maxLength={2000}
          spellCheck={false}
          value={form.expression}
          aria-invalid={invalid}
          aria-describedby={`${id}-check ${id}-help`}
          onChange={(e) => set('expression', e.target.value)}
        />
      </label>
      <p id={`${id}-help`} className="hint">
        Terms, &quot;phrases&quot;, AND, OR, NOT (or -term), ( ), a NEAR/3 b, author:handle, lang:en, has:link,
        #hashtag, @mention. Operators are upper case.
      </p>
      <div id={`${id}-check`} className="query-check" aria-live="polite">
        {checking && <span className="muted">Checking…</span>}
        {parseProblem != null && <ProblemMessage error={parseProblem} />}
        {parsed?.error && (
          <div className="query-error" data-testid="query-error">
            <ErrorEcho expression={form.expression} position={parsed.error.position} />
            <p>
              <strong>At position {parsed.error.position}:</strong> expected {parsed.error.expected}, found{' '}
              {parsed.error.found}.{' '}
              <button type="button" className="link-button" onClick={goToError}>
                Go to the error
              </button>
            </p>
          </div>
        )}
        {parsed?.ok && (
          <p className="query-ok">
            The expression is valid{parsed.terms.length > 0 ? `: it looks for ${parsed.terms.join(', ')}` : ''}.
          </p>
        )}
        {parsed?.warnings.map((w) => (
          <p key={w.message} className="query-warning">
            {w.message}
          </p>
        ))}
      </div>

      <fieldset>
        <legend>Sources</legend>
        <label className="check">
          <input type="checkbox" checked={form.push} onChange={(e) => setSource('push', e.target.checked)} />
          Mentions pushed by other systems (signed ingest)
        </label>
        <label className="check">
          <input type="checkbox" checked={form.bluesky} onChange={(e) => setSource('bluesky', e.target.checked)} />
          Bluesky firehose
        </label>
        {form.bluesky && (
          <label>
            Bluesky relay or PDS
            <input
              type="url"
              value={form.blueskyService}
              onChange={(e) => setSource('blueskyService', e.target.value)}
            />
          </label>
        )}
        <label>
          RSS or Atom feeds (one per line)
          <textarea rows={2} value={form.rss} onChange={(e) => setSource('rss', e.target.value)} />
        </label>
        <label>
          Mastodon hashtags (one per line: instance #tag)
          <textarea
            rows={2}
            placeholder="https://mastodon.social #chorus"
            value={form.mastodon}
            onChange={(e) => setSource('mastodon', e.target.value)}
          />
        </label>
        {query && (
          <p className="hint">
            Sources are sent only when you change them; Mastodon access tokens must then be given again.
            {searchTimelines.length > 0 &&
              ` This query also reads ${searchTimelines.length} Mastodon search timeline(s), kept unless you change sources.`}
          </p>
        )}
      </fieldset>

      <details>
        <summary>Noise filters</summary>
        <div className="field-row">
          <label>
            Minimum length
            <input
              type="number"
              min={0}
              max={1000}
              value={form.minLength}
              onChange={(e) => set('minLength', e.target.value)}
            />
          </label>
          <label>
            Languages (ISO codes, comma separated)
            <input value={form.languages} onChange={(e) => set('languages', e.target.value)} />
          </label>
          <label>
            Blocked authors
            <input value={form.blockAuthors} onChange={(e) => set('blockAuthors', e.target.value)} />
          </label>
          <label>
            Blocked domains
            <input value={form.blockDomains} onChange={(e) => set('blockDomains', e.target.value)} />
          </label>
        </div>
      </details>

      {save.error && <ProblemMessage error={save.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || invalid}>
          {save.isPending ? 'Saving…' : query ? 'Save changes' : 'Start listening'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
