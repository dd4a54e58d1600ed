import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sql } from 'kysely';
import { Invalid, Unavailable } from '../contracts/errors';
import { createDb, type Db } from '../db/database';
import { storeAndStart } from '../services/store-and-start';
import { waitFor } from './support/harness';
import { testEnv } from './setup/test-env';

let db: Db;
beforeAll(() => {
  db = createDb(testEnv('databaseUrl'), 2);
});
afterAll(() => db.destroy());

/** A stand-in for the Temporal client: records terminations (no real server can be made to fail on cue). */
function temporalStub() {
  const terminated: string[] = [];
  const client = {
    workflow: { getHandle: (id: string) => ({ terminate: async () => void terminated.push(id) }) },
  } as unknown as Client;
  return { client, terminated };
}

const name = () => `store-and-start-${Math.random().toString(36).slice(2)}`;
const stored = async (n: string) =>
  (await db.selectFrom('workspaces').select('id').where('name', '=', n).execute()).length;

test('a failed workflow start stores nothing, answers 503 and ends the workflow in case it started', async () => {
  const { client, terminated } = temporalStub();
  const n = name();
  const attempt = storeAndStart({ db, temporal: client }, 'wf/1', async (trx, start) => {
    await trx.insertInto('workspaces').values({ name: n }).execute();
    await start(async () => {
      throw new Error('connection refused');
    });
  });
  await expect(attempt).rejects.toBeInstanceOf(Unavailable);
  expect(await stored(n)).toBe(0);
  // The answer may have been lost, not the start: the workflow is ended in the background.
  await waitFor('the terminate', async () => terminated.length > 0);
  expect(terminated).toEqual(['wf/1']);
});

test('a start refused because the id is in use leaves that workflow alone', async () => {
  const { client, terminated } = temporalStub();
  const attempt = storeAndStart({ db, temporal: client }, 'wf/4', async (trx, start) => {
    await trx.insertInto('workspaces').values({ name: name() }).execute();
    await start(async () => {
      throw new WorkflowExecutionAlreadyStartedError('already started', 'wf/4', 'publishPost');
    });
  });
  await expect(attempt).rejects.toBeInstanceOf(Unavailable);
  await new Promise((resolve) => setTimeout(resolve, 50)); // nothing to await: give a wrong terminate its chance
  expect(terminated).toEqual([]);
});

test('a commit that fails after the start terminates the workflow', async () => {
  const { client, terminated } = temporalStub();
  const n = name();
  const attempt = storeAndStart({ db, temporal: client }, 'wf/2', async (trx, start) => {
    await trx.insertInto('workspaces').values({ name: n }).execute();
    await start(async () => undefined);
    // Make the commit itself fail, as a lost connection would: a constraint checked only at commit.
    await sql`create temporary table t_check (x uuid references workspaces(id) deferrable initially deferred) on commit drop`.execute(
      trx,
    );
    await sql`insert into t_check values (gen_random_uuid())`.execute(trx);
  });
  await expect(attempt).rejects.toThrow();
  expect(await stored(n)).toBe(0);
  expect(terminated).toEqual(['wf/2']);
});

test('other errors pass through unchanged and store nothing', async () => {
  const { client } = temporalStub();
  const n = name();
  const attempt = storeAndStart({ db, temporal: client }, 'wf/3', async (trx) => {
    await trx.insertInto('workspaces').values({ name: n }).execute();
    throw new Invalid('no');
  });
  await expect(attempt).rejects.toBeInstanceOf(Invalid);
  expect(await stored(n)).toBe(0);
});

test('a start on its way while the rows are written: a failed start stores nothing; a failed store terminates the start once it lands', async () => {
  const { client, terminated } = temporalStub();
  const late = <T>(value: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(value()), 50));

  const n1 = name();
  const failedStart = storeAndStart({ db, temporal: client }, 'wf/4', async (trx, start) => {
    void start(() => late(() => Promise.reject(new Error('connection refused'))).then((p) => p));
    await trx.insertInto('workspaces').values({ name: n1 }).execute();
  });
  await expect(failedStart).rejects.toBeInstanceOf(Unavailable);
  expect(await stored(n1)).toBe(0);

  const n2 = name();
  terminated.length = 0; // (a failed start is ended in the background too: it may have happened)
  const failedStore = storeAndStart({ db, temporal: client }, 'wf/5', async (trx, start) => {
    void start(() => late(() => undefined));
    await trx.insertInto('workspaces').values({ name: n2 }).execute();
    throw new Invalid('the store failed');
  });
  await expect(failedStore).rejects.toBeInstanceOf(Invalid);
  expect(await stored(n2)).toBe(0);
  expect(terminated).toContain('wf/5');
});
