/**
 * How sentiment analyzers are scored against human ratings (test/sentiment.test.ts, bench/sentiment.ts,
 * docs/sentiment.md). Pure functions: reading the rated file is the caller's business.
 *
 * The development set (../shared/data/sentiment/tweets-dev.tsv) rates each text from -4 to +4 (the
 * mean of several raters). Its README defines three figures:
 * - Pearson correlation between the analyzer's score and the human score;
 * - polarity accuracy: over texts with |human score| >= 0.5, the share whose sign the analyzer gets;
 * - macro F1 over three classes (human score > 0.5 positive, < -0.5 negative, otherwise neutral).
 *
 * Polarity accuracy comes in two variants because the README's wording and its reference figures
 * disagree about a zero prediction:
 * - `strict` follows the wording: a zero prediction counts as wrong.
 * - `reference` counts a zero prediction as positive. This is what the reference figures (natural's
 *   AFINN 0.899, vader-sentiment 0.986) actually measured: they were computed with
 *   `Math.sign(prediction) === Math.sign(gold)` in a process that had loaded natural, whose
 *   classifiers' matrix library (sylvester) replaces Math.sign with `x < 0 ? -1 : 1`, so that
 *   Math.sign(0) === 1. Under `strict` the same analyzers score 0.778 and 0.969.
 * Neither variant uses Math.sign, so both give the same answer whether or not natural is loaded.
 */

export interface RatedText {
  readonly id: string;
  /** Mean human rating, -4 (most negative) to +4 (most positive). */
  readonly score: number;
  readonly text: string;
}

export type PolarityRule = 'strict' | 'reference';

export type SentimentClass = 'positive' | 'negative' | 'neutral';

/** Human scores at or beyond this magnitude have a polarity that the accuracy figure checks. */
export const POLARITY_MIN_GOLD = 0.5;

/** Parses `id<TAB>score<TAB>text` lines; blank lines are skipped, a text may itself contain tabs. */
export function parseRatedTsv(content: string): RatedText[] {
  const rows: RatedText[] = [];
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const firstTab = line.indexOf('\t');
    const secondTab = line.indexOf('\t', firstTab + 1);
    if (firstTab < 0 || secondTab < 0) throw new Error(`not an id<TAB>score<TAB>text line: ${line.slice(0, 80)}`);
    const score = Number(line.slice(firstTab + 1, secondTab));
    if (!Number.isFinite(score)) throw new Error(`score is not a number: ${line.slice(0, 80)}`);
    rows.push({ id: line.slice(0, firstTab), score, text: line.slice(secondTab + 1) });
  }
  return rows;
}

/** Pearson's r; 0 when either series is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error('pearson: series of different lengths');
  const n = xs.length;
  if (n === 0) return 0;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i] as number;
    meanY += ys[i] as number;
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    const dy = (ys[i] as number) - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/**
 * Share of texts with |gold| >= 0.5 whose predicted polarity matches the human one. Under `strict` a
 * prediction of exactly 0 is wrong; under `reference` it counts as positive (see the module comment).
 */
export function polarityAccuracy(gold: readonly number[], predicted: readonly number[], rule: PolarityRule): number {
  if (gold.length !== predicted.length) throw new Error('polarityAccuracy: series of different lengths');
  let judged = 0;
  let right = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] as number;
    if (Math.abs(g) < POLARITY_MIN_GOLD) continue;
    judged++;
    const p = predicted[i] as number;
    const predictedPositive = rule === 'reference' ? p >= 0 : p > 0;
    const predictedNegative = p < 0;
    if ((g > 0 && predictedPositive) || (g < 0 && predictedNegative)) right++;
  }
  return judged === 0 ? 0 : right / judged;
}

/** The README's three gold classes. */
export function goldClass(score: number): SentimentClass {
  if (score > POLARITY_MIN_GOLD) return 'positive';
  if (score < -POLARITY_MIN_GOLD) return 'negative';
  return 'neutral';
}

/** Unweighted mean of the per-class F1 scores over positive, negative and neutral. */
export function macroF1(gold: readonly SentimentClass[], predicted: readonly SentimentClass[]): number {
  if (gold.length !== predicted.length) throw new Error('macroF1: series of different lengths');
  const classes: readonly SentimentClass[] = ['positive', 'negative', 'neutral'];
  let total = 0;
  for (const c of classes) {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    for (let i = 0; i < gold.length; i++) {
      const isGold = gold[i] === c;
      const isPredicted = predicted[i] === c;
      if (isGold && isPredicted) truePositive++;
      else if (isPredicted) falsePositive++;
      else if (isGold) falseNegative++;
    }
    const denominator = 2 * truePositive + falsePositive + falseNegative;
    total += denominator === 0 ? 0 : (2 * truePositive) / denominator;
  }
  return total / classes.length;
}

export interface SentimentFigures {
  readonly pearson: number;
  readonly accuracyReference: number;
  readonly accuracyStrict: number;
  readonly macroF1: number;
  readonly texts: number;
}

/** All figures for one analyzer; `classify` maps its score to a class (its own neutral band). */
export function scoreAnalyzer(
  rows: readonly RatedText[],
  analyze: (text: string) => number,
  classify: (score: number) => SentimentClass,
): SentimentFigures {
  const gold = rows.map((row) => row.score);
  const predicted = rows.map((row) => analyze(row.text));
  return {
    pearson: pearson(gold, predicted),
    accuracyReference: polarityAccuracy(gold, predicted, 'reference'),
    accuracyStrict: polarityAccuracy(gold, predicted, 'strict'),
    macroF1: macroF1(gold.map(goldClass), predicted.map(classify)),
    texts: rows.length,
  };
}
