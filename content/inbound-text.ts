/**
 * Text that came from outside (another network's post, a pushing system): kept as text, whatever it
 * holds. PostgreSQL refuses NUL in text, and control characters only confuse what shows them, so
 * they go (newline and tab stay; a carriage return before a newline goes with it); HTML stays as the
 * characters it is, shown as text, never rendered. Very long text is cut at `max` characters (at a
 * whole code point), with an ellipsis.
 */
export const INBOUND_TEXT_MAX = 10_000;

const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** A lone surrogate half (broken UTF-16) would be stored as U+FFFD anyway; say so plainly. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function safeInboundText(value: string, max = INBOUND_TEXT_MAX): string {
  const cleaned = value.replace(/\r\n?/g, '\n').replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
  if (cleaned.length <= max) return cleaned;
  const points = Array.from(cleaned.slice(0, max + 1));
  let cut = '';
  for (const point of points) {
    if (cut.length + point.length > max - 1) break;
    cut += point;
  }
  return `${cut}…`;
}

/** A short field (handle, name, URL): one line, at most `max` characters, or null when empty. */
export function safeInboundField(value: string | null | undefined, max = 500): string | null {
  if (value === null || value === undefined) return null;
  const line = safeInboundText(value, max)
    .replace(/[\n\t]+/g, ' ')
    .trim();
  return line === '' ? null : line;
}
