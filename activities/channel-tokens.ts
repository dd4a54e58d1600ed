import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ChannelError } from '../channels/errors';
import { oauthNetwork, type OAuthSetup } from '../channels/oauth-registry';
import type { ChannelAdapters } from '../channels/registry';
import type { RefreshOutcome, TokenPlan } from '../contracts/channel-tokens';
import { isOAuthProvider, OAUTH_NETWORK_NAMES } from '../contracts/domain';
import { Unavailable } from '../contracts/errors';
import { oauthCredentialsSchema, type OAuthCredentials } from '../contracts/oauth';
import { channelReconnectedSignal } from '../contracts/post';
import type { Db } from '../db/database';
import {
  findChannelTokens,
  markChannelNeedsReconnect,
  markTokenRefreshStarted,
  recordHeldPostNotice,
  saveRefreshedTokens,
} from '../db/oauth';
import type { Sealer } from '../db/sealing';
import type { Mailer } from '../notifications/mailer';
import { deliverNotification } from '../notifications/deliver';

export interface ChannelTokenDeps {
  db: Db;
  sealer: Sealer;
  temporal: Client;
  adapters: ChannelAdapters;
  mailer?: Mailer;
  /** The OAuth networks' providers and clients; unset: none (every OAuth channel's refresh then fails as unconfigured). */
  oauth?: OAuthSetup;
  /** How often owners and admins are reminded of posts held for a channel's reconnect; default HELD_REMINDER_MS. */
  heldReminderMs?: number;
}

/** A post held for its channel's reconnect is reminded of to owners and admins this often (one notice per channel and day). */
export const HELD_REMINDER_MS = 24 * 60 * 60_000;

/** How long before an access token expires it is refreshed: this, or half its remaining life if shorter. */
export const REFRESH_MARGIN_MS = 10 * 60_000;
/** Pauses between attempts to save a refresh's answer while the database is unreachable (the activity's timeout bounds them). */
const SAVE_RETRY_FIRST_MS = 250;
const SAVE_RETRY_MAX_MS = 5_000;

/**
 * The I/O of keeping OAuth channels' tokens valid (workflows/channel-tokens.ts).
 *
 * A refresh on a network that rotates refresh tokens uses up the old one: its answer holds the only
 * valid refresh token, and losing it (a crash, a cut connection, before the save) loses the grant.
 * So: a marker is set on the channel before the call (`token_refresh_started_at`); the answer is
 * saved in one statement that also clears the marker, retried in place while the database is down
 * (never by calling the network again); and an attempt that finds the marker still set knows an
 * earlier answer may be lost. It then tries the old refresh token once more (networks with a reuse
 * grace period, or that do not rotate, accept it: nothing lost); if the network refuses it, the
 * channel is marked `needs_reconnect` with that reason and its owners and admins are told, instead
 * of posts failing on a dead token later. No client can do better: the network alone had the answer.
 */
export function createChannelTokenActivities(deps: ChannelTokenDeps) {
  const { db, sealer } = deps;

  const open = (sealed: string): OAuthCredentials | undefined => {
    if (!sealer.opens(sealed)) return undefined;
    const parsed = oauthCredentialsSchema.safeParse(sealer.open(sealed));
    return parsed.success ? parsed.data : undefined;
  };

  /** Tells the posts held for the channel's credentials that it can be sent to again. */
  const release = (workflowIds: string[], channelId: string) =>
    Promise.all(
      workflowIds.map((id) =>
        deps.temporal.workflow
          .getHandle(id)
          .signal(channelReconnectedSignal, { channelId })
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }),
      ),
    );

  return {
    /** When the channel's access token is to be refreshed next, or that there is nothing to do. */
    async planTokenRefresh({ channelId }: { channelId: string }): Promise<TokenPlan> {
      const row = await findChannelTokens(db, channelId);
      if (!row || row.deleted_at) return { action: 'stop', reason: 'the channel was removed' };
      if (row.status === 'needs_reconnect')
        return { action: 'stop', reason: row.last_error ?? 'the channel needs reconnecting' };
      const credentials = open(row.credentials_sealed);
      if (!credentials)
        return { action: 'stop', reason: "the channel's credentials are sealed by another key (another deployment's)" };
      // An earlier refresh went to the network and its answer was not saved: find out at once.
      if (row.token_refresh_started_at) return { action: 'refresh_at', at: new Date().toISOString() };
      const expiresAt = credentials.tokens.accessTokenExpiresAt;
      if (expiresAt === null) return { action: 'none' };
      const remaining = Date.parse(expiresAt) - Date.now();
      const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, remaining / 2));
      return { action: 'refresh_at', at: new Date(Date.parse(expiresAt) - margin).toISOString() };
    },

    /**
     * Refreshes the channel's tokens with its network and saves the answer (see above). Throws to be
     * retried when the network or the database is unreachable.
     */
    async refreshChannelTokens({ channelId }: { channelId: string }): Promise<RefreshOutcome> {
      const context = Context.current();
      const row = await findChannelTokens(db, channelId);
      if (!row || row.deleted_at) return { outcome: 'gone' };
      if (row.status === 'needs_reconnect')
        return { outcome: 'needs_reconnect', reason: row.last_error ?? 'the channel needs reconnecting' };
      const credentials = open(row.credentials_sealed);
      if (!credentials) return { outcome: 'gone' };
      const network = isOAuthProvider(row.provider) && deps.oauth ? oauthNetwork(deps.oauth, row.provider) : undefined;
      const networkName = isOAuthProvider(row.provider) ? OAUTH_NETWORK_NAMES[row.provider] : row.provider;
      const needsReconnect = async (reason: string, lostAnswer: boolean) => {
        const marked = await markChannelNeedsReconnect(db, {
          channelId,
          refusedSealed: row.credentials_sealed,
          reason,
          lostAnswer,
        });
        if (!marked) return { outcome: 'superseded' as const };
        return { outcome: 'needs_reconnect' as const, reason, notificationId: marked.notificationId };
      };
      if (!network)
        return needsReconnect(
          `${networkName} is not configured on this deployment (${row.provider.toUpperCase()}_CLIENT_ID), so its tokens cannot be renewed`,
          false,
        );

      const lostBefore = row.token_refresh_started_at;
      if (!(await markTokenRefreshStarted(db, channelId, row.credentials_sealed))) return { outcome: 'superseded' };
      context.heartbeat();
      let tokens: OAuthCredentials['tokens'];
      try {
        tokens = await network.provider.refresh(network.client, credentials.tokens);
      } catch (err) {
        if (err instanceof ChannelError && err.kind === 'auth_failed') {
          const reason = lostBefore
            ? `The answer to a token refresh sent at ${lostBefore.toISOString()} was lost before Chorus could save it, and ${networkName} no longer accepts the refresh token it replaced (${err.message}). Reconnect the channel.`
            : `${networkName} refused to renew Chorus's access (${err.message}). Reconnect the channel.`;
          return needsReconnect(reason, lostBefore !== null);
        }
        // Unreachable, rate limited, a 5xx: the marker stays (the request may have reached the
        // network), and the retry finds it.
        const message = err instanceof Error ? err.message : String(err);
        throw ApplicationFailure.create({
          type: 'TokenRefreshFailed',
          message: `${row.name}: token refresh failed: ${message}`,
          nextRetryDelay: err instanceof ChannelError ? err.retryAfterMs : undefined,
          category: err instanceof ChannelError ? ApplicationFailureCategory.BENIGN : undefined,
        });
      }
      // A network that did not send a new refresh token keeps the old one valid (RFC 6749 §6).
      const next: OAuthCredentials = {
        account: credentials.account,
        tokens: { ...tokens, refreshToken: tokens.refreshToken ?? credentials.tokens.refreshToken },
      };
      const credentialsSealed = sealer.seal(next);
      // The answer is saved here or nowhere: retried in place while the database is down.
      for (let pauseMs = SAVE_RETRY_FIRST_MS; ; pauseMs = Math.min(pauseMs * 2, SAVE_RETRY_MAX_MS)) {
        try {
          const saved = await saveRefreshedTokens(db, {
            channelId,
            previousSealed: row.credentials_sealed,
            credentialsSealed,
          });
          if (!saved.saved) return { outcome: 'superseded' };
          // Posts refused with the stale token try again; one not told now waits for the next reconnect.
          await release(saved.heldWorkflowIds, channelId).catch((err: unknown) =>
            context.log.warn('Posts held for the channel were not told of its new token', {
              channelId,
              error: String(err),
            }),
          );
          return { outcome: 'refreshed', accessTokenExpiresAt: next.tokens.accessTokenExpiresAt };
        } catch (err) {
          if (!(err instanceof Unavailable)) throw err;
          await context.sleep(pauseMs);
          context.heartbeat();
        }
      }
    },

    /**
     * A post's target waits for its channel to be reconnected: tells the workspace's owners and
     * admins (`channel.posts_held`, see recordHeldPostNotice: at the start of the wait unless the
     * channel's refusal was told already, then once a day), and says when to remind again.
     */
    async remindHeldPost(input: {
      postId: string;
      targetId: string;
      channelId: string;
      reminder: number;
    }): Promise<{ remindAgainInMs: number }> {
      const notificationId = await recordHeldPostNotice(db, input);
      if (notificationId) await deliverNotification(deps, notificationId);
      return { remindAgainInMs: deps.heldReminderMs ?? HELD_REMINDER_MS };
    },

    /** Delivers the "reconnect this channel" notification by every route that has not had it. */
    async deliverChannelNotification({ notificationId }: { notificationId: string }): Promise<void> {
      await deliverNotification(deps, notificationId);
    },
  };
}

export type ChannelTokenActivities = ReturnType<typeof createChannelTokenActivities>;
