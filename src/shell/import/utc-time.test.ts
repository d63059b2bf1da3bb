import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from './reader.ts';
import { daysInMonth, readUtcTime } from './utc-time.ts';

function read(text: string): { ms: number | undefined; issues: string[] } {
  const field = new Reader(text, 'instruments[0].expiry');
  const ms = readUtcTime(field, '2026-12-25T08:00:00Z');
  return { ms, issues: field.issues };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('readUtcTime', () => {
  it('reads back any instant written in ISO-8601 UTC, to the millisecond', () => {
    const instants = fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (date) => {
        expect(read(date.toISOString())).toEqual({ ms: date.getTime(), issues: [] });
        // Seconds and their fraction may be left out.
        const minutes = date.toISOString().slice(0, 16);
        expect(read(`${minutes}Z`).ms).toBe(Date.parse(`${minutes}:00.000Z`));
      }),
    );
  });

  it('refuses a day beyond the length of its month, leap years counted', () => {
    const days = fc.record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      beyond: fc.integer({ min: 1, max: 99 - 28 }),
    });
    fc.assert(
      fc.property(days, ({ year, month, beyond }) => {
        const day = daysInMonth(year, month) + beyond;
        if (day > 99) return;
        const { ms, issues } = read(`${pad(year, 4)}-${pad(month)}-${pad(day)}T08:00:00Z`);
        expect(ms).toBeUndefined();
        expect(issues).toHaveLength(1);
        expect(issues[0]).toMatch(
          new RegExp(
            `^instruments\\[0\\]\\.expiry: has no day ${pad(day)} in \\w+ ${pad(year, 4)}`,
          ),
        );
      }),
    );
  });

  it('knows February: 29 days in a leap year, 28 otherwise', () => {
    expect(read('2026-02-30T08:00:00Z')).toEqual({
      ms: undefined,
      issues: ['instruments[0].expiry: has no day 30 in February 2026, which has 28 days'],
    });
    expect(read('2026-02-29T08:00:00Z').ms).toBeUndefined();
    expect(read('2028-02-29T08:00:00Z').ms).toBe(Date.UTC(2028, 1, 29, 8));
    expect(read('2100-02-29T08:00:00Z').ms).toBeUndefined();
    expect(read('2000-02-29T08:00:00Z').ms).toBe(Date.UTC(2000, 1, 29, 8));
    expect(read('2026-04-31T08:00:00Z').issues).toEqual([
      'instruments[0].expiry: has no day 31 in April 2026, which has 30 days',
    ]);
  });

  it('refuses a month, hour, minute or second that does not exist', () => {
    expect(read('2026-13-01T08:00:00Z').issues).toEqual([
      'instruments[0].expiry: has no month 13 (months run 01 to 12)',
    ]);
    expect(read('2026-00-01T08:00:00Z').ms).toBeUndefined();
    expect(read('2026-12-00T08:00:00Z').ms).toBeUndefined();
    for (const time of ['24:00:00', '23:60:00', '23:59:60']) {
      expect(read(`2026-12-25T${time}Z`).issues).toEqual([
        `instruments[0].expiry: has no time ${time} ` +
          '(hours run 00 to 23, minutes and seconds 00 to 59)',
      ]);
    }
  });

  it('refuses what is not an ISO-8601 UTC time', () => {
    for (const text of [
      '2026-12-25',
      '2026-12-25T08:00:00+01:00',
      '25/12/2026',
      '2026-1-5T08:00Z',
    ]) {
      expect(read(text).issues).toEqual([
        'instruments[0].expiry: must be an ISO-8601 UTC time such as "2026-12-25T08:00:00Z"',
      ]);
    }
  });
});
