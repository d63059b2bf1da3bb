import { bisectionStepsMax } from '../../core/limits.ts';
import { discountedRate } from '../../core/margin/size-premium.ts';
import type { ClosingFeeRule, MarginRule } from '../../core/model/rulebook.ts';
import type { Ratio } from '../../core/num/fixed.ts';
import { formatFixed, max, ONE, SCALE } from '../../core/num/fixed.ts';
import { divCeil, divFloor, mulCeil, ratioCeil } from '../../core/num/rounding.ts';
import type { Reader } from './reader.ts';

/**
 * A rule's rates as the size premium `p` (a rate, ≥ 0) grows with size: maintenance
 * max(m, a + p) and initial max(i, b + p) where the premium is on both (a = m and b = i for a
 * linear or stepped curve, Drift's discounted rates under the √size one), initial b + p alone where
 * it is on initial only, and no premium at all for the other rules. `field`: what to name.
 */
interface RateCurve {
  readonly field: string;
  readonly maintenance: Ratio;
  readonly initial: Ratio;
  readonly premium: 'none' | 'initial' | { readonly maintenance: Ratio; readonly initial: Ratio };
}

function curveOf(rule: MarginRule): RateCurve | null {
  switch (rule.kind) {
    case 'brackets':
    case 'option-standard':
      // Brackets are checked one by one (closing-fee-room.ts); options pay no closing fee.
      return null;
    case 'max-leverage':
      return {
        field: 'maxLeverage',
        maintenance: ratioCeil(ONE, 2n * rule.maxLeverage),
        initial: ratioCeil(ONE, rule.maxLeverage),
        premium: 'none',
      };
    case 'liquidity-tier':
      // The open interest and a leverage setting only raise the initial rate.
      return {
        field: 'maintenanceFraction',
        maintenance: mulCeil(rule.initialRate, rule.maintenanceFraction),
        initial: rule.initialRate,
        premium: 'none',
      };
    case 'size-premium': {
      const { initialRate: i, maintenanceRate: m, premium } = rule;
      const base = { field: 'maintenanceRate', maintenance: m, initial: i };
      if (premium.curve === 'sqrt') {
        if (premium.imfFactor === 0n) return { ...base, premium: 'none' };
        const both = { maintenance: discountedRate(m), initial: discountedRate(i) };
        return { ...base, premium: both };
      }
      const grows = premium.curve === 'linear' ? premium.ratePerUnit : premium.ratePerStep;
      if (grows === 0n) return { ...base, premium: 'none' };
      if (premium.appliesTo === 'initial') return { ...base, premium: 'initial' };
      return { ...base, premium: { maintenance: m, initial: i } };
    }
  }
}

/**
 * The closing fee in maintenance only must leave room below initial margin at every size, under
 * every rule but brackets (closing-fee-room.ts) and options (which pay none): maintenance rate +
 * fee below the initial rate, net of the fee where it is valued at the bankruptcy price. A premium
 * on initial alone only widens the room; one on both keeps it (fee on the notional) or, at the
 * bankruptcy price, narrows it as the fee grows with the initial rate, so from some premium on,
 * reached at a large enough size, it is gone: the first such premium is named.
 */
export function checkRuleFeeRoom(
  instruments: Reader,
  id: string,
  rule: MarginRule,
  fee: ClosingFeeRule,
): void {
  const curve = curveOf(rule);
  if (curve === null) return;
  const room = (initial: Ratio): Ratio =>
    fee.valuedAt === 'notional' ? initial : initial - mulCeil(initial, fee.takerRate);
  const on = fee.valuedAt === 'notional' ? 'notional' : 'value at the bankruptcy price';
  const head =
    `${formatFixed(fee.takerRate)} (closingFee.takerRate, in maintenance only, on the ` + `${on})`;
  const why = 'maintenance must stay below initial margin';
  const path = `${instruments.path}.${id}.${curve.field}`;
  const rates = ratesAt(curve);
  const fits = (premium: Ratio): boolean => {
    const { maintenance, initial } = rates(premium);
    return maintenance + fee.takerRate < room(initial);
  };
  if (!fits(0n)) {
    const { maintenance, initial } = rates(0n);
    const net = room(initial) === initial ? '' : ` (${formatFixed(room(initial))} net of the fee)`;
    instruments.fail(
      `maintenance rate ${formatFixed(maintenance)} plus the closing fee ${head} reaches the ` +
        `initial rate ${formatFixed(initial)}${net}: ${why}`,
      path,
    );
    return;
  }
  const { premium } = curve;
  if (typeof premium === 'string') return;
  const first = firstPremiumPast(curve.initial, premium, fee, fits);
  if (first === null) return;
  const { maintenance, initial } = rates(first);
  const net = room(initial) === initial ? '' : ' net of the fee';
  instruments.fail(
    `from a size premium of ${formatFixed(first)} on (maintenance rate ` +
      `${formatFixed(maintenance)}, initial ${formatFixed(initial)}, reached at a large enough ` +
      `size), maintenance plus the closing fee ${head} reaches the initial rate${net}: ${why}`,
    `${instruments.path}.${id}.premium`,
  );
}

function ratesAt(curve: RateCurve) {
  return (premium: Ratio): { maintenance: Ratio; initial: Ratio } => {
    const { maintenance: m, initial: i } = curve;
    if (curve.premium === 'none') return { maintenance: m, initial: i };
    if (curve.premium === 'initial') return { maintenance: m, initial: i + premium };
    const { maintenance: a, initial: b } = curve.premium;
    return { maintenance: max(m, a + premium), initial: max(i, b + premium) };
  };
}

/**
 * The smallest premium at which the room is gone, or null where it never is. The room only
 * narrows as the premium grows (both rates rise by it once past their bases, and the fee on the
 * initial rate rises by at most it), so it is found by bisection, up to a premium past which the
 * rates are their curves' (i − b) and the fee alone has closed any gap of b − a.
 */
function firstPremiumPast(
  initialRate: Ratio,
  curve: { readonly maintenance: Ratio; readonly initial: Ratio },
  fee: ClosingFeeRule,
  fits: (premium: Ratio) => boolean,
): Ratio | null {
  const past = initialRate - curve.initial;
  const gap = max(0n, curve.initial - curve.maintenance);
  // Past `past` the fee on the notional is a constant; at the bankruptcy price it grows by the
  // taker rate per unit of premium, so gap / takerRate more closes any gap.
  const grows = fee.valuedAt === 'bankruptcy' && fee.takerRate > 0n;
  const high = past + (grows ? divCeil(gap * SCALE, fee.takerRate) : 0n) + ONE;
  if (fits(high)) return null;
  let low = 0n;
  let top = high;
  for (let step = 0; step < bisectionStepsMax && top - low > 1n; step += 1) {
    const middle = low + divFloor(top - low, 2n);
    if (fits(middle)) low = middle;
    else top = middle;
  }
  return top;
}
