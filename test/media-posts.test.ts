import { createHash } from 'node:crypto';
import { AtpAgent } from '@atproto/api';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky, connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { bearer, createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { png } from './support/images';

const { harness: h, pds, hook, workspace: ws, call } = useChorus({ pds: true, hook: true, workspace: 'Media' });
let other: TestWorkspace;
let alice: SandboxAccount;
let channels: { alice: string; hook: string };

beforeAll(async () => {
  other = await createWorkspace(h(), 'Other media');
  alice = await pds().createAccount('mediaalice');
  channels = {
    alice: (await connectBluesky(h(), ws().token, pds(), alice)).id,
    hook: (await connectWebhook(h(), ws().token, hook(), 'CRM hook')).id,
  };
});

async function upload(token: string, bytes: Buffer, type: string, filename = 'image.png'): Promise<{ id: string }> {
  const res = await h().app.inject({
    method: 'POST',
    url: `/v1/media?filename=${filename}`,
    headers: { ...bearer(token), 'content-type': type },
    payload: bytes,
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}
const createPost = (token: string, body: object) => call(token, 'POST', '/v1/posts', body);
const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('images with alt text reach Bluesky as an images embed (blobs and aspect ratios) and the webhook as facts with checksums', async () => {
  const first = png(320, 200);
  const second = png(100, 400, { noise: true });
  const [a, b] = [await upload(ws().token, first, 'image/png'), await upload(ws().token, second, 'image/png')];
  const created = await createPost(ws().token, {
    text: 'Two pictures from the launch',
    channelIds: [channels.alice, channels.hook],
    media: [{ mediaId: a.id, alt: 'The stage before doors opened' }, { mediaId: b.id }],
  });
  expect(created.statusCode).toBe(201);
  const post = created.json();
  expect(post.media).toEqual([
    {
      mediaId: a.id,
      libraryItemId: null,
      alt: 'The stage before doors opened',
      contentType: 'image/png',
      bytes: first.length,
      width: 320,
      height: 200,
    },
    {
      mediaId: b.id,
      libraryItemId: null,
      alt: '',
      contentType: 'image/png',
      bytes: second.length,
      width: 100,
      height: 400,
    },
  ]);

  const published = await waitFor(
    'the post published',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${post.id}`)).json();
      return p.status === 'published' && p;
    },
    60_000,
  );

  // On the PDS: one record, its embed in the order given, each blob the exact bytes uploaded.
  const agent = new AtpAgent({ service: pds().pdsUrl });
  const bluesky = published.targets.find((t: { channelId: string }) => t.channelId === channels.alice);
  const rkey = bluesky.externalId.split('/').pop();
  const record = (await agent.com.atproto.repo.getRecord({ repo: alice.did, collection: 'app.bsky.feed.post', rkey }))
    .data.value as {
    text: string;
    embed: {
      $type: string;
      images: {
        alt: string;
        aspectRatio?: { width: number; height: number };
        image: { ref: { toString(): string }; mimeType: string; size: number };
      }[];
    };
  };
  expect(record.text).toBe('Two pictures from the launch');
  expect(record.embed.$type).toBe('app.bsky.embed.images');
  expect(record.embed.images.map((i) => [i.alt, i.aspectRatio, i.image.mimeType, i.image.size])).toEqual([
    ['The stage before doors opened', { width: 320, height: 200 }, 'image/png', first.length],
    ['', { width: 100, height: 400 }, 'image/png', second.length],
  ]);
  for (const [i, bytes] of [first, second].entries()) {
    const blob = await agent.com.atproto.sync.getBlob({
      did: alice.did,
      cid: record.embed.images[i]!.image.ref.toString(),
    });
    expect(sha256(blob.data)).toBe(sha256(bytes));
  }
  expect(await pds().listPosts(alice.did)).toHaveLength(1);

  const delivery = hook().deliveries.find(
    (d) => d.payload.type === 'post.published' && d.payload.data.postId === post.id,
  )!;
  expect(delivery.payload.data.media).toEqual([
    {
      mediaId: a.id,
      contentType: 'image/png',
      bytes: first.length,
      width: 320,
      height: 200,
      alt: 'The stage before doors opened',
      sha256: sha256(first),
    },
    {
      mediaId: b.id,
      contentType: 'image/png',
      bytes: second.length,
      width: 100,
      height: 400,
      alt: '',
      sha256: sha256(second),
    },
  ]);
});

describe('media each network cannot take are refused when the post is created, naming the channel', () => {
  test("an image over Bluesky's 1,000,000 bytes; a video on Bluesky; five images; another workspace's media", async () => {
    const large = await upload(ws().token, png(600, 600, { noise: true }), 'image/png');
    const tooLarge = await createPost(ws().token, {
      text: 'Big',
      channelIds: [channels.alice, channels.hook],
      media: [{ mediaId: large.id }],
    });
    expect(tooLarge.statusCode).toBe(422);
    expect(tooLarge.json().errors).toEqual([
      expect.objectContaining({
        field: 'media',
        rule: 'channel_media',
        message: expect.stringMatching(/at most 1,000,000 bytes; image 1 has .*\(channel "mediaalice/),
      }),
    ]);
    // The webhook takes it.
    expect(
      (
        await createPost(ws().token, {
          text: 'Big',
          channelIds: [channels.hook],
          media: [{ mediaId: large.id }],
          publishAt: new Date(Date.now() + 3600_000).toISOString(),
        })
      ).statusCode,
    ).toBe(201);

    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]);
    const video = await upload(ws().token, mp4, 'video/mp4', 'clip.mp4');
    const onBluesky = await createPost(ws().token, {
      text: 'Clip',
      channelIds: [channels.alice],
      media: [{ mediaId: video.id }],
    });
    expect(onBluesky.statusCode).toBe(422);
    expect(onBluesky.json().errors[0].message).toContain("Bluesky videos go through Bluesky's video service");

    const small = await Promise.all([1, 2, 3, 4, 5].map((n) => upload(ws().token, png(n, n), 'image/png')));
    const five = await createPost(ws().token, {
      text: 'Five',
      channelIds: [channels.hook],
      media: small.map((m) => ({ mediaId: m.id })),
    });
    expect(five.statusCode).toBe(400);
    expect(five.json().errors[0]).toMatchObject({ field: 'body.media', rule: 'too_big' });

    const theirs = await upload(other.token, png(10, 10), 'image/png');
    const foreign = await createPost(ws().token, {
      text: 'Not mine',
      channelIds: [channels.hook],
      media: [{ mediaId: theirs.id }],
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0]).toMatchObject({ field: 'media.0.mediaId', rule: 'exists' });
    expect(await h().db.selectFrom('posts').select('id').where('text', 'in', ['Clip', 'Not mine']).execute()).toEqual(
      [],
    );
  });
});

test('a CSV import attaches media by id, and names a row whose media id is unknown', async () => {
  const image = await upload(ws().token, png(50, 50), 'image/png');
  const at = new Date(Date.now() + 3600_000).toISOString();
  const csv = [
    'text,channels,publishAt,media',
    `With a picture,CRM hook,${at},${image.id}`,
    `Unknown picture,CRM hook,${at},00000000-0000-4000-8000-000000000000`,
    `Not an id,CRM hook,${at},hero.png`,
  ].join('\n');
  const res = await h().app.inject({
    method: 'POST',
    url: '/v1/posts/import?dryRun=true',
    headers: { ...bearer(ws().token), 'content-type': 'text/csv' },
    payload: csv,
  });
  expect(res.statusCode).toBe(200);
  expect(res.json().invalid).toEqual([
    { line: 3, errors: [expect.objectContaining({ field: 'media.0.mediaId', rule: 'exists' })] },
    { line: 4, errors: [expect.objectContaining({ field: 'media.0', rule: 'uuid' })] },
  ]);
  expect(res.json().valid).toBe(1);
});
