import type { OAuthCredentials } from '../contracts/oauth';
import { endTokenWorkflows } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { TestOAuthProvider, testOAuthAdapter } from './support/oauth-network';
import { startOAuthServer, type OAuthServer } from './support/oauth-server';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

// The worker process killed (-9) after the network rotated the refresh token and before its answer
// reached Chorus: the answer is gone for good. The channel must not be lost silently: the next
// worker finds the refresh marker, learns the old token is refused, and asks for a reconnect.
let server: OAuthServer;
const REDIRECT_URI = 'http://127.0.0.1:3000/v1/channels/callback/x';
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  server = await startOAuthServer({ accessTokenTtlSeconds: 3600, refreshGraceSeconds: 0 });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await server?.close();
});

const client = () => ({ clientId: server.clientId, clientSecret: server.clientSecret, redirectUri: REDIRECT_URI });
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'OAuth worker crash',
  harness: () => ({
    worker: false,
    adapters: { x: testOAuthAdapter('x', server) },
    oauth: { providers: { x: new TestOAuthProvider('x', server) }, clients: { x: client() } },
  }),
  beforeClose: (chorus) => endTokenWorkflows(chorus.harness(), chorus.workspace().workspaceId),
});

const worker = async (standby = false) => {
  const w = await startWorkerProcess(h(), {
    standby,
    env: { CHORUS_TEST_OAUTH_X: JSON.stringify({ url: server.url, ...client() }) },
  });
  workers.push(w);
  return w;
};

// Two worker processes load (each bundles the workflows): the replacement loads while the first
// works, and is started only once the first is dead.
test('killed between the rotation and the save: detected by the next worker, needs_reconnect and notified, never a silent loss', async () => {
  const [first, next] = await Promise.all([worker(), worker(true)]);
  // Held from the first refresh on, which may come as soon as the channel exists (its token lives 4 s).
  let rotated!: () => void;
  const reached = new Promise<void>((resolve) => (rotated = resolve));
  let answer!: () => void;
  server.beforeRefreshAnswer = () => {
    rotated();
    return new Promise<void>((resolve) => (answer = resolve));
  };
  server.setAccessTokenTtl(4);
  const start = await call(ws().token, 'POST', '/v1/channels/connect/x');
  const back = await server.consent(start.json().authorizationUrl, 'allow');
  const to = new URL(
    String((await h().app.inject({ method: 'GET', url: `/v1/channels/callback/x${back.search}` })).headers.location),
    'http://app.test',
  );
  server.setAccessTokenTtl(3600);
  const id = to.searchParams.get('connected')!;
  const before = h().sealer.open<OAuthCredentials>(
    (await h().db.selectFrom('channels').select('credentials_sealed').where('id', '=', id).executeTakeFirstOrThrow())
      .credentials_sealed,
  );

  // The network rotates the refresh token; before its answer is written, the worker dies.
  await reached;
  expect(server.liveRefreshTokens()).not.toContain(before.tokens.refreshToken);
  const marked = await h().db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect(marked.token_refresh_started_at).not.toBeNull();
  await first.kill();
  answer(); // written to a closed connection: nobody has it

  await next.start();
  const row = await waitFor(
    'needs_reconnect',
    async () => {
      const r = await h().db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return r.status === 'needs_reconnect' && r;
    },
    60_000,
  );
  expect(row.last_error).toMatch(
    /was lost before Chorus could save it, and X no longer accepts the refresh token it replaced/,
  );
  const notification = await h()
    .db.selectFrom('notifications')
    .select(['kind', 'recipient_ids'])
    .where('subject_id', '=', id)
    .executeTakeFirstOrThrow();
  expect(notification).toEqual({ kind: 'channel.needs_reconnect', recipient_ids: [ws().userId] });
}, 240_000);
