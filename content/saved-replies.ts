/**
 * Saved replies: the inbox's canned answers, kept in the content library, with variables the
 * conversation fills in. Dotted names (`{{author.name}}`), unlike posts' templates, so they read as
 * what they stand for and never collide with a template's own variables.
 */
export const SAVED_REPLY_VARIABLES = ['author.name', 'author.handle', 'post.link'] as const;
export type SavedReplyVariable = (typeof SAVED_REPLY_VARIABLES)[number];

const VARIABLE = /\{\{\s*([a-zA-Z][\w]*(?:\.[a-zA-Z][\w]*)*)\s*\}\}/g;

/** The variables a saved reply uses, in order of first use. */
export function savedReplyVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** The variables it uses that no conversation can fill in. */
export function unknownSavedReplyVariables(text: string): string[] {
  return savedReplyVariables(text).filter((v) => !(SAVED_REPLY_VARIABLES as readonly string[]).includes(v));
}

/** Fills a saved reply; a variable without a value (a thread not on a post of ours: no link) becomes empty. */
export function renderSavedReply(text: string, values: Partial<Record<SavedReplyVariable, string | null>>): string {
  return text.replace(VARIABLE, (_m, name: string) => values[name as SavedReplyVariable] ?? '');
}
