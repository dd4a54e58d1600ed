import { useQuery } from '@tanstack/react-query';
import { REPLY_RULES, TEXT_RULES, type TextRules } from '../../../../contracts/text-rules';
import type { InboxNetwork } from '../../../../contracts/inbox';
import { api, data, type Ok } from '../../api/client';

/** Shared by the inbox, the conversation view and the SLA report. */
export type ConversationList = Ok<'/v1/inbox/conversations', 'get'>;
export type ConversationItem = ConversationList['conversations'][number];
export type ConversationDetail = Ok<'/v1/inbox/conversations/{id}', 'get'>;
export type Message = ConversationDetail['messages'][number];
export type Reply = ConversationDetail['replies'][number];
export type Member = Ok<'/v1/members', 'get'>['members'][number];

export function useMembers() {
  return useQuery({
    queryKey: ['members'],
    queryFn: () => data(api.GET('/v1/members')),
    staleTime: 60_000,
    select: (answer) => answer.members,
  });
}

/** A member by id, as the inbox names them: name, else email. */
export function memberLabel(members: Member[] | undefined, userId: string | null | undefined): string {
  if (!userId) return 'Unassigned';
  const m = members?.find((x) => x.userId === userId);
  return m ? (m.name ?? m.email) : 'A former member';
}

/** How a contact is named: display name with handle, or the handle alone. */
export function contactName(contact: { displayName: string | null; handle: string }): string {
  return contact.displayName ? contact.displayName : `@${contact.handle}`;
}

/** The text rules a reply on this network is counted by (a comment's where the network's differ; pushed items: the webhook's, which are generous). */
export function replyRules(network: InboxNetwork): TextRules {
  return network === 'push' ? TEXT_RULES.webhook : REPLY_RULES[network];
}

/** "in 25 min", "3 h ago": a deadline relative to now, short enough for a phone's list. */
export function relative(iso: string, now: number): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const abs = Math.abs(minutes);
  const span = abs < 60 ? `${abs} min` : abs < 48 * 60 ? `${Math.round(abs / 60)} h` : `${Math.round(abs / 1440)} d`;
  return minutes >= 0 ? `in ${span}` : `${span} ago`;
}

/** The SLA deadline that matters now: the first response until there is one, then the resolution. */
export function slaState(
  c: Pick<ConversationItem, 'status' | 'firstResponseAt' | 'sla'>,
  now: number,
): { label: string; breached: boolean } | undefined {
  if (c.status === 'closed') return undefined;
  if (c.sla.breached) return { label: 'SLA breached', breached: true };
  const due = c.firstResponseAt === null ? c.sla.firstResponseDueAt : c.sla.resolutionDueAt;
  if (!due) return undefined;
  const what = c.firstResponseAt === null ? 'Reply due' : 'Resolve due';
  // Past due but not yet marked by the workflow: say so anyway, the timer fires within moments.
  return { label: `${what} ${relative(due, now)}`, breached: Date.parse(due) < now };
}
