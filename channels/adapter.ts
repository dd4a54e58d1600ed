import type { z } from 'zod';
import type { Provider } from '../db/channels';

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
}

export interface PublishResult {
  /** The network's id for what was created (a Bluesky at:// URI, a webhook message id). */
  externalId: string;
  url: string | null;
}

export interface ChannelLimits {
  /** User-perceived characters (grapheme clusters), as the network counts them. */
  maxGraphemes: number;
  maxBytes?: number;
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
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function graphemeLength(text: string): number {
  return Array.from(graphemes.segment(text)).length;
}

/** Checks the limits every network shares: not blank, not over its length in graphemes and bytes. */
export function validateAgainstLimits(text: string, limits: ChannelLimits, networkName: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push(`${networkName} posts need text`);
  const graphemes = graphemeLength(text);
  if (graphemes > limits.maxGraphemes) {
    problems.push(`${networkName} allows at most ${limits.maxGraphemes} characters; this text has ${graphemes}`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (limits.maxBytes !== undefined && bytes > limits.maxBytes) {
    problems.push(`${networkName} allows at most ${limits.maxBytes} bytes of UTF-8; this text has ${bytes}`);
  }
  return problems;
}
