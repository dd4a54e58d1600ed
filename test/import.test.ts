import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';

const { harness: h, hook, workspace: ws, call } = useChorus({ hook: true, workspace: 'Importers' });

beforeAll(async () => {
  for (const name of ['Hook A', 'Hook B']) await connectWebhook(h(), ws().token, hook(), name);
});

const upload = (csv: string | Buffer, dryRun: boolean, token = ws().token) =>
  h().app.inject({
    method: 'POST',
    url: `/v1/posts/import?dryRun=${dryRun}`,
    headers: { ...bearer(token), 'content-type': 'text/csv' },
    payload: csv,
  });

const tomorrow = (minutes: number) => new Date(Date.now() + 24 * 3600_000 + minutes * 60_000).toISOString();
const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

test('a 500-row CSV with 7 bad rows: the dry run names exactly those lines, the import creates the other 493', async () => {
  const bad = new Map<number, string[]>([
    [10, ['Unknown channel row', 'Hook Z', tomorrow(10), '', '', '']],
    [77, ['In the past', 'Hook A', '2020-01-01T10:00:00Z', '', '', '']],
    [150, ['No offset', 'Hook A', '2030-01-01T10:00:00', '', '', '']],
    [222, ['', 'Hook A', tomorrow(222), '', '', '']],
    [301, ['Both', 'Hook B', tomorrow(301), 'true', '', '']],
    [404, ['Unknown campaign', 'Hook B', tomorrow(404), '', 'No such campaign', '']],
    [499, ['Unknown media', 'Hook A', tomorrow(499), '', '', '00000000-0000-4000-8000-000000000000']],
  ]);
  const lines = ['text,channels,publishAt,queue,campaign,media'];
  for (let i = 0; i < 500; i++) {
    const row = bad.get(i) ?? [
      `Post number ${i}, with a comma and "quotes"`,
      i % 2 ? 'Hook A;Hook B' : 'hook a',
      tomorrow(i),
      '',
      '',
      '',
    ];
    lines.push(row.map(csvCell).join(','));
  }
  const csv = lines.join('\r\n') + '\r\n';
  const badLines = [...bad.keys()].map((i) => i + 2); // header is line 1

  const dry = await upload(csv, true);
  expect(dry.statusCode).toBe(200);
  expect(dry.json()).toMatchObject({ dryRun: true, total: 500, valid: 493 });
  expect(dry.json().invalid.map((r: { line: number }) => r.line)).toEqual(badLines);
  const reasons = Object.fromEntries(
    dry
      .json()
      .invalid.map((r: { line: number; errors: { field: string; rule: string }[] }) => [
        r.line,
        r.errors.map((e) => `${e.field}:${e.rule}`),
      ]),
  );
  expect(reasons).toEqual({
    12: ['channels:exists'],
    79: ['publishAt:future'],
    152: ['publishAt:iso_datetime'],
    224: ['text:required'],
    303: ['queue:exclusive'],
    406: ['campaign:exists'],
    501: ['media.0.mediaId:exists'],
  });
  expect(await h().db.selectFrom('posts').select('id').where('workspace_id', '=', ws().workspaceId).execute()).toEqual(
    [],
  );

  const started = await upload(csv, false);
  expect(started.statusCode).toBe(202);
  const { jobId } = started.json();
  expect(started.headers.location).toBe(`/v1/posts/import/${jobId}`);
  const done = await waitFor(
    'the import to complete',
    async () => {
      const job = (await call(ws().token, 'GET', `/v1/posts/import/${jobId}`)).json();
      return job.status === 'completed' && job;
    },
    110_000,
    500,
  );
  expect(done).toMatchObject({ total: 500, processed: 500, created: 493 });
  expect(done.failed.map((f: { line: number }) => f.line)).toEqual(badLines);
  const posts = await h()
    .db.selectFrom('posts')
    .select(['id', 'text'])
    .where('workspace_id', '=', ws().workspaceId)
    .execute();
  expect(posts).toHaveLength(493);
  expect(posts.map((p) => p.text)).toContain('Post number 3, with a comma and "quotes"');
  const twoChannels = await h()
    .db.selectFrom('post_targets')
    .select('post_id')
    .where(
      'post_id',
      'in',
      posts.map((p) => p.id),
    )
    .execute();
  const goodOddRows = [...Array(500).keys()].filter((i) => i % 2 === 1 && !bad.has(i)).length;
  expect(twoChannels).toHaveLength(493 + goodOddRows); // odd rows went to both channels
}, 120_000);

test('a file with wrong columns or encoding is refused as a whole, naming the problem', async () => {
  const columns = await upload('text,channel,when\nhi,Hook A,2030-01-01T00:00:00Z\n', true);
  expect(columns.statusCode).toBe(422);
  expect(columns.json().errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ field: 'columns.channels', rule: 'required' }),
      expect.objectContaining({ field: 'columns.channel', rule: 'known' }),
      expect.objectContaining({ field: 'columns.when', rule: 'known' }),
    ]),
  );
  const latin1 = Buffer.concat([
    Buffer.from('text,channels,publishAt\nCaf'),
    Buffer.from([0xe9]),
    Buffer.from(`,Hook A,${tomorrow(1)}\n`),
  ]);
  const encoding = await upload(latin1, true);
  expect(encoding.statusCode).toBe(422);
  expect(encoding.json().errors[0]).toMatchObject({ field: 'body', rule: 'utf8' });
  const broken = await upload('text,channels,publishAt\n"unterminated,Hook A,x\n', true);
  expect(broken.json().errors[0]).toMatchObject({ field: 'body', rule: 'csv' });
  const json = await call(ws().token, 'POST', '/v1/posts/import', { text: 'x' });
  expect(json.statusCode).toBe(415);
}, 300_000); // 493 posts created and started: past 120 s on a machine at half its usual speed (CI, 2026-11-28)
