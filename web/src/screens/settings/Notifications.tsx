import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { LIVE_REFETCH_MS } from '../../app/live';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { newWebhookSecret } from './common';

/** Where reminders, escalations and spike alerts are delivered, and the latest of them. */
export function NotificationsSection() {
  const { can } = useSession();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState(newWebhookSecret);
  const save = useMutation({
    mutationFn: () => data(api.PUT('/v1/notifications/webhook', { body: { url: url.trim(), secret: secret.trim() } })),
  });
  const notifications = useQuery({
    queryKey: ['notifications'],
    queryFn: () => data(api.GET('/v1/notifications')),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="notifications-title" className="settings-section">
      <h2 id="notifications-title">Notifications</h2>
      {can('manageMembers') && (
        <form className="card" onSubmit={submit} aria-labelledby="webhook-title">
          <h3 id="webhook-title">Notification webhook</h3>
          <p className="hint">
            Approval reminders and escalations and spike alerts are posted here, signed per Standard Webhooks. Chorus
            sends a signed ping first and saves the address only if it is accepted.
          </p>
          <label>
            Webhook URL
            <input
              type="url"
              required
              placeholder="https://example.com/chorus-notifications"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </label>
          <label>
            Signing secret (give it to the receiver)
            <input required value={secret} onChange={(e) => setSecret(e.target.value)} />
          </label>
          {save.error && <ProblemMessage error={save.error} />}
          {save.isSuccess && <p role="status">The webhook answered the ping and is saved.</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Pinging…' : 'Verify and save'}
            </button>
          </div>
        </form>
      )}
      <h3>Latest notifications</h3>
      {notifications.error && <ProblemMessage error={notifications.error} />}
      {notifications.data?.notifications.length === 0 && <p className="muted">None yet.</p>}
      {notifications.data && notifications.data.notifications.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">About</th>
                <th scope="col">To</th>
                <th scope="col">Delivered</th>
              </tr>
            </thead>
            <tbody>
              {notifications.data.notifications.slice(0, 50).map((n) => (
                <tr key={n.id}>
                  <td>{formatDateTime(n.createdAt)}</td>
                  <td>{n.kind}</td>
                  <td>
                    {n.subjectType} <code>{n.subjectId.slice(0, 8)}</code>
                  </td>
                  <td>{n.recipients.map((r) => r.name ?? r.email ?? r.id).join(', ')}</td>
                  <td>{n.deliveredAt ? formatDateTime(n.deliveredAt) : 'not sent'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
