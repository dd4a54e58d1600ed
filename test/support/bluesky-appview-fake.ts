import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the metrics collector asks of Bluesky, for a load too large to seed on the local PDS in a
 * bench's time: a session (com.atproto.server.createSession), counts of up to 25 posts a call
 * (app.bsky.feed.getPosts: https://docs.bsky.app/docs/api/app-bsky-feed-get-posts; more than 25
 * URIs is a 400 InvalidRequest, as the lexicon's maxLength makes it), a profile's followersCount
 * (app.bsky.actor.getProfile) and a record's existence (com.atproto.repo.getRecord, 400
 * RecordNotFound when it is gone). Answers follow the lexicons closely enough for @atproto/api's
 * response validation. Counts every call by method, and can wait `latencyMs` before each answer
 * (a network's round trip).
 */
export interface BlueskyAppviewFake {
  url: string;
  /** Posts the appview knows, by at:// URI, with their counts. */
  posts: Map<string, { likes: number; reposts: number; replies: number; quotes: number }>;
  followers: number;
  latencyMs: number;
  /** Calls received, by XRPC method. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

// A valid CID (the lexicons' `cid` format): every post shares it here.
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm';
const GET_POSTS_MAX = 25;

export async function startBlueskyAppviewFake(): Promise<BlueskyAppviewFake> {
  const fake: BlueskyAppviewFake = {
    url: '',
    posts: new Map(),
    followers: 0,
    latencyMs: 0,
    calls: new Map(),
    close: async () => undefined,
  };
  const indexedAt = new Date().toISOString();
  const authorOf = (uri: string) => {
    const did = uri.split('/')[2]!;
    return { did, handle: `${did.split(':').pop()}.test` };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = url.pathname.replace(/^\/xrpc\//, '');
    fake.calls.set(method, (fake.calls.get(method) ?? 0) + 1);
    const json = (status: number, body: unknown) => {
      const send = () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (fake.latencyMs > 0) setTimeout(send, fake.latencyMs);
      else send();
    };
    if (method === 'com.atproto.server.createSession') {
      req.resume();
      return req.on('end', () => {
        const did = `did:plc:${'bench'.padEnd(24, 'x')}`;
        json(200, { did, handle: 'bench.test', accessJwt: 'access', refreshJwt: 'refresh', active: true });
      });
    }
    if (method === 'app.bsky.feed.getPosts') {
      const uris = url.searchParams.getAll('uris');
      if (uris.length > GET_POSTS_MAX)
        return json(400, {
          error: 'InvalidRequest',
          message: `uris must not have more than ${GET_POSTS_MAX} elements`,
        });
      const posts = uris.flatMap((uri) => {
        const counts = fake.posts.get(uri);
        if (!counts) return [];
        return [
          {
            uri,
            cid: CID,
            author: authorOf(uri),
            record: { $type: 'app.bsky.feed.post', text: 'bench', createdAt: indexedAt },
            indexedAt,
            likeCount: counts.likes,
            repostCount: counts.reposts,
            replyCount: counts.replies,
            quoteCount: counts.quotes,
          },
        ];
      });
      return json(200, { posts });
    }
    if (method === 'app.bsky.actor.getProfile') {
      const actor = url.searchParams.get('actor') ?? '';
      return json(200, { did: actor, handle: 'bench.test', followersCount: fake.followers });
    }
    if (method === 'com.atproto.repo.getRecord') {
      const uri = `at://${url.searchParams.get('repo')}/${url.searchParams.get('collection')}/${url.searchParams.get('rkey')}`;
      return fake.posts.has(uri)
        ? json(200, { uri, cid: CID, value: { $type: 'app.bsky.feed.post', text: 'bench', createdAt: indexedAt } })
        : json(400, { error: 'RecordNotFound', message: `Could not locate record: ${uri}` });
    }
    json(501, { error: 'MethodNotImplemented', message: `${method} is not part of this fake` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
