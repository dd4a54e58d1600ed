import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** A problem+json answer from the API (RFC 9457), with the field errors Chorus adds. */
export interface ProblemBody {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; rule?: string; message: string }[];
}

/** What a failed call throws: the server's problem, shown as it is by <ProblemMessage>. */
export class ApiProblem extends Error {
  constructor(readonly problem: ProblemBody) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiProblem';
  }
  get status(): number {
    return this.problem.status;
  }
}

let csrfToken: string | undefined;
/** The session's CSRF token, sent on every state-changing request (the cookie alone is not enough). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const listeners = new Set<(problem: ApiProblem) => void>();
/** Called with every 401: the session ended or expired, and the app goes back to sign-in. */
export function onUnauthorized(listener: (problem: ApiProblem) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !['GET', 'HEAD'].includes(request.method)) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

/** The typed client of the Chorus API: paths, bodies and answers come from /openapi.json. */
export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });
api.use(csrf);

async function problemOf(response: Response, error: unknown): Promise<ApiProblem> {
  if (error && typeof error === 'object' && 'title' in error) return new ApiProblem(error as ProblemBody);
  return new ApiProblem({ title: response.statusText || 'Request failed', status: response.status });
}

/**
 * The data of a call, or an ApiProblem thrown with the server's explanation. Use it inside TanStack
 * Query functions and mutations: `queryFn: () => data(api.GET('/v1/posts', {...}))`.
 */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem({ title: 'Chorus cannot be reached', status: 0, detail: 'Check your connection and retry.' });
  }
  if (!result.response.ok) {
    const problem = await problemOf(result.response, result.error);
    if (problem.status === 401) listeners.forEach((listener) => listener(problem));
    throw problem;
  }
  return result.data as T;
}

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON a route answers on success: `Ok<'/v1/posts/{id}', 'get'>`. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer A }
      ? Json<A>
      : R extends { 202: infer A }
        ? Json<A>
        : never
  : never;
