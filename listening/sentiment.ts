/**
 * Rule-based sentiment for social-media posts.
 *
 * Word valences come from natural's lexicons (AFINN-165 first, then Pattern and SentiCon for gaps),
 * extended with emoticons, emoji and slang (./lexicon.ts) and with inflected forms checked by natural's
 * Porter stemmer (./sentiment-lexicon.ts). On top of the word valences sit the rules that social-media
 * text needs, after Hutto & Gilbert's VADER (ICWSM 2014): negation, degree words, contrast ("but"),
 * emphasis by capitals, stretched words and '!', and normalisation of the sum into [-1, 1].
 * docs/sentiment.md describes the rules and the figures measured on the development set.
 *
 * Everything is compiled into Maps when this module loads; analyzeSentiment does no I/O, keeps no state
 * between calls and gives the same result for the same text.
 */
import { LIKE_CUES } from './lexicon';
import { compileLexicon, type Phrase } from './sentiment-lexicon';
import { scanText, type ScannedText, type Token } from './sentiment-tokenize';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  /** -1 (most negative) to +1 (most positive). */
  score: number;
  label: SentimentLabel;
}

/**
 * The rule constants. Where VADER measured a value with human raters it is reused (negation -0.74,
 * contrast 0.5/1.5, degree words ±0.3, and the emphasis of capitals and '!', rescaled from VADER's
 * -4..4 valences to AFINN's -5..5).
 */
export const SENTIMENT_RULES = {
  /** A negated word keeps 74% of its strength with the opposite sign ("not good" is milder than "bad"). */
  negationScalar: -0.74,
  /** How many words (articles not counted) after a negator or degree word it reaches, within the clause. */
  scope: 3,
  /** Degree words lose a little force with each word between them and the word they modify. */
  boosterDecay: [1, 0.95, 0.9] as readonly number[],
  /** Extra strength of a degree word written in capitals or stretched ("SO good", "sooo good"). */
  emphaticBooster: 0.2,
  /** Extra valence for a sentiment word written in capitals inside mixed-case text ("I LOVE it"). */
  capsEmphasis: 0.9,
  /** Extra valence for a stretched sentiment word ("goooood"). */
  elongationEmphasis: 0.6,
  /** Extra valence per '!' (at most four count), in the direction of the text's sentiment. */
  exclamationEmphasis: 0.36,
  maxExclamations: 4,
  /** Weights of sentiment before and after the last contrast word ("…, but …"). */
  beforeContrast: 0.5,
  afterContrast: 1.5,
  /**
   * Emoticons and emoji are the writer's own, deliberate signal of how they feel, so they weigh a
   * quarter more than a word of the same listed valence.
   */
  emoticonWeight: 1.25,
  /**
   * Words weigh up to this much more the later they come: a post tends to end on its conclusion
   * ("Bad start, great finish"). Small enough to matter mostly when opposite words tie.
   */
  recencyWeight: 0.1,
  /** Normalisation score = sum / sqrt(sum² + alpha): one clearly positive word (+3) scores about 0.56. */
  alpha: 20,
  /**
   * |score| below this is labelled neutral. One of AFINN's weakest words alone ("ok", "yes", "want":
   * ±1, score ±0.22) does not make a post positive or negative; one moderate word (±2, ±0.41) does.
   */
  neutralBand: 0.25,
} as const;

const LEXICON = compileLexicon();
const LIKE_VERB_CUES: ReadonlySet<string> = new Set(LIKE_CUES);
/** Articles do not use up a negator's or degree word's reach: "wouldn't be such a bad idea". */
const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);
const NEGATED_MODALS: ReadonlySet<string> = new Set([
  "couldn't",
  'couldnt',
  "can't",
  'cant',
  'cannot',
  "wouldn't",
  'wouldnt',
  "won't",
  'wont',
]);

/** Scores one text: `score` in [-1, 1] and a label (neutral when |score| < 0.25). */
export function analyzeSentiment(text: string): SentimentResult {
  const score = sentimentScore(text);
  return { score, label: labelFor(score) };
}

export function labelFor(score: number): SentimentLabel {
  if (score >= SENTIMENT_RULES.neutralBand) return 'positive';
  if (score <= -SENTIMENT_RULES.neutralBand) return 'negative';
  return 'neutral';
}

/** Maps an unbounded valence sum into (-1, 1): steep near 0, flattening for long, emphatic texts. */
export function normalizeScore(sum: number, alpha: number = SENTIMENT_RULES.alpha): number {
  if (sum === 0 || !Number.isFinite(sum)) return 0;
  return sum / Math.sqrt(sum * sum + alpha);
}

function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0; // not Math.sign: natural's classifiers replace it process-wide
}

/** Per-text working state: the scanned tokens plus what earlier words do to later ones. */
interface Analysis {
  readonly scan: ScannedText;
  readonly tokens: readonly Token[];
  /** Lexicon form of each word token (stretched words folded back: "soooo" → "so"); '' for other tokens. */
  readonly forms: string[];
  /** Degree change a word applies to the sentiment words after it. */
  readonly boost: Float64Array;
  /** Whether a word negates the sentiment words after it. */
  readonly negates: Uint8Array;
  /** Index of the last contrast word, or -1. */
  readonly contrastAt: number;
}

function sentimentScore(text: string): number {
  const scan = scanText(text, LEXICON.emoticons);
  const { tokens } = scan;
  if (tokens.length === 0) return 0;
  const analysis = prepare(scan);

  let sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    let valence = 0;
    if (token.kind === 'emoticon') {
      valence = (LEXICON.emoticons.get(token.text) ?? 0) * SENTIMENT_RULES.emoticonWeight;
    } else if (token.kind === 'emoji') {
      valence = (LEXICON.emoji.get(token.text) ?? 0) * SENTIMENT_RULES.emoticonWeight;
    } else if (token.kind === 'word') {
      const phrase = matchPhrase(analysis, i);
      if (phrase !== undefined) {
        const last = i + phrase.rest.length;
        if (phrase.boost !== 0) analysis.boost[last] = phrase.boost;
        else if (phrase.valence !== 0) valence = modifyValence(analysis, i, last, phrase.valence);
        i = last;
      } else {
        valence = wordSentiment(analysis, i);
      }
    }
    if (valence !== 0) sum += valence * contrastWeight(analysis, i) * recencyWeight(i, tokens.length);
  }
  return normalizeScore(addPunctuationEmphasis(sum, scan));
}

/** Folds stretched words, marks negators and degree words, and finds the contrast word. */
function prepare(scan: ScannedText): Analysis {
  const { tokens } = scan;
  const forms: string[] = new Array<string>(tokens.length);
  const boost = new Float64Array(tokens.length);
  const negates = new Uint8Array(tokens.length);
  let contrastAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'word') {
      forms[i] = '';
      continue;
    }
    const form = token.elongated ? unstretch(token.text) : token.text;
    forms[i] = form;
    if (isNegator(form)) negates[i] = 1;
    if (LEXICON.contrast.has(form)) contrastAt = i;
  }
  const analysis: Analysis = { scan, tokens, forms, boost, negates, contrastAt };
  for (let i = 0; i < tokens.length; i++) {
    const degree = LEXICON.boosters.get(forms[i] as string);
    if (degree !== undefined && modifiesNext(analysis, i)) boost[i] = degree;
  }
  return analysis;
}

function isNegator(form: string): boolean {
  return LEXICON.negators.has(form) || form.endsWith("n't");
}

/**
 * Folds a stretched word back to a lexicon form: runs of three or more letters become two ("goood" →
 * "good"), or one ("soooo" → "so") if two is not a known form.
 */
function unstretch(word: string): string {
  const double = collapseRuns(word, 2);
  if (isKnownForm(double)) return double;
  return collapseRuns(word, 1);
}

function collapseRuns(word: string, keep: number): string {
  let out = '';
  let run = 0;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] as string;
    run = i > 0 && word[i - 1] === ch ? run + 1 : 1;
    if (run <= keep) out += ch;
  }
  return out;
}

function isKnownForm(form: string): boolean {
  return (
    LEXICON.words.has(form) || LEXICON.boosters.has(form) || LEXICON.negators.has(form) || LEXICON.phrases.has(form)
  );
}

/** Index of the word token right after `i` (not across punctuation), or -1. */
function nextWord(analysis: Analysis, i: number): number {
  const next = i + 1;
  return next < analysis.tokens.length && analysis.tokens[next]?.kind === 'word' ? next : -1;
}

/** Index of the word token right before `i` (not across punctuation), or -1. */
function previousWord(analysis: Analysis, i: number): number {
  const previous = i - 1;
  return previous >= 0 && analysis.tokens[previous]?.kind === 'word' ? previous : -1;
}

/**
 * A degree word only acts as one when the next word carries sentiment, is a degree word or negator:
 * "pretty good" is a degree, "she's pretty" is praise; "so tired" a degree, "so what" nothing.
 */
function modifiesNext(analysis: Analysis, i: number): boolean {
  const next = nextWord(analysis, i);
  if (next < 0) return false;
  const form = analysis.forms[next] as string;
  return lexiconValence(form) !== 0 || LEXICON.boosters.has(form) || isNegator(form);
}

/** Valence of a word form as listed, also for dropped-g spellings and laughter of any length. */
function lexiconValence(form: string): number {
  const direct = LEXICON.words.get(form);
  if (direct !== undefined) return direct;
  // Dropped g, as typed: "lovin", "hatin", "rockin".
  if (form.length > 4 && form.endsWith('in')) return LEXICON.words.get(`${form}g`) ?? 0;
  if (isLaughter(form)) return LEXICON.words.get('haha') ?? 0;
  return 0;
}

/** Typed laughter of any length: "hahahaha", "hehehe", "ahahah", "lolol". */
function isLaughter(form: string): boolean {
  if (form.length < 4) return false;
  const offset = form.charCodeAt(0) === 97 /* a */ ? 1 : 0; // "ahaha"
  const consonant = form.charCodeAt(offset);
  if (consonant !== 104 /* h */ && consonant !== 108 /* l */) return false;
  if (consonant === 108 && form.charCodeAt(form.length - 1) !== 108) return false; // "lolol", not "lolo"
  const vowel = form.charCodeAt(offset + 1);
  if (vowel !== 97 && vowel !== 101 && vowel !== 105 && vowel !== 111) return false;
  for (let k = offset; k < form.length; k++) {
    if (form.charCodeAt(k) !== ((k - offset) % 2 === 0 ? consonant : vowel)) return false;
  }
  return true;
}

/** The phrase starting at token `i`, if any (longest first). */
function matchPhrase(analysis: Analysis, i: number): Phrase | undefined {
  const candidates = LEXICON.phrases.get(analysis.forms[i] as string);
  if (candidates === undefined) return undefined;
  const { tokens, forms } = analysis;
  for (const phrase of candidates) {
    if (i + phrase.rest.length >= tokens.length) continue;
    let matches = true;
    for (let k = 0; k < phrase.rest.length && matches; k++) {
      const at = i + 1 + k;
      matches = tokens[at]?.kind === 'word' && forms[at] === phrase.rest[k];
    }
    if (matches) return phrase;
  }
  return undefined;
}

/** Valence of the single word at `i`, after the rules that apply to it. */
function wordSentiment(analysis: Analysis, i: number): number {
  if (analysis.boost[i] !== 0) return 0; // used as a degree word ("super excited"), not scored itself
  if (analysis.negates[i] === 1 && negatesSomething(analysis, i)) return 0;
  const form = analysis.forms[i] as string;
  const base = contextualValence(analysis, i, form);
  if (base === 0) return 0;
  // Interjections ("lol", "ugh") and a negator's own valence ("no") are not modified by the words before them.
  if (LEXICON.interjections.has(form) || analysis.negates[i] === 1) return emphasize(analysis, i, base);
  return modifyValence(analysis, i, i, base);
}

/** A negator's own valence ("no" is -1 in AFINN) counts only when it does not negate a later word. */
function negatesSomething(analysis: Analysis, i: number): boolean {
  const { tokens, forms } = analysis;
  for (let j = i + 1, seen = 0; j < tokens.length && seen < SENTIMENT_RULES.scope; j++) {
    if (tokens[j]?.kind !== 'word') return false;
    const form = forms[j] as string;
    if (LEXICON.interjections.has(form) || LEXICON.contrast.has(form)) return false;
    if (analysis.negates[j] === 0 && lexiconValence(form) !== 0) return true;
    if (!ARTICLES.has(form)) seen++;
  }
  return false;
}

/**
 * Lexicon valence adjusted for the words around it: "like" the verb vs. the preposition, predicative
 * slang ("is fire"), and "-free" compounds.
 */
function contextualValence(analysis: Analysis, i: number, form: string): number {
  const previous = previousWord(analysis, i);
  const before = previous >= 0 ? (analysis.forms[previous] as string) : '';
  if (form === 'like' && !isLikeVerbCue(before)) return 0;
  const slang = LEXICON.predicativeSlang.get(form);
  if (slang !== undefined && isPredicativeCue(before)) return slang;
  const valence = lexiconValence(form);
  // "stress-free", "guilt free", "pain-free": the absence of something bad is good.
  const next = nextWord(analysis, i);
  if (valence < 0 && next >= 0 && analysis.forms[next] === 'free') return valence * SENTIMENT_RULES.negationScalar;
  return valence;
}

/** "like" is the verb after a subject, auxiliary, adverb or negator ("I like", "would like", "don't like"). */
function isLikeVerbCue(before: string): boolean {
  return LIKE_VERB_CUES.has(before) || before.endsWith("'d") || before.endsWith("'ll") || isNegator(before);
}

function isPredicativeCue(before: string): boolean {
  return (
    LEXICON.predicativeCues.has(before) || before.endsWith("'s") || before.endsWith("'re") || before.endsWith("'m")
  );
}

/**
 * Applies emphasis, degree words and negation to the valence of the word (or phrase) spanning tokens
 * `first`..`last`.
 */
function modifyValence(analysis: Analysis, first: number, last: number, base: number): number {
  const rules = SENTIMENT_RULES;
  let valence = emphasize(analysis, first, base);

  const after = nextWord(analysis, last);
  const postBoost = after >= 0 ? LEXICON.postBoosters.get(analysis.forms[after] as string) : undefined;
  if (postBoost !== undefined) valence *= 1 + postBoost;

  let negated = false;
  for (let j = first - 1, distance = 0; j >= 0 && distance < rules.scope; j--) {
    const form = analysis.forms[j] as string;
    if (analysis.tokens[j]?.kind !== 'word' || LEXICON.contrast.has(form) || LEXICON.interjections.has(form)) break;
    if (ARTICLES.has(form)) continue;
    const degree = analysis.boost[j] as number;
    if (degree !== 0) valence *= 1 + boosterStrength(analysis, j, degree) * (rules.boosterDecay[distance] ?? 0);
    if (analysis.negates[j] === 1 && !deniesAnythingMore(analysis, j, first)) negated = !negated;
    distance++;
  }
  return negated ? valence * rules.negationScalar : valence;
}

/**
 * "never been happier", "couldn't be better", "can't get any worse": negating a comparative after
 * "never" or a negated modal says the current state is the extreme, so it keeps its polarity.
 * ("It's not better" is still negated.)
 */
function deniesAnythingMore(analysis: Analysis, negator: number, word: number): boolean {
  if (!LEXICON.comparatives.has(analysis.forms[word] as string)) return false;
  const form = analysis.forms[negator] as string;
  return form === 'never' || NEGATED_MODALS.has(form);
}

/** Capitals ("LOVE" in mixed-case text) and stretching ("loooove") make a word stronger. */
function emphasize(analysis: Analysis, i: number, valence: number): number {
  const token = analysis.tokens[i] as Token;
  const direction = signOf(valence);
  let emphasized = valence;
  if (token.shouting && analysis.scan.hasLowercase) emphasized += direction * SENTIMENT_RULES.capsEmphasis;
  if (token.elongated) emphasized += direction * SENTIMENT_RULES.elongationEmphasis;
  return emphasized;
}

/** A degree word in capitals or stretched ("SO good", "soooo good") pushes harder. */
function boosterStrength(analysis: Analysis, j: number, degree: number): number {
  const token = analysis.tokens[j] as Token;
  const emphatic = (token.shouting && analysis.scan.hasLowercase) || token.elongated;
  return emphatic ? degree + signOf(degree) * SENTIMENT_RULES.emphaticBooster : degree;
}

/** "The food was good but the service was slow": what follows the contrast word dominates. */
function contrastWeight(analysis: Analysis, i: number): number {
  if (analysis.contrastAt < 0) return 1;
  return i < analysis.contrastAt ? SENTIMENT_RULES.beforeContrast : SENTIMENT_RULES.afterContrast;
}

function recencyWeight(i: number, length: number): number {
  return 1 + SENTIMENT_RULES.recencyWeight * (i / length);
}

/** '!' strengthens whatever the text already expresses; it carries no direction of its own. */
function addPunctuationEmphasis(sum: number, scan: ScannedText): number {
  if (sum === 0) return 0;
  const marks = Math.min(scan.exclamations, SENTIMENT_RULES.maxExclamations);
  return sum + signOf(sum) * marks * SENTIMENT_RULES.exclamationEmphasis;
}
