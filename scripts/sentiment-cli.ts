import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { analyzeSentiment } from '../listening/sentiment';

/**
 * `chorus sentiment`: reads text lines and writes exactly one JSON line per input line,
 * `{"score":0.6249,"label":"positive"}`, and nothing else. An empty line scores as neutral 0.
 *
 * stdout carries only these lines: the analyzer loads natural's sentiment, stemmer and stop-word
 * modules directly, never natural's package root, whose dotenv call would print tips on stdout.
 */
export async function runSentimentCli(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    const { score, label } = analyzeSentiment(line);
    // Respect back-pressure so a large input piped to a slow reader does not pile up in memory.
    if (!output.write(`${JSON.stringify({ score, label })}\n`)) await once(output, 'drain');
  }
}

if (require.main === module) {
  runSentimentCli(process.stdin, process.stdout).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
