import type { Reader } from './reader.ts';

const isoUtc = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?Z$/;

/**
 * An ISO-8601 UTC time ("2026-12-25T08:00:00Z") in ms since the epoch; undefined on an issue.
 * The date must exist: Date.parse reads 30 February as 2 March, which would move an expiry.
 */
export function readUtcTime(field: Reader, example: string): number | undefined {
  const text = field.string();
  if (field.value === undefined || text === '') return undefined;
  const parts = isoUtc.exec(text);
  if (parts === null) {
    field.fail(`must be an ISO-8601 UTC time such as "${example}"`);
    return undefined;
  }
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((p) => Number(p ?? 0));
  const ms = utcMs(year!, month!, day!, hour!, minute!, second!, parts[7] ?? '');
  if (ms !== undefined) return ms;
  if (month! < 1 || month! > 12) field.fail(`has no month ${parts[2]} (months run 01 to 12)`);
  else if (day! < 1 || day! > daysInMonth(year!, month!)) {
    field.fail(
      `has no day ${parts[3]} in ${monthNames[month! - 1]} ${parts[1]}, ` +
        `which has ${daysInMonth(year!, month!)} days`,
    );
  } else
    field.fail(
      `has no time ${text.slice(11, -1)} (hours run 00 to 23, minutes and seconds 00 to 59)`,
    );
  return undefined;
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Ms since the epoch of a UTC date and time given by its fields (month and day from 1), if it
 * exists; `fraction` is the digits after the seconds' point, read to the millisecond (down).
 */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction = '',
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const milli = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC reads years 0 to 99 as 1900 to 1999; 400 years later the calendar repeats exactly.
  const fourCenturiesMs = 146_097 * 86_400_000;
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, milli) - fourCenturiesMs;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
