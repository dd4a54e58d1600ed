import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtpAgent } from '@atproto/api';
import { isPrivateAddress, RefusedAddressError } from '../channels/address-guard';
import { fetchLinkCard, parseCardTags } from '../channels/link-card';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { png } from './support/images';

const { harness: h, pds, workspace: ws, call } = useChorus({ pds: true, workspace: 'Cards' });
let carol: SandboxAccount;
let channelId: string;
let site: { url: string; close(): Promise<void> };
const thumbnail = png(120, 63);

/** A small website: an article with Open Graph tags and an image, a page with only a <title>, a redirect. */
async function startSite() {
  const server = http.createServer((req, res) => {
    if (req.url === '/article') {
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head>
        <title>Fallback title</title>
        <meta property="og:title" content="Chorus ships listening &amp; more">
        <meta property="og:description" content="Boolean queries, sentiment and crisis alerts.">
        <meta property="og:image" content="/images/card.png">
      </head><body><p>Hello</p></body></html>`);
    }
    if (req.url === '/plain')
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<html><head><title> Just a title </title><meta name="description" content="Plain description"></head></html>',
        );
    if (req.url === '/moved') return void res.writeHead(301, { location: '/article' }).end();
    if (req.url === '/images/card.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(thumbnail);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  site = await startSite();
  carol = await pds().createAccount('carolcards');
  channelId = (await connectBluesky(h(), ws().token, pds(), carol)).id;
});
afterAll(async () => {
  await site?.close();
});

async function publishAndRead(text: string) {
  const created = await call(ws().token, 'POST', '/v1/posts', { text, channelIds: [channelId] });
  expect(created.statusCode).toBe(201);
  const post = await waitFor(
    'published',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${created.json().id}`)).json();
      return p.status === 'published' && p;
    },
    60_000,
  );
  const agent = new AtpAgent({ service: pds().pdsUrl });
  const rkey = post.targets[0].externalId.split('/').pop();
  return (await agent.com.atproto.repo.getRecord({ repo: carol.did, collection: 'app.bsky.feed.post', rkey })).data
    .value as {
    text: string;
    embed?: {
      $type: string;
      external: {
        uri: string;
        title: string;
        description: string;
        thumb?: { ref: { toString(): string }; mimeType: string };
      };
    };
  };
}

test("a post with a link gets the page's card: title, description and thumbnail from its Open Graph tags", async () => {
  const record = await publishAndRead(`New on the blog: ${site.url}/article`);
  expect(record.embed).toMatchObject({
    $type: 'app.bsky.embed.external',
    external: {
      uri: `${site.url}/article`,
      title: 'Chorus ships listening & more',
      description: 'Boolean queries, sentiment and crisis alerts.',
    },
  });
  expect(record.embed!.external.thumb!.mimeType).toBe('image/png');
  const blob = await new AtpAgent({ service: pds().pdsUrl }).com.atproto.sync.getBlob({
    did: carol.did,
    cid: record.embed!.external.thumb!.ref.toString(),
  });
  expect(createHash('sha256').update(blob.data).digest('hex')).toBe(
    createHash('sha256').update(thumbnail).digest('hex'),
  );
});

test('a page that cannot be read publishes the post without a card', async () => {
  const record = await publishAndRead(`Gone: ${site.url}/missing`);
  expect(record.text).toBe(`Gone: ${site.url}/missing`);
  expect(record.embed).toBeUndefined();
});

describe('reading cards', () => {
  const open = { allowPrivateAddresses: true };

  test('falls back to <title> and the meta description; follows redirects', async () => {
    expect(await fetchLinkCard(`${site.url}/plain`, open)).toEqual({
      uri: `${site.url}/plain`,
      title: 'Just a title',
      description: 'Plain description',
    });
    expect((await fetchLinkCard(`${site.url}/moved`, open))?.title).toBe('Chorus ships listening & more');
    expect(
      parseCardTags(
        '<meta name="twitter:title" content="From Twitter tags"><meta name="twitter:image" content="https://x.example/i.png">',
      ),
    ).toEqual({ title: 'From Twitter tags', description: undefined, image: 'https://x.example/i.png' });
  });

  test('private, loopback and link-local addresses are refused unless allowed', async () => {
    await expect(fetchLinkCard(`${site.url}/article`, { allowPrivateAddresses: false })).rejects.toThrow(
      RefusedAddressError,
    );
    await expect(fetchLinkCard('http://localhost:9/article', { allowPrivateAddresses: false })).rejects.toThrow(
      /private addresses/,
    );
    await expect(
      fetchLinkCard('http://169.254.169.254/latest/meta-data', { allowPrivateAddresses: false }),
    ).rejects.toThrow(RefusedAddressError);
    // IPv6 spellings of a local address, as URL literals (no DNS lookup happens for them).
    const port = new URL(site.url).port;
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::7f00:1]', '[::1]']) {
      await expect(fetchLinkCard(`http://${host}:${port}/article`, { allowPrivateAddresses: false })).rejects.toThrow(
        RefusedAddressError,
      );
    }
    await expect(fetchLinkCard('file:///etc/passwd', { allowPrivateAddresses: true })).rejects.toThrow(/not fetched/);
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::7f00:1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
    ])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    for (const ip of ['93.184.216.34', '172.32.0.1', '2606:4700::1111'])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
  });
});
