import type { Provider } from '../db/channels';
import type { ChannelAdapter } from './adapter';
import { BlueskyAdapter } from './bluesky';
import type { LinkCardOptions } from './link-card';
import { LinkedInAdapter, LINKEDIN_DEFAULTS, type LinkedInOptions } from './linkedin';
import { MastodonAdapter } from './mastodon';
import { WebhookAdapter, type WebhookOptions } from './webhook';
import { XAdapter, X_DEFAULTS, type XOptions } from './x';

export type ChannelAdapters = Record<Provider, ChannelAdapter<unknown>>;

/**
 * One adapter per provider; adapters keep per-account sessions, so build this once per process.
 * `linkCards`: false to publish links without cards; by default cards are fetched from public
 * addresses only. `webhooks`: by default deliveries go to public addresses only. `x`, `linkedin`: the
 * networks' API addresses (default: the real ones).
 */
export function createChannelAdapters(
  options: {
    linkCards?: LinkCardOptions | false;
    webhooks?: WebhookOptions;
    blueskyAppviewDid?: string;
    /** Where X's and LinkedIn's APIs are (config/index.ts networkEndpoints). */
    x?: XOptions;
    linkedin?: LinkedInOptions;
  } = {},
): ChannelAdapters {
  return {
    bluesky: new BlueskyAdapter({
      linkCards: options.linkCards ?? { allowPrivateAddresses: false },
      ...(options.blueskyAppviewDid ? { appviewDid: options.blueskyAppviewDid } : {}),
    }) as ChannelAdapter<unknown>,
    webhook: new WebhookAdapter(options.webhooks ?? { allowPrivateAddresses: false }) as ChannelAdapter<unknown>,
    mastodon: new MastodonAdapter() as ChannelAdapter<unknown>,
    x: new XAdapter(options.x ?? X_DEFAULTS) as ChannelAdapter<unknown>,
    linkedin: new LinkedInAdapter(options.linkedin ?? LINKEDIN_DEFAULTS) as ChannelAdapter<unknown>,
  };
}
