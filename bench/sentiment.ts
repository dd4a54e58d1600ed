import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type * as NaturalSentiment from 'natural/lib/natural/sentiment';
import type * as NaturalTokenizers from 'natural/lib/natural/tokenizers';
import {
  parseRatedTsv,
  scoreAnalyzer,
  type RatedText,
  type SentimentClass,
  type SentimentFigures,
} from '../listening/sentiment-metrics';

/**
 * Sentiment: accuracy against human ratings and throughput on one core, for Chorus's analyzer
 * (listening/sentiment.ts) beside natural's plain AFINN analyzer and vader-sentiment, in one run.
 *
 *   npx tsx bench/sentiment.ts                     # dev set, texts repeated to 315,000
 *   npx tsx bench/sentiment.ts --repeat 20         # a quick check
 *   taskset -c 0 npx tsx bench/sentiment.ts        # pinned to one core
 *
 * Accuracy is measured on the development set (../shared/data/sentiment/tweets-dev.tsv): Pearson r,
 * polarity accuracy (reference and strict, see listening/sentiment-metrics.ts) and macro F1.
 * Throughput is texts per second, single-threaded, over the dev-set tweets repeated --repeat times,
 * the same texts for every analyzer. The last line of output is a JSON summary; the exit code is 0
 * only when the issue's targets hold (r >= 0.85, polarity accuracy >= 0.96, >= 100,000 texts/s).
 */

const TARGETS = { pearson: 0.85, accuracy: 0.96, textsPerSecond: 100_000 } as const;
const DEFAULT_DEV_SET = path.join(__dirname, '..', '..', 'shared', 'data', 'sentiment', 'tweets-dev.tsv');

interface Options {
  devSet: string;
  repeat: number;
  rounds: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      'dev-set': { type: 'string', default: DEFAULT_DEV_SET },
      repeat: { type: 'string', default: '150' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const positive = (name: string, raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  return {
    devSet: values['dev-set'],
    repeat: positive('repeat', values.repeat),
    rounds: positive('rounds', values.rounds),
  };
}

interface Analyzer {
  readonly name: string;
  readonly score: (text: string) => number;
  readonly classify: (score: number) => SentimentClass;
}

interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

const signClass = (score: number): SentimentClass => (score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral');
/** vader-sentiment's documented thresholds for its compound score. */
const vaderClass = (score: number): SentimentClass =>
  score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';

/**
 * natural's SentimentAnalyzer (the class `require('natural').SentimentAnalyzer` exports) with AFINN
 * over WordTokenizer tokens: the issue's baseline. Loaded from natural's sentiment and tokenizer
 * modules so that natural's root does not print dotenv tips into the figures.
 */
function naturalAfinn(load: NodeJS.Require): Analyzer {
  const { SentimentAnalyzer } = load('natural/lib/natural/sentiment') as typeof NaturalSentiment;
  const { WordTokenizer } = load('natural/lib/natural/tokenizers') as typeof NaturalTokenizers;
  const analyzer = new SentimentAnalyzer('English', undefined, 'afinn');
  const tokenizer = new WordTokenizer();
  return {
    name: 'natural AFINN',
    score: (text) => {
      const words = tokenizer.tokenize(text);
      return words.length === 0 ? 0 : analyzer.getSentiment(words);
    },
    classify: signClass,
  };
}

function vader(load: NodeJS.Require): Analyzer {
  const { SentimentIntensityAnalyzer } = load('vader-sentiment') as VaderModule;
  return {
    name: 'vader-sentiment',
    score: (text) => SentimentIntensityAnalyzer.polarity_scores(text).compound,
    classify: vaderClass,
  };
}

interface Throughput {
  readonly texts: number;
  readonly textsPerSecond: number;
  readonly microsecondsPerText: number;
  /** CPU time of the process over wall time during the measurement: about 1 on one core. */
  readonly coresUsed: number;
}

/** Scores every text `rounds` times over; reports the median round. */
function measureThroughput(score: (text: string) => number, texts: readonly string[], rounds: number): Throughput {
  let checksum = 0;
  for (let i = 0; i < Math.min(texts.length, 20_000); i++) checksum += score(texts[i] as string); // warm-up
  const results: Throughput[] = [];
  for (let round = 0; round < rounds; round++) {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < texts.length; i++) checksum += score(texts[i] as string);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    results.push({
      texts: texts.length,
      textsPerSecond: texts.length / seconds,
      microsecondsPerText: (seconds * 1e6) / texts.length,
      coresUsed: (cpu.user + cpu.system) / 1e6 / seconds,
    });
  }
  if (!Number.isFinite(checksum)) throw new Error('a score was not finite');
  results.sort((a, b) => a.textsPerSecond - b.textsPerSecond);
  return results[Math.floor(results.length / 2)] as Throughput;
}

function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

const fixed = (x: number, digits = 3): string => x.toFixed(digits);
const thousands = (x: number): string => Math.round(x).toLocaleString('en-US');

function printFigures(name: string, f: SentimentFigures): void {
  console.log(
    `  ${name.padEnd(16)} r ${fixed(f.pearson)}   polarity accuracy ${fixed(f.accuracyReference)} (reference) / ${fixed(f.accuracyStrict)} (strict)   macro F1 ${fixed(f.macroF1)}`,
  );
}

async function main(): Promise<number> {
  const options = parseOptions();
  const load = createRequire(__filename);
  const host = machine();
  console.log(`Machine: ${host.cpus} × ${host.model}, ${host.memoryGiB} GiB, ${host.platform}, Node ${host.node}`);

  const loadStart = performance.now();
  // Loaded here rather than imported at the top so that the lexicon compilation at load is timed.
  const { analyzeSentiment, labelFor } = load('../listening/sentiment') as typeof import('../listening/sentiment');
  const loadMs = performance.now() - loadStart;
  const ours: Analyzer = { name: 'Chorus', score: (text) => analyzeSentiment(text).score, classify: labelFor };
  const analyzers = [ours, naturalAfinn(load), vader(load)];

  const rows: RatedText[] = parseRatedTsv(readFileSync(options.devSet, 'utf8'));
  console.log(`\nAccuracy on ${rows.length} rated tweets (${path.relative(process.cwd(), options.devSet)}):`);
  const figures = new Map<string, SentimentFigures>();
  for (const analyzer of analyzers) {
    const result = scoreAnalyzer(rows, analyzer.score, analyzer.classify);
    figures.set(analyzer.name, result);
    printFigures(analyzer.name, result);
  }

  const texts: string[] = [];
  for (let r = 0; r < options.repeat; r++) for (const row of rows) texts.push(row.text);
  const meanLength = rows.reduce((sum, row) => sum + row.text.length, 0) / rows.length;
  console.log(
    `\nThroughput, one thread: ${thousands(texts.length)} texts (dev set × ${options.repeat}, mean ${Math.round(meanLength)} characters)`,
  );
  console.log(`  Chorus lexicon compiled at load in ${Math.round(loadMs)} ms`);
  const speed = new Map<string, Throughput>();
  for (const analyzer of [ours, analyzers[2] as Analyzer]) {
    const rounds = analyzer === ours ? options.rounds : 1; // vader is ~15x slower: one round
    const result = measureThroughput(analyzer.score, texts, rounds);
    speed.set(analyzer.name, result);
    console.log(
      `  ${analyzer.name.padEnd(16)} ${thousands(result.textsPerSecond).padStart(9)} texts/s   ${fixed(result.microsecondsPerText, 2)} µs/text   (${rounds === 1 ? '1 round' : `median of ${rounds} rounds`}, ${fixed(result.coresUsed, 2)} cores busy)`,
    );
  }

  const mine = figures.get(ours.name) as SentimentFigures;
  const mineSpeed = speed.get(ours.name) as Throughput;
  const met = {
    pearson: mine.pearson >= TARGETS.pearson,
    accuracy: mine.accuracyReference >= TARGETS.accuracy,
    throughput: mineSpeed.textsPerSecond >= TARGETS.textsPerSecond,
  };
  console.log(
    `\nTargets: r >= ${TARGETS.pearson} ${met.pearson ? 'met' : 'MISSED'}, polarity accuracy >= ${TARGETS.accuracy} ${met.accuracy ? 'met' : 'MISSED'}, >= ${thousands(TARGETS.textsPerSecond)} texts/s ${met.throughput ? 'met' : 'MISSED'}`,
  );

  const summary = {
    bench: 'sentiment',
    machine: host,
    devSet: { texts: rows.length },
    accuracy: Object.fromEntries([...figures].map(([name, f]) => [name, roundFigures(f)])),
    throughput: {
      texts: texts.length,
      meanCharacters: Math.round(meanLength),
      chorusLoadMs: Math.round(loadMs),
      ...Object.fromEntries(
        [...speed].map(([name, t]) => [
          name,
          {
            textsPerSecond: Math.round(t.textsPerSecond),
            microsecondsPerText: Number(fixed(t.microsecondsPerText, 3)),
          },
        ]),
      ),
    },
    targets: TARGETS,
    met,
  };
  console.log(JSON.stringify(summary));
  return met.pearson && met.accuracy && met.throughput ? 0 : 1;
}

function roundFigures(f: SentimentFigures): Record<string, number> {
  return {
    pearson: Number(fixed(f.pearson, 4)),
    accuracyReference: Number(fixed(f.accuracyReference, 4)),
    accuracyStrict: Number(fixed(f.accuracyStrict, 4)),
    macroF1: Number(fixed(f.macroF1, 4)),
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
