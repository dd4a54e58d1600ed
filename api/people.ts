import { z } from 'zod';
import type { Db } from '../db/database';
import { peopleByIds, type Person } from '../db/users';
import { approvalChainView, approvalStepView, decisionView, type ApprovalChainView } from './workflow-updates';

/**
 * Views that name people by id (approval chains, the audit log, notifications) show each one's
 * name and email beside the id, looked up once per answer.
 */
export const personSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  member: z.boolean().describe('false: removed from the workspace since'),
});

const unknownPerson = (id: string): Person => ({ id, name: null, email: null, member: false });

/** An approval chain as the API shows it (steps from 1), its approvers, deciders and awaited approvers named. */
export const approvalViewSchema = approvalChainView.extend({
  steps: z.array(
    approvalStepView.extend({
      approvers: z.array(personSchema).describe('The eligible approvers (eligibleUserIds), named'),
      escalateTo: z.array(personSchema).optional(),
    }),
  ),
  decisions: z.array(decisionView.extend({ user: personSchema })),
  awaiting: z.array(personSchema),
});
export type ApprovalView = z.infer<typeof approvalViewSchema>;

export async function approvalWithPeople(db: Db, workspaceId: string, chain: ApprovalChainView): Promise<ApprovalView> {
  const person = await peopleNamer(db, workspaceId, [
    ...chain.steps.flatMap((s) => [...s.eligibleUserIds, ...(s.escalateToUserIds ?? [])]),
    ...chain.decisions.map((d) => d.userId),
    ...chain.awaitingUserIds,
  ]);
  const named = (ids: string[]) => ids.map(person);
  return {
    ...chain,
    steps: chain.steps.map((s) => ({
      ...s,
      approvers: named(s.eligibleUserIds),
      ...(s.escalateToUserIds ? { escalateTo: named(s.escalateToUserIds) } : {}),
    })),
    decisions: chain.decisions.map((d) => ({ ...d, user: person(d.userId) })),
    awaiting: named(chain.awaitingUserIds),
  };
}

/** Looks the ids up once; the answer names any of them (someone unknown to the workspace has no name). */
export async function peopleNamer(
  db: Db,
  workspaceId: string,
  ids: Iterable<string | null>,
): Promise<(id: string) => Person> {
  const people = await peopleByIds(db, workspaceId, ids);
  return (id) => people.get(id) ?? unknownPerson(id);
}
