import type { Reader } from './reader.ts';

const isoUtc = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

/** An ISO-8601 UTC time ("2026-12-25T08:00:00Z") in ms since the epoch; undefined on an issue. */
export function readUtcTime(field: Reader, example: string): number | undefined {
  const text = field.string();
  if (field.value === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  if (isoUtc.test(text) && !Number.isNaN(ms)) return ms;
  field.fail(`must be an ISO-8601 UTC time such as "${example}"`);
  return undefined;
}
