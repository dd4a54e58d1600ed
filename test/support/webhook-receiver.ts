import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  id: string;
  timestamp: number;
  receivedAt: number;
  /** When the receiver answered it (204), if it has. */
  answeredAt?: number;
  payload: { type: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Verified deliveries, in arrival order (repeats included). */
  deliveries: Delivery[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** Queue responses to send before answering 204, e.g. `{ status: 429, headers: { 'retry-after': '1' } }`. */
  respondNext(...responses: { status: number; headers?: Record<string, string> }[]): void;
  /** Called with each verified delivery as it is accepted, before it is answered (a test may crash the sender here). */
  onDelivery?: (delivery: Delivery) => void;
  /** How long to wait before answering the nth verified delivery (from 1): a slow receiver; none unless set. */
  answerAfter?: (nth: number) => number;
  close(): Promise<void>;
}

/** A webhook endpoint that verifies Standard Webhooks signatures the way a receiver should. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);
  const queued: { status: number; headers?: Record<string, string> }[] = [];
  const receiver: Omit<WebhookReceiver, 'url'> & { url: string } = {
    url: '',
    secret,
    deliveries: [],
    rejected: 0,
    respondNext: (...responses) => queued.push(...responses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: Delivery['payload'];
      try {
        payload = verifier.verify(body, req.headers as Record<string, string>) as Delivery['payload'];
      } catch {
        receiver.rejected++;
        res.writeHead(401).end();
        return;
      }
      const next = queued.shift();
      if (next) {
        res.writeHead(next.status, next.headers).end();
        return;
      }
      const delivery: Delivery = {
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        receivedAt: Date.now(),
        payload,
      };
      receiver.deliveries.push(delivery);
      receiver.onDelivery?.(delivery);
      const answer = () => {
        res.writeHead(204).end();
        delivery.answeredAt = Date.now();
      };
      const delay = receiver.answerAfter?.(receiver.deliveries.length) ?? 0;
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/chorus`;
  return receiver;
}
