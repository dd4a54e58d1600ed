import { useState } from 'react';
import type { Ok } from '../../api/client';
import type { paths } from '../../api/schema';

/** The JSON body a route takes, from the generated client. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Member = Ok<'/v1/members', 'get'>['members'][number];
export type Channel = Ok<'/v1/channels', 'get'>['channels'][number];

/** A secret shown once (an invitation link, a new token): selectable, with a copy button. */
export function ShownOnce({ label, value, note }: { label: string; value: string; note?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="shown-once" role="status">
      <label>
        {label}
        <input readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}

/** A Standard Webhooks signing secret: 32 random bytes, base64, prefixed whsec_. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The link an invitee opens to set a password and sign in. */
export function invitationLink(code: string): string {
  return `${window.location.origin}/welcome?code=${encodeURIComponent(code)}`;
}

/** What a member is called on screen. */
export function memberName(member: Member | undefined, fallback = 'someone'): string {
  if (!member) return fallback;
  return member.name ? `${member.name} (${member.email})` : member.email;
}

export function NotForYourRole() {
  return <p className="muted">Your role cannot see this section.</p>;
}
