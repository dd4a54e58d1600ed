import { ApiProblem } from '../api/client';

/** A query as far as its refresh goes (TanStack Query's result). */
interface Refreshable {
  isRefetchError: boolean;
  error: unknown;
  refetch: () => Promise<unknown>;
}

/**
 * Says that what is on screen may be out of date because refreshing one of `queries` failed, and
 * why; nothing otherwise. Screens show a failed first load (`isLoadingError`) in place of their
 * content; a refresh that fails (a poll on a phone in a tunnel, a 503 while the database restarts)
 * keeps what was loaded, and any draft beside it, under this.
 */
export function RefreshProblem({ queries }: { queries: Refreshable[] }) {
  const failed = queries.filter((q) => q.isRefetchError);
  if (failed.length === 0) return null;
  const error = failed[0]!.error;
  const title = error instanceof ApiProblem ? error.problem.title : 'Something went wrong';
  return (
    <div role="status" className="problem stale">
      <strong>Not up to date: {title}.</strong> What was loaded is still shown; Chorus keeps trying.
      <button type="button" onClick={() => void Promise.all(failed.map((q) => q.refetch()))}>
        Retry
      </button>
    </div>
  );
}
