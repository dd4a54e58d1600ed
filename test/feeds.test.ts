import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFeed } from '../listening/feeds';
import { recordHistory } from './support/histories';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Feeds' });

interface FakeFeed {
  url: string;
  items: { guid: string; title: string; description: string }[];
  etag: string;
  failing: boolean;
  /** How each request was answered: 200, 304 or 500. */
  answers: number[];
  close(): Promise<void>;
}

/** An RSS 2.0 feed that honours If-None-Match, as a well-behaved publisher does. */
async function startFeed(): Promise<FakeFeed> {
  const feed: FakeFeed = {
    url: '',
    items: [],
    etag: '"v1"',
    failing: false,
    answers: [],
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/not-a-feed')
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Hello</body></html>');
    if (feed.failing) {
      feed.answers.push(500);
      return void res.writeHead(500).end();
    }
    if (req.headers['if-none-match'] === feed.etag) {
      feed.answers.push(304);
      return void res.writeHead(304).end();
    }
    feed.answers.push(200);
    const items = feed.items.map(
      (i) =>
        `<item><guid>${i.guid}</guid><title>${i.title}</title><description><![CDATA[<p>${i.description}</p>]]></description><link>https://news.example/${i.guid}</link><pubDate>${new Date().toUTCString()}</pubDate></item>`,
    );
    res
      .writeHead(200, { 'content-type': 'application/rss+xml', etag: feed.etag })
      .end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Example news</title>${items.join('')}</channel></rss>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  feed.close = () => new Promise((resolve) => server.close(() => resolve()));
  return feed;
}

const mentions = async (queryId: string) =>
  (await call(ws().token, 'GET', `/v1/mentions?queryId=${queryId}`)).json().mentions as {
    text: string;
    source: string;
  }[];

test('an RSS feed is polled with ETag: matching items are stored once, an unchanged feed answers 304, a failing one is reported', async () => {
  const feed = await startFeed();
  try {
    feed.items = [
      { guid: 'a1', title: 'Chorus raises prices', description: 'Customers are <b>unhappy</b> with Chorus.' },
      { guid: 'a2', title: 'Weather today', description: 'Sunny.' },
      { guid: 'a3', title: 'Chorus ships listening', description: 'A great update.' },
    ];
    const created = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'News',
      expression: 'chorus',
      sources: { rss: [feed.url] },
    });
    expect(created.statusCode).toBe(201);
    const query = created.json();

    await waitFor('two feed mentions', async () => (await mentions(query.id)).length === 2, 30_000);
    await waitFor('a conditional request answered 304', async () => feed.answers.includes(304), 30_000);
    expect((await mentions(query.id)).map((m) => m.text).sort()).toEqual([
      'Chorus raises prices. Customers are unhappy with Chorus.',
      'Chorus ships listening. A great update.',
    ]);
    expect((await mentions(query.id)).every((m) => m.source === 'rss')).toBe(true);

    feed.items.push({ guid: 'a4', title: 'Chorus adds Mastodon', description: 'Soon.' });
    feed.etag = '"v2"';
    await waitFor('the new item', async () => (await mentions(query.id)).length === 3, 30_000);

    feed.failing = true;
    // The feed's row turns unhealthy first; the loop's counters follow when its turn ends.
    const unhealthy = await waitFor(
      'the feed reported unhealthy, on the feed and in the loop',
      async () => {
        const q = (await call(ws().token, 'GET', `/v1/listening/queries/${query.id}`)).json();
        return q.feeds[0]?.healthy === false && q.live?.sourceHealthy === false && q;
      },
      30_000,
    );
    expect(unhealthy.feeds[0].lastError).toContain('500');
    expect(unhealthy.live.lastError).toContain('500');
    expect(await mentions(query.id)).toHaveLength(3);
    await call(ws().token, 'DELETE', `/v1/listening/queries/${query.id}`);
    await h().client.workflow.getHandle(query.workflowId).result();
    await recordHistory(h().client, query.workflowId, 'listening-feed');
  } finally {
    await feed.close();
  }
});

test('a feed URL that is not a feed is refused when the query is created', async () => {
  const feed = await startFeed();
  try {
    const res = await call(ws().token, 'POST', '/v1/listening/queries', {
      name: 'Bad',
      expression: 'chorus',
      sources: { rss: [feed.url.replace('/feed.xml', '/not-a-feed')] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'sources.rss.0', rule: 'feed' });
  } finally {
    await feed.close();
  }
});

test('Atom feeds are read too', () => {
  const atom = parseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
    <entry><id>urn:1</id><title>Hello</title><link rel="alternate" href="https://blog.example/1"/><author><name>Ann</name></author><updated>2026-11-01T10:00:00Z</updated><summary>First post</summary></entry></feed>`);
  expect(atom.items).toEqual([
    {
      id: 'urn:1',
      title: 'Hello',
      text: 'Hello. First post',
      link: 'https://blog.example/1',
      author: 'Ann',
      publishedAt: new Date('2026-11-01T10:00:00Z'),
    },
  ]);
  expect(() => parseFeed('<html></html>')).toThrow('neither RSS nor Atom');
});
