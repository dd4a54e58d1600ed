import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../db/members';
import { startLocalBluesky, type LocalBluesky } from '../../sandbox/local-bluesky';
import { addMember, bearer, createWorkspace, startHarness, type Harness, type TestWorkspace } from './harness';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
import { createScratchDatabase } from './migrations';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ChorusOptions {
  /** startHarness's options; a function when they are known only in an earlier beforeAll (an SMTP port). */
  harness?: Parameters<typeof startHarness>[0] | (() => Parameters<typeof startHarness>[0]);
  /**
   * Start a local Bluesky network beside the harness; `{ appview: true }` with Bluesky's appview
   * (notifications, threads, profiles) on the test database, which the harness's inbox reads through
   * (`atproto-proxy` naming it). `pds().processAll()` waits for the appview to index what was written.
   */
  pds?: boolean | { appview: boolean };
  /** Start a webhook receiver beside the harness. */
  hook?: boolean;
  /** Create a workspace of this name (its owner is `workspace()`). */
  workspace?: string;
  /** Add one member per role to that workspace (`member(role)`), in this order. */
  members?: Role[];
  /** Runs in the afterAll before the parts stop (terminating workflows the tests left running). */
  beforeClose?: (chorus: Chorus) => Promise<void>;
}

export interface Chorus {
  harness(): Harness;
  pds(): LocalBluesky;
  hook(): WebhookReceiver;
  /** The workspace the options named, with its owner's token. */
  workspace(): TestWorkspace;
  /** The member of that workspace with this role. */
  member(role: Role): TestWorkspace;
  /** The API called as `token`'s holder (no token: anonymously), JSON body if given. */
  call(token: string | undefined, method: Method, url: string, body?: object): Promise<LightMyRequestResponse>;
}

/**
 * The shared set-up of a test file: registers the beforeAll that starts the real parts (and the
 * workspace and members asked for) and the afterAll that stops them, and returns accessors valid
 * inside tests and later hooks.
 */
export function useChorus(options: ChorusOptions = {}): Chorus {
  let h: Harness | undefined;
  let pds: LocalBluesky | undefined;
  let hook: WebhookReceiver | undefined;
  let appviewDatabase: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let ws: TestWorkspace | undefined;
  const members = new Map<Role, TestWorkspace>();

  beforeAll(async () => {
    const harnessOptions = typeof options.harness === 'function' ? options.harness() : options.harness;
    const appview = typeof options.pds === 'object' && options.pds.appview;
    if (appview) {
      // In a database of its own: its schemas, made and dropped per test file, are never in the
      // one the harnesses migrate (Kysely's introspection there failed on a schema being dropped).
      appviewDatabase = await createScratchDatabase('appview');
      // First: the harness's worker is told the appview's DID.
      pds = await startLocalBluesky({ appview: { postgresUrl: appviewDatabase.url } });
      [h, hook] = await Promise.all([
        startHarness({ ...harnessOptions, blueskyAppviewDid: pds.appview!.did }),
        options.hook ? startWebhookReceiver() : undefined,
      ]);
    } else
      [h, pds, hook] = await Promise.all([
        startHarness(harnessOptions),
        options.pds ? startLocalBluesky() : undefined,
        options.hook ? startWebhookReceiver() : undefined,
      ]);
    if (options.workspace === undefined) return;
    ws = await createWorkspace(h, options.workspace);
    const added = await Promise.all((options.members ?? []).map((role) => addMember(h!, ws!.workspaceId, role)));
    (options.members ?? []).forEach((role, i) => members.set(role, added[i]!));
  });

  afterAll(async () => {
    if (h && options.beforeClose) await options.beforeClose(chorus);
    await h?.close();
    await pds?.stop();
    await appviewDatabase?.drop();
    await hook?.close();
  });

  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined)
      throw new Error(`useChorus: no ${what} (not asked for in the options, or used before beforeAll)`);
    return value;
  };
  const chorus: Chorus = {
    harness: () => started('harness', h),
    pds: () => started('local Bluesky (pds: true)', pds),
    hook: () => started('webhook receiver (hook: true)', hook),
    workspace: () => started('workspace (workspace: name)', ws),
    member: (role) => started(`member with role ${role} (members: [...])`, members.get(role)),
    call: (token, method, url, body) =>
      started('harness', h).app.inject({
        method,
        url,
        headers: token === undefined ? {} : bearer(token),
        ...(body === undefined ? {} : { payload: body }),
      }),
  };
  return chorus;
}
