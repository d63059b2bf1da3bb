import type { Instrument } from '../model/instrument.ts';
import type { ClosingFeeRule } from '../model/rulebook.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { abs, max, SCALE } from '../num/fixed.ts';
import { ceilToStep, divCeil, divFloor, floorToStep, mulCeil } from '../num/rounding.ts';
import type { RequirementKind } from './requirement-kind.ts';

/**
 * The bankruptcy price of a future or perpetual: where its bucket's equity is zero, with `rest`
 * (the bucket's equity without this position's value, in its settle asset) held still:
 *
 *   linear:  rest + f(B − E) = 0         ⇒  B = (fE − rest) / f
 *   inverse: rest + f(1/E − 1/B) = 0     ⇒  B = fE / (f + rest·E)
 *
 * with f the signed face. Its value there, |f|·B (linear) or |f| / B (inverse), is then
 * |f|E ∓ rest or |f|/E ± rest: the entry value less the cushion for a long (more for a short),
 * the other way round for an inverse contract, whose value is in coins. Rounded to the tick on the
 * mark's side (a long's up, a short's down), as a liquidation price is: the position is bankrupt
 * no later than the price shown. null: no price makes it bankrupt (a linear long whose cushion
 * outlasts a fall to zero, an inverse short whose cushion outlasts any rise).
 */
export function bankruptcyPrice(
  instrument: Instrument,
  size: Quantity,
  entry: Price,
  rest: Amount,
): Price | null {
  if (size === 0n) return null;
  const face = size * instrument.contractSize;
  let numerator: bigint;
  let denominator: bigint;
  if (instrument.settlement === 'linear') {
    numerator = face * entry - rest * SCALE * SCALE;
    denominator = face;
  } else {
    numerator = face * entry;
    denominator = face + rest * entry;
  }
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  if (numerator <= 0n || denominator === 0n) return null;
  return face > 0n
    ? ceilToStep(divCeil(numerator, denominator), instrument.tickSize)
    : floorToStep(divFloor(numerator, denominator), instrument.tickSize);
}

/**
 * What the position would be worth at its bankruptcy price, in its settle asset, ≥ 0 (see
 * `bankruptcyPrice`): the entry value, less the cushion where the position loses value as it
 * goes bankrupt (a linear long, an inverse short), plus it otherwise. Rounded up: it is the base
 * of a fee.
 */
export function valueAtBankruptcy(
  instrument: Instrument,
  size: Quantity,
  entry: Price,
  cushion: Amount,
): Amount {
  if (size === 0n) return 0n;
  const face = abs(size) * instrument.contractSize;
  const linear = instrument.settlement === 'linear';
  const entryValue = linear ? divCeil(face * entry, SCALE * SCALE) : divCeil(face, entry);
  const shrinks = linear === size > 0n;
  return max(0n, shrinks ? entryValue - cushion : entryValue + cushion);
}

/**
 * A closing fee, in the settle asset, rounded up: the taker rate on the value at the bankruptcy
 * price of a position whose cushion is `cushion` (its initial margin, for the fee added to
 * initial margin; the bucket's equity without it, for the fee in the liquidation condition), or on
 * the requirement `notional` where the fee is valued there. 0 where the rule does not count it
 * for this kind.
 */
export function closingFee(
  rule: ClosingFeeRule | undefined,
  kind: RequirementKind,
  instrument: Instrument,
  position: { readonly size: Quantity; readonly entry: Price; readonly notional: Amount },
  cushion: Amount,
): Amount {
  if (rule === undefined || instrument.kind === 'option' || position.size === 0n) return 0n;
  if (!(kind === 'initial' ? rule.inInitial : rule.inMaintenance)) return 0n;
  const base =
    rule.valuedAt === 'notional'
      ? position.notional
      : valueAtBankruptcy(instrument, position.size, position.entry, cushion);
  return mulCeil(base, rule.takerRate);
}
