import { DateTime } from 'luxon';

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** When a recurring post repeats, in local wall-clock time of `timezone`. */
export interface RecurrenceRule {
  frequency: Frequency;
  /** Every `interval` days, weeks or months. */
  interval: number;
  /** weekly: ISO weekdays (Monday = 1 … Sunday = 7). */
  weekdays?: number[];
  /** monthly: day of the month; in shorter months, their last day. */
  monthDay?: number;
  /** Local time, HH:MM or HH:MM:SS. */
  time: string;
  timezone: string;
  /** First day it may occur, YYYY-MM-DD in `timezone`. */
  startsOn: string;
  /** Last instant an occurrence may fall on. */
  until?: string;
  /** Number of occurrences in all. */
  count?: number;
}

const MAX_SCAN_DAYS = 366 * 50;

/**
 * The occurrence with zero-based index `n`, as an instant, or undefined when the rule has ended
 * (by `count` or `until`) before it. Occurrences keep their local time across daylight-saving
 * changes, like queue slots.
 */
export function nthOccurrence(rule: RecurrenceRule, n: number): Date | undefined {
  if (rule.count !== undefined && n >= rule.count) return undefined;
  const [hour, minute, second = 0] = rule.time.split(':').map(Number) as [number, number, number?];
  const start = DateTime.fromISO(rule.startsOn, { zone: rule.timezone }).startOf('day');
  const until = rule.until ? new Date(rule.until) : undefined;
  let found = -1;
  for (let offset = 0; offset < MAX_SCAN_DAYS; offset++) {
    const day = start.plus({ days: offset });
    if (!occursOn(rule, start, day)) continue;
    const at = DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour, minute, second },
      { zone: rule.timezone },
    ).toJSDate();
    if (until && at > until) return undefined;
    if (++found === n) return at;
  }
  return undefined;
}

function occursOn(rule: RecurrenceRule, start: DateTime, day: DateTime): boolean {
  switch (rule.frequency) {
    case 'daily':
      return Math.round(day.diff(start, 'days').days) % rule.interval === 0;
    case 'weekly': {
      const weeks = Math.floor(day.startOf('week').diff(start.startOf('week'), 'weeks').weeks + 1e-9);
      return weeks % rule.interval === 0 && (rule.weekdays ?? [start.weekday]).includes(day.weekday);
    }
    case 'monthly': {
      const months = (day.year - start.year) * 12 + (day.month - start.month);
      const wanted = Math.min(rule.monthDay ?? start.day, day.daysInMonth!);
      return months % rule.interval === 0 && day.day === wanted;
    }
  }
}
