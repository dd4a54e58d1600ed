import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { channelTokensWorkflowId, tokensChangedSignal } from '../contracts/channel-tokens';
import { isOAuthProvider, OAUTH_PROVIDERS } from '../contracts/domain';
import type { Db } from '../db/database';
import { listOAuthChannels } from '../db/oauth';
import type { Sealer } from '../db/sealing';
import type { channelTokensWorkflow } from '../workflows/channel-tokens';

/**
 * Starts the channel's token workflow (`channel-tokens/<channelId>`) if it is not running, and tells
 * a running one that the tokens changed (a reconnect): it plans again from them.
 */
export async function startChannelTokens(
  { temporal, taskQueue }: { temporal: Client; taskQueue: string },
  channel: { id: string; workspaceId: string; provider: string },
): Promise<void> {
  if (!isOAuthProvider(channel.provider)) return;
  await temporal.workflow.signalWithStart<typeof channelTokensWorkflow>('channelTokensWorkflow', {
    workflowId: channelTokensWorkflowId(channel.id),
    taskQueue,
    args: [{ channelId: channel.id, workspaceId: channel.workspaceId }],
    signal: tokensChangedSignal,
  });
}

/** Nothing to do when it is not running. */
export async function stopChannelTokens({ temporal }: { temporal: Client }, channelId: string): Promise<void> {
  // The workflow ends by itself at its next look (the channel is removed); waking it makes that now.
  await temporal.workflow
    .getHandle(channelTokensWorkflowId(channelId))
    .signal(tokensChangedSignal)
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
}

/**
 * Starts the token workflow of every connected OAuth channel whose key this deployment has (a channel
 * connected while no worker ran, a workflow that ended): at a worker's start, idempotent.
 */
export async function ensureChannelTokenWorkflows(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  sealer: Sealer;
}): Promise<number> {
  const channels = (await listOAuthChannels(deps.db, OAUTH_PROVIDERS)).filter((c) =>
    deps.sealer.opens(c.credentialsSealed),
  );
  for (const channel of channels) await startChannelTokens(deps, channel);
  return channels.length;
}
