import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelAdapters } from '../channels/registry';
import { findChannels, insertChannel } from '../db/channels';
import type { Db } from '../db/database';
import type { Sealer } from '../db/sealing';
import { hashPassword } from '../db/passwords';
import { findCallerByToken } from '../db/tokens';
import { peopleByIds, setPassword } from '../db/users';
import { createWorkspaceWithOwner } from '../db/workspaces';
import type { LocalBluesky, SandboxAccount } from './local-bluesky';

/** What `npm start -- --sandbox` made: kept in the sandbox's data folder so the next start reuses it. */
export interface SandboxDemo {
  pdsUrl: string;
  account: SandboxAccount;
  workspaceId: string;
  channelId: string;
  /** The owner's API token, printed at each start. */
  token: string;
  /** The owner's sign-in for the web app, printed at each start (absent in demos made before the app). */
  email?: string;
  password?: string;
}

/** Gives the demo's owner a password of their own, so the sandbox can print how to sign in to the app. */
async function withSignIn(db: Db, demo: SandboxDemo, userId: string): Promise<SandboxDemo> {
  if (demo.email && demo.password) return demo;
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute((trx) => setPassword(trx, { userId, passwordHash }));
  const person = (await peopleByIds(db, demo.workspaceId, [userId])).get(userId);
  return { ...demo, email: person?.email ?? undefined, password };
}

/**
 * The sandbox's demo account, `Sandbox` workspace and its Bluesky channel: the ones saved in
 * `dataDir/demo.json` when they still work (the account signs in on this PDS, the token and the
 * channel are still in this database), otherwise new ones, saved for the next start. So restarts
 * keep one workspace and one channel, whose scheduled posts still publish.
 */
export async function ensureSandboxDemo(input: {
  dataDir: string;
  sandbox: LocalBluesky;
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
}): Promise<SandboxDemo & { reused: boolean }> {
  const { sandbox, db, adapters, sealer } = input;
  const file = path.join(input.dataDir, 'demo.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxDemo) : undefined;

  let account = saved?.pdsUrl === sandbox.pdsUrl ? saved.account : undefined;
  const credentials = (a: SandboxAccount) => ({
    service: sandbox.pdsUrl,
    identifier: a.handle,
    password: a.appPassword,
  });
  let accountRef: string | undefined;
  if (account) {
    // A PDS whose data was removed no longer knows the account: make a new one.
    accountRef = await adapters.bluesky.verify(credentials(account)).then(
      (verified) => verified.accountRef,
      () => undefined,
    );
    if (!accountRef) account = undefined;
  }
  if (!account) {
    account = await sandbox.createAccount(`demo${Date.now().toString(36)}`);
    accountRef = (await adapters.bluesky.verify(credentials(account))).accountRef;
  }

  if (saved && saved.account.did === account.did) {
    const caller = await findCallerByToken(db, saved.token);
    const [channel] =
      caller?.workspaceId === saved.workspaceId ? await findChannels(db, saved.workspaceId, [saved.channelId]) : [];
    if (channel?.account_ref === accountRef) {
      const demo = await withSignIn(db, saved, caller!.userId);
      if (demo !== saved) writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
      return { ...demo, reused: true };
    }
  }

  const owner = await createWorkspaceWithOwner(db, {
    name: 'Sandbox',
    ownerEmail: `sandbox-${Date.now()}@example.test`,
  });
  const channel = await insertChannel(db, {
    workspaceId: owner.workspaceId,
    actorId: owner.userId,
    provider: 'bluesky',
    name: `Bluesky ${account.handle}`,
    accountRef: accountRef!,
    credentialsSealed: sealer.seal(credentials(account)),
  });
  const demo = await withSignIn(
    db,
    { pdsUrl: sandbox.pdsUrl, account, workspaceId: owner.workspaceId, channelId: channel.id, token: owner.token },
    owner.userId,
  );
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return { ...demo, reused: false };
}
