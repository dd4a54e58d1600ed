import { z } from 'zod';
import type { Db } from '../db/database';
import { peopleByIds, type Person } from '../db/users';
import type { ApprovalChainStatus } from '../workflows/messages';

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

// Loose: the chain's own fields are the workflow's to define; these only add the people.
const approvalStepSchema = z.looseObject({
  name: z.string(),
  eligibleUserIds: z.array(z.string()),
  approvers: z.array(personSchema).describe('The eligible approvers (eligibleUserIds), named'),
  escalateToUserIds: z.array(z.string()).optional(),
  escalateTo: z.array(personSchema).optional(),
});

export const approvalViewSchema = z.looseObject({
  state: z.string(),
  round: z.number().int(),
  currentStep: z.number().int().nullable(),
  steps: z.array(approvalStepSchema),
  decisions: z.array(z.looseObject({ userId: z.string(), user: personSchema, decision: z.string(), at: z.string() })),
  awaitingUserIds: z.array(z.string()).describe('Approvers of the current step who have not decided yet'),
  awaiting: z.array(personSchema),
});
export type ApprovalView = z.infer<typeof approvalViewSchema>;

/** An approval chain (a workflow's answer) with its approvers, deciders and awaited approvers named. */
export async function approvalWithPeople(db: Db, workspaceId: string, chain: ApprovalChainStatus): Promise<ApprovalView> {
  const awaitingUserIds = chain.awaitingUserIds ?? [];
  const person = await peopleNamer(db, workspaceId, [
    ...chain.steps.flatMap((s) => [...s.eligibleUserIds, ...(s.escalateToUserIds ?? [])]),
    ...chain.decisions.map((d) => d.userId),
    ...awaitingUserIds,
  ]);
  const named = (ids: string[]) => ids.map(person);
  return {
    ...chain,
    steps: chain.steps.map((s) => ({ ...s, approvers: named(s.eligibleUserIds), ...(s.escalateToUserIds ? { escalateTo: named(s.escalateToUserIds) } : {}) })),
    decisions: chain.decisions.map((d) => ({ ...d, user: person(d.userId) })),
    awaitingUserIds,
    awaiting: named(awaitingUserIds),
  };
}

/** Looks the ids up once; the answer names any of them (someone unknown to the workspace has no name). */
export async function peopleNamer(db: Db, workspaceId: string, ids: Iterable<string | null>): Promise<(id: string) => Person> {
  const people = await peopleByIds(db, workspaceId, ids);
  return (id) => people.get(id) ?? unknownPerson(id);
}
