/**
 * What OAuth-connected channels (X, LinkedIn, Facebook Pages, Instagram, Threads) share: the tokens
 * a network granted and the account they publish as. Stored sealed as a channel's credentials; the
 * adapters read them, the per-channel token workflow keeps them fresh.
 */
import { z } from 'zod';

export const oauthTokensSchema = z.strictObject({
  accessToken: z.string().min(1),
  /** When the access token stops working (ISO 8601); null when the network says it never expires. */
  accessTokenExpiresAt: z.iso.datetime({ offset: true }).nullable(),
  /** Null where the network has none (Meta): such tokens are renewed from the access token itself, or not at all. */
  refreshToken: z.string().min(1).nullable(),
  refreshTokenExpiresAt: z.iso.datetime({ offset: true }).nullable(),
  /** The scopes granted, as the network named them. */
  scopes: z.array(z.string()),
});
export type OAuthTokens = z.infer<typeof oauthTokensSchema>;

/** One account the granted tokens can publish as: the member, an organization, a Page, an Instagram business account. */
export const oauthAccountSchema = z.strictObject({
  /** The network's id (an X user id, `urn:li:organization:…`, a Page id, an IG user id). */
  id: z.string().min(1),
  name: z.string(),
  /** What kind of account, in the network's words (`member`, `organization`, `page`, `instagram_business`). */
  kind: z.string().min(1),
  /** A token of the account's own where the network issues one (a Facebook Page token); else null. */
  accountToken: z.string().min(1).nullable(),
});
export type OAuthAccount = z.infer<typeof oauthAccountSchema>;

/** A connected OAuth channel's credentials: what the adapters take and the token workflow renews. */
export const oauthCredentialsSchema = z.strictObject({
  tokens: oauthTokensSchema,
  account: oauthAccountSchema,
});
export type OAuthCredentials = z.infer<typeof oauthCredentialsSchema>;
