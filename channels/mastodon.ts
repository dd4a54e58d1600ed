import { z } from 'zod';
import { htmlToText } from '../content/html-text';
import { graphemeLength, mastodonLength, REMOTE_MENTION, TEXT_RULES } from '../contracts/text-rules';
import {
  type ChannelAdapter,
  type MediaFacts,
  type PostMetrics,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
} from './adapter';
import { ChannelError, retryDelayFromHeaders } from './errors';

export const mastodonCredentialsSchema = z.strictObject({
  instance: z.url({ protocol: /^https?$/ }).describe('The instance, e.g. https://mastodon.social'),
  accessToken: z.string().min(1, 'is required: a token with the write:statuses, write:media and read:accounts scopes'),
});
export type MastodonCredentials = z.infer<typeof mastodonCredentialsSchema>;

/** Mastodon's defaults (an instance may raise them; /api/v2/instance says by how much); text limits in contracts/text-rules.ts. */
const MAX_ATTACHMENTS = 4;
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
const MAX_VIDEO_BYTES = 99 * 1024 * 1024;
const MAX_ALT_CHARACTERS = 1500;
const TIMEOUT_MS = 30_000;
/**
 * Statuses asked for in one `GET /api/v1/statuses?id[]=…`: Mastodon refuses more than its
 * DEFAULT_STATUSES_LIMIT, 20, with a 422 (Api::V1::StatusesController#check_statuses_limit); the
 * method's documentation names no limit.
 */
const GET_STATUSES_MAX = 20;
/** Media still processing (202): how often and how long to wait for it. */
const MEDIA_POLL_MS = 1000;
const MEDIA_WAIT_MS = 60_000;
/** How far the instance's clock may be behind ours when telling our status from an older one. */
const CLOCK_SKEW_MS = 60_000;

export { mastodonLength };

interface MastodonStatus {
  id: string;
  url: string | null;
  uri: string;
  content: string;
  created_at: string;
}

/**
 * Mastodon over its REST API (https://docs.joinmastodon.org/methods/statuses/#create). A status is
 * posted with the target's key as `Idempotency-Key`, which the instance honours for an hour; a
 * retry first looks among the account's latest statuses for the same text, so a retry after
 * longer than that does not post twice either. Media go up first (`POST /api/v2/media`, waiting
 * while the instance processes them), with their alt text as `description`.
 */
export class MastodonAdapter implements ChannelAdapter<MastodonCredentials> {
  readonly provider = 'mastodon' as const;
  readonly credentialsSchema = mastodonCredentialsSchema;
  readonly limits = TEXT_RULES.mastodon.limits;
  /** Instances without `GET /api/v1/statuses?id[]=` (older than 4.3): their counts are read one status a call. */
  private readonly oneByOne = new Set<string>();

  validate(text: string): string[] {
    return TEXT_RULES.mastodon.validate(text);
  }

  validateMedia(media: MediaFacts[]): string[] {
    const problems: string[] = [];
    if (media.length > MAX_ATTACHMENTS)
      problems.push(`Mastodon allows at most ${MAX_ATTACHMENTS} attachments; this post has ${media.length}`);
    const videos = media.filter((m) => m.contentType.startsWith('video/'));
    if (videos.length > 0 && media.length > 1)
      problems.push('Mastodon takes one video alone, not with other attachments');
    media.forEach((m, i) => {
      const limit = m.contentType.startsWith('video/') ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES;
      if (m.bytes > limit)
        problems.push(
          `Mastodon files of type ${m.contentType} may be at most ${limit / 1024 / 1024} MB; attachment ${i + 1} has ${(m.bytes / 1024 / 1024).toFixed(1)} MB`,
        );
      if (graphemeLength(m.alt) > MAX_ALT_CHARACTERS)
        problems.push(`Mastodon alt text may be at most ${MAX_ALT_CHARACTERS} characters (attachment ${i + 1})`);
    });
    return problems;
  }

  async verify(credentials: MastodonCredentials): Promise<{ accountRef: string }> {
    const account = await this.call<{ acct: string }>(credentials, 'GET', '/api/v1/accounts/verify_credentials');
    return {
      accountRef: account.acct.includes('@') ? account.acct : `${account.acct}@${new URL(credentials.instance).host}`,
    };
  }

  newIdempotencyKey(targetId: string): string {
    return `chorus-${targetId}`;
  }

  async publish(credentials: MastodonCredentials, request: PublishRequest): Promise<PublishResult> {
    if (request.isRetry) {
      const existing = await this.findRecentStatus(credentials, request.text, new Date(request.publishAt));
      if (existing) return { externalId: existing.id, url: existing.url ?? existing.uri };
    }
    const mediaIds = [];
    for (const m of request.media) mediaIds.push(await this.uploadMedia(credentials, m));
    const status = await this.call<MastodonStatus>(credentials, 'POST', '/api/v1/statuses', {
      body: JSON.stringify({ status: request.text, media_ids: mediaIds, visibility: 'public' }),
      headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
    });
    return { externalId: status.id, url: status.url ?? status.uri };
  }

  async delete(credentials: MastodonCredentials, externalId: string): Promise<void> {
    await this.call(credentials, 'DELETE', `/api/v1/statuses/${encodeURIComponent(externalId)}`);
  }

  /**
   * Counts of the account's statuses: favourites, boosts and replies (Mastodon has no quote count),
   * 20 statuses a call with `GET /api/v1/statuses?id[]=…` (Mastodon 4.3 and later,
   * https://docs.joinmastodon.org/methods/statuses/#index). That answer leaves out a status that is
   * gone or hidden without saying which: each one left out is asked for alone
   * (`GET /api/v1/statuses/:id`, https://docs.joinmastodon.org/methods/statuses/#get), where a 404
   * says deleted. An instance older than 4.3 (a 404 for the list) is read one status a call, and
   * remembered as such. A 429 stops the read with the instance's delay (a ChannelError
   * `rate_limited`), so the caller retries after it.
   */
  async readMetrics(
    credentials: MastodonCredentials,
    ids: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
    const metrics = new Map<string, PostMetrics>();
    let calls = 0;
    const alone: string[] = [];
    for (let i = 0; i < ids.length; i += GET_STATUSES_MAX) {
      const batch = ids.slice(i, i + GET_STATUSES_MAX);
      if (this.oneByOne.has(credentials.instance)) {
        alone.push(...batch);
        continue;
      }
      calls++;
      let statuses: CountedStatus[];
      try {
        const query = batch.map((id) => `id[]=${encodeURIComponent(id)}`).join('&');
        statuses = await this.call<CountedStatus[]>(credentials, 'GET', `/api/v1/statuses?${query}`);
      } catch (err) {
        if (!(err instanceof ChannelError) || err.kind !== 'rejected' || !/\(404[:)]/.test(err.message)) throw err;
        this.oneByOne.add(credentials.instance);
        alone.push(...batch);
        continue;
      }
      for (const status of statuses) if (batch.includes(status.id)) metrics.set(status.id, countsOf(status));
      alone.push(...batch.filter((id) => !metrics.has(id)));
    }
    for (const id of alone) {
      calls++;
      try {
        const status = await this.call<CountedStatus>(credentials, 'GET', `/api/v1/statuses/${encodeURIComponent(id)}`);
        metrics.set(id, countsOf(status));
      } catch (err) {
        if (!(err instanceof ChannelError) || err.kind !== 'rejected') throw err;
        // 404: deleted (or its account suspended); any other refusal of this one status: not shown.
        metrics.set(id, { status: /\(404[:)]/.test(err.message) ? 'deleted' : 'missing' });
      }
    }
    return { metrics, calls };
  }

  /** The account's followers_count (https://docs.joinmastodon.org/entities/Account/#followers_count). */
  async readFollowers(credentials: MastodonCredentials): Promise<number> {
    const account = await this.call<{ followers_count: number }>(
      credentials,
      'GET',
      '/api/v1/accounts/verify_credentials',
    );
    return account.followers_count;
  }

  /**
   * The account's own status an earlier attempt made, if any: among its latest twenty, one created
   * no earlier than a minute before the post was due (an older one with the same words is another
   * post), whose text reads as ours does once Mastodon has rendered it (remote mentions shown as
   * `@user`, whitespace as it lays it out).
   */
  private async findRecentStatus(
    credentials: MastodonCredentials,
    text: string,
    due: Date,
  ): Promise<MastodonStatus | undefined> {
    const account = await this.call<{ id: string }>(credentials, 'GET', '/api/v1/accounts/verify_credentials');
    const statuses = await this.call<MastodonStatus[]>(
      credentials,
      'GET',
      `/api/v1/accounts/${encodeURIComponent(account.id)}/statuses?limit=20&exclude_reblogs=true`,
    );
    const rendered = (value: string) => value.replace(REMOTE_MENTION, '$1@$2').replace(/\s+/g, ' ').trim();
    const notBefore = due.getTime() - CLOCK_SKEW_MS;
    return statuses.find(
      (s) => Date.parse(s.created_at) >= notBefore && rendered(htmlToText(s.content)) === rendered(text),
    );
  }

  private async uploadMedia(credentials: MastodonCredentials, media: PublishMedia): Promise<string> {
    const form = new FormData();
    form.append(
      'file',
      new Blob([await media.read()], { type: media.contentType }),
      `${media.mediaId}.${media.contentType.split('/')[1]}`,
    );
    if (media.alt) form.append('description', media.alt);
    let attachment = await this.call<{ id: string; url: string | null }>(credentials, 'POST', '/api/v2/media', {
      body: form,
    });
    // 202: still processing; the attachment can be used once it has a URL.
    const deadline = Date.now() + MEDIA_WAIT_MS;
    while (attachment.url === null) {
      if (Date.now() > deadline)
        throw new ChannelError('transient', `Mastodon is still processing media ${attachment.id}`);
      await new Promise((resolve) => setTimeout(resolve, MEDIA_POLL_MS));
      attachment = await this.call(credentials, 'GET', `/api/v1/media/${encodeURIComponent(attachment.id)}`, {
        allowPartial: true,
      });
    }
    return attachment.id;
  }

  /** One call to the instance's API, its refusals mapped to ChannelError (the inbox's replies and likes use it too). */
  async call<T>(
    credentials: MastodonCredentials,
    method: string,
    path: string,
    options: { body?: string | FormData; headers?: Record<string, string>; allowPartial?: boolean } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, credentials.instance), {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${credentials.accessToken}`,
          'user-agent': 'Chorus/1',
          ...options.headers,
        },
        body: options.body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      throw new ChannelError(
        'transient',
        `Could not reach Mastodon at ${credentials.instance}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const body = (await response.json().catch(() => undefined)) as (T & { error?: string }) | undefined;
    const reason = body && typeof body === 'object' && 'error' in body && body.error ? `: ${body.error}` : '';
    if (response.ok || (options.allowPartial && response.status === 206))
      return (response.status === 206 ? { ...body, url: null } : body) as T;
    const status = response.status;
    if (status === 429)
      throw new ChannelError(
        'rate_limited',
        `Mastodon rate limit reached${reason}`,
        retryDelayFromHeaders(Object.fromEntries(response.headers)),
      );
    if (status === 401 || status === 403)
      throw new ChannelError(
        'auth_failed',
        `Mastodon refused the access token (${status}${reason}); reconnect the channel with a new token`,
      );
    if (status === 422) throw new ChannelError('invalid_content', `Mastodon rejected the post (422${reason})`);
    if (status >= 500 || status === 408)
      throw new ChannelError('transient', `Mastodon is unavailable (${status}${reason})`);
    throw new ChannelError('rejected', `Mastodon refused the request (${status}${reason})`);
  }
}

/** What counts are read from a status (https://docs.joinmastodon.org/entities/Status/). */
interface CountedStatus {
  id: string;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
}

const countsOf = (status: CountedStatus): PostMetrics => ({
  status: 'ok',
  counts: {
    likes: status.favourites_count,
    reposts: status.reblogs_count,
    replies: status.replies_count,
    quotes: null,
    // Mastodon counts no views.
    impressions: null,
  },
});
