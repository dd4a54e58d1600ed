import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Stops answering: closes the listener and every open connection (the service looks down). */
  stop(): Promise<void>;
  /** Answers again on the same port. */
  start(): Promise<void>;
  /**
   * Keeps passing what clients send, but holds back what the service answers (a network that loses
   * replies): requests take effect, their callers hear nothing until `releaseAnswers`.
   */
  holdAnswers(): void;
  /** Lets the held answers through, and later ones again. */
  releaseAnswers(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of a local service, so a test can take the service off the network and back. */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const answers = new Set<{ upstream: net.Socket; client: net.Socket }>();
  let holding = false;
  let server: net.Server | undefined;
  let port = 0;

  const hold = ({ upstream, client }: { upstream: net.Socket; client: net.Socket }) => {
    upstream.unpipe(client);
    upstream.pause();
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        const pair = { upstream, client };
        answers.add(pair);
        upstream.on('close', () => answers.delete(pair));
        client.pipe(upstream).pipe(client);
        if (holding) hold(pair);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    stop,
    start: listen,
    holdAnswers() {
      holding = true;
      answers.forEach(hold);
    },
    releaseAnswers() {
      holding = false;
      for (const { upstream, client } of answers) upstream.pipe(client);
    },
    close: stop,
  };
}
