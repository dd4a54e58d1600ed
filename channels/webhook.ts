import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { TEXT_RULES } from '../contracts/text-rules';
import { type ChannelAdapter, type PublishRequest, type PublishResult } from './adapter';
import { guardedRequest, RefusedAddressError } from './address-guard';
import { ChannelError, retryDelayFromHeaders } from './errors';

/** Standard Webhooks secrets are 24 to 64 random bytes, base64, optionally prefixed `whsec_`. */
const secretSchema = z.string().refine((s) => {
  const bytes = Buffer.from(s.replace(/^whsec_/, ''), 'base64').length;
  return bytes >= 24 && bytes <= 64;
}, 'must be 24 to 64 bytes of base64, optionally prefixed whsec_');

export const webhookCredentialsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secret: secretSchema,
});
export type WebhookCredentials = z.infer<typeof webhookCredentialsSchema>;

const TIMEOUT_MS = 15_000;

export interface WebhookOptions {
  /** Deliver to private, loopback and link-local addresses too (an intranet install, tests). */
  allowPrivateAddresses: boolean;
}

/**
 * Delivers posts as JSON to a URL, signed per Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature). The webhook-id is the target's idempotency key, identical on every retry,
 * so the receiver can drop repeats. The URL is the user's choice, so deliveries (pings included)
 * go through the address guard: a webhook is no way into the worker's own network.
 */
export class WebhookAdapter implements ChannelAdapter<WebhookCredentials> {
  readonly provider = 'webhook' as const;
  readonly credentialsSchema = webhookCredentialsSchema;
  readonly limits = TEXT_RULES.webhook.limits;

  constructor(private readonly options: WebhookOptions = { allowPrivateAddresses: false }) {}

  validate(text: string): string[] {
    return TEXT_RULES.webhook.validate(text);
  }

  /** The receiver gets each medium's facts and checksum (its bytes at GET /v1/media/:id/content); any media will do. */
  validateMedia(): string[] {
    return [];
  }

  async verify(credentials: WebhookCredentials): Promise<{ accountRef: string }> {
    await this.deliver(credentials, `ping_${randomUUID()}`, {
      type: 'chorus.ping',
      timestamp: new Date().toISOString(),
      data: {},
    });
    return { accountRef: new URL(credentials.url).host };
  }

  newIdempotencyKey(targetId: string): string {
    return `msg_${targetId}`;
  }

  async publish(credentials: WebhookCredentials, request: PublishRequest): Promise<PublishResult> {
    const payload = {
      type: 'post.published',
      timestamp: new Date().toISOString(),
      data: {
        postId: request.postId,
        targetId: request.targetId,
        text: request.text,
        publishAt: request.publishAt,
        media: request.media.map((m) => ({
          mediaId: m.mediaId,
          contentType: m.contentType,
          bytes: m.bytes,
          width: m.width,
          height: m.height,
          alt: m.alt,
          sha256: m.sha256,
        })),
      },
    };
    await this.deliver(credentials, request.idempotencyKey, payload);
    return { externalId: request.idempotencyKey, url: null };
  }

  async delete(credentials: WebhookCredentials, externalId: string): Promise<void> {
    await this.deliver(credentials, `${externalId}_deleted`, {
      type: 'post.deleted',
      timestamp: new Date().toISOString(),
      data: { messageId: externalId },
    });
  }

  /** Delivers any signed event (e.g. a notification); `messageId` is the receiver's idempotency key. */
  async deliver(credentials: WebhookCredentials, messageId: string, payload: unknown): Promise<void> {
    const body = JSON.stringify(payload);
    const sentAt = new Date();
    const signature = new Webhook(credentials.secret).sign(messageId, sentAt, body);
    let status: number;
    let headers: Record<string, string | undefined>;
    try {
      const response = await guardedRequest(new URL(credentials.url), {
        allowPrivateAddresses: this.options.allowPrivateAddresses,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Chorus-Webhooks/1',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      response.resume(); // the body is not read
      status = response.statusCode ?? 0;
      headers = response.headers as Record<string, string | undefined>;
    } catch (err) {
      // Refused for good: the URL does not change between retries.
      if (err instanceof RefusedAddressError)
        throw new ChannelError(
          'rejected',
          `Webhook ${credentials.url} is not delivered to: ${err.message}`,
          undefined,
          'url',
        );
      throw new ChannelError(
        'transient',
        `Webhook ${credentials.url} unreachable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (status >= 200 && status < 300) return;
    if (status === 429 || status === 503) {
      throw new ChannelError('rate_limited', `Webhook answered ${status}`, retryDelayFromHeaders(headers));
    }
    if (status === 408 || status >= 500) throw new ChannelError('transient', `Webhook answered ${status}`);
    if (status === 401 || status === 403)
      throw new ChannelError('auth_failed', `Webhook refused the signature (${status}); check the channel's secret`);
    throw new ChannelError('rejected', `Webhook refused the delivery (${status})`);
  }
}
