import { tokenize, type Token } from './query-lexer';

/** Something in a valid query that probably does not mean what its writer meant. */
export interface QueryWarning {
  field: 'expression';
  rule: 'lowercase_operator';
  message: string;
}

const OPERATOR_LIKE = new Set(['and', 'or', 'not']);
const ENDS_OPERAND = new Set<Token['kind']>(['term', 'phrase', 'hashtag', 'mention', 'field', 'rparen']);
const STARTS_OPERAND = new Set<Token['kind']>([
  'term',
  'phrase',
  'hashtag',
  'mention',
  'field',
  'lparen',
  'minus',
  'not',
]);

/**
 * Operators are upper case only, so `chorus or hootsuite` searches for the word "or" too (all
 * three words must appear). A lower- or mixed-case `and`/`or` between two operands, or `not`
 * before one, was most likely meant as the operator: the query stays as written, with a warning.
 * Call it on a query that parses.
 */
export function queryWarnings(source: string): QueryWarning[] {
  const tokens = tokenize(source);
  const warnings: QueryWarning[] = [];
  tokens.forEach((token, i) => {
    const word = token.text.toLowerCase();
    if (token.kind !== 'term' || !OPERATOR_LIKE.has(word)) return;
    const before = tokens[i - 1];
    const after = tokens[i + 1]!; // a term is never the last token: eof is
    const between = before !== undefined && ENDS_OPERAND.has(before.kind) && STARTS_OPERAND.has(after.kind);
    if (word === 'not' ? !STARTS_OPERAND.has(after.kind) : !between) return;
    const operator = word.toUpperCase();
    warnings.push({
      field: 'expression',
      rule: 'lowercase_operator',
      message: `"${token.text}" at position ${token.position} is searched for as a word (operators are upper case): write ${operator} for the boolean operator, or "${token.text}" in quotes to keep the word`,
    });
  });
  return warnings;
}
