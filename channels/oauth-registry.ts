/**
 * The OAuth half of each network Chorus connects through an authorization page (X, LinkedIn,
 * Facebook Pages, Instagram, Threads): its OAuthProvider (channels/oauth.ts), beside its adapter.
 * The connect routes (api/routes/channel-connect.ts) and the token workflow (activities/channel-tokens.ts)
 * find them here; a network is offered only when it has both a provider here and a client in the
 * configuration (`<NETWORK>_CLIENT_ID`, config/index.ts `oauthClients`).
 */
import type { OAuthProviderName, Provider } from '../contracts/domain';
import type { OAuthClientConfig, OAuthProvider } from './oauth';

export type OAuthProviders = Partial<Record<Provider, OAuthProvider>>;

/** What the networks' OAuth providers may need (where to reach the network: tests point them at local fakes). */
export interface OAuthProvidersOptions {
  /** Base URLs replacing the networks' own (a local fake's), by network. */
  baseUrls?: Partial<Record<OAuthProviderName, string>>;
}

/**
 * One OAuthProvider per network that has one. Register a network's here, keyed by its provider name:
 * `x: new XOAuth(options.baseUrls?.x)`, … (each network's own file beside its adapter).
 */
export function createOAuthProviders(_options: OAuthProvidersOptions = {}): OAuthProviders {
  return {};
}

/** The networks' OAuth providers with the configured clients: what the connect flow and the token refresh use. */
export interface OAuthSetup {
  providers: OAuthProviders;
  clients: Partial<Record<Provider, OAuthClientConfig>>;
}

/** A network's provider and client, when both exist (else the network is "not configured"). */
export function oauthNetwork(
  setup: OAuthSetup,
  provider: Provider,
): { provider: OAuthProvider; client: OAuthClientConfig } | undefined {
  const oauth = setup.providers[provider];
  const client = setup.clients[provider];
  return oauth && client ? { provider: oauth, client } : undefined;
}
