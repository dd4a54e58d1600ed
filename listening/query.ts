/**
 * Listening queries: the boolean expressions that decide which posts a listening topic collects,
 * e.g. `(chorus OR "chorus app") NEAR/3 launch* -author:chorusapp lang:en`.
 *
 * The pipeline is lexer (query-lexer.ts) → recursive-descent parser producing an AST
 * (query-parser.ts, which documents the grammar) → evaluator compiled to closures
 * (query-matcher.ts). Text is cut into words the same way for queries and posts (query-text.ts).
 * Invalid queries throw QuerySyntaxError with the offset and what was expected there.
 */
import { compileMatcher, MentionForMatching } from './query-matcher';
import { parseQuery, QueryNode } from './query-parser';

export { QuerySyntaxError } from './query-error';
export { EXPECTED_NEAR_OPERAND, EXPECTED_OPERAND, formatQuery, KNOWN_FIELDS, parseQuery } from './query-parser';
export type { QueryNode } from './query-parser';
export type { MentionForMatching } from './query-matcher';
export { queryWarnings, type QueryWarning } from './query-warnings';

export interface CompiledQuery {
  source: string;
  ast: QueryNode;
  matches(mention: MentionForMatching): boolean;
  /**
   * The query's terms and phrases, normalised (lowercase, a phrase's words joined by one space,
   * a wildcard keeps its `*`), in order of appearance, without duplicates, for highlighting. Terms
   * under a NOT are left out: a matching post never contains them. Fields, hashtags and mentions
   * are not terms.
   */
  terms: string[];
}

/** Parses and compiles a query; throws QuerySyntaxError if it is not valid. */
export function compileQuery(source: string): CompiledQuery {
  const ast = parseQuery(source);
  return { source, ast, matches: compileMatcher(ast), terms: termsOf(ast) };
}

function termsOf(ast: QueryNode): string[] {
  const terms = new Set<string>();
  const visit = (node: QueryNode, negated: boolean): void => {
    switch (node.type) {
      case 'term':
        if (!negated) terms.add(node.prefix ? `${node.word}*` : node.word);
        return;
      case 'phrase':
        if (!negated) terms.add(node.words.join(' '));
        return;
      case 'and':
      case 'or':
        for (const child of node.children) visit(child, negated);
        return;
      case 'not':
        visit(node.child, !negated);
        return;
      case 'near':
        visit(node.left, negated);
        visit(node.right, negated);
        return;
      default:
        return; // fields, hashtags and mentions are not text to highlight
    }
  };
  visit(ast, false);
  return [...terms];
}
