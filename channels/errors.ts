/**
 * How a network refused or failed a call, in the terms the publishing workflow acts on:
 * - `invalid_content` and `auth_failed` and `rejected` will not get better by retrying;
 * - `rate_limited` retries after the network's stated delay;
 * - `transient` retries with backoff;
 * - `processing`: the network is still working on what was sent (a media container); ask again
 *   after `retryAfterMs`, without counting it against the channel's health.
 */
export type ChannelErrorKind =
  'invalid_content' | 'auth_failed' | 'rejected' | 'rate_limited' | 'transient' | 'processing';

export class ChannelError extends Error {
  override name = 'ChannelError';

  constructor(
    readonly kind: ChannelErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    /** The credential at fault, when one is (e.g. `url`: a webhook URL on a refused address). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A read of a network's inbox stopped early because its rate-limit window is nearly spent: what it
 * stored so far stays, and the next read waits `resumeAfterMs` (before the network has to refuse).
 */
export class InboxReadPaused extends Error {
  override name = 'InboxReadPaused';

  constructor(
    network: string,
    readonly resumeAfterMs: number,
  ) {
    super(`${network}'s rate limit is nearly spent; reading again in ${Math.ceil(resumeAfterMs / 1000)} s`);
  }
}

/** Reads Retry-After (seconds or an HTTP date) or RateLimit-Reset (epoch seconds) into a delay in ms. */
export function retryDelayFromHeaders(
  headers: Record<string, string | undefined>,
  now = Date.now(),
): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const rawReset = headers['ratelimit-reset'] ?? headers['x-ratelimit-reset'];
  const reset = Number(rawReset);
  if (Number.isFinite(reset) && reset > 0) {
    // RateLimit-Reset is an epoch time on Bluesky and most APIs; small values are delta seconds (IETF draft).
    return reset > 1e9 ? Math.max(0, reset * 1000 - now) : reset * 1000;
  }
  // Mastodon sends X-RateLimit-Reset as an ISO 8601 time.
  const resetAt = rawReset ? Date.parse(rawReset) : NaN;
  if (!Number.isNaN(resetAt)) return Math.max(0, resetAt - now);
  return undefined;
}
