import type { AddressInfo } from 'node:net';
import { Frame, MessageFrame } from '@atproto/xrpc-server';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface FirehoseProxy {
  /** http URL to give Chorus as the firehose service. */
  url: string;
  /** Bad frames sent so far. */
  injected: number;
  close(): Promise<void>;
}

const asBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);

/**
 * Sits between Chorus and a real PDS's subscribeRepos and forwards every frame, adding bad ones:
 * bytes that are not CBOR when a connection opens, a #commit message that breaks the lexicon, and
 * after each real commit, a copy of it whose CAR blocks are garbage (so it cannot verify). The copy
 * comes after, not before: it carries the real commit's sequence number, and a read that ended
 * between the two would resume past the real commit (a real source never repeats a number).
 */
export async function startFirehoseProxy(upstream: string): Promise<FirehoseProxy> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const proxy: FirehoseProxy = { url: '', injected: 0, close: async () => undefined };
  const inject = (client: WebSocket, bytes: Uint8Array) => {
    proxy.injected++;
    client.send(bytes);
  };
  server.on('connection', (client, request) => {
    const source = new WebSocket(`${upstream.replace(/^http/, 'ws')}${request.url ?? ''}`);
    inject(client, Buffer.from([0xff, 0x00, 0x13, 0x37, 0x42]));
    inject(client, new MessageFrame({ seq: 'not a number', repo: 42 }, { type: '#commit' }).toBytes());
    source.on('message', (data) => {
      const bytes = asBytes(data);
      const frame = Frame.fromBytes(bytes);
      client.send(bytes);
      if (frame.isMessage() && frame.header.t === '#commit') {
        inject(
          client,
          new MessageFrame(
            { ...(frame.body as object), blocks: new Uint8Array([1, 2, 3, 4]) },
            { type: '#commit' },
          ).toBytes(),
        );
      }
    });
    source.on('close', () => client.close());
    source.on('error', () => client.terminate());
    client.on('close', () => source.close());
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    });
  return proxy;
}
