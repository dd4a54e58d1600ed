import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import type { Chorus } from './chorus';

/** Creates a post through the API as `token`'s holder; fails the test unless it is created (201). */
export async function createdPost(call: Chorus['call'], token: string, body: Record<string, unknown>) {
  const res = await call(token, 'POST', '/v1/posts', body);
  expect(res.statusCode).toBe(201);
  return res.json();
}

/**
 * A scheduled post row with no targets, written straight to the database (for tests of the reads
 * themselves, where no workflow runs); returns its id.
 */
export async function insertPostRow(db: Db, owner: { workspaceId: string; userId: string }, text: string) {
  const id = randomUUID();
  await db
    .insertInto('posts')
    .values({
      id,
      workspace_id: owner.workspaceId,
      author_id: owner.userId,
      text,
      publish_at: new Date('2026-12-01T10:00:00Z'),
      status: 'scheduled',
      workflow_id: `post-${id}`,
      updated_at: new Date(),
    })
    .execute();
  return id;
}
