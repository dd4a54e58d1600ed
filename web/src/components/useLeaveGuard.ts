import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';

/**
 * While `unsaved()` says so, leaving the screen asks first: a link or Back inside the app asks with
 * the browser's own confirm (staying keeps everything as it was), and reloading or closing the tab
 * gets the browser's "leave site?" prompt. `unsaved` is asked at the moment of leaving, so a save
 * that navigates away once done is not stopped.
 */
export function useLeaveGuard(unsaved: () => boolean, question: string): void {
  const latest = useRef(unsaved);
  useEffect(() => {
    latest.current = unsaved;
  });
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      latest.current() &&
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
