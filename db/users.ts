import { sql, type ColumnType, type Generated, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import type { CreatedAt } from './columns';
import type { UserKind } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { UserKind };

export interface UsersTable {
  id: Generated<string>;
  email: string;
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
 * Name and email of each user id, in one query: members of the workspace (by the name it gave
 * them), and people removed from it (by the name it knew them by, kept in the removal's audit
 * entry), never a user the workspace never had, nor a name another workspace gave. Every id asked
 * for gets an entry; one the workspace does not know has no name or email.
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
    // A removed member: the workspace's audit log recorded the removal (the latest one, with the name).
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('audit_log as a')
          .select([sql<number>`1`.as('found'), sql<string | null>`a.before->>'name'`.as('name')])
          .where('a.workspace_id', '=', workspaceId)
          .where('a.action', '=', 'member.removed')
          .whereRef('a.subject_id', '=', sql`u.id::text`)
          .orderBy('a.id', 'desc')
          .limit(1)
          .as('removed'),
      (join) => join.onTrue(),
    )
    .select([
      'u.id',
      'u.email',
      'm.role',
      sql<string | null>`case when m.role is not null then m.name else removed.name end`.as('name'),
    ])
    .where(sql<boolean>`u.id::text = any(${wanted})`)
    .where((eb) => eb.or([eb('m.role', 'is not', null), eb('removed.found', 'is not', null)]))
    .execute();
  for (const r of rows) people.set(r.id, { id: r.id, name: r.name, email: r.email, member: r.role !== null });
  return people;
}

/** The person an email signs in as (emails are stored lowercased), with their password hash. */
export async function findPersonByEmail(
  db: Db,
  email: string,
): Promise<{ id: string; email: string; passwordHash: string | null } | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash as passwordHash'])
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

/** Sets the user's password hash. */
export async function setPassword(
  trx: Transaction<Database>,
  input: { userId: string; passwordHash: string },
): Promise<void> {
  await trx.updateTable('users').set({ password_hash: input.passwordHash }).where('id', '=', input.userId).execute();
}

/** Sets the name one workspace knows its member by (the member's own choice, on accepting its invitation). */
export async function setMemberName(
  trx: Transaction<Database>,
  input: { workspaceId: string; userId: string; name: string },
): Promise<void> {
  await trx
    .updateTable('memberships')
    .set({ name: input.name })
    .where('workspace_id', '=', input.workspaceId)
    .where('user_id', '=', input.userId)
    .execute();
}
