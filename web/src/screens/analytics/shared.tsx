import type { ReactNode } from 'react';

/** The browser's time zone: the overview counts days the way the person reading it does. */
export const BROWSER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const RANGES = {
  7: 'Last 7 days',
  30: 'Last 30 days',
  90: 'Last 90 days',
} as const;
export type RangeDays = keyof typeof RANGES;

/** A range ending now, fixed when it is chosen so that the query key stays the same between renders. */
export function rangeOf(days: number): { from: string; to: string; timeZone: string } {
  const to = Date.now();
  return {
    from: new Date(to - days * 86_400_000).toISOString(),
    to: new Date(to).toISOString(),
    timeZone: BROWSER_TIME_ZONE,
  };
}

/** The CSV twin of a report: the same route and query with `format=csv`, which the API serves as text/csv. */
export function csvUrl(path: string, query: Record<string, string | string[]> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  search.set('format', 'csv');
  return `${path}?${search.toString()}`;
}

export function CsvLink({ href, label }: { href: string; label: string }) {
  return (
    <a className="csv-link" href={href} download>
      Download CSV<span className="visually-hidden"> of {label}</span>
    </a>
  );
}

export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate < 0.1 ? 2 : 1)}%`;
export const number = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits });

/** A figure with its name: the overview's tiles. */
export function Figure({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        {hint && <span className="muted figure-hint">{hint}</span>}
      </dd>
    </div>
  );
}

/** The counts every report shares (totals, per channel, per post). */
export interface Counts {
  posts: number;
  targets: number;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  engagements: number;
  engagementRate: number | null;
  /** Summed over the sends whose network gives impressions; null when none does. */
  impressions: number | null;
  targetsWithImpressions: number;
  clicks: number;
}

/** Impressions as a tile: "—" when no send's network gives them, and over how many sends the sum is. */
export function ImpressionsFigure({
  totals,
}: {
  totals: Pick<Counts, 'impressions' | 'targetsWithImpressions' | 'targets'>;
}) {
  return (
    <Figure
      label="Impressions"
      value={number(totals.impressions)}
      hint={
        totals.impressions === null
          ? 'not given by these networks'
          : `over ${totals.targetsWithImpressions} of ${totals.targets} sends`
      }
    />
  );
}
