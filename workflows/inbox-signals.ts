import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { InboxActivities } from '../activities/inbox';
import type { InboxSignalRelayInput } from '../contracts/inbox';

/** Relay runs per workflow run before continuing as new (each a few events). */
const RELAYS_PER_RUN = 100;

/**
 * Each relay runs for about a minute, sending what is queued as it comes and heartbeating: a lost
 * worker's relay moves to another within 10 s.
 */
const { relayConversationSignals } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * The relay of one deployment's conversation signals (`inbox-signals/<taskQueue>`): storing
 * inbound items queues, in the same transaction, a signal for each changed conversation whose
 * workflow has work to do (db/inbox-signals.ts); this sends them (signal-with-start) and clears
 * them, for good, one relay activity after another. A failed relay (Temporal unreachable) is
 * retried; what it had not cleared is sent by the next.
 */
export async function inboxSignalRelay(input: InboxSignalRelayInput): Promise<void> {
  let sent = input.carried?.sent ?? 0;
  for (let runs = 0; ; runs++) {
    if (runs >= RELAYS_PER_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof inboxSignalRelay>({ carried: { sent } });
    sent += (await relayConversationSignals({})).sent;
    setCurrentDetails(`**relaying** · ${sent} conversation signals sent`);
  }
}
