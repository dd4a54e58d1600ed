import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The last Temporal CLI tag whose go.mod has no `replace`, so `go install` accepts it. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export function chorusCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHORUS_CACHE_DIR) return path.resolve(env.CHORUS_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'chorus');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then Chorus's cached build.
 * Failing those, builds it from source with `go install` into the cache (a few minutes, once).
 * Returns undefined when there is no Go toolchain either; callers then let the SDK download it.
 */
export async function findOrBuildTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(line),
): Promise<string | undefined> {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH))
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    return path.resolve(env.TEMPORAL_CLI_PATH);
  }
  const found = onPath('temporal', env);
  if (found) return found;

  const binDir = path.join(chorusCacheDir(env), 'bin');
  const cached = path.join(binDir, 'temporal');
  if (isExecutable(cached)) return cached;

  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    log('No Temporal CLI and no Go toolchain found; the Temporal SDK will download the CLI instead.');
    return undefined;
  }
  log(`Building the Temporal CLI from source (${TEMPORAL_CLI_MODULE}) into ${binDir}; this takes a few minutes once.`);
  mkdirSync(binDir, { recursive: true });
  await promisify(execFile)(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...env, GOBIN: binDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!isExecutable(cached)) throw new Error(`go install finished but ${cached} is missing`);
  log(`Temporal CLI built: ${cached}`);
  return cached;
}

if (require.main === module) {
  // `tsx temporal/cli.ts` prints the CLI's path, building it if needed (used by .ci/run).
  findOrBuildTemporalCli()
    .then((cli) => console.log(cli ?? ''))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
