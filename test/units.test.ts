import { retryDelayFromHeaders } from '../channels/errors';
import { graphemeLength } from '../channels/adapter';
import { BlueskyAdapter } from '../channels/bluesky';
import { MastodonAdapter } from '../channels/mastodon';
import { WebhookAdapter } from '../channels/webhook';
import { mastodonLength, TEXT_RULES, utf8Length } from '../contracts/text-rules';
import { auditRowHash, canonicalJson } from '../db/audit';
import { Batches } from '../db/batches';
import { generateKey, Sealer } from '../db/sealing';
import { loadConfig } from '../config';

describe('retryDelayFromHeaders', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('Retry-After in seconds', () => expect(retryDelayFromHeaders({ 'retry-after': '30' }, now)).toBe(30_000));
  test('Retry-After as an HTTP date', () =>
    expect(retryDelayFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }, now)).toBe(60_000));
  test('Bluesky RateLimit-Reset as epoch seconds', () =>
    expect(retryDelayFromHeaders({ 'ratelimit-reset': String(now / 1000 + 90) }, now)).toBe(90_000));
  test('none', () => expect(retryDelayFromHeaders({}, now)).toBeUndefined());
});

describe('Sealer', () => {
  test('round-trips and detects tampering', () => {
    const sealer = new Sealer(generateKey());
    const sealed = sealer.seal({ password: 'app-pass' });
    expect(sealed).not.toContain('app-pass');
    expect(sealer.open(sealed)).toEqual({ password: 'app-pass' });
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = `${v}.${iv}.${tag}.${Buffer.from(Buffer.from(body!, 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url')}`;
    expect(() => sealer.open(flipped)).toThrow();
    expect(() => new Sealer(generateKey()).open(sealed)).toThrow();
  });
});

test('graphemeLength counts what people see', () => {
  expect(graphemeLength('👩‍👩‍👧')).toBe(1);
  expect(graphemeLength('é')).toBe(1);
  expect(graphemeLength('e\u0301')).toBe(1);
});

test('graphemeLength counts long texts quickly, and as one pass over the whole text would', () => {
  // One pass copies the text into every segment: 100,000 characters ran the process out of memory.
  const started = Date.now();
  expect(graphemeLength('x'.repeat(200_000))).toBe(200_000);
  expect(graphemeLength('👩‍👩‍👧'.repeat(20_000))).toBe(20_000);
  expect(graphemeLength(`e${'\u0301'.repeat(50_000)}`)).toBe(1);
  expect(Date.now() - started).toBeLessThan(2000);
  // Texts mixing what windows could cut wrongly: surrogate pairs, ZWJ sequences, flags, CR LF, conjuncts.
  const pieces = [
    'a',
    '👩‍👩‍👧',
    'e\u0301',
    '\r\n',
    '\r',
    '\n',
    '🇫🇷',
    '🇫',
    '\u0301',
    ' ',
    '😀',
    '\u200d',
    'क्',
    'ष',
    '\ud800',
  ];
  const onePass = new Intl.Segmenter('en', { granularity: 'grapheme' });
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 300; i++) {
    const text = Array.from(
      { length: Math.floor(next() * 400) },
      () => pieces[Math.floor(next() * pieces.length)],
    ).join('');
    expect([text, graphemeLength(text)]).toEqual([text, Array.from(onePass.segment(text)).length]);
  }
});

describe('text rules (contracts/text-rules.ts, shared by the adapters and the web composer)', () => {
  test('UTF-8 bytes without Node APIs match Buffer.byteLength', () => {
    for (const text of ['', 'abc', 'é', '👩‍👩‍👧', '日本語 https://example.com 🎉'])
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
  test('each adapter validates and limits exactly as the shared rules', () => {
    const adapters = { bluesky: new BlueskyAdapter(), mastodon: new MastodonAdapter(), webhook: new WebhookAdapter() };
    const texts = [
      '',
      '   ',
      'hi 🎉',
      '🎉'.repeat(301),
      'é'.repeat(1600),
      `${'a'.repeat(480)} https://example.com/${'x'.repeat(100)}`,
    ];
    for (const [provider, adapter] of Object.entries(adapters)) {
      expect(adapter.limits).toEqual(TEXT_RULES[provider as keyof typeof adapters].limits);
      for (const text of texts)
        expect(adapter.validate(text)).toEqual(TEXT_RULES[provider as keyof typeof adapters].validate(text));
    }
    expect(new BlueskyAdapter().validate('🎉'.repeat(301))).toEqual([
      'Bluesky allows at most 300 characters; this text has 301',
    ]);
    expect(new BlueskyAdapter().validate('👩‍👩‍👧'.repeat(200))).toEqual([
      'Bluesky allows at most 3000 bytes of UTF-8; this text has 3600',
    ]);
  });
  test('Mastodon counts a link as 23 and a remote mention as its local part', () => {
    expect(mastodonLength(`see https://example.com/${'x'.repeat(100)} 🎉`)).toBe(4 + 23 + 2);
    expect(TEXT_RULES.mastodon.length('hi @someone@mastodon.social')).toBe('hi @someone'.length);
    expect(TEXT_RULES.bluesky.length('see https://example.com 🎉')).toBe(25);
  });
});

test('audit hashes do not depend on key order (jsonb reorders keys)', () => {
  expect(canonicalJson({ b: 1, a: { d: 2, c: [1, { f: 1, e: 2 }] } })).toBe(
    '{"a":{"c":[1,{"e":2,"f":1}],"d":2},"b":1}',
  );
  const row = {
    workspaceId: 'w',
    actorId: null,
    action: 'x',
    subjectType: 's',
    subjectId: '1',
    at: '2026-01-01T00:00:00.000Z',
  };
  expect(auditRowHash('0', { ...row, before: { a: 1, b: 2 }, after: null })).toBe(
    auditRowHash('0', { ...row, before: { b: 2, a: 1 }, after: null }),
  );
  expect(auditRowHash('0', { ...row, before: null, after: null })).not.toBe(
    auditRowHash('1', { ...row, before: null, after: null }),
  );
});

describe('configuration', () => {
  test('defaults to the embedded setup', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config).toMatchObject({
      API_HOST: '127.0.0.1',
      API_PORT: 3000,
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      PGLITE_PORT: 54329,
    });
  });
  test("the worker's workflow cache: the SDK's size unless set, and at least 2", () => {
    expect(loadConfig({}).CHORUS_WORKER_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ CHORUS_WORKER_CACHED_WORKFLOWS: '' }).CHORUS_WORKER_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ CHORUS_WORKER_CACHED_WORKFLOWS: '500' }).CHORUS_WORKER_CACHED_WORKFLOWS).toBe(500);
    expect(() => loadConfig({ CHORUS_WORKER_CACHED_WORKFLOWS: '1' })).toThrow(
      /CHORUS_WORKER_CACHED_WORKFLOWS: Too small: expected number to be >=2/,
    );
  });
  test("the worker's workflow threads: the SDK's one unless set, at least 1", () => {
    expect(loadConfig({}).CHORUS_WORKER_WORKFLOW_THREADS).toBeUndefined();
    expect(loadConfig({ CHORUS_WORKER_WORKFLOW_THREADS: '2' }).CHORUS_WORKER_WORKFLOW_THREADS).toBe(2);
    expect(() => loadConfig({ CHORUS_WORKER_WORKFLOW_THREADS: '0' })).toThrow(
      /CHORUS_WORKER_WORKFLOW_THREADS: Too small: expected number to be >=1/,
    );
    expect(() => loadConfig({ CHORUS_WORKER_WORKFLOW_THREADS: 'two' })).toThrow(/CHORUS_WORKER_WORKFLOW_THREADS/);
  });
  test('names every bad variable', () => {
    expect(() =>
      loadConfig({ DATABASE_URL: 'mysql://x', API_PORT: '99999', CHORUS_ENCRYPTION_KEY: 'c2hvcnQ=' }),
    ).toThrow(/DATABASE_URL[\s\S]*API_PORT[\s\S]*CHORUS_ENCRYPTION_KEY: must be 32 bytes/);
  });
});

describe('Batches', () => {
  test('what arrives in one turn is written together; what arrives while a batch is written goes in the next, one batch at a time', async () => {
    const written: number[][] = [];
    let inFlight = 0;
    let release!: () => void;
    const batches = new Batches<number, string>(
      async (items) => {
        expect(++inFlight).toBe(1);
        written.push(items);
        if (written.length === 1) await new Promise<void>((resolve) => (release = resolve));
        inFlight--;
        return items.map((i) => `#${i}`);
      },
      { max: 3 },
    );
    const first = [1, 2].map((i) => batches.add(i));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [3, 4, 5, 6].map((i) => batches.add(i)); // while the first batch is out
    release();
    expect(await Promise.all([...first, ...later])).toEqual(['#1', '#2', '#3', '#4', '#5', '#6']);
    expect(written).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  test("a failed write fails its batch's items only", async () => {
    const batches = new Batches<number, number>(
      async (items) => {
        if (items.includes(1)) throw new Error('refused');
        return items;
      },
      { max: 10, gatherMs: 5 },
    );
    const failed = [batches.add(1), batches.add(2)];
    await expect(Promise.all(failed)).rejects.toThrow('refused');
    await expect(failed[1]).rejects.toThrow('refused');
    expect(await batches.add(3)).toBe(3);
  });
});
