import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Webhook } from 'standardwebhooks';

const BATCH = 1000;

/**
 * `chorus ingest`: reads mentions as JSON lines (the objects of POST /v1/listening/ingest's
 * `mentions`) and pushes them in signed batches of up to 1,000, one Standard Webhooks signature
 * and a fresh webhook-id per batch. Prints the API's answer per batch as one JSON line; returns
 * 1 when a line is not JSON or a batch is refused (the rest still go).
 */
export async function runIngestCli(options: { api: string; keyId: string; secret: string }, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, errors: NodeJS.WritableStream): Promise<number> {
  const signer = new Webhook(options.secret);
  const endpoint = new URL('/v1/listening/ingest', options.api);
  let failed = false;
  let batch: unknown[] = [];
  let line = 0;

  const send = async () => {
    if (batch.length === 0) return;
    const body = JSON.stringify({ mentions: batch });
    batch = [];
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'chorus-ingest-key': options.keyId,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(id, at, body),
      },
      body,
    });
    const answer = await response.text();
    if (!response.ok) {
      failed = true;
      errors.write(`batch ${id} refused (${response.status}): ${answer}\n`);
      return;
    }
    output.write(`${answer}\n`);
  };

  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      batch.push(JSON.parse(text));
    } catch {
      failed = true;
      errors.write(`line ${line} is not JSON; skipped\n`);
      continue;
    }
    if (batch.length >= BATCH) await send();
  }
  await send();
  return failed ? 1 : 0;
}
