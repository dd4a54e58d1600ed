import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { SCOPES, type Scope } from '../../../../contracts/domain';
import { api, data, type Ok } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ShownOnce } from './common';

type Created = Ok<'/v1/tokens', 'post'>;

const SCOPE_HELP: Record<Scope, string> = {
  read: 'read',
  publish: 'publish (write content)',
  approve: 'approve (approval decisions)',
  listening: 'listening (queries, ingest keys)',
  admin: 'admin (members, channels, policies)',
};

/** Your own API tokens: create one with scopes (shown once), list and revoke them. */
export function TokensSection() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [created, setCreated] = useState<Created | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => data(api.GET('/v1/tokens')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/tokens', {
          body: {
            name,
            ...(scopes.length ? { scopes } : {}),
            ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: async (answer) => {
      setCreated(answer);
      setName('');
      setScopes([]);
      setExpires('');
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => data(api.DELETE('/v1/tokens/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const active = tokens.data?.tokens.filter((t) => !t.revokedAt) ?? [];
  return (
    <section aria-labelledby="tokens-title" className="settings-section">
      <h2 id="tokens-title">My API tokens</h2>
      <form className="card" onSubmit={submit} aria-labelledby="new-token-title">
        <h3 id="new-token-title">New token</h3>
        <div className="field-row">
          <label>
            Token name
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Expires on (optional)
            <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
        </div>
        <fieldset>
          <legend>Scopes (none ticked: everything your role allows)</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((now) => (e.target.checked ? [...now, s] : now.filter((x) => x !== s)))}
              />
              {SCOPE_HELP[s]}
            </label>
          ))}
        </fieldset>
        {create.error && <ProblemMessage error={create.error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
      {created && (
        <ShownOnce
          label={`Your new token “${created.name}”`}
          value={created.token}
          note="Copy it now: it is shown only this once. Send it as Authorization: Bearer <token>."
        />
      )}
      {tokens.error && <ProblemMessage error={tokens.error} onRetry={() => void tokens.refetch()} />}
      {revoke.error && <ProblemMessage error={revoke.error} />}
      {tokens.data && active.length === 0 && <p className="muted">No active tokens.</p>}
      {active.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {active.map((t) => (
                <tr key={t.id} data-testid="token">
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.scopes?.join(', ') ?? 'all the role allows'}</td>
                  <td>{formatDateTime(t.lastUsedAt)}</td>
                  <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(`Revoke the token “${t.name}”? What uses it stops working.`))
                          revoke.mutate(t.id);
                      }}
                    >
                      Revoke<span className="visually-hidden"> {t.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
