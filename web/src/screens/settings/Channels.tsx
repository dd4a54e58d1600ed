import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { newWebhookSecret, type Body, type Channel } from './common';

type NewChannel = Body<'/v1/channels', 'post'>;
/** Providers connected with credentials typed in here; the OAuth networks (X, LinkedIn, …) connect through their consent page. */
type Provider = NewChannel['provider'];
const TOKEN_PROVIDERS: readonly string[] = ['bluesky', 'mastodon', 'webhook'] satisfies Provider[];
const isTokenProvider = (provider: Channel['provider']): provider is Provider => TOKEN_PROVIDERS.includes(provider);

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

function ChannelRow({ channel }: { channel: Channel }) {
  const { can } = useSession();
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
            credentials: isTokenProvider(channel.provider)
              ? (credentialsOf(channel.provider, credentials) as Record<string, unknown>)
              : {},
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
        <span className={health.healthy ? 'badge active' : 'badge failed'}>
          {health.healthy ? 'healthy' : 'failing'}
        </span>
      </div>
      {!health.healthy && (
        <p className="muted">
          {health.consecutiveFailures} failed send(s)
          {health.failingSince ? ` since ${formatDateTime(health.failingSince)}` : ''}
          {health.lastError ? `: ${health.lastError}` : ''}
        </p>
      )}
      {can('manageChannels') && (
        <div className="actions">
          {isTokenProvider(channel.provider) && (
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
      {reconnecting && isTokenProvider(channel.provider) && (
        <form
          className="field-row"
          aria-label={`Reconnect ${channel.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            reconnect.mutate();
          }}
        >
          <CredentialFields provider={channel.provider} value={credentials} onChange={setCredentials} />
          <div className="actions">
            <button type="submit" className="primary" disabled={reconnect.isPending}>
              Save new credentials
            </button>
          </div>
        </form>
      )}
      {(reconnect.error ?? remove.error) && <ProblemMessage error={reconnect.error ?? remove.error} />}
    </li>
  );
}

/** Channels and their health; owners and admins connect, reconnect and disconnect them. */
export function ChannelsSection() {
  const { can } = useSession();
  const [connecting, setConnecting] = useState(false);
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
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
