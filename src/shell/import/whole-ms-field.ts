import { ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';

/** A duration in whole milliseconds, as a decimal string: at most a day; above 0 where `positive`. */
export function readWholeMs(reader: Reader, field: string, positive: boolean): number | undefined {
  const value = reader
    .field(field)
    .optionalDecimal(
      positive
        ? { positive: true, max: atMost(dayMs, '86400000 (a day)') }
        : { min: nonNegative, max: atMost(dayMs, '86400000 (a day)') },
    );
  if (value === undefined) return undefined;
  if (value % ONE !== 0n) {
    reader.field(field).fail('must be a whole number of milliseconds');
    return undefined;
  }
  return Number(value / ONE);
}

const dayMs = 86_400_000n * ONE;
