const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

/** Decodes the character references an HTML status body may carry (named, decimal and hex). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * Plain text from the small HTML subset social networks send (paragraphs, line breaks, links,
 * spans): line breaks kept, tags dropped, entities decoded.
 */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(withBreaks)
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** The `href` of every link in an HTML fragment, decoded. */
export function hrefsIn(html: string): { href: string; classes: string[] }[] {
  const links: { href: string; classes: string[] }[] = [];
  for (const match of html.matchAll(/<a\s[^>]*>/gi)) {
    const tag = match[0];
    const href = /\shref="([^"]*)"/i.exec(tag)?.[1];
    if (!href) continue;
    const classes = (/\sclass="([^"]*)"/i.exec(tag)?.[1] ?? '').split(/\s+/).filter(Boolean);
    links.push({ href: decodeEntities(href), classes });
  }
  return links;
}
