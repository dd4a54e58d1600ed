import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { newWebhookSecret, type Body, type Channel } from './common';

type NewChannel = Body<'/v1/channels', 'post'>;
/** The networks connected with credentials typed in; the others go through their authorization page. */
type Provider = NewChannel['provider'];
type OAuthProvider = Exclude<Channel['provider'], Provider>;
const CREDENTIAL_PROVIDERS: readonly string[] = ['bluesky', 'mastodon', 'webhook'] satisfies Provider[];
const usesOAuth = (provider: Channel['provider']): provider is OAuthProvider =>
  !CREDENTIAL_PROVIDERS.includes(provider);

interface Credentials {
  service: string;
  identifier: string;
  password: string;
  instance: string;
  accessToken: string;
  url: string;
  secret: string;
}

const emptyCredentials = (): Credentials => ({
  service: 'https://bsky.social',
  identifier: '',
  password: '',
  instance: '',
  accessToken: '',
  url: '',
  secret: newWebhookSecret(),
});

function credentialsOf(provider: Provider, c: Credentials): NewChannel['credentials'] {
  switch (provider) {
    case 'bluesky':
      return { service: c.service.trim(), identifier: c.identifier.trim(), password: c.password };
    case 'mastodon':
      return { instance: c.instance.trim(), accessToken: c.accessToken.trim() };
    case 'webhook':
      return { url: c.url.trim(), secret: c.secret.trim() };
    default:
      // Facebook, Instagram, Threads: no typed-in credentials; they connect through their OAuth flow.
      throw new Error(`${provider} channels connect through their network's sign-in, not with credentials`);
  }
}

/** The provider's credential fields: a Bluesky handle and app password, a Mastodon token, a webhook URL. */
function CredentialFields({
  provider,
  value,
  onChange,
}: {
  provider: Provider;
  value: Credentials;
  onChange: (c: Credentials) => void;
}) {
  const field = (key: keyof Credentials) => ({
    value: value[key],
    onChange: (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value }),
  });
  if (provider === 'bluesky')
    return (
      <>
        <label>
          Handle or DID
          <input required autoComplete="off" placeholder="brand.bsky.social" {...field('identifier')} />
        </label>
        <label>
          App password
          <input required type="password" autoComplete="new-password" {...field('password')} />
        </label>
        <label>
          Service URL
          <input required type="url" {...field('service')} />
        </label>
      </>
    );
  if (provider === 'mastodon')
    return (
      <>
        <label>
          Instance
          <input required type="url" placeholder="https://mastodon.social" {...field('instance')} />
        </label>
        <label>
          Access token
          <input required type="password" autoComplete="off" {...field('accessToken')} />
        </label>
      </>
    );
  return (
    <>
      <label>
        Webhook URL
        <input required type="url" placeholder="https://example.com/chorus" {...field('url')} />
      </label>
      <label>
        Signing secret (give it to the receiver; Standard Webhooks)
        <input required {...field('secret')} />
      </label>
    </>
  );
}

function ConnectForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [provider, setProvider] = useState<Provider>('bluesky');
  const [name, setName] = useState('');
  const [credentials, setCredentials] = useState(emptyCredentials);
  const connect = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/channels', {
          body: { provider, name, credentials: credentialsOf(provider, credentials) } as NewChannel,
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Connect a channel">
      <h3>Connect a channel</h3>
      <div className="field-row">
        <label>
          Network
          <select value={provider} onChange={(e) => setProvider(e.target.value as Provider)}>
            <option value="bluesky">Bluesky</option>
            <option value="mastodon">Mastodon</option>
            <option value="webhook">Webhook</option>
          </select>
        </label>
        <label>
          Channel name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <CredentialFields provider={provider} value={credentials} onChange={setCredentials} />
      </div>
      <p className="hint">
        The credentials are checked with the network before the channel is saved, and never shown again.
      </p>
      {connect.error && <ProblemMessage error={connect.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={connect.isPending}>
          {connect.isPending ? 'Checking…' : 'Connect'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Sends the browser to the network's authorization page; it comes back to this screen with the outcome. */
function useAuthorize() {
  return useMutation({
    mutationFn: (provider: OAuthProvider) =>
      data(api.POST('/v1/channels/connect/{provider}', { params: { path: { provider } } })),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
}

/** "Connect X", "Connect LinkedIn", …: one button per network this deployment has configured. */
function OAuthConnectButtons() {
  const providers = useQuery({
    queryKey: ['channel-providers'],
    queryFn: () => data(api.GET('/v1/channels/providers')),
  });
  const authorize = useAuthorize();
  const configured = providers.data?.providers.filter((p) => p.configured) ?? [];
  if (configured.length === 0) return null;
  return (
    <div className="card" aria-label="Connect through the network">
      <div className="actions">
        {configured.map((p) => (
          <button
            key={p.provider}
            type="button"
            disabled={authorize.isPending}
            onClick={() => authorize.mutate(p.provider)}
          >
            Connect {p.name}
          </button>
        ))}
      </div>
      <p className="hint">You sign in on the network and grant Chorus access; you come back here.</p>
      {authorize.error && <ProblemMessage error={authorize.error} />}
    </div>
  );
}

/** A grant with several accounts (Facebook Pages, …): the user picks the one the channel publishes as. */
function AccountPicker({
  pendingId,
  provider,
  onDone,
}: {
  pendingId: string;
  provider: OAuthProvider;
  onDone: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const [accountId, setAccountId] = useState('');
  const pending = useQuery({
    queryKey: ['pending-connection', pendingId],
    queryFn: () => data(api.GET('/v1/channels/connect/pending/{id}', { params: { path: { id: pendingId } } })),
  });
  const complete = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/channels/connect/{provider}/complete', {
          params: { path: { provider } },
          body: { pendingId, accountId },
        }),
      ),
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      onDone(`Connected ${channel.name}.`);
    },
  });
  if (pending.error) return <ProblemMessage error={pending.error} />;
  if (!pending.data) return <p role="status">Loading the accounts…</p>;
  return (
    <form
      className="card"
      aria-label="Pick the account to connect"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate();
      }}
    >
      <h3>Which account should this channel publish as?</h3>
      <fieldset>
        <legend className="visually-hidden">Accounts</legend>
        {pending.data.accounts.map((a) => (
          <label key={a.id} className="check picker-choice">
            <input
              type="radio"
              name="account"
              value={a.id}
              checked={accountId === a.id}
              onChange={() => setAccountId(a.id)}
            />
            {a.name} <span className="muted">({a.kind})</span>
          </label>
        ))}
      </fieldset>
      {complete.error && <ProblemMessage error={complete.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={!accountId || complete.isPending}>
          Connect this account
        </button>
        <button type="button" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ChannelRow({ channel }: { channel: Channel }) {
  const { can } = useSession();
  const authorize = useAuthorize();
  const queryClient = useQueryClient();
  const [reconnecting, setReconnecting] = useState(false);
  const [credentials, setCredentials] = useState(emptyCredentials);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['channels'] });
  const reconnect = useMutation({
    mutationFn: () =>
      data(
        api.PUT('/v1/channels/{id}/credentials', {
          params: { path: { id: channel.id } },
          body: {
            credentials: usesOAuth(channel.provider)
              ? {}
              : (credentialsOf(channel.provider, credentials) as Record<string, unknown>),
          },
        }),
      ),
    onSuccess: async () => {
      setReconnecting(false);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE('/v1/channels/{id}', { params: { path: { id: channel.id } } })),
    onSuccess: refresh,
  });
  const { health } = channel;
  return (
    <li className="card channel" data-testid="channel">
      <div className="row-head">
        <strong>{channel.name}</strong>
        <span className="muted">
          {channel.provider} · {channel.accountRef}
        </span>
        {channel.status === 'needs_reconnect' ? (
          <span className="badge failed">needs reconnecting</span>
        ) : (
          <span className={health.healthy ? 'badge active' : 'badge failed'}>
            {health.healthy ? 'healthy' : 'failing'}
          </span>
        )}
      </div>
      {channel.status === 'needs_reconnect' && (
        <p className="muted">
          {health.lastError ?? "The network stopped accepting Chorus's access."} Its posts wait until it is reconnected;
          new posts to it are refused until then.
        </p>
      )}
      {!health.healthy && channel.status !== 'needs_reconnect' && (
        <p className="muted">
          {health.consecutiveFailures} failed send(s)
          {health.failingSince ? ` since ${formatDateTime(health.failingSince)}` : ''}
          {health.lastError ? `: ${health.lastError}` : ''}
        </p>
      )}
      {can('manageChannels') && (
        <div className="actions">
          {usesOAuth(channel.provider) ? (
            <button
              type="button"
              className={channel.status === 'needs_reconnect' ? 'primary' : undefined}
              disabled={authorize.isPending}
              onClick={() => authorize.mutate(channel.provider as OAuthProvider)}
            >
              Reconnect<span className="visually-hidden"> {channel.name}</span>
            </button>
          ) : (
            <button type="button" onClick={() => setReconnecting((r) => !r)} aria-expanded={reconnecting}>
              Reconnect<span className="visually-hidden"> {channel.name}</span>
            </button>
          )}
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Disconnect ${channel.name}? Posts not yet published to it fail.`)) remove.mutate();
            }}
          >
            Disconnect<span className="visually-hidden"> {channel.name}</span>
          </button>
        </div>
      )}
      {reconnecting && !usesOAuth(channel.provider) && (
        <form
          className="field-row"
          aria-label={`Reconnect ${channel.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            reconnect.mutate();
          }}
        >
          <CredentialFields provider={channel.provider as Provider} value={credentials} onChange={setCredentials} />
          <div className="actions">
            <button type="submit" className="primary" disabled={reconnect.isPending}>
              Save new credentials
            </button>
          </div>
        </form>
      )}
      {(reconnect.error ?? remove.error ?? authorize.error) && (
        <ProblemMessage error={reconnect.error ?? remove.error ?? authorize.error} />
      )}
    </li>
  );
}

/** Channels and their health; owners and admins connect, reconnect and disconnect them. */
export function ChannelsSection() {
  const { can } = useSession();
  const [connecting, setConnecting] = useState(false);
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  // Back from a network's authorization page: the callback says what came of it in the query string.
  const [search, setSearch] = useSearchParams();
  const [notice, setNotice] = useState('');
  const returned = search.get('provider');
  const pendingId = search.get('pending');
  const oauthError = search.get('oauth_error');
  const connectedId = search.get('connected');
  const connected = connectedId ? channels.data?.channels.find((c) => c.id === connectedId) : undefined;
  const clearReturn = (message: string) => {
    setNotice(message);
    setSearch({}, { replace: true });
  };
  return (
    <section aria-labelledby="channels-title" className="settings-section">
      <div className="section-head">
        <h2 id="channels-title">Channels</h2>
        {can('manageChannels') && !connecting && (
          <button type="button" className="primary" onClick={() => setConnecting(true)}>
            Connect a channel
          </button>
        )}
      </div>
      {oauthError && (
        <div role="alert" className="problem">
          <strong>Not connected.</strong> {search.get('message') ?? oauthError}{' '}
          <button type="button" onClick={() => clearReturn('')}>
            Dismiss
          </button>
        </div>
      )}
      {connected && (
        <p role="status">
          Connected {connected.name}.{' '}
          <button type="button" onClick={() => clearReturn('')}>
            Dismiss
          </button>
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {pendingId && returned && usesOAuth(returned as Channel['provider']) && (
        <AccountPicker pendingId={pendingId} provider={returned as OAuthProvider} onDone={clearReturn} />
      )}
      {can('manageChannels') && <OAuthConnectButtons />}
      {connecting && <ConnectForm onDone={() => setConnecting(false)} />}
      {channels.error && <ProblemMessage error={channels.error} onRetry={() => void channels.refetch()} />}
      {channels.data?.channels.length === 0 && <p className="muted">No channels yet.</p>}
      <ul className="plain-list">
        {channels.data?.channels.map((c) => (
          <ChannelRow key={c.id} channel={c} />
        ))}
      </ul>
    </section>
  );
}
