export interface UtmParams {
  source: string;
  medium: string;
  campaign: string;
}

// A link runs to the next whitespace; trailing punctuation belongs to the sentence, not the link.
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/;

/**
 * Adds utm_source, utm_medium and utm_campaign to every http(s) link in a text. Existing query
 * strings and fragments are kept as written; parameters the author already set are left alone.
 */
export function addUtm(text: string, utm: UtmParams): string {
  return text.replace(LINK, (match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
    const link = match.slice(0, match.length - trailing.length);
    return tagLink(link, utm) + trailing;
  });
}

function tagLink(link: string, utm: UtmParams): string {
  const hashAt = link.indexOf('#');
  const fragment = hashAt >= 0 ? link.slice(hashAt) : '';
  const beforeFragment = hashAt >= 0 ? link.slice(0, hashAt) : link;
  const queryAt = beforeFragment.indexOf('?');
  const query = queryAt >= 0 ? beforeFragment.slice(queryAt + 1) : '';
  const present = new Set(
    query
      .split('&')
      .filter(Boolean)
      .map((pair) => decodeURIComponent(pair.split('=')[0]!.replace(/\+/g, ' '))),
  );
  const added = (
    Object.entries({ utm_source: utm.source, utm_medium: utm.medium, utm_campaign: utm.campaign }) as [string, string][]
  )
    .filter(([key]) => !present.has(key))
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  if (added.length === 0) return link;
  const separator = queryAt < 0 ? '?' : query === '' || query.endsWith('&') ? '' : '&';
  return `${beforeFragment}${separator}${added.join('&')}${fragment}`;
}
