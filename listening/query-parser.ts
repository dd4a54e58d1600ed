import { quote, QuerySyntaxError } from './query-error';
import { Token, tokenize } from './query-lexer';
import { HANDLE_BODY, HASHTAG_BODY, normaliseHandle, normaliseText, wordsOf } from './query-text';

/**
 * The parser: a recursive-descent parser over the lexer's tokens, one function per rule.
 *
 *   query   := or EOF
 *   or      := and ('OR' and)*
 *   and     := unary (('AND')? unary)*          adjacency is an implicit AND, as in Brandwatch
 *   unary   := ('NOT' | '-') unary | near
 *   near    := primary ('NEAR/' n primary)*     n ≥ 1; left-associative
 *   primary := '(' or ')' | phrase | term | field | hashtag | mention
 *   field   := 'author:' handle | 'lang:' code | 'has:link'      field names in any case
 *   hashtag := '#' word          mention := '@' handle
 *   term    := word ('*')?       phrase := '"' words '"'
 *
 * Precedence: NOT and NEAR bind tighter than AND, which binds tighter than OR. So `a OR b c` is
 * `a OR (b AND c)` and `NOT a b` is `(NOT a) AND b`. Between NOT and NEAR, the grammar makes NOT a
 * prefix of a whole NEAR chain: `NOT a NEAR/2 b` is `NOT (a NEAR/2 b)`. The other reading,
 * `(NOT a) NEAR/2 b`, would ask for the position of a word that is absent, which has none.
 *
 * Operators are recognised only in upper case (see query-lexer.ts): `rock and roll` is three terms.
 *
 * NEAR/ operands must have a position in the text: a term, a phrase, a parenthesised OR of those
 * (`(xmas OR christmas) NEAR/2 gift`), or another NEAR. AND, NOT and fields are rejected with an
 * error rather than given a guessed meaning.
 *
 * Terms are cut into words exactly as posts are (see query-text.ts); a term that comes out as
 * several words (`e-bike`, `3.5`) is matched as a phrase of those words.
 */
export type QueryNode =
  /** One word; with `prefix`, any word starting with it (`launch*`). */
  | { type: 'term'; position: number; word: string; prefix: boolean }
  | { type: 'phrase'; position: number; words: string[] }
  | { type: 'and' | 'or'; position: number; children: QueryNode[] }
  | { type: 'not'; position: number; child: QueryNode }
  /** `left` and `right` occur with at most `distance` words between them, in either order. */
  | { type: 'near'; position: number; distance: number; left: QueryNode; right: QueryNode }
  /** `handle` is normalised: lowercase, no leading @. */
  | { type: 'author'; position: number; handle: string }
  /** ISO 639-1, lowercase. */
  | { type: 'lang'; position: number; code: string }
  | { type: 'has'; position: number; value: 'link' }
  | { type: 'hashtag'; position: number; tag: string }
  | { type: 'mention'; position: number; handle: string };

export const EXPECTED_OPERAND = 'a term, phrase, field or "("';
export const EXPECTED_NEAR_OPERAND = 'a term, phrase or parenthesised OR of them';
export const KNOWN_FIELDS = ['author', 'lang', 'has'] as const;
const HAS_VALUES = ['link'] as const;
/** Deep enough for any query a person writes; stops a pasted "((((…" from overflowing the stack. */
const MAX_NESTING = 100;

export function parseQuery(source: string): QueryNode {
  return new Parser(tokenize(source)).parseQuery();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): QueryNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'eof') {
      // Everything that can continue an expression was consumed, so this is a stray ")".
      throw this.error(next, 'end of query', 'this ")" has no matching "("');
    }
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.advance();
      children.push(this.parseAnd());
    }
    return group('or', children);
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const next = this.peek();
      if (next.kind === 'and') this.advance();
      else if (!startsUnary(next)) break;
      children.push(this.parseUnary());
    }
    return group('and', children);
  }

  private parseUnary(): QueryNode {
    const token = this.peek();
    if (token.kind !== 'not' && token.kind !== 'minus') return this.parseNear();
    this.advance();
    return { type: 'not', position: token.position, child: this.nested(token, () => this.parseUnary()) };
  }

  private parseNear(): QueryNode {
    const leftStart = this.peek();
    let left = this.parsePrimary();
    while (this.peek().kind === 'near') {
      const operator = this.advance();
      if (!hasPosition(left)) throw this.error(leftStart, EXPECTED_NEAR_OPERAND, nearOperandHint(operator));
      const right = this.parseNearOperand(operator);
      const distance = operator.kind === 'near' ? operator.distance : 0;
      left = { type: 'near', position: left.position, distance, left, right };
    }
    return left;
  }

  private parseNearOperand(operator: Token): QueryNode {
    const start = this.peek();
    // A NOT here would otherwise be reported as a missing operand, which is less helpful.
    if (start.kind === 'not' || start.kind === 'minus')
      throw this.error(start, EXPECTED_NEAR_OPERAND, nearOperandHint(operator));
    const node = this.parsePrimary();
    if (!hasPosition(node)) throw this.error(start, EXPECTED_NEAR_OPERAND, nearOperandHint(operator));
    return node;
  }

  private parsePrimary(): QueryNode {
    const token = this.peek();
    switch (token.kind) {
      case 'lparen':
        return this.parseGroup();
      case 'phrase':
        this.advance();
        return phraseNode(token.position, token.body);
      case 'term':
        this.advance();
        return termNode(token.position, token.text);
      case 'field':
        this.advance();
        return fieldNode(token);
      case 'hashtag':
        this.advance();
        return hashtagNode(token.position, token.body);
      case 'mention':
        this.advance();
        return mentionNode(token.position, token.body);
      default:
        throw this.error(token, EXPECTED_OPERAND);
    }
  }

  private parseGroup(): QueryNode {
    const open = this.advance();
    const inner = this.nested(open, () => this.parseOr());
    const close = this.peek();
    if (close.kind !== 'rparen') throw this.error(close, '")"', `to close the "(" at position ${open.position}`);
    this.advance();
    return inner;
  }

  /** Parses what `opener` (a "(" or a NOT) applies to, refusing to go deeper than MAX_NESTING. */
  private nested(opener: Token, parse: () => QueryNode): QueryNode {
    if (++this.depth > MAX_NESTING) throw this.error(opener, `at most ${MAX_NESTING} levels of nesting`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private error(token: Token, expected: string, hint?: string): QuerySyntaxError {
    return new QuerySyntaxError(token.position, expected, describeToken(token), hint);
  }
}

/** Tokens that can start a `unary`: what may follow an operand to form an implicit AND. */
function startsUnary(token: Token): boolean {
  switch (token.kind) {
    case 'not':
    case 'minus':
    case 'lparen':
    case 'phrase':
    case 'term':
    case 'field':
    case 'hashtag':
    case 'mention':
      return true;
    default:
      return false;
  }
}

/** One child stays itself; `a OR b OR c` is one node with three children. */
function group(type: 'and' | 'or', children: QueryNode[]): QueryNode {
  return children.length === 1 ? children[0]! : { type, position: children[0]!.position, children };
}

/** Whether a node stands for places in the text, which NEAR/ measures between. */
function hasPosition(node: QueryNode): boolean {
  switch (node.type) {
    case 'term':
    case 'phrase':
    case 'near':
      return true;
    case 'or':
      return node.children.every(hasPosition);
    default:
      return false;
  }
}

function nearOperandHint(operator: Token): string {
  return `${operator.text} measures the distance between words; AND, NOT and fields have no place in the text`;
}

function termNode(position: number, text: string): QueryNode {
  const star = text.indexOf('*');
  const prefix = star === text.length - 1;
  if (star !== -1 && !prefix) {
    throw new QuerySyntaxError(
      position + star,
      'a "*" only at the end of a word',
      quote(text),
      'wildcards match word endings, as in launch*',
    );
  }
  const stem = prefix ? text.slice(0, -1) : text;
  const words = wordsOf(normaliseText(stem));
  if (words.length === 0)
    throw new QuerySyntaxError(position, EXPECTED_OPERAND, quote(text), 'a term needs at least one letter or digit');
  if (prefix && words.length > 1) {
    throw new QuerySyntaxError(position, 'a single word before "*"', quote(text), 'a wildcard applies to one word');
  }
  if (words.length > 1) return { type: 'phrase', position, words };
  return { type: 'term', position, word: words[0]!, prefix };
}

function phraseNode(position: number, body: string): QueryNode {
  const words = wordsOf(normaliseText(body));
  if (words.length === 0)
    throw new QuerySyntaxError(
      position + 1,
      'a word inside the quotes',
      quote(body),
      'an empty phrase matches nothing',
    );
  return { type: 'phrase', position, words };
}

function fieldNode(token: Extract<Token, { kind: 'field' }>): QueryNode {
  const { name, value, valuePosition, position } = token;
  switch (name) {
    case 'author': {
      const handle = normaliseHandle(value);
      if (!HANDLE_BODY.test(handle))
        throw fieldValueError(token, 'a handle after author:', 'e.g. author:alice.bsky.social');
      return { type: 'author', position, handle };
    }
    case 'lang': {
      if (!/^[A-Za-z]{2}$/.test(value))
        throw fieldValueError(token, 'a two-letter language code (ISO 639-1) after lang:', 'e.g. lang:en');
      return { type: 'lang', position, code: value.toLowerCase() };
    }
    case 'has': {
      const accepted = HAS_VALUES.find((v) => v === value.toLowerCase());
      if (!accepted)
        throw fieldValueError(
          token,
          HAS_VALUES.map(quote).join(' or '),
          `supported: ${HAS_VALUES.map((v) => `has:${v}`).join(', ')}`,
        );
      return { type: 'has', position, value: accepted };
    }
    default:
      throw new QuerySyntaxError(
        position,
        `a known field (${KNOWN_FIELDS.map((f) => `${f}:`).join(', ')})`,
        quote(token.text.slice(0, valuePosition - position)),
        `to search for the text itself, put it in quotes: "${token.text}"`,
      );
  }
}

function fieldValueError(token: Extract<Token, { kind: 'field' }>, expected: string, hint: string): QuerySyntaxError {
  return new QuerySyntaxError(token.valuePosition, expected, token.value === '' ? 'nothing' : quote(token.value), hint);
}

function hashtagNode(position: number, body: string): QueryNode {
  const tag = normaliseText(body);
  if (!HASHTAG_BODY.test(tag))
    throw new QuerySyntaxError(
      position + 1,
      'letters, digits or "_" after "#"',
      body ? quote(body) : 'nothing',
      'e.g. #launchday',
    );
  return { type: 'hashtag', position, tag };
}

function mentionNode(position: number, body: string): QueryNode {
  const handle = normaliseText(body);
  if (!HANDLE_BODY.test(handle))
    throw new QuerySyntaxError(
      position + 1,
      'a handle after "@"',
      body ? quote(body) : 'nothing',
      'e.g. @alice.bsky.social',
    );
  return { type: 'mention', position, handle };
}

function describeToken(token: Token): string {
  return token.kind === 'eof' ? 'end of query' : quote(token.text);
}

/** The query with every group made explicit, e.g. `(a OR (b AND c))`: for logs and tests. */
export function formatQuery(node: QueryNode): string {
  switch (node.type) {
    case 'term':
      return node.prefix ? `${node.word}*` : node.word;
    case 'phrase':
      return `"${node.words.join(' ')}"`;
    case 'and':
    case 'or':
      return `(${node.children.map(formatQuery).join(node.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${formatQuery(node.child)})`;
    case 'near':
      return `(${formatQuery(node.left)} NEAR/${node.distance} ${formatQuery(node.right)})`;
    case 'author':
      return `author:${node.handle}`;
    case 'lang':
      return `lang:${node.code}`;
    case 'has':
      return `has:${node.value}`;
    case 'hashtag':
      return `#${node.tag}`;
    case 'mention':
      return `@${node.handle}`;
  }
}
