import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSandboxDemo } from '../sandbox/demo';
import { startLocalBluesky, type LocalBluesky } from '../sandbox/local-bluesky';
import { useChorus } from './support/chorus';
import { freePort } from '../temporal/dev-server';
import { waitFor } from './support/harness';

let dataDir: string;
let sandbox: LocalBluesky | undefined;

// The PDS stops before the worker that talks to it.
const { harness: h, call } = useChorus({
  beforeClose: async () => {
    await sandbox?.stop();
  },
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-sandbox-'));
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
});

test('npm start -- --sandbox restarted: the same account, workspace, channel and sign-in, and a post scheduled after the restart publishes on the PDS', async () => {
  const ports = { pdsPort: await freePort(), plcPort: await freePort() };
  const start = () => startLocalBluesky({ dataDir, ...ports });
  const demoOf = (network: LocalBluesky) =>
    ensureSandboxDemo({ dataDir, sandbox: network, db: h().db, adapters: h().adapters, sealer: h().sealer });

  sandbox = await start();
  const first = await demoOf(sandbox);
  expect(first.reused).toBe(false);
  await sandbox.stop();
  sandbox = undefined;

  sandbox = await start(); // a new process would start from the same folder and ports
  const second = await demoOf(sandbox);
  expect(second).toEqual({ ...first, reused: true });
  const channels = await h()
    .db.selectFrom('channels')
    .select('id')
    .where('workspace_id', '=', first.workspaceId)
    .execute();
  expect(channels.map((c) => c.id)).toEqual([first.channelId]); // not one more per restart
  // The owner signs in to the web app with the printed email and password, before and after the restart.
  const signIn = await h().app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email: second.email, password: second.password },
  });
  expect([signIn.statusCode, signIn.json().workspace.id]).toEqual([200, first.workspaceId]);
  // The DID resolves in the new PLC directory (listening verifies the firehose against it).
  expect((await fetch(`${sandbox.plcUrl}/${first.account.did}`)).status).toBe(200);

  const marker = `after-restart-${Date.now()}`;
  const created = await call(second.token, 'POST', '/v1/posts', {
    text: `Still here ${marker}`,
    channelIds: [second.channelId],
    publishAt: new Date(Date.now() + 2000).toISOString(),
  });
  expect(created.statusCode).toBe(201);
  const postId = created.json().id as string;
  await waitFor('the post to be published', async () => {
    const post = (await call(second.token, 'GET', `/v1/posts/${postId}`)).json();
    return post.status === 'published' || post.status === 'failed' ? post : undefined;
  }).then((post) => expect(post.status).toBe('published'));
  expect((await sandbox.listPosts(first.account.did)).filter((p) => p.text.includes(marker))).toHaveLength(1);
});
