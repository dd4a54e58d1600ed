import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Webhook } from 'standardwebhooks';

const BATCH = 1000;
/** The route takes 5 MB a request: a batch is sent before it grows past this. */
const BATCH_BYTES = 4.5 * 1024 * 1024;

/**
 * `chorus ingest`: reads mentions as JSON lines (the objects of POST /v1/listening/ingest's
 * `mentions`) and pushes them in signed batches of up to 1,000 (and 4.5 MB), one Standard Webhooks signature
 * and a fresh webhook-id per batch. Prints the API's answer per batch as one JSON line; returns
 * 1 when a line is not JSON or a batch is refused (the rest still go).
 */
export async function runIngestCli(
  options: { api: string; keyId: string; secret: string },
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
): Promise<number> {
  const signer = new Webhook(options.secret);
  const endpoint = new URL('/v1/listening/ingest', options.api);
  let failed = false;
  let batch: unknown[] = [];
  let batchBytes = 0;
  let line = 0;

  const send = async () => {
    if (batch.length === 0) return;
    const body = JSON.stringify({ mentions: batch });
    batch = [];
    batchBytes = 0;
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    let response: Response;
    try {
      response = await fetch(endpoint, {
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
    } catch (err) {
      failed = true;
      errors.write(`batch ${id} not sent: ${err instanceof Error ? err.message : String(err)}\n`);
      return;
    }
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
    let mention: unknown;
    try {
      mention = JSON.parse(text);
    } catch {
      failed = true;
      errors.write(`line ${line} is not JSON; skipped\n`);
      continue;
    }
    const size = Buffer.byteLength(text) + 1;
    if (batch.length >= BATCH || batchBytes + size > BATCH_BYTES) await send();
    batch.push(mention);
    batchBytes += size;
  }
  await send();
  return failed ? 1 : 0;
}
