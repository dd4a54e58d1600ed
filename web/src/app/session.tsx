import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Roles, roleMay, type AccessName } from '../../../contracts/access';
import { api, data, onUnauthorized, setCsrfToken } from '../api/client';
import { ASKED, mayLeaveUnsaved } from '../components/useLeaveGuard';
import type { Ok } from '../api/client';

export type SessionView = Ok<'/v1/session', 'get'>;

interface SessionContext {
  session: SessionView;
  /** Whether the signed-in member's role may do this in the current workspace (the server checks too). */
  can(access: AccessName): boolean;
  signOut(): Promise<void>;
  switchWorkspace(workspaceId: string): Promise<void>;
}

const Context = createContext<SessionContext | undefined>(undefined);

export const SESSION_KEY = ['session'] as const;

/** Loads the session; without one the app shows the sign-in page. */
export function useSessionQuery() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: () => data(api.GET('/v1/session')),
    retry: false,
    staleTime: 60_000,
  });
}

/** Keeps the CSRF token in step with the session, and sends a signed-out browser back to sign in. */
export function SessionProvider({ session, children }: { session: SessionView; children: ReactNode }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  setCsrfToken(session.csrfToken);
  useEffect(
    () =>
      onUnauthorized((problem) => {
        queryClient.clear();
        setCsrfToken(undefined);
        // Ended: nothing on screen can be saved any more.
        void navigate('/sign-in', { state: { reason: problem.problem.detail ?? problem.problem.title, ...ASKED } });
      }),
    [navigate, queryClient],
  );
  const value: SessionContext = {
    session,
    can: (access) => roleMay(session.workspace.role, Roles[access]),
    async signOut() {
      if (!mayLeaveUnsaved('Sign out? What you have not saved here is lost.')) return;
      await data(api.DELETE('/v1/session'));
      setCsrfToken(undefined);
      queryClient.clear();
      await navigate('/sign-in', { state: ASKED });
    },
    async switchWorkspace(workspaceId) {
      if (!mayLeaveUnsaved('Switch workspace? What you have not saved here is lost.')) return;
      const next = await data(api.PUT('/v1/session/workspace', { body: { workspaceId } }));
      setCsrfToken(next.csrfToken);
      // Every screen shows only the current workspace's data: drop what was loaded for the other.
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, next);
      await navigate('/', { state: ASKED });
    },
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (!context) throw new Error('useSession outside <SessionProvider>');
  return context;
}
