import { describeAt, quote, QuerySyntaxError } from './query-error';

/**
 * The lexer: turns a query into tokens, each with the 0-based offset of its first character.
 *
 * Lexical rules:
 * - Whitespace separates tokens. `(`, `)` and quotes are tokens of their own and also end a word,
 *   so `(brand)` and `brand"launch day"` need no spaces.
 * - `"…"` is a phrase. Curly quotes (“…”) work too, because queries get pasted from documents.
 * - `AND`, `OR`, `NOT` and `NEAR/n` are operators only in upper case: `and`, `Or` and `near` are
 *   ordinary terms, so a post about "rock and roll" can still be searched for.
 * - `-` directly before an operand (`-spam`, `-"free gift"`, `-(a OR b)`) is NOT. A `-` inside a
 *   word (`e-bike`) is part of the word.
 * - A word starting with `#` is a hashtag, with `@` a mention, and `name:value` (letters, then a
 *   colon) a field. Field names are checked by the parser so that the error can list the known ones.
 */
export type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus' | 'eof'; position: number; text: string }
  | { kind: 'near'; position: number; text: string; distance: number }
  /** `body` is the text between the quotes. */
  | { kind: 'phrase'; position: number; text: string; body: string }
  /** A bare word: a term, possibly with a trailing `*`. */
  | { kind: 'term'; position: number; text: string }
  /** `body` is the word without its leading `#` or `@`. */
  | { kind: 'hashtag' | 'mention'; position: number; text: string; body: string }
  | { kind: 'field'; position: number; text: string; name: string; value: string; valuePosition: number };

const OPERATOR_WORDS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', OR: 'or', NOT: 'not' };
const FIELD = /^([A-Za-z][A-Za-z0-9_]*):/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    i = skipWhitespace(source, i);
    if (i >= source.length) {
      tokens.push({ kind: 'eof', position: source.length, text: '' });
      return tokens;
    }
    const token = readToken(source, i);
    tokens.push(token);
    i += token.text.length;
  }
}

function readToken(source: string, i: number): Token {
  const c = source[i]!;
  if (c === '(') return { kind: 'lparen', position: i, text: c };
  if (c === ')') return { kind: 'rparen', position: i, text: c };
  if (isQuote(c)) return readPhrase(source, i);
  if (c === '-' && startsOperand(source, i + 1)) return { kind: 'minus', position: i, text: c };
  return classifyWord(source, i, readWord(source, i));
}

function readPhrase(source: string, start: number): Token {
  let end = start + 1;
  while (end < source.length && !isQuote(source[end]!)) end++;
  if (end >= source.length) {
    throw new QuerySyntaxError(
      source.length,
      'a closing quote (")',
      'end of query',
      `the phrase opened at position ${start} is never closed`,
    );
  }
  return { kind: 'phrase', position: start, text: source.slice(start, end + 1), body: source.slice(start + 1, end) };
}

function readWord(source: string, start: number): string {
  let end = start;
  while (end < source.length && !endsWord(source[end]!)) end++;
  return source.slice(start, end);
}

function classifyWord(source: string, position: number, text: string): Token {
  const operator = OPERATOR_WORDS[text];
  if (operator) return { kind: operator, position, text };
  if (text === 'NEAR' || text.startsWith('NEAR/')) return readNear(source, position, text);
  if (text.startsWith('#')) return { kind: 'hashtag', position, text, body: text.slice(1) };
  if (text.startsWith('@')) return { kind: 'mention', position, text, body: text.slice(1) };
  const field = FIELD.exec(text);
  if (field) {
    const name = field[1]!;
    return {
      kind: 'field',
      position,
      text,
      name: name.toLowerCase(),
      value: text.slice(name.length + 1),
      valuePosition: position + name.length + 1,
    };
  }
  return { kind: 'term', position, text };
}

/** `NEAR/n` with n ≥ 1 written straight after the slash, e.g. `NEAR/3`. */
function readNear(source: string, position: number, text: string): Token {
  const slash = position + 'NEAR'.length;
  if (text === 'NEAR') {
    throw new QuerySyntaxError(
      slash,
      '"/" and a number after NEAR',
      describeAt(source, slash),
      'write NEAR/3 for "within 3 words"',
    );
  }
  const digitsAt = slash + 1;
  const digits = /^\d*/.exec(text.slice('NEAR/'.length))![0];
  if (digits === '') throw new QuerySyntaxError(digitsAt, 'a number after NEAR/', describeAt(source, digitsAt));
  const after = digitsAt + digits.length;
  if (after < position + text.length) {
    throw new QuerySyntaxError(
      after,
      `a space after NEAR/${digits}`,
      quote(text.slice(after - position)),
      'NEAR/ takes a plain number of words',
    );
  }
  const distance = Number(digits);
  if (distance < 1) {
    throw new QuerySyntaxError(
      digitsAt,
      'a number of 1 or more after NEAR/',
      quote(digits),
      'for words right next to each other, use a "phrase"',
    );
  }
  return { kind: 'near', position, text, distance };
}

function skipWhitespace(source: string, i: number): number {
  while (i < source.length && isWhitespace(source[i]!)) i++;
  return i;
}

/** After a `-`: is there something it can negate (rather than a lone dash)? */
function startsOperand(source: string, i: number): boolean {
  const c = source[i];
  return c !== undefined && !isWhitespace(c) && c !== ')';
}

function endsWord(c: string): boolean {
  return isWhitespace(c) || c === '(' || c === ')' || isQuote(c);
}

function isQuote(c: string): boolean {
  return c === '"' || c === '“' || c === '”';
}

function isWhitespace(c: string): boolean {
  return /\s/u.test(c);
}
