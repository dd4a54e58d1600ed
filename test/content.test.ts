import { isValidTimezone, nextFreeSlot, slotOccurrences } from '../content/queue-slots';
import { nthOccurrence } from '../content/recurrence';
import { addUtm } from '../content/utm';

describe('UTM tagging', () => {
  const utm = { source: 'bluesky', medium: 'social', campaign: 'spring sale' };
  const tags = 'utm_source=bluesky&utm_medium=social&utm_campaign=spring%20sale';
  test.each([
    ['bare host', 'https://shop.example', `https://shop.example?${tags}`],
    ['path', 'Read https://shop.example/a/b now', `Read https://shop.example/a/b?${tags} now`],
    ['existing query', 'https://shop.example/p?id=7&x=y', `https://shop.example/p?id=7&x=y&${tags}`],
    ['fragment kept last', 'https://shop.example/p#reviews', `https://shop.example/p?${tags}#reviews`],
    ['query and fragment', 'https://shop.example/p?id=7#top', `https://shop.example/p?id=7&${tags}#top`],
    ['trailing punctuation stays outside', 'See (https://shop.example/p).', `See (https://shop.example/p?${tags}).`],
    [
      "author's own utm_source kept",
      'https://shop.example/?utm_source=newsletter',
      'https://shop.example/?utm_source=newsletter&utm_medium=social&utm_campaign=spring%20sale',
    ],
    ['empty query', 'https://shop.example/p?', `https://shop.example/p?${tags}?`],
    [
      'two links',
      'a https://x.example b http://y.example/z',
      `a https://x.example?${tags} b http://y.example/z?${tags}`,
    ],
    ['no link', 'Nothing to tag here', 'Nothing to tag here'],
  ])('%s', (_name, text, expected) => expect(addUtm(text, utm)).toBe(expected));
});

describe('queue slots keep local time across daylight-saving changes', () => {
  const weekdays9 = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, time: '09:00' }));

  test('Europe/Berlin, spring forward on 29 March 2026: 09:00 local is 08:00Z before and 07:00Z after', () => {
    const slots = slotOccurrences(
      weekdays9,
      'Europe/Berlin',
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(slots.map((d) => d.toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  test('Europe/Berlin, fall back on 25 October 2026', () => {
    const slots = slotOccurrences(
      weekdays9,
      'Europe/Berlin',
      new Date('2026-10-24T00:00:00Z'),
      new Date('2026-10-27T00:00:00Z'),
    );
    expect(slots.map((d) => d.toISOString())).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  test('America/New_York, spring forward on 8 March and fall back on 1 November 2026', () => {
    const march = slotOccurrences(
      weekdays9,
      'America/New_York',
      new Date('2026-03-07T00:00:00Z'),
      new Date('2026-03-09T00:00:00Z'),
    );
    expect(march.map((d) => d.toISOString())).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z']);
    const november = slotOccurrences(
      weekdays9,
      'America/New_York',
      new Date('2026-10-31T00:00:00Z'),
      new Date('2026-11-02T00:00:00Z'),
    );
    expect(november.map((d) => d.toISOString())).toEqual(['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z']);
  });

  test('a slot inside the spring-forward gap moves forward by the gap', () => {
    const slots = slotOccurrences(
      [{ day: 7, time: '02:30' }],
      'Europe/Berlin',
      new Date('2026-03-29T00:00:00Z'),
      new Date('2026-03-30T00:00:00Z'),
    );
    expect(slots.map((d) => d.toISOString())).toEqual(['2026-03-29T01:30:00.000Z']); // 03:30 CEST
  });

  test('next free slot skips taken slots and respects the minimum gap', () => {
    const monday9 = [
      { day: 1, time: '09:00' },
      { day: 1, time: '09:20' },
      { day: 1, time: '10:00' },
    ];
    const after = new Date('2026-11-01T00:00:00Z');
    const taken = [new Date('2026-11-02T14:00:00Z')]; // Monday 09:00 New York (EST, after the change)
    expect(nextFreeSlot(monday9, 'America/New_York', after, taken, 30)?.toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(nextFreeSlot(monday9, 'America/New_York', after, taken, 0)?.toISOString()).toBe('2026-11-02T14:20:00.000Z');
    expect(nextFreeSlot([], 'UTC', after, [], 0)).toBeUndefined();
  });

  test('timezones are checked', () => {
    expect(isValidTimezone('Europe/Berlin')).toBe(true);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
  });
});

describe('recurrence keeps local time, and ends by count or date', () => {
  const base = {
    frequency: 'daily' as const,
    interval: 1,
    time: '09:00',
    timezone: 'Europe/Berlin',
    startsOn: '2026-03-27',
  };
  const first = (rule: object, n: number) =>
    [...Array(n).keys()].map((i) => nthOccurrence({ ...base, ...rule }, i)?.toISOString());

  test('daily across the Berlin spring-forward', () => {
    expect(first({}, 4)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });
  test('weekly on Monday and Friday across the New York fall-back', () => {
    expect(
      first({ frequency: 'weekly', weekdays: [1, 5], startsOn: '2026-10-20', timezone: 'America/New_York' }, 4),
    ).toEqual([
      '2026-10-23T13:00:00.000Z',
      '2026-10-26T13:00:00.000Z',
      '2026-10-30T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
    ]);
  });
  test('every other week', () => {
    expect(first({ frequency: 'weekly', interval: 2, startsOn: '2026-03-25' }, 3)).toEqual([
      '2026-03-25T08:00:00.000Z',
      '2026-04-08T07:00:00.000Z',
      '2026-04-22T07:00:00.000Z',
    ]);
  });
  test('monthly on the 31st falls on the last day of shorter months', () => {
    expect(first({ frequency: 'monthly', monthDay: 31, startsOn: '2026-01-15' }, 4)).toEqual([
      '2026-01-31T08:00:00.000Z',
      '2026-02-28T08:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
      '2026-04-30T07:00:00.000Z',
    ]);
  });
  test('stops at its count and at its end date', () => {
    expect(first({ count: 2 }, 3)).toEqual(['2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z', undefined]);
    expect(first({ until: '2026-03-29T07:00:00Z' }, 4)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      undefined,
    ]);
  });
});
