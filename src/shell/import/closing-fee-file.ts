import type { ClosingFeeRule } from '../../core/model/rulebook.ts';
import { ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';

/**
 * A rulebook's `closingFee` (docs/rulebook-format.md): the taker rate, where the fee is valued
 * (`bankruptcy` or `notional`), and whether it counts in the liquidation condition and in the
 * initial margin. A fee that counts nowhere is refused: it would compute nothing.
 */
export function readClosingFee(reader: Reader): ClosingFeeRule | undefined {
  if (!reader.object()) return undefined;
  reader.only(['takerRate', 'valuedAt', 'inMaintenance', 'inInitial']);
  const takerRate = reader
    .field('takerRate')
    .decimal({ min: nonNegative, max: atMost(ONE / 10n, '0.1') });
  const valuedAt = reader.field('valuedAt').oneOf(['bankruptcy', 'notional'] as const);
  const inMaintenance = flag(reader, 'inMaintenance');
  const inInitial = flag(reader, 'inInitial');
  if (!inMaintenance && !inInitial) {
    reader.field('inMaintenance').fail('a closing fee must count in maintenance or initial margin');
  }
  return { takerRate, valuedAt, inMaintenance, inInitial };
}

function flag(reader: Reader, key: string): boolean {
  const field = reader.field(key);
  if (typeof field.value !== 'boolean') {
    field.fail('must be true or false');
    return false;
  }
  return field.value;
}
