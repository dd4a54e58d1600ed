/**
 * The OAuth half of each network Chorus connects through an authorization page (X, LinkedIn,
 * Facebook Pages, Instagram, Threads): its OAuthProvider (channels/oauth.ts), beside its adapter.
 * The connect routes (api/routes/channel-connect.ts) and the token workflow (activities/channel-tokens.ts)
 * find them here; a network is offered only when it has both a provider here and a client in the
 * configuration (`<NETWORK>_CLIENT_ID`, config/index.ts `oauthClients`).
 */
import type { Provider } from '../contracts/domain';
import { FacebookOAuthProvider } from './facebook';
import { InstagramOAuthProvider } from './instagram';
import { LINKEDIN_DEFAULTS, LinkedInOAuthProvider, type LinkedInOptions } from './linkedin';
import { META_DEFAULTS } from './meta-graph';
import type { OAuthClientConfig, OAuthProvider } from './oauth';
import { ThreadsOAuthProvider } from './threads';
import { X_DEFAULTS, XOAuthProvider, type XOptions } from './x';

export type OAuthProviders = Partial<Record<Provider, OAuthProvider>>;

/** Where the networks are (config/index.ts networkEndpoints; tests point them at local fakes). Default: the real ones. */
export interface OAuthProvidersOptions {
  x?: XOptions;
  linkedin?: LinkedInOptions;
  meta?: { graphUrl: string; threadsUrl: string; dialogUrl?: string; threadsAuthorizeUrl?: string };
}

/** One OAuthProvider per network that connects through an authorization page, beside its adapter. */
export function createOAuthProviders(options: OAuthProvidersOptions = {}): OAuthProviders {
  const meta: NonNullable<OAuthProvidersOptions['meta']> = options.meta ?? META_DEFAULTS;
  return {
    x: new XOAuthProvider(options.x ?? X_DEFAULTS),
    linkedin: new LinkedInOAuthProvider(options.linkedin ?? LINKEDIN_DEFAULTS),
    facebook: new FacebookOAuthProvider({ graphUrl: meta.graphUrl, dialogUrl: meta.dialogUrl }),
    instagram: new InstagramOAuthProvider({ graphUrl: meta.graphUrl, dialogUrl: meta.dialogUrl }),
    threads: new ThreadsOAuthProvider({ threadsUrl: meta.threadsUrl, authorizeUrl: meta.threadsAuthorizeUrl }),
  };
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
