/**
 * The OAuth half of a network: how a user grants Chorus access and how the grant is kept alive.
 * One implementation per network that uses OAuth, beside its adapter (channels/x.ts, …); the connect
 * routes and the per-channel token workflow use only this interface.
 */
import type { Provider } from '../contracts/domain';
import type { OAuthAccount, OAuthTokens } from '../contracts/oauth';

/** One network's OAuth client, from configuration; a network without one is "not configured". */
export interface OAuthClientConfig {
  clientId: string;
  /** Confidential clients only (a public PKCE client has none). */
  clientSecret: string | null;
  /** Where the network sends the browser back: `<PUBLIC_URL>/v1/channels/callback/<provider>`. */
  redirectUri: string;
}

export interface OAuthProvider {
  readonly provider: Provider;
  /** The scopes Chorus asks for. */
  readonly scopes: readonly string[];
  /** Whether the authorization request carries a PKCE challenge (S256). */
  readonly usesPkce: boolean;
  /** The network's authorization page for this request. */
  authorizationUrl(config: OAuthClientConfig, request: { state: string; codeChallenge: string | null }): string;
  /** Trades the callback's code for tokens (long-lived ones where the network has a second exchange). */
  exchangeCode(config: OAuthClientConfig, grant: { code: string; codeVerifier: string | null }): Promise<OAuthTokens>;
  /**
   * Fresh tokens before the current ones expire. A network that rotates refresh tokens returns the
   * new one here; the caller saves it before anything else. Throws ChannelError `auth_failed` when
   * the network refuses the grant for good (the channel then needs reconnecting).
   */
  refresh(config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens>;
  /** The accounts these tokens can publish as; with more than one, the user picks. */
  listAccounts(config: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthAccount[]>;
}
