import type { Provider } from '../db/channels';
import type { ChannelAdapter, MediaUrls } from './adapter';
import { BlueskyAdapter } from './bluesky';
import { FacebookAdapter } from './facebook';
import { InstagramAdapter } from './instagram';
import type { LinkCardOptions } from './link-card';
import { LinkedInAdapter, LINKEDIN_DEFAULTS, type LinkedInOptions } from './linkedin';
import { MastodonAdapter } from './mastodon';
import { META_DEFAULTS } from './meta-graph';
import { ThreadsAdapter } from './threads';
import { WebhookAdapter, type WebhookOptions } from './webhook';
import { XAdapter, X_DEFAULTS, type XOptions } from './x';

export type ChannelAdapters = Record<Provider, ChannelAdapter<unknown>>;

/**
 * One adapter per provider; adapters keep per-account sessions, so build this once per process.
 * `linkCards`: false to publish links without cards; by default cards are fetched from public
 * addresses only. `webhooks`: by default deliveries go to public addresses only. `x`, `linkedin`: the
 * networks' API addresses (default: the real ones). `meta`: the Graph
 * and Threads API base URLs (Meta's by default); `mediaUrls`: the signed URLs Instagram and Threads
 * fetch media from (without them, their posts with media fail).
 */
export function createChannelAdapters(
  options: {
    linkCards?: LinkCardOptions | false;
    webhooks?: WebhookOptions;
    blueskyAppviewDid?: string;
    /** Where X's and LinkedIn's APIs are (config/index.ts networkEndpoints). */
    x?: XOptions;
    linkedin?: LinkedInOptions;
    meta?: { graphUrl: string; threadsUrl: string };
    mediaUrls?: MediaUrls;
  } = {},
): ChannelAdapters {
  const meta = options.meta ?? META_DEFAULTS;
  return {
    bluesky: new BlueskyAdapter({
      linkCards: options.linkCards ?? { allowPrivateAddresses: false },
      ...(options.blueskyAppviewDid ? { appviewDid: options.blueskyAppviewDid } : {}),
    }) as ChannelAdapter<unknown>,
    webhook: new WebhookAdapter(options.webhooks ?? { allowPrivateAddresses: false }) as ChannelAdapter<unknown>,
    mastodon: new MastodonAdapter() as ChannelAdapter<unknown>,
    x: new XAdapter(options.x ?? X_DEFAULTS) as ChannelAdapter<unknown>,
    linkedin: new LinkedInAdapter(options.linkedin ?? LINKEDIN_DEFAULTS) as ChannelAdapter<unknown>,
    facebook: new FacebookAdapter({ graphUrl: meta.graphUrl }) as ChannelAdapter<unknown>,
    instagram: new InstagramAdapter({ graphUrl: meta.graphUrl }, options.mediaUrls) as ChannelAdapter<unknown>,
    threads: new ThreadsAdapter({ threadsUrl: meta.threadsUrl }, options.mediaUrls) as ChannelAdapter<unknown>,
  };
}
