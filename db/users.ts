import { sql, type ColumnType, type Generated, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import type { CreatedAt } from './columns';
import type { UserKind } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { UserKind };

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  /** A service account is a non-human member for an integration: tokens minted by admins, no invitations. */
  kind: ColumnType<UserKind, UserKind | undefined, UserKind>;
  created_at: CreatedAt;
  /** scrypt hash (db/passwords.ts) of the password the person signs in with; null: none set yet. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Who an id in a view stands for. `member` is false for someone removed from the workspace since. */
export interface Person {
  id: string;
  name: string | null;
  email: string | null;
  member: boolean;
}

/**
 * Name and email of each user id, in one query: members of the workspace, and people removed from
 * it (their users row stays), never a user the workspace never had. Every id asked for gets an
 * entry; one the workspace does not know has no name or email.
 */
export async function peopleByIds(
  db: Db,
  workspaceId: string,
  ids: Iterable<string | null | undefined>,
): Promise<Map<string, Person>> {
  const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))];
  const people = new Map<string, Person>(wanted.map((id) => [id, { id, name: null, email: null, member: false }]));
  if (wanted.length === 0) return people;
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 'u.id').on('m.workspace_id', '=', workspaceId))
    .select(['u.id', 'u.name', 'u.email', 'm.role'])
    .where(sql<boolean>`u.id::text = any(${wanted})`)
    .where((eb) =>
      eb.or([
        eb('m.role', 'is not', null),
        // A removed member: the workspace's audit log recorded the removal.
        eb.exists(
          eb
            .selectFrom('audit_log as a')
            .select(sql`1`.as('one'))
            .where('a.workspace_id', '=', workspaceId)
            .where('a.action', '=', 'member.removed')
            .whereRef('a.subject_id', '=', sql`u.id::text`),
        ),
      ]),
    )
    .execute();
  for (const r of rows) people.set(r.id, { id: r.id, name: r.name, email: r.email, member: r.role !== null });
  return people;
}

/** The person an email signs in as (emails are stored lowercased), with their password hash. */
export async function findPersonByEmail(
  db: Db,
  email: string,
): Promise<{ id: string; email: string; name: string | null; passwordHash: string | null } | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash as passwordHash'])
    .where('email', '=', email.trim().toLowerCase())
    .where('kind', '=', 'person')
    .executeTakeFirst();
}

/** The user's password hash (null: none set yet), locked until the transaction ends. */
export async function lockPasswordHash(trx: Transaction<Database>, userId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.password_hash;
}

/** Sets the user's password hash, and their name when one is given. */
export async function setPassword(
  trx: Transaction<Database>,
  input: { userId: string; passwordHash: string; name?: string },
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ password_hash: input.passwordHash, ...(input.name === undefined ? {} : { name: input.name }) })
    .where('id', '=', input.userId)
    .execute();
}
