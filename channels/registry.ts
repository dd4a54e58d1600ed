import type { Provider } from '../db/database';
import type { ChannelAdapter } from './adapter';
import { BlueskyAdapter } from './bluesky';
import { WebhookAdapter } from './webhook';

export type ChannelAdapters = Record<Provider, ChannelAdapter<unknown>>;

/** One adapter per provider; adapters keep per-account sessions, so build this once per process. */
export function createChannelAdapters(): ChannelAdapters {
  return {
    bluesky: new BlueskyAdapter() as ChannelAdapter<unknown>,
    webhook: new WebhookAdapter() as ChannelAdapter<unknown>,
  };
}
