const VARIABLE = /\{\{\s*([a-zA-Z][\w]*)\s*\}\}/g;

/** The variables a template uses, in order of first use: `{{firstName}}` → `firstName`. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** Fills a template; returns the text, or the variables left without a value. */
export function renderTemplate(template: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing = templateVariables(template).filter((v) => values[v] === undefined || values[v] === '');
  return { text: template.replace(VARIABLE, (_m, name: string) => values[name] ?? ''), missing };
}
