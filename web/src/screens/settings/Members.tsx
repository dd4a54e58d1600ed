import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../contracts/domain';
import { api, data, type Ok } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useSession } from '../../app/session';
import { ProblemMessage } from '../../components/ProblemMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { invitationLink, ShownOnce, type Member } from './common';

type Issued = Ok<'/v1/invitations', 'post'>;
type Invitation = Ok<'/v1/invitations', 'get'>['invitations'][number];

/** The link of a just-issued invitation, shown once. */
function IssuedLink({ issued }: { issued: Issued }) {
  return (
    <ShownOnce
      label={`Invitation link for ${issued.email}`}
      value={invitationLink(issued.code)}
      note={`${issued.emailed ? 'It was also emailed. ' : ''}The link works once, until ${formatDateTime(issued.expiresAt)}; it is not shown again.`}
    />
  );
}

/** Roles the signed-in member may hand out: only an owner makes owners. */
function useGrantable(): readonly Role[] {
  const { session } = useSession();
  return session.workspace.role === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner');
}

function InviteForm({ onIssued }: { onIssued: (issued: Issued) => void }) {
  const queryClient = useQueryClient();
  const roles = useGrantable();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const invite = useMutation({
    mutationFn: () =>
      data(api.POST('/v1/members', { body: { email, role, ...(name.trim() ? { name: name.trim() } : {}) } })),
    onSuccess: async (added) => {
      onIssued(added.invitation);
      setEmail('');
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['members'] });
      await queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="invite-title">
      <h3 id="invite-title">Invite someone</h3>
      <div className="field-row">
        <label>
          Email
          <input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {invite.error && <ProblemMessage error={invite.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={invite.isPending}>
          Invite
        </button>
      </div>
    </form>
  );
}

function MemberRow({ member, onIssued }: { member: Member; onIssued: (issued: Issued) => void }) {
  const { session, can } = useSession();
  const queryClient = useQueryClient();
  const roles = useGrantable();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members'] });
  const mayChange = can('manageMembers') && (member.role !== 'owner' || session.workspace.role === 'owner');
  const label = member.name ?? member.email;
  const changeRole = useMutation({
    mutationFn: (role: Role) =>
      data(api.PATCH('/v1/members/{userId}', { params: { path: { userId: member.userId } }, body: { role } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE('/v1/members/{userId}', { params: { path: { userId: member.userId } } })),
    onSuccess: refresh,
  });
  const reinvite = useMutation({
    mutationFn: () => data(api.POST('/v1/invitations', { body: { userId: member.userId } })),
    onSuccess: async (issued) => {
      onIssued(issued);
      await queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  const error = changeRole.error ?? remove.error ?? reinvite.error;
  return (
    <tr>
      <td>
        <strong>{member.name ?? member.email}</strong>
        {member.name && <div className="muted">{member.email}</div>}
        {member.kind === 'service' && <div className="muted">service account</div>}
        {error && <ProblemMessage error={error} />}
      </td>
      <td>
        {mayChange && member.userId !== session.user.id ? (
          <select
            aria-label={`Role of ${label}`}
            value={member.role}
            disabled={changeRole.isPending}
            onChange={(e) => changeRole.mutate(e.target.value as Role)}
          >
            {(roles.includes(member.role) ? roles : [member.role, ...roles]).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          member.role
        )}
      </td>
      <td>{formatDateTime(member.joinedAt)}</td>
      {can('manageMembers') && (
        <td>
          {mayChange && member.userId !== session.user.id && (
            <div className="actions">
              {member.kind === 'person' && (
                <button type="button" onClick={() => reinvite.mutate()} disabled={reinvite.isPending}>
                  Invite again<span className="visually-hidden"> {label}</span>
                </button>
              )}
              <button
                type="button"
                className="danger"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(`Remove ${label} from the workspace? Their tokens are revoked.`)) remove.mutate();
                }}
              >
                Remove<span className="visually-hidden"> {label}</span>
              </button>
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function Invitations({ onIssued }: { onIssued: (issued: Issued) => void }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<'pending' | 'all'>('pending');
  const invitations = useQuery({
    queryKey: ['invitations', state],
    queryFn: () => data(api.GET('/v1/invitations', { params: { query: { state } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['invitations'] });
  const reissue = useMutation({
    mutationFn: (id: string) => data(api.POST('/v1/invitations/{id}/reissue', { params: { path: { id } } })),
    onSuccess: async (issued) => {
      onIssued(issued);
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => data(api.DELETE('/v1/invitations/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const row = (i: Invitation) => (
    <tr key={i.id}>
      <td>{i.email}</td>
      <td>{i.role ?? '—'}</td>
      <td>
        <StatusBadge status={i.state} />
      </td>
      <td>{formatDateTime(i.expiresAt)}</td>
      <td>
        {i.state === 'pending' && (
          <div className="actions">
            <button type="button" onClick={() => reissue.mutate(i.id)} disabled={reissue.isPending}>
              Re-issue<span className="visually-hidden"> the invitation of {i.email}</span>
            </button>
            <button type="button" className="danger" onClick={() => revoke.mutate(i.id)} disabled={revoke.isPending}>
              Revoke<span className="visually-hidden"> the invitation of {i.email}</span>
            </button>
          </div>
        )}
      </td>
    </tr>
  );
  return (
    <div className="card">
      <div className="section-head">
        <h3>Invitations</h3>
        <label className="inline">
          <span>Show</span>
          <select value={state} onChange={(e) => setState(e.target.value as typeof state)}>
            <option value="pending">Pending</option>
            <option value="all">All</option>
          </select>
        </label>
      </div>
      {invitations.error && <ProblemMessage error={invitations.error} />}
      {(reissue.error ?? revoke.error) && <ProblemMessage error={reissue.error ?? revoke.error} />}
      {invitations.data?.invitations.length === 0 && <p className="muted">No invitations.</p>}
      {invitations.data && invitations.data.invitations.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>{invitations.data.invitations.map(row)}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Members and their roles; owners and admins invite, change roles, remove, and manage invitations. */
export function MembersSection() {
  const { can } = useSession();
  const [issued, setIssued] = useState<Issued | null>(null);
  const members = useQuery({ queryKey: ['members'], queryFn: () => data(api.GET('/v1/members')) });
  return (
    <section aria-labelledby="members-title" className="settings-section">
      <h2 id="members-title">Members</h2>
      {can('manageMembers') && <InviteForm onIssued={setIssued} />}
      {issued && <IssuedLink issued={issued} />}
      {members.error && <ProblemMessage error={members.error} onRetry={() => void members.refetch()} />}
      {members.data && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {can('manageMembers') && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.members.map((m) => (
                <MemberRow key={m.userId} member={m} onIssued={setIssued} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can('manageMembers') && <Invitations onIssued={setIssued} />}
    </section>
  );
}
