import { ApiProblem } from '../api/client';

/** The part of a query a screen decides with: what it loaded, and its last error. */
interface Loaded {
  data: unknown;
  error: unknown;
}

/**
 * A query's error when it failed to refresh what is already on screen. Screens show a failed first
 * load in place of their content; a refresh that fails (a poll on a phone in a tunnel, a 503 while
 * the database restarts) keeps what was loaded, and any draft beside it, with `<RefreshProblem>`.
 */
export function refreshError(query: Loaded): unknown {
  return query.data === undefined ? null : query.error;
}

/** Says that what is on screen may be out of date because refreshing it failed, and why; nothing otherwise. */
export function RefreshProblem({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const title = error instanceof ApiProblem ? error.problem.title : 'Something went wrong';
  return (
    <div role="status" className="problem stale">
      <strong>Not up to date: {title}.</strong> What was loaded is still shown; Chorus keeps trying.
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
