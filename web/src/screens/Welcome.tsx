import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, data, setCsrfToken } from '../api/client';
import { SESSION_KEY } from '../app/session';
import { ProblemMessage } from '../components/ProblemMessage';

/** An invitation link (or the owner's sign-in link): who is invited where, and a password to set. */
export default function Welcome() {
  const [params] = useSearchParams();
  const code = params.get('code') ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const invitation = useQuery({
    queryKey: ['invitation', code],
    queryFn: () => data(api.GET('/v1/invitations/preview', { params: { query: { code } } })),
    enabled: code !== '',
    retry: false,
  });
  const accept = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/invitations/accept', { body: { code, password, ...(name.trim() ? { name: name.trim() } : {}) } }),
      ),
    onSuccess: async (answer) => {
      if ('session' in answer) {
        setCsrfToken(answer.session.csrfToken);
        queryClient.setQueryData(SESSION_KEY, answer.session);
      }
      await navigate('/calendar', { replace: true });
    },
  });
  const mismatch = repeat !== '' && repeat !== password;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) accept.mutate();
  };
  return (
    <main className="auth-page">
      <form className="card" onSubmit={submit}>
        <h1>Welcome to Chorus</h1>
        {code === '' && <p role="alert">This link has no invitation code. Ask for a new invitation.</p>}
        {invitation.error && <ProblemMessage error={invitation.error} />}
        {invitation.data && (
          <>
            <p>
              <strong>{invitation.data.email}</strong> is invited to <strong>{invitation.data.workspaceName}</strong> as{' '}
              {invitation.data.role}. Choose a password to sign in.
            </p>
            <label>
              Your name (optional)
              <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label>
              Password (at least 10 characters)
              <input
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <label>
              Password again
              <input
                type="password"
                autoComplete="new-password"
                required
                aria-invalid={mismatch}
                aria-describedby={mismatch ? 'mismatch' : undefined}
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
              />
            </label>
            {mismatch && (
              <p id="mismatch" role="alert">
                The two passwords differ.
              </p>
            )}
            {accept.error && <ProblemMessage error={accept.error} />}
            <button type="submit" className="primary" disabled={accept.isPending || mismatch}>
              Set password and sign in
            </button>
          </>
        )}
      </form>
    </main>
  );
}
