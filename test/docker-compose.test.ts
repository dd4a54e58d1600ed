/**
 * Static checks of the container wiring: docker-compose.yml and the Dockerfile are parsed, not run
 * (no Docker engine is needed). Each assertion targets one way the stack can be miswired.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../config';

const root = path.resolve(__dirname, '..');

interface Service {
  image?: string;
  build?: string | { context?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: string[];
  stop_grace_period?: string;
}

// Compose merges `<<:` keys (YAML 1.1); the worker's environment is the shared one plus its own.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/** Environment as a plain map, whether written as a map or as a list of KEY=value. */
function env(s: Service): Record<string, string> {
  const raw = s.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((line) => {
        const i = line.indexOf('=');
        return [line.slice(0, i), line.slice(i + 1)] as const;
      })
    : Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)] as const);
  return Object.fromEntries(entries);
}

function command(s: Service): string {
  return Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? '');
}

/** depends_on as a map of service name to condition (the short list form means service_started). */
function dependsOn(s: Service): Record<string, string> {
  const raw = s.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(raw).map(([name, spec]) => [name, spec?.condition ?? 'service_started']));
}

function buildContext(s: Service): string | undefined {
  return typeof s.build === 'string' ? s.build : s.build?.context;
}

const chorusServices = ['chorus-api', 'chorus-worker'] as const;

describe('docker-compose.yml', () => {
  it('defines the six services of the stack', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal-postgres',
        'temporal',
        'temporal-ui',
        'chorus-api',
        'chorus-worker',
      ]),
    );
  });

  it('only depends on services that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(dependsOn(s))) {
        expect({ service: name, dependsOn: dep, exists: dep in services }).toEqual({
          service: name,
          dependsOn: dep,
          exists: true,
        });
      }
    }
  });

  describe.each(chorusServices)('%s', (name) => {
    it('builds the Chorus image from the repository root', () => {
      expect(buildContext(service(name))).toBe('.');
    });

    it('connects to the Chorus database and to Temporal', () => {
      const e = env(service(name));
      const db = new URL(e.DATABASE_URL ?? '');
      expect(db.protocol).toBe('postgres:');
      expect(db.hostname).toBe('postgres');
      expect(e.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(e.CHORUS_ENCRYPTION_KEY).toBeTruthy();
    });

    it('sets only variables that the Chorus config reads', () => {
      const known = Object.keys(configSchema.shape);
      expect(Object.keys(env(service(name))).filter((k) => !known.includes(k))).toEqual([]);
    });

    it('waits for a healthy database and a healthy Temporal', () => {
      expect(dependsOn(service(name))).toMatchObject({
        postgres: 'service_healthy',
        temporal: 'service_healthy',
      });
    });
  });

  it("gives the worker the API's environment and bounds its memory (heap limit, cached workflows)", () => {
    const worker = env(service('chorus-worker'));
    expect(worker).toMatchObject(env(service('chorus-api')));
    expect(worker.CHORUS_WORKER_CACHED_WORKFLOWS).toBe('300');
    // The flag goes before the script, where node reads its own options (after it, the script gets it).
    expect(service('chorus-worker').command).toEqual(['node', '--max-old-space-size=256', 'dist/workers/main.js']);
    // Stopping, it hands its waiting publishes on first: more than compose's default 10 s before a SIGKILL.
    expect(service('chorus-worker').stop_grace_period).toBe('30s');
  });

  it('runs the API and the worker entry points', () => {
    expect(command(service('chorus-api'))).toMatch(/\bdist\/api\/main\.js\b/);
    expect(command(service('chorus-worker'))).toMatch(/\bdist\/workers\/main\.js\b/);
  });

  it('publishes the API on port 3000', () => {
    expect(service('chorus-api').ports?.map(String)).toContain('3000:3000');
  });

  it("keeps Temporal's persistence in temporal-postgres, not the Chorus database", () => {
    const e = env(service('temporal'));
    expect(e.DB).toBe('postgres12');
    expect(e.POSTGRES_SEEDS).toBe('temporal-postgres');
    expect(dependsOn(service('temporal'))).toMatchObject({ 'temporal-postgres': 'service_healthy' });
  });

  it('points the Temporal UI at the Temporal frontend', () => {
    expect(env(service('temporal-ui')).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('references only compiled entry points whose TypeScript source exists', () => {
    const commands = [...Object.values(services).map(command), dockerfile];
    const entries = commands.flatMap((c) => [...c.matchAll(/\bdist\/([\w./-]+)\.js\b/g)].map((m) => m[1]!));
    expect(entries).toEqual(expect.arrayContaining(['api/main', 'workers/main']));
    for (const entry of new Set(entries)) {
      expect({ entry, source: existsSync(path.join(root, `${entry}.ts`)) }).toEqual({ entry, source: true });
    }
  });
});

describe('Dockerfile', () => {
  it('runs the final stage as a non-root user', () => {
    const stages = dockerfile.split(/^FROM\s/im);
    const finalStage = stages[stages.length - 1] ?? '';
    const users = [...finalStage.matchAll(/^USER\s+(\S+)/gim)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });
});

test('the API and the worker share the media volume at MEDIA_DIR (the API stores uploads, the worker publishes them)', () => {
  for (const name of ['chorus-api', 'chorus-worker']) {
    const s = service(name);
    const mediaDir = env(s).MEDIA_DIR;
    expect(mediaDir).toBeTruthy();
    expect(s.volumes ?? []).toContain(`chorus-media:${mediaDir}`);
    // The image runs as `node`: the mount point must exist in it and be node's, or uploads fail.
    expect(dockerfile).toMatch(new RegExp(`mkdir -p [^\\n]*${mediaDir}[^\\n]*&& chown node:node [^\\n]*${mediaDir}`));
  }
});
