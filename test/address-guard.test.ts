import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { guardedRequest } from '../channels/address-guard';

// The guard checks the address each socket connected to. Node keeps sockets alive and reuses them:
// a reused socket never connects again, so a check that waited for its 'connect' added a listener
// per request that never ran, and they piled up on the socket (a webhook channel's deliveries, one
// after the other, made Node warn of a leak after ten).
let server: http.Server;
let url: URL;
beforeAll(async () => {
  server = http.createServer((_, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('requests over a kept-alive socket leave no listener behind on it', async () => {
  const sockets = new Set<Socket>();
  for (let i = 0; i < 25; i++) {
    const response = await guardedRequest(url, { allowPrivateAddresses: true, method: 'POST', body: `{"n":${i}}` });
    sockets.add(response.socket);
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
  }
  // One socket served them all (so the reuse was exercised), and it holds no pending check.
  expect(sockets.size).toBe(1);
  expect([...sockets][0]!.listenerCount('connect')).toBe(0);
});
