import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';

/** The guards of the screens open now: each says whether its screen holds unsaved work. */
const guards = new Set<{ current: () => boolean }>();

/**
 * Navigation state for a leaving already asked about (or that cannot be helped: the session
 * ended), which no guard asks about again.
 */
export const ASKED = { leaveAsked: true } as const;

/**
 * Before something that leaves every screen (signing out, switching workspace): true when no
 * screen holds unsaved work, or when the person confirms `question`.
 */
export function mayLeaveUnsaved(question: string): boolean {
  return ![...guards].some((guard) => guard.current()) || window.confirm(question);
}

/**
 * While `unsaved()` says so, leaving the screen asks first: a link or Back inside the app asks with
 * the browser's own confirm (staying keeps everything as it was), and reloading or closing the tab
 * gets the browser's "leave site?" prompt. `unsaved` is asked at the moment of leaving, so a save
 * that navigates away once done is not stopped; signing out and switching workspace ask through
 * `mayLeaveUnsaved` before they change anything.
 */
export function useLeaveGuard(unsaved: () => boolean, question: string): void {
  const latest = useRef(unsaved);
  useEffect(() => {
    latest.current = unsaved;
  });
  useEffect(() => {
    guards.add(latest);
    return () => void guards.delete(latest);
  }, []);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      latest.current() &&
      !(nextLocation.state as Partial<typeof ASKED> | null)?.leaveAsked &&
      (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(question)) blocker.proceed();
    else blocker.reset();
  }, [blocker, question]);
  useEffect(() => {
    const ask = (event: BeforeUnloadEvent) => {
      if (latest.current()) event.preventDefault();
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, []);
}
