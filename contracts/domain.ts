/** The domain's enums, shared by the tables (db/), the workflows' contracts and the API. */

export const ROLES = ['owner', 'admin', 'editor', 'approver', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** What a token may do, within its member's role; a token without scopes may do all the role allows. */
export const SCOPES = ['read', 'publish', 'approve', 'listening', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const USER_KINDS = ['person', 'service'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/** The networks connected through OAuth (POST /v1/channels/connect/:provider), not with credentials typed in. */
export const OAUTH_PROVIDERS = ['x', 'linkedin', 'facebook', 'instagram', 'threads'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

export const PROVIDERS = ['bluesky', 'webhook', 'mastodon', ...OAUTH_PROVIDERS] as const;
/** The social networks among them (a webhook channel is none): each has an inbox and counts. */
export const SOCIAL_NETWORKS = ['bluesky', 'mastodon', ...OAUTH_PROVIDERS] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The OAuth networks as people name them. */
export const OAUTH_NETWORK_NAMES: Record<OAuthProviderName, string> = {
  x: 'X',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
};

export const isOAuthProvider = (provider: string): provider is OAuthProviderName =>
  (OAUTH_PROVIDERS as readonly string[]).includes(provider);

/**
 * A channel's connection: `connected`, or `needs_reconnect` once its network refused to renew
 * Chorus's access for good (an OAuth channel whose refresh failed): its posts wait until it is reconnected.
 */
export const CHANNEL_STATUSES = ['connected', 'needs_reconnect'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export const POST_STATUSES = [
  'awaiting_approval',
  'changes_requested',
  'scheduled',
  'held',
  'publishing',
  'published',
  'partially_published',
  'failed',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export const TARGET_STATUSES = ['pending', 'publishing', 'published', 'failed', 'cancelled'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const NOTIFICATION_SUBJECT_TYPES = [
  'post',
  'campaign',
  'library_item',
  'alert',
  'conversation',
  'workspace',
  'channel',
] as const;
export type NotificationSubjectType = (typeof NOTIFICATION_SUBJECT_TYPES)[number];

export const CAMPAIGN_STATUSES = [
  'draft',
  'in_review',
  'scheduled',
  'live',
  'paused',
  'completed',
  'cancelled',
  'rejected',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A saved reply is the inbox's canned answer, with {{author.name}}, {{author.handle}} and {{post.link}}. */
export const LIBRARY_ITEM_KINDS = ['snippet', 'template', 'media', 'saved_reply'] as const;
export type LibraryItemKind = (typeof LIBRARY_ITEM_KINDS)[number];
