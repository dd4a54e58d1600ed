/**
 * What every client of Chorus workflows shares: the task queue, the search attributes and the
 * ApplicationFailure types. Contracts import nothing of Chorus's own: every layer may import them.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'chorus-publishing';

/** Where the web app, its short links and its media are served when CHORUS_APP_URL is not set. */
export const DEFAULT_APP_URL = 'http://127.0.0.1:3000';

export const SearchAttributes = {
  workspace: defineSearchAttributeKey('ChorusWorkspace', SearchAttributeType.KEYWORD),
  post: defineSearchAttributeKey('ChorusPost', SearchAttributeType.KEYWORD),
  channels: defineSearchAttributeKey('ChorusChannels', SearchAttributeType.KEYWORD_LIST),
  campaign: defineSearchAttributeKey('ChorusCampaign', SearchAttributeType.KEYWORD),
  postStatus: defineSearchAttributeKey('ChorusPostStatus', SearchAttributeType.KEYWORD),
  /** A campaign's status (draft, in_review, scheduled, live, paused, completed, cancelled, rejected). */
  campaignStatus: defineSearchAttributeKey('ChorusCampaignStatus', SearchAttributeType.KEYWORD),
  /** A listening query's loop: active, paused or stopped. */
  listeningStatus: defineSearchAttributeKey('ChorusListeningStatus', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SearchAttributes);

/** ApplicationFailure types raised by activities; the first three are never retried. */
export const FailureType = {
  InvalidContent: 'InvalidContent',
  ChannelAuthFailed: 'ChannelAuthFailed',
  DeliveryRejected: 'DeliveryRejected',
  ChannelRemoved: 'ChannelRemoved',
  RateLimited: 'RateLimited',
  ChannelUnavailable: 'ChannelUnavailable',
  /** The network is still processing what was sent (a Meta media container): asked again later. */
  NetworkProcessing: 'NetworkProcessing',
  PostNotFound: 'PostNotFound',
  NotEligible: 'NotEligible',
  /** A decision named a step or round the chain is no longer at (details: the current ones). */
  StaleDecision: 'StaleDecision',
  /** A staged post was claimed for publishing before a cancel, reschedule or edit could be saved. */
  PublishingStarted: 'PublishingStarted',
  /** The database refused the data itself (PostgreSQL class 22: a NUL in a text, an invalid uuid): never retried. */
  BadData: 'BadData',
  /** The change breaks an integrity rule (PostgreSQL class 23) that retrying will not mend: never retried. */
  IntegrityViolation: 'IntegrityViolation',
  /** The worker running the activity stopped renewing its lease (services/publish-leases.ts): retried elsewhere. */
  WorkerLost: 'WorkerLost',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
