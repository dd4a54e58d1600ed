/**
 * A listening query that cannot be parsed. `position` is a 0-based offset into the query, counted
 * like JavaScript string indices (UTF-16 units, what `input.setSelectionRange` takes), where an
 * editor should put the caret; `expected` names what would have been valid there, so the UI can
 * say more than "syntax error".
 */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';

  constructor(
    readonly position: number,
    readonly expected: string,
    /** What was there instead: a quoted piece of the query, "a space" or "end of query". */
    readonly found: string,
    hint?: string,
  ) {
    super(`Expected ${expected} at position ${position} (found ${found})${hint ? `: ${hint}` : ''}`);
  }
}

/** Describes what sits at `position` in the query, for the "found …" part of a message. */
export function describeAt(source: string, position: number): string {
  if (position >= source.length) return 'end of query';
  if (/\s/u.test(source[position]!)) return 'a space';
  const rest = source.slice(position);
  const chunk = /^[^\s()"“”]+/u.exec(rest)?.[0] ?? String.fromCodePoint(rest.codePointAt(0)!);
  return quote(chunk.length > 20 ? `${chunk.slice(0, 20)}…` : chunk);
}

export function quote(text: string): string {
  return `"${text}"`;
}
