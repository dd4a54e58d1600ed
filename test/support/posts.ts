import type { Chorus } from './chorus';

/** Creates a post through the API as `token`'s holder; fails the test unless it is created (201). */
export async function createdPost(call: Chorus['call'], token: string, body: Record<string, unknown>) {
  const res = await call(token, 'POST', '/v1/posts', body);
  expect(res.statusCode).toBe(201);
  return res.json();
}
