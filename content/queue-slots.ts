import { DateTime } from 'luxon';

export interface WeeklySlot {
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  day: number;
  /** Local time, HH:MM (24 h). */
  time: string;
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/**
 * Every slot occurrence in [from, to), as instants. Slots are local wall-clock times in `zone`, so
 * a 09:00 slot is 09:00 local on both sides of a daylight-saving change; a slot that falls in the
 * spring-forward gap moves forward by the length of the gap (02:30 becomes 03:30).
 */
export function slotOccurrences(slots: WeeklySlot[], zone: string, from: Date, to: Date): Date[] {
  const out: Date[] = [];
  let day = DateTime.fromJSDate(from, { zone }).startOf('day');
  const end = DateTime.fromJSDate(to, { zone });
  while (day <= end) {
    for (const slot of slots) {
      if (slot.day !== day.weekday) continue;
      const [hour, minute] = slot.time.split(':').map(Number) as [number, number];
      const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone });
      const instant = at.toJSDate();
      if (instant >= from && instant < to) out.push(instant);
    }
    day = day.plus({ days: 1 });
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

/**
 * The first slot after `after` that is at least `minGapMinutes` away from every taken time (a
 * slot holding a post is taken). Looks up to eight weeks ahead; undefined when there is none.
 */
export function nextFreeSlot(
  slots: WeeklySlot[],
  zone: string,
  after: Date,
  taken: Date[],
  minGapMinutes: number,
): Date | undefined {
  const gapMs = Math.max(minGapMinutes, 1) * 60_000;
  const horizon = new Date(after.getTime() + 8 * 7 * 24 * 3600_000);
  return slotOccurrences(slots, zone, after, horizon).find(
    (slot) => slot > after && taken.every((t) => Math.abs(t.getTime() - slot.getTime()) >= gapMs),
  );
}
