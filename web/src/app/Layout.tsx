import { Suspense, useState } from 'react';
import { NavLink, Outlet, Navigate, useLocation } from 'react-router';
import { ErrorBoundary } from './ErrorBoundary';
import { SessionProvider, useSession, useSessionQuery } from './session';
import { ProblemMessage } from '../components/ProblemMessage';
import { ApiProblem } from '../api/client';
import type { AccessName } from '../../../contracts/access';

/** The app's sections, in the navigation's order; `access` hides a section from roles that cannot use it. */
const SECTIONS: { to: string; label: string; access?: AccessName }[] = [
  { to: '/calendar', label: 'Calendar' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/compose', label: 'Compose', access: 'writeContent' },
  { to: '/posts', label: 'Posts' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/library', label: 'Library' },
  { to: '/listening', label: 'Listening' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/settings', label: 'Settings' },
];

/** Signed-in pages: the session, the navigation and the workspace switcher around the current screen. */
export function SignedIn() {
  const query = useSessionQuery();
  const location = useLocation();
  if (query.isPending) return <p className="loading">Loading…</p>;
  // Its first load failed. A refresh that fails keeps the app on screen (a 401 on any call signs the browser out: session.tsx).
  if (!query.data) {
    if (query.error instanceof ApiProblem && query.error.status === 401)
      return (
        <Navigate
          to="/sign-in"
          replace
          state={{
            from: location.pathname + location.search,
            // An expired session says so on the sign-in page; a first visit needs no explanation.
            reason: query.error.problem.type?.endsWith('/session-expired') ? query.error.problem.detail : undefined,
          }}
        />
      );
    return (
      <main className="screen">
        <ProblemMessage error={query.error} onRetry={() => void query.refetch()} />
      </main>
    );
  }
  return (
    <SessionProvider session={query.data}>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { session, can, signOut, switchWorkspace } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/calendar">
          Chorus
        </a>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <label className="workspace-switch">
          <span className="visually-hidden">Workspace</span>
          <select
            value={session.workspace.id}
            onChange={(event) => void switchWorkspace(event.target.value)}
            aria-label="Workspace"
          >
            {session.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.role})
              </option>
            ))}
          </select>
        </label>
        <span className="who" title={session.user.email}>
          {session.user.name ?? session.user.email}
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav id="main-nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Sections">
        <ul>
          {SECTIONS.filter((s) => !s.access || can(s.access)).map((s) => (
            <li key={s.to}>
              <NavLink to={s.to} onClick={() => setMenuOpen(false)}>
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorBoundary>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Outlet />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
