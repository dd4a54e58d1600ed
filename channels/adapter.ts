import type { z } from 'zod';
import type { Provider } from '../db/channels';
import type { ChannelLimits } from '../contracts/text-rules';

// The text rules live in contracts/text-rules.ts, shared with the web app's composer.
export { graphemeLength, validateAgainstLimits, type ChannelLimits } from '../contracts/text-rules';

/** What validation needs to know about a medium attached to a post. */
export interface MediaFacts {
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  alt: string;
}

/** A medium as publishing sees it: the facts, and its bytes on demand (only networks that upload read them). */
export interface PublishMedia extends MediaFacts {
  mediaId: string;
  sha256: string;
  read(): Promise<Buffer>;
}

/**
 * Signed, expiring public URLs of uploaded media, for networks that fetch media themselves
 * (Instagram, Threads): served by the API under CHORUS_APP_URL (content/media-urls.ts).
 */
export interface MediaUrls {
  urlFor(media: { mediaId: string }): string;
}

/** What a publish needs to know about one target (one post on one channel). */
export interface PublishRequest {
  postId: string;
  targetId: string;
  text: string;
  publishAt: string;
  /** Stable across retries; the network or receiver enforces it, so a retry never posts twice. */
  idempotencyKey: string;
  /** A retry must first look for what an earlier attempt may have created; a first attempt need not. */
  isRetry: boolean;
  /** Attached media, in order (already checked with validateMedia). */
  media: PublishMedia[];
  /** Chorus short links in `text` (a campaign with short links on), each with the URL it redirects to. */
  shortLinks?: Record<string, string>;
  /**
   * Work an earlier attempt left on the network (a Meta media container's id), and how to keep it
   * before going on: networks without idempotency keys resume from it instead of creating a
   * second copy. Absent where nothing stores it (the adapter then starts afresh).
   */
  networkState?: NetworkState;
}

export interface NetworkState {
  /** What the last attempt saved; null on a first attempt. */
  saved: Record<string, unknown> | null;
  /** Saves it durably (before the network is asked to act on it). */
  save(state: Record<string, unknown>): Promise<void>;
}

export interface PublishResult {
  /** The network's id for what was created (a Bluesky at:// URI, a webhook message id). */
  externalId: string;
  url: string | null;
}

/** A post's counts as the network shows them; quotes where the network has them (Bluesky, X, Threads). */
export interface PostCounts {
  likes: number;
  reposts: number;
  replies: number;
  quotes: number | null;
  /**
   * How many times the network showed the post, where it says (X, a LinkedIn organization's posts,
   * Facebook, Instagram's and Threads' views); null where it does not (Bluesky, Mastodon, a LinkedIn
   * member's posts) or refused to for this post.
   */
  impressions: number | null;
}

/** What the network says of a published post: its counts, or that it is gone, or not shown. */
export type PostMetrics = { status: 'ok'; counts: PostCounts } | { status: 'missing' } | { status: 'deleted' };

/**
 * `readMetrics` for a network that reads one post a call: `read` answers a post's counts (calling
 * `called()` for each further call it makes, such as an insights call); an error `gone` names
 * ('deleted', 'missing') is that post's status, any other is thrown (the round retries).
 */
export async function readMetricsOneByOne(
  ids: string[],
  read: (id: string, called: () => void) => Promise<PostCounts>,
  gone: (err: unknown) => 'deleted' | 'missing' | undefined,
): Promise<{ metrics: Map<string, PostMetrics>; calls: number }> {
  const metrics = new Map<string, PostMetrics>();
  let calls = ids.length;
  const called = () => {
    calls++;
  };
  for (const id of ids) {
    try {
      metrics.set(id, { status: 'ok', counts: await read(id, called) });
    } catch (err) {
      const status = gone(err);
      if (!status) throw err;
      metrics.set(id, { status });
    }
  }
  return { metrics, calls };
}

export interface ChannelAdapter<Credentials = unknown> {
  readonly provider: Provider;
  readonly credentialsSchema: z.ZodType<Credentials>;
  readonly limits: ChannelLimits;
  /** Problems with this text on this network; empty when it can be published. */
  validate(text: string): string[];
  /** Problems with these attachments on this network (count, types, sizes); empty when fine. */
  validateMedia(media: MediaFacts[]): string[];
  /** Proves the credentials work; returns who they post as. */
  verify(credentials: Credentials): Promise<{ accountRef: string }>;
  /** A key unique to one target, stored with it at creation and reused by every retry. */
  newIdempotencyKey(targetId: string): string;
  publish(credentials: Credentials, request: PublishRequest): Promise<PublishResult>;
  delete(credentials: Credentials, externalId: string): Promise<void>;
  /**
   * Counts of published posts by their external ids (networks that have them): every id asked
   * for is in the answer. `calls` is how many network calls it took. Throws ChannelError.
   */
  readMetrics?(
    credentials: Credentials,
    externalIds: string[],
  ): Promise<{ metrics: Map<string, PostMetrics>; calls: number }>;
  /** How many accounts follow the channel's account. */
  readFollowers?(credentials: Credentials): Promise<number>;
}
