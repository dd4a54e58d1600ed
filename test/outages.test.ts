import { ServiceError, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { LightMyRequestResponse } from 'fastify';
import { Unavailable } from '../contracts/errors';
import { SearchAttributes } from '../contracts/shared';
import { createDb, isConnectionError, type Db } from '../db/database';
import { temporalOutage } from '../temporal/connection';
import { connectWebhook } from './support/channels';
import { useChorus, type Method } from './support/chorus';
import { createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { createdPost } from './support/posts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { testEnv } from './setup/test-env';

/**
 * A part going down while Chorus runs: the API and the worker reach PostgreSQL through one TCP
 * proxy, the API reaches Temporal through another (the worker stays on the run's server), and a
 * test cuts one and restores it. Requests that need the part answer 503 with Retry-After, fast;
 * nothing is left half-done; everything resumes once the part is back, without a restart.
 */
let pgProxy: TcpProxy;
let temporalProxy: TcpProxy;
/** The run's database, straight (not through the proxy): what is really stored while the proxy is cut. */
let direct: Db;

beforeAll(async () => {
  pgProxy = await startTcpProxy(testEnv('databaseUrl'));
  temporalProxy = await startTcpProxy(`http://${testEnv('temporalAddress')}`);
  direct = createDb(testEnv('databaseUrl'), 2);
});

const proxiedDatabaseUrl = () => {
  const url = new URL(testEnv('databaseUrl'));
  url.port = new URL(pgProxy.url).port;
  return url.toString();
};

const {
  harness: h,
  hook,
  workspace: ws,
  call,
} = useChorus({
  hook: true,
  workspace: 'Outages',
  harness: () => ({ databaseUrl: proxiedDatabaseUrl(), apiTemporalAddress: new URL(temporalProxy.url).host }),
});

afterAll(async () => {
  await pgProxy?.close();
  await temporalProxy?.close();
  await direct?.destroy();
});

let channelId: string;
beforeAll(async () => {
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Outage hook')).id;
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** The request as `token`'s holder, and how long its answer took. */
async function timed(token: string, method: Method, url: string, body?: object) {
  const startedAt = Date.now();
  const res = await call(token, method, url, body);
  return { res, ms: Date.now() - startedAt };
}

/** A 503 problem with Retry-After, answered within 2.5 s. */
function expectOutage({ res, ms }: { res: LightMyRequestResponse; ms: number }, what: RegExp) {
  expect({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: res.json() }).toEqual({
    status: 503,
    retryAfter: expect.stringMatching(/^\d+$/),
    body: expect.objectContaining({ status: 503, title: 'Service Unavailable', detail: expect.stringMatching(what) }),
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(ms).toBeLessThan(2500);
}

const postRows = async (workspaceId: string) =>
  direct.selectFrom('posts').select(['id', 'status', 'workflow_id']).where('workspace_id', '=', workspaceId).execute();

/** Keeps the pools' connections in use and then idle, so that a cut drops idle connections. */
async function warmPool() {
  await Promise.all(Array.from({ length: 4 }, () => call(ws().token, 'GET', '/v1/posts')));
}

describe('what counts as an outage', () => {
  test('connection-class PostgreSQL errors, not errors about the query', () => {
    const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    for (const err of [
      coded('ECONNREFUSED'),
      coded('ECONNRESET'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P03', 'the database system is starting up'),
      coded('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated due to connection timeout', { cause: coded('ETIMEDOUT') }),
      new AggregateError([coded('ECONNREFUSED')], ''),
    ])
      expect([err.message, isConnectionError(err)]).toEqual([err.message, true]);
    for (const err of [
      coded('23505', 'duplicate key value violates unique constraint'),
      coded('42P01', 'relation "nope" does not exist'),
      new Error('Something else'),
      undefined,
    ])
      expect(isConnectionError(err)).toBe(false);
  });

  test('Temporal unreachable, out of time or too busy, not a refusal from Temporal', () => {
    const grpc = (code: number) => Object.assign(new Error(`${code} status`), { code, details: '', metadata: {} });
    expect(temporalOutage(new ServiceError('Failed to start', { cause: grpc(14) }))).toBeInstanceOf(Unavailable);
    expect(temporalOutage(grpc(4))).toBeInstanceOf(Unavailable);
    expect(temporalOutage(new WorkflowUpdateRPCTimeoutOrCancelledError('timed out'))).toBeInstanceOf(Unavailable);
    expect(temporalOutage(new ServiceError('Query buffer full', { cause: grpc(8) }))?.message).toMatch(/busy/);
    expect(temporalOutage(new ServiceError('Not found', { cause: grpc(5) }))).toBeUndefined();
    expect(temporalOutage(new WorkflowNotFoundError('gone', 'post/1', undefined))).toBeUndefined();
  });
});

describe('PostgreSQL down', () => {
  test('reads and writes answer 503 with Retry-After within 2.5 s, and succeed again once it is back', async () => {
    const post = await createdPost(call, ws().token, {
      text: 'Before the database outage',
      channelIds: [channelId],
      publishAt: inSeconds(3600),
    });
    await warmPool();

    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await pgProxy.stop();
    try {
      // The pool's idle connections dropped: reported, not an unhandled 'error' ending the process.
      await waitFor('the lost connections to be reported', async () => logged.mock.calls.length > 0);
      expect(logged.mock.calls[0]).toEqual([expect.stringMatching(/^PostgreSQL connection lost/)]);
      expectOutage(await timed(ws().token, 'GET', '/v1/posts'), /database/i);
      expectOutage(await timed(ws().token, 'GET', `/v1/posts/${post.id}`), /database/i);
      expectOutage(
        await timed(ws().token, 'POST', '/v1/posts', {
          text: 'During the database outage',
          channelIds: [channelId],
          publishAt: inSeconds(3600),
        }),
        /database/i,
      );
      const ready = await timed(ws().token, 'GET', '/readyz');
      expect(ready.res.statusCode).toBe(503);
      expect(ready.res.headers['retry-after']).toMatch(/^\d+$/);
      expect(ready.res.json()).toMatchObject({ database: expect.stringMatching(/^unreachable: /), temporal: 'ok' });
      expect(ready.ms).toBeLessThan(2500);
    } finally {
      logged.mockRestore();
      await pgProxy.start();
    }

    // Back by itself: the same requests succeed, nothing restarted.
    await waitFor('the API to read again', async () => (await call(ws().token, 'GET', '/v1/posts')).statusCode === 200);
    expect((await call(ws().token, 'GET', `/v1/posts/${post.id}`)).json()).toMatchObject({ status: 'scheduled' });
    const after = await createdPost(call, ws().token, {
      text: 'After the database outage',
      channelIds: [channelId],
      publishAt: inSeconds(3600),
    });
    expect((await postRows(ws().workspaceId)).map((p) => p.id)).toEqual(expect.arrayContaining([post.id, after.id]));
    expect((await call(undefined, 'GET', '/readyz')).json()).toEqual({
      status: 'ready',
      database: 'ok',
      temporal: 'ok',
    });
  });

  test('the worker rides out the outage: a post due during it publishes once PostgreSQL is back', async () => {
    const marker = `across-${Date.now()}`;
    const publishAt = inSeconds(6);
    const post = await createdPost(call, ws().token, {
      text: `Due during the outage ${marker}`,
      channelIds: [channelId],
      publishAt,
    });
    const handle = h().client.workflow.getHandle(post.workflowId);
    await waitFor('the publish to be staged on the worker', async () => {
      const { raw } = await handle.describe();
      return (raw.pendingActivities ?? []).some(
        (a) => a.activityType?.name === 'publishTargetWhenDue' && a.lastStartedTime != null,
      );
    });
    await warmPool();

    await pgProxy.stop();
    try {
      // The worker meets the outage at the claim, two seconds before the post's time, and retries.
      await waitFor(
        'the publish to fail on the outage',
        async () => {
          const { raw } = await handle.describe();
          return (raw.pendingActivities ?? []).some(
            (a) => a.activityType?.name === 'publishTargetWhenDue' && /unreachable/i.test(a.lastFailure?.message ?? ''),
          );
        },
        30_000,
        200,
      );
      // Still down when the post's time comes.
      await waitFor('the post to be due', async () => Date.now() > Date.parse(publishAt) + 500);
      expect(hook().deliveries.filter((d) => JSON.stringify(d.payload).includes(marker))).toEqual([]);
    } finally {
      await pgProxy.start();
    }
    const restoredAt = Date.now();

    const done = await waitFor(
      'the post to publish after the outage',
      async () => {
        const p = (await call(ws().token, 'GET', `/v1/posts/${post.id}`)).json();
        return p.status === 'published' && p;
      },
      90_000,
    );
    expect(done.targets).toEqual([expect.objectContaining({ status: 'published' })]);
    const delivered = hook().deliveries.filter((d) => JSON.stringify(d.payload).includes(marker));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.receivedAt).toBeGreaterThanOrEqual(restoredAt);
  });
});

describe('Temporal down', () => {
  test('creating a post, its live status and cancelling it answer 503 within 2.5 s and change nothing', async () => {
    const post = await createdPost(call, ws().token, {
      text: 'Before the Temporal outage',
      channelIds: [channelId],
      publishAt: inSeconds(3600),
    });
    const before = await postRows(ws().workspaceId);

    await temporalProxy.stop();
    try {
      expectOutage(
        await timed(ws().token, 'POST', '/v1/posts', {
          text: 'During the Temporal outage',
          channelIds: [channelId],
          publishAt: inSeconds(3600),
        }),
        /temporal/i,
      );
      expectOutage(await timed(ws().token, 'GET', `/v1/posts/${post.id}/live`), /temporal/i);
      expectOutage(await timed(ws().token, 'POST', `/v1/posts/${post.id}/cancel`), /temporal/i);
      const ready = await timed(ws().token, 'GET', '/readyz');
      expect(ready.res.statusCode).toBe(503);
      expect(ready.res.json()).toMatchObject({ database: 'ok', temporal: expect.stringMatching(/^unreachable: /) });
      expect(ready.ms).toBeLessThan(2500);
      // No post without its workflow, and the cancel changed nothing.
      expect(await postRows(ws().workspaceId)).toEqual(before);
    } finally {
      await temporalProxy.start();
    }

    await waitFor(
      'the API to reach Temporal again',
      async () => (await call(ws().token, 'GET', `/v1/posts/${post.id}/live`)).statusCode === 200,
    );
    const cancelled = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    await createdPost(call, ws().token, {
      text: 'After the Temporal outage',
      channelIds: [channelId],
      publishAt: inSeconds(3600),
    });
  });

  test('a start Temporal made but never answered: 503, no post, its workflow ended; a retry stores one post', async () => {
    // A workspace of its own, so its workflows are exactly this test's.
    const own: TestWorkspace = await createWorkspace(h(), `Lost answers ${Date.now()}`);
    const ownChannel = (await connectWebhook(h(), own.token, hook(), 'Lost answers hook')).id;
    const body = { text: 'Lost answer', channelIds: [ownChannel], publishAt: inSeconds(5) };
    const workflowsOf = async () => {
      const found = [];
      for await (const wf of h().client.workflow.list({
        query: `${SearchAttributes.workspace.name} = "${own.workspaceId}"`,
      }))
        found.push(wf);
      return found;
    };

    temporalProxy.holdAnswers();
    try {
      expectOutage(await timed(own.token, 'POST', '/v1/posts', body), /temporal/i);
      expect(await postRows(own.workspaceId)).toEqual([]);
      // Temporal did start it: the request got through, only the answer was lost.
      await waitFor('the workflow Temporal started', async () => (await workflowsOf()).length === 1);
    } finally {
      temporalProxy.releaseAnswers();
    }

    // Reconciled: the workflow whose post was rolled back ends without publishing anything.
    const [orphan] = await waitFor(
      'the orphan workflow to end',
      async () => {
        const found = await workflowsOf();
        return found.every((wf) => wf.status.name !== 'RUNNING') && found;
      },
      90_000,
    );
    // Terminated by the API, which kept trying once the answers were lost (left alone, the
    // workflow would fail by itself about a minute later, finding no post).
    expect(orphan!.status.name).toBe('TERMINATED');
    expect(await postRows(own.workspaceId)).toEqual([]);

    // The client's retry stores one post, whose own workflow publishes it.
    const retried = await createdPost(call, own.token, { ...body, publishAt: inSeconds(3) });
    const rows = await postRows(own.workspaceId);
    expect(rows.map((p) => p.id)).toEqual([retried.id]);
    await waitFor('the retried post to publish', async () => {
      const p = (await call(own.token, 'GET', `/v1/posts/${retried.id}`)).json();
      return p.status === 'published';
    });
    expect(hook().deliveries.filter((d) => JSON.stringify(d.payload).includes('Lost answer'))).toHaveLength(1);
  });
});
