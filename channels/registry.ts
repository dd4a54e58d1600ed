import type { Provider } from '../db/channels';
import type { ChannelAdapter } from './adapter';
import { BlueskyAdapter } from './bluesky';
import type { LinkCardOptions } from './link-card';
import { MastodonAdapter } from './mastodon';
import { unbuiltOAuthAdapters } from './oauth-unbuilt';
import { WebhookAdapter, type WebhookOptions } from './webhook';

export type ChannelAdapters = Record<Provider, ChannelAdapter<unknown>>;

/**
 * One adapter per provider; adapters keep per-account sessions, so build this once per process.
 * `linkCards`: false to publish links without cards; by default cards are fetched from public
 * addresses only. `webhooks`: by default deliveries go to public addresses only.
 */
export function createChannelAdapters(
  options: { linkCards?: LinkCardOptions | false; webhooks?: WebhookOptions; blueskyAppviewDid?: string } = {},
): ChannelAdapters {
  return {
    // Replaced by each OAuth network's own adapter below, as they are built.
    ...unbuiltOAuthAdapters(),
    bluesky: new BlueskyAdapter({
      linkCards: options.linkCards ?? { allowPrivateAddresses: false },
      ...(options.blueskyAppviewDid ? { appviewDid: options.blueskyAppviewDid } : {}),
    }) as ChannelAdapter<unknown>,
    webhook: new WebhookAdapter(options.webhooks ?? { allowPrivateAddresses: false }) as ChannelAdapter<unknown>,
    mastodon: new MastodonAdapter() as ChannelAdapter<unknown>,
  };
}
