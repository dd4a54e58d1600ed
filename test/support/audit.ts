import type { Chorus } from './chorus';
import { createWorkspace, type TestWorkspace } from './harness';

/** GET /v1/audit/verify as `token`'s holder. */
export const verifyAudit = async (call: Chorus['call'], token: string) =>
  (await call(token, 'GET', '/v1/audit/verify')).json();

/** A workspace with `tokens` more audit rows than its creation writes (each POST /v1/tokens writes one). */
export async function workspaceWithAuditRows(
  chorus: Pick<Chorus, 'harness' | 'call'>,
  name: string,
  tokens = 4,
): Promise<TestWorkspace> {
  const ws = await createWorkspace(chorus.harness(), name);
  for (let i = 0; i < tokens; i++)
    expect((await chorus.call(ws.token, 'POST', '/v1/tokens', { name: `t${i}` })).statusCode).toBe(201);
  return ws;
}
