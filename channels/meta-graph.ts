/**
 * What Facebook Pages, Instagram and Threads share: Meta's Graph API calls, its error bodies and
 * throttling, and the two-step publishing of a media container (create it, wait until it is
 * FINISHED, publish it) with the container's id kept between attempts.
 *
 * Errors (https://developers.facebook.com/docs/graph-api/guides/error-handling): a body
 * `{error: {message, type, code, error_subcode, fbtrace_id, is_transient}}`. Throttling
 * (https://developers.facebook.com/docs/graph-api/overview/rate-limiting): codes 4 (app), 17 (user),
 * 32 (page), 613 (custom) and 80001–80014 (business use case), whatever the HTTP status; the headers
 * `X-Business-Use-Case-Usage` (per business, with `estimated_time_to_regain_access` in minutes) and
 * `X-App-Usage` (percentages of the hourly budget) say how long to wait.
 */
import { ChannelError } from './errors';
import type { NetworkState } from './adapter';

const TIMEOUT_MS = 30_000;
/** Throttled without a stated time (or with 0): ask again after this long. */
const DEFAULT_THROTTLE_MS = 60_000;
const MIN_THROTTLE_MS = 1000;
const THROTTLING_CODES = new Set([4, 17, 32, 613]);
const AUTH_CODES = new Set([102, 190, 10]);

export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
    is_transient?: boolean;
    error_user_msg?: string;
  };
}

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path under the client's base URL (`/123/feed`), or an absolute URL (an OAuth endpoint at the host's root). */
  path: string;
  /** Sent as `Authorization: Bearer`; none for calls that carry the app's secret instead. */
  token?: string;
  /** Query parameters (GET, DELETE) or the form body (POST). */
  params?: Record<string, string | undefined>;
  /** A multipart body instead of `params` (a photo's bytes). */
  form?: FormData;
}

/** One Meta API (Graph at graph.facebook.com, or Threads at graph.threads.net), as `network` names it in messages. */
export class GraphClient {
  constructor(
    readonly baseUrl: string,
    readonly network: string,
  ) {}

  url(path: string): URL {
    if (/^https?:/.test(path)) return new URL(path);
    return new URL(`${this.baseUrl.replace(/\/+$/, '')}${path}`);
  }

  async call<T>(call: GraphCall): Promise<T> {
    return (await this.callWithHeaders<T>(call)).body;
  }

  /** The answer with its headers (the inbox reads X-App-Usage and X-Business-Use-Case-Usage from them). */
  async callWithHeaders<T>({
    method,
    path,
    token,
    params = {},
    form,
  }: GraphCall): Promise<{ body: T; headers: Headers }> {
    const url = this.url(path);
    const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    let body: URLSearchParams | FormData | undefined = form;
    if (method === 'POST' && !form) body = new URLSearchParams(defined);
    else for (const [k, v] of defined) url.searchParams.set(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'user-agent': 'Chorus/1',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      throw new ChannelError(
        'transient',
        `Could not reach ${this.network}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const json = (await response.json().catch(() => undefined)) as (T & GraphErrorBody) | undefined;
    if (response.ok && !json?.error) {
      if (json === undefined)
        throw new ChannelError('transient', `${this.network} answered ${response.status} without JSON`);
      return { body: json, headers: response.headers };
    }
    throw graphError(this.network, response.status, json?.error, response.headers);
  }
}

/** A Graph error body (and its usage headers) as the ChannelError publishing acts on. */
export function graphError(
  network: string,
  status: number,
  error: GraphErrorBody['error'],
  headers: Headers,
  now = Date.now(),
): ChannelError {
  const code = error?.code;
  const subcode = error?.error_subcode;
  const codes = code === undefined ? `${status}` : `${status}, code ${code}${subcode ? `/${subcode}` : ''}`;
  const trace = error?.fbtrace_id ? `; fbtrace_id ${error.fbtrace_id}` : '';
  const detail = `(${codes}: ${error?.error_user_msg ?? error?.message ?? 'no message'}${trace})`;
  if (status === 429 || (code !== undefined && (THROTTLING_CODES.has(code) || (code >= 80001 && code <= 80014))))
    return new ChannelError('rate_limited', `${network} is throttling calls ${detail}`, throttleDelay(headers, now));
  if ((code !== undefined && (AUTH_CODES.has(code) || (code >= 200 && code <= 299))) || status === 401)
    return new ChannelError('auth_failed', `${network} refused the access token ${detail}; reconnect the channel`);
  if (status >= 500 || error?.is_transient || code === 1 || code === 2)
    return new ChannelError('transient', `${network} is unavailable ${detail}`);
  // Instagram's media errors (2207xxx: a URL it could not fetch, a format or size it does not take).
  if (subcode !== undefined && subcode >= 2207000 && subcode < 2208000)
    return new ChannelError('invalid_content', `${network} refused the media ${detail}`);
  return new ChannelError('rejected', `${network} refused the request ${detail}`);
}

/**
 * How long to wait once throttled: the longest `estimated_time_to_regain_access` (minutes) of
 * X-Business-Use-Case-Usage (or the Instagram/Page variants), else Retry-After, else a minute.
 */
/**
 * One lifetime insight of a post or medium (`GET /{id}/insights?metric=…`: `data[0].values[0].value`).
 * Graph refuses insights for some posts while it shows their counts (too new, too few viewers,
 * published before the account became a business one, a permission such as read_insights not
 * granted): null then, so the counts read already are kept. Throttling and outages are thrown (the
 * round retries the channel).
 */
export async function readInsight(
  graph: GraphClient,
  token: string,
  id: string,
  metric: string,
  called: () => void,
): Promise<number | null> {
  called();
  try {
    const answer = await graph.call<{
      data?: { name: string; values?: { value?: number }[]; total_value?: { value?: number } }[];
    }>({ method: 'GET', path: `/${encodeURIComponent(id)}/insights`, token, params: { metric } });
    const entry = answer.data?.find((d) => d.name === metric);
    const value = entry?.total_value?.value ?? entry?.values?.[0]?.value;
    return typeof value === 'number' ? value : null;
  } catch (err) {
    if (err instanceof ChannelError && (err.kind === 'rejected' || err.kind === 'auth_failed')) return null;
    throw err;
  }
}

/** A post Graph refuses to read: gone (code 100, "does not exist") or otherwise not readable; other errors are not a post's. */
export function graphPostGone(err: unknown): 'deleted' | 'missing' | undefined {
  if (!(err instanceof ChannelError) || err.kind !== 'rejected') return undefined;
  return /code 100/.test(err.message) ? 'deleted' : 'missing';
}

export function throttleDelay(headers: Headers, now = Date.now()): number {
  let minutes: number | undefined;
  for (const name of ['x-business-use-case-usage', 'x-ad-account-usage', 'x-page-usage', 'x-app-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const usage = JSON.parse(raw) as unknown;
      for (const entry of usageEntries(usage)) {
        const estimate = Number(entry.estimated_time_to_regain_access);
        if (entry.estimated_time_to_regain_access !== undefined && Number.isFinite(estimate))
          minutes = Math.max(minutes ?? 0, estimate);
      }
    } catch {
      // An unreadable header says nothing about the wait.
    }
  }
  // 0 minutes: access is back about now; a second's pause (a zero delay would not be a delay to Temporal).
  if (minutes !== undefined) return Math.max(MIN_THROTTLE_MS, minutes * 60_000);
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return DEFAULT_THROTTLE_MS;
}

/**
 * How much of the rate-limit budget is spent, in percent (the highest of X-App-Usage's and
 * X-Business-Use-Case-Usage's `call_count`, `total_cputime` and `total_time`), and how long until
 * access is back if the network says (`estimated_time_to_regain_access`, minutes, as ms).
 * Meta throttles at 100 (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
 */
export function usageOf(headers: Headers): { percent: number; regainMs: number | undefined } {
  let percent = 0;
  let minutes: number | undefined;
  for (const name of ['x-app-usage', 'x-business-use-case-usage', 'x-page-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      for (const entry of usageEntries(JSON.parse(raw) as unknown)) {
        for (const key of ['call_count', 'total_cputime', 'total_time']) {
          const value = Number(entry[key]);
          if (Number.isFinite(value)) percent = Math.max(percent, value);
        }
        const estimate = Number(entry.estimated_time_to_regain_access);
        if (entry.estimated_time_to_regain_access !== undefined && Number.isFinite(estimate) && estimate > 0)
          minutes = Math.max(minutes ?? 0, estimate);
      }
    } catch {
      // An unreadable header says nothing about the budget.
    }
  }
  return { percent, regainMs: minutes === undefined ? undefined : minutes * 60_000 };
}

/** X-Business-Use-Case-Usage is `{ "<business id>": [ {type, call_count, …, estimated_time_to_regain_access} ] }`; X-App-Usage a flat object. */
function usageEntries(usage: unknown): Record<string, unknown>[] {
  if (!usage || typeof usage !== 'object') return [];
  const values = Object.values(usage as Record<string, unknown>);
  if (values.every((v) => Array.isArray(v))) return values.flat() as Record<string, unknown>[];
  return [usage as Record<string, unknown>];
}

/** A media container's state, as Instagram (`status_code`) and Threads (`status`) report it. */
export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

/** What a container flow keeps between attempts (saved as the target's network state). */
export interface ContainerState {
  containerId: string;
}

export interface ContainerFlow {
  network: string;
  /** Creates the container (and any children); returns its id. */
  create(): Promise<string>;
  /** The container's status, and the network's message when it is ERROR. */
  status(containerId: string): Promise<{ status: ContainerStatus; message?: string }>;
  /** Publishes a FINISHED container; returns the published media's id. */
  publish(containerId: string): Promise<string>;
  /** The media an earlier attempt published from this container (its status is PUBLISHED), found among the account's latest. */
  findPublished(): Promise<string | undefined>;
  /** A published media's public link. */
  permalink(mediaId: string): Promise<string | null>;
}

/** While a container is IN_PROGRESS, this attempt asks again every POLL_MS for up to WAIT_MS, then hands the wait to Temporal. */
const POLL_MS = 1000;
const WAIT_MS = 5000;
/** How long Temporal waits before the next attempt asks again (the activity slot is free meanwhile). */
export const CONTAINER_RETRY_MS = 5000;

/**
 * Publishes through a media container exactly once, across attempts: the container's id is saved
 * before anything is asked of it, so a retry checks that same container (published already: its
 * media is found and returned; still processing: asked again later; finished: published) instead of
 * creating another. An attempt waits only briefly for processing; a longer wait is a `processing`
 * ChannelError, which the activity's retry turns into a timer, holding no worker slot.
 */
export async function publishThroughContainer(
  flow: ContainerFlow,
  networkState: NetworkState | undefined,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<{ externalId: string; url: string | null }> {
  const saved = networkState?.saved as Partial<ContainerState> | null | undefined;
  let containerId = typeof saved?.containerId === 'string' ? saved.containerId : undefined;
  if (!containerId) {
    containerId = await flow.create();
    await networkState?.save({ containerId } satisfies ContainerState);
  }
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { status, message } = await flow.status(containerId);
    if (status === 'FINISHED') {
      const mediaId = await flow.publish(containerId);
      return { externalId: mediaId, url: await flow.permalink(mediaId) };
    }
    if (status === 'PUBLISHED') {
      const mediaId = await flow.findPublished();
      if (!mediaId)
        throw new ChannelError(
          'transient',
          `${flow.network} reports container ${containerId} published, but its post is not among the account's latest yet`,
        );
      return { externalId: mediaId, url: await flow.permalink(mediaId) };
    }
    if (status === 'ERROR')
      throw new ChannelError(
        'invalid_content',
        `${flow.network} could not process the post's media (container ${containerId} ended in ERROR${message ? `: ${message}` : ''})`,
      );
    if (status === 'EXPIRED') {
      // Unpublished for 24 hours: the next attempt starts a new container.
      await networkState?.save({});
      throw new ChannelError('transient', `${flow.network} container ${containerId} expired before it was published`);
    }
    if (Date.now() + POLL_MS > deadline)
      throw new ChannelError(
        'processing',
        `${flow.network} is still processing the post's media (container ${containerId})`,
        CONTAINER_RETRY_MS,
      );
    await sleep(POLL_MS);
  }
}

/** How far the network's clock may be behind ours when telling our post from an older one. */
export const CLOCK_SKEW_MS = 60_000;

/** Whitespace as Meta may lay it out. */
export function sameText(a: string | undefined, b: string): boolean {
  const norm = (v: string) => v.replace(/\s+/g, ' ').trim();
  return norm(a ?? '') === norm(b);
}

/**
 * Our post among the account's latest (`path`, e.g. `/<ig-user>/media`), by its text (`textField`)
 * and a time no earlier than it was due: what a retry looks for before creating anything again.
 */
export async function findRecentByText(
  client: GraphClient,
  request: { path: string; token: string; textField: 'caption' | 'text'; text: string; publishAt: string },
): Promise<string | undefined> {
  const latest = await client.call<{ data: Array<{ id: string; timestamp: string } & Record<string, string>> }>({
    method: 'GET',
    path: request.path,
    token: request.token,
    params: { fields: `id,${request.textField},timestamp`, limit: '25' },
  });
  const notBefore = Date.parse(request.publishAt) - CLOCK_SKEW_MS;
  return latest.data.find((m) => Date.parse(m.timestamp) >= notBefore && sameText(m[request.textField], request.text))
    ?.id;
}

/** A published item's permalink; null when the network shows none (or will not say). */
export async function permalinkOf(client: GraphClient, id: string, token: string): Promise<string | null> {
  const found = await client
    .call<{ permalink?: string }>({
      method: 'GET',
      path: `/${encodeURIComponent(id)}`,
      token,
      params: { fields: 'permalink' },
    })
    .catch(() => ({ permalink: undefined }));
  return found.permalink ?? null;
}

/** Meta's production endpoints (config/index.ts FACEBOOK_GRAPH_URL and THREADS_API_URL default to the same). */
export const META_DEFAULTS = {
  graphUrl: 'https://graph.facebook.com/v26.0',
  threadsUrl: 'https://graph.threads.net/v1.0',
};
