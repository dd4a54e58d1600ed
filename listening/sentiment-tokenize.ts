/**
 * A single-pass tokenizer for social-media text, written for the sentiment analyzer.
 *
 * natural's tokenizers are regular-expression based and built for edited prose: they drop emoticons and
 * emoji, split "don't" into "don" + "t", and forget whether a word was written in capitals or stretched
 * ("soooo"). The analyzer needs all of that, and needs it fast (it runs on every post), so this scanner
 * walks the string once with charCodeAt and records, per token, exactly what the rules look at.
 */

export type TokenKind = 'word' | 'emoticon' | 'emoji' | 'boundary';

export interface Token {
  readonly kind: TokenKind;
  /** Lower-cased word (curly apostrophes made straight), the emoticon as written, or the emoji's base character. */
  readonly text: string;
  /** A word of two or more letters written entirely in capitals ("LOVE"). */
  readonly shouting: boolean;
  /** A word with one letter repeated three or more times in a row ("soooo", "yesss"). */
  readonly elongated: boolean;
}

export interface ScannedText {
  readonly tokens: Token[];
  /** Number of '!' in the text. */
  readonly exclamations: number;
  /** Number of '?' in the text. */
  readonly questions: number;
  /** Whether any letter is lower case: capitals only stand out when the rest of the text is not shouted. */
  readonly hasLowercase: boolean;
}

/** Emoticon lookup used by the scanner; the analyzer passes its compiled table in. */
export type EmoticonTable = ReadonlyMap<string, number>;

const BOUNDARY: Token = { kind: 'boundary', text: '', shouting: false, elongated: false };

/** Longest emoticon the scanner tries to match as a whole chunk (":'-(" is 4, "(^_^)" is 5). */
const MAX_EMOTICON_LENGTH = 6;

const CH_APOSTROPHE = 39;
const CH_RIGHT_QUOTE = 0x2019;

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isUpperAscii(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Letters and digits that can be part of a word: ASCII, plus accented Latin letters ("café", "naïve"). */
function isWordChar(c: number): boolean {
  if (c < 128) return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 95;
  return c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7;
}

function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000;
}

/** Punctuation that ends a clause: negation and degree words do not reach across it. */
function isClauseBreak(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 0x2026; // . , ; : …
}

/** BMP pictographs and dingbats (☺ ♥ ❤ ✨ ⭐ ☀ …); astral emoji are recognised by their surrogate pair. */
function isBmpPictograph(c: number): boolean {
  return (c >= 0x2600 && c <= 0x27bf) || (c >= 0x2b00 && c <= 0x2bff) || c === 0x2639 || c === 0x263a;
}

/** Code points that only modify the emoji before them: skin tones, variation selectors, gender signs. */
function isEmojiModifier(cp: number): boolean {
  return (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === 0xfe0f || cp === 0xfe0e || cp === 0x2640 || cp === 0x2642;
}

/** Tweets are often stored HTML-escaped ("&lt;3", "&amp;"); decode the few entities that matter. */
function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Accumulates tokens and punctuation counts while the text is scanned. */
class Scan {
  readonly tokens: Token[] = [];
  exclamations = 0;
  questions = 0;
  hasLowercase = false;

  constructor(
    readonly text: string,
    readonly emoticons: EmoticonTable,
  ) {}

  push(token: Token): void {
    this.tokens.push(token);
  }

  boundary(): void {
    const last = this.tokens[this.tokens.length - 1];
    if (last !== undefined && last.kind !== 'boundary') this.tokens.push(BOUNDARY);
  }
}

/**
 * Splits text into words, emoticons, emoji and clause boundaries, and counts '!' and '?'.
 * URLs and @mentions are dropped; hashtags keep their word ("#fail" → "fail").
 */
export function scanText(rawText: string, emoticons: EmoticonTable): ScannedText {
  const text = rawText.indexOf('&') === -1 ? rawText : decodeEntities(rawText);
  const scan = new Scan(text, emoticons);
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isWhitespace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < n && !isWhitespace(text.charCodeAt(end))) end++;
    scanChunk(scan, i, end);
    i = end;
  }
  return {
    tokens: scan.tokens,
    exclamations: scan.exclamations,
    questions: scan.questions,
    hasLowercase: scan.hasLowercase,
  };
}

/** One whitespace-separated chunk: a URL, an emoticon, or words and punctuation (maybe ending in an emoticon). */
function scanChunk(scan: Scan, start: number, end: number): void {
  const { text } = scan;
  if (text.startsWith('http', start) || text.startsWith('www.', start)) return;

  // Sentence punctuation after an emoticon (":)!!") still counts as emphasis.
  let coreEnd = end;
  while (coreEnd - start > 2 && isTrailingPunctuation(text.charCodeAt(coreEnd - 1))) coreEnd--;
  if (coreEnd - start <= MAX_EMOTICON_LENGTH) {
    const emoticon = matchEmoticon(scan.emoticons, text.slice(start, coreEnd));
    if (emoticon !== undefined) {
      scan.push({ kind: 'emoticon', text: emoticon, shouting: false, elongated: false });
      countPunctuation(scan, coreEnd, end);
      return;
    }
  }

  const glued = gluedEmoticonLength(scan, start, end);
  scanWords(scan, start, end - glued);
  if (glued > 0) {
    const emoticon = matchEmoticon(scan.emoticons, text.slice(end - glued, end));
    if (emoticon !== undefined) scan.push({ kind: 'emoticon', text: emoticon, shouting: false, elongated: false });
  }
}

function isTrailingPunctuation(c: number): boolean {
  return c === 33 || c === 63 || c === 46 || c === 44; // ! ? . ,
}

function countPunctuation(scan: Scan, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const c = scan.text.charCodeAt(i);
    if (c === 33) scan.exclamations++;
    else if (c === 63) scan.questions++;
  }
  if (end > start) scan.boundary();
}

/**
 * Looks an emoticon up as written; a repeated last character (":)))", ":((((", "<333") is read as the
 * emoticon itself.
 */
function matchEmoticon(table: EmoticonTable, candidate: string): string | undefined {
  if (table.has(candidate)) return candidate;
  let shortened = candidate;
  while (
    shortened.length > 2 &&
    shortened.charCodeAt(shortened.length - 1) === shortened.charCodeAt(shortened.length - 2)
  ) {
    shortened = shortened.slice(0, -1);
    if (table.has(shortened)) return shortened;
  }
  return undefined;
}

/** Length of an emoticon glued to the end of a word ("fun:)", "thanks;-)"), or 0. */
function gluedEmoticonLength(scan: Scan, start: number, end: number): number {
  const { text } = scan;
  for (const length of [3, 2]) {
    const at = end - length;
    if (at <= start) continue;
    const eyes = text.charCodeAt(at);
    if (eyes !== 58 && eyes !== 59 && eyes !== 61) continue; // : ; =
    const before = text.charCodeAt(at - 1);
    if (before >= 48 && before <= 57) continue; // "10:30" is a time, not a face
    if (scan.emoticons.has(text.slice(at, end))) return length;
  }
  return 0;
}

/** Words, clause punctuation and emoji inside one chunk. */
function scanWords(scan: Scan, start: number, end: number): void {
  const { text } = scan;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isWordChar(c)) {
      i = scanWord(scan, i, end);
    } else if (c === 33) {
      scan.exclamations++;
      scan.boundary();
      i++;
    } else if (c === 63) {
      scan.questions++;
      scan.boundary();
      i++;
    } else if (isClauseBreak(c)) {
      scan.boundary();
      i++;
    } else if (c === 64) {
      // @mention: the handle says nothing about sentiment.
      i++;
      while (i < end && isWordChar(text.charCodeAt(i))) i++;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      i = scanAstralEmoji(scan, i, end);
    } else {
      if (isBmpPictograph(c)) scan.push({ kind: 'emoji', text: text[i] ?? '', shouting: false, elongated: false });
      i++; // any other character separates words
    }
  }
}

/** Reads one word starting at `start`; returns the index after it. */
function scanWord(scan: Scan, start: number, end: number): number {
  const { text } = scan;
  let upper = 0;
  let lower = 0;
  let run = 0;
  let previous = -1;
  let elongated = false;
  let curly = false;
  let i = start;
  for (; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c === CH_APOSTROPHE || c === CH_RIGHT_QUOTE) {
      // An apostrophe belongs to the word only between letters ("don't", "it's"), not around quotes.
      if (i + 1 < end && isAsciiLetter(text.charCodeAt(i + 1))) {
        if (c === CH_RIGHT_QUOTE) curly = true;
        previous = -1;
        continue;
      }
      break;
    }
    if (!isWordChar(c)) break;
    if (isUpperAscii(c)) {
      upper++;
      c |= 0x20;
    } else if (c >= 97 && c <= 122) {
      lower++;
    }
    run = c === previous ? run + 1 : 1;
    if (run >= 3 && c >= 97) elongated = true;
    previous = c;
  }
  let word = text.slice(start, i);
  if (upper > 0) word = word.toLowerCase();
  if (curly) word = word.replace(/\u2019/g, "'");
  if (lower > 0) scan.hasLowercase = true;
  scan.push({ kind: 'word', text: word, shouting: upper >= 2 && lower === 0, elongated });
  return i;
}

/** Reads an emoji written as a surrogate pair, with its modifiers and ZWJ-joined parts; returns the next index. */
function scanAstralEmoji(scan: Scan, start: number, end: number): number {
  const { text } = scan;
  const base = text.codePointAt(start) ?? 0;
  let i = start + (base > 0xffff ? 2 : 1);
  while (i < end) {
    const cp = text.codePointAt(i) ?? 0;
    if (isEmojiModifier(cp)) {
      i += cp > 0xffff ? 2 : 1;
    } else if (cp === 0x200d && i + 1 < end) {
      // Zero-width joiner: "🤦‍♂️" is read as its first emoji.
      const joined = text.codePointAt(i + 1) ?? 0;
      i += 1 + (joined > 0xffff ? 2 : 1);
    } else {
      break;
    }
  }
  if (base >= 0x1f000)
    scan.push({ kind: 'emoji', text: String.fromCodePoint(base), shouting: false, elongated: false });
  return i;
}
