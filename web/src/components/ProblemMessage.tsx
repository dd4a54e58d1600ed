import { fieldErrorsLine } from '../../../contracts/errors';
import { ApiProblem } from '../api/client';

/** What went wrong, in the server's words: title, detail and each field's rule. Never a stack trace. */
export function ProblemMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const problem =
    error instanceof ApiProblem
      ? error.problem
      : { title: 'Something went wrong', status: 0, detail: error instanceof Error ? error.message : undefined };
  // A detail that only joins the field list below (as the API words a validation answer) is said once, by the list.
  const repeated = problem.errors?.length && problem.detail === fieldErrorsLine(problem.errors);
  return (
    <div role="alert" className="problem">
      <strong>{problem.title}</strong>
      {problem.detail && !repeated && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
