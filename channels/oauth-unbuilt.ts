import { z } from 'zod';
import { OAUTH_PROVIDERS, type OAuthProviderName } from '../contracts/domain';
import { oauthCredentialsSchema } from '../contracts/oauth';
import { TEXT_RULES } from '../contracts/text-rules';
import type { ChannelAdapter } from './adapter';
import { ChannelError } from './errors';

/**
 * Stands in for an OAuth network's adapter until its own is registered (channels/registry.ts
 * registers each real one after these, which it replaces): it publishes nothing and says so.
 */
function unbuiltAdapter(provider: OAuthProviderName): ChannelAdapter<unknown> {
  const refuse = () => {
    throw new ChannelError('rejected', `publishing to ${provider} is not available in this version of Chorus`);
  };
  return {
    provider,
    credentialsSchema: oauthCredentialsSchema as z.ZodType<unknown>,
    limits: TEXT_RULES[provider].limits,
    validate: (text) => TEXT_RULES[provider].validate(text),
    validateMedia: () => [],
    verify: async () => refuse(),
    newIdempotencyKey: (targetId) => targetId,
    publish: async () => refuse(),
    delete: async () => refuse(),
  };
}

export function unbuiltOAuthAdapters(): Record<OAuthProviderName, ChannelAdapter<unknown>> {
  return Object.fromEntries(OAUTH_PROVIDERS.map((p) => [p, unbuiltAdapter(p)])) as Record<
    OAuthProviderName,
    ChannelAdapter<unknown>
  >;
}
