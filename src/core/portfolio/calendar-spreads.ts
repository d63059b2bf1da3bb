import type { CalendarSpread, ExpiryTier } from '../model/rulebook.ts';
import { toNumber } from '../num/fixed.ts';

const dayMs = 86_400_000;

/** A dated contract's delta, in coins of the underlying, and when it expires. */
export interface DatedDelta {
  readonly expiryMs: number;
  readonly delta: number;
}

/**
 * SPAN's intra-commodity spread charge of one underlying (USD): each contract's delta goes to the
 * tier its expiry falls in; then, in the rulebook's order, each calendar spread is formed from the
 * opposite-signed remaining deltas of its two tiers, `deltaPerSpread` coins a leg, and charged its
 * flat amount per spread. A tier's delta is used once.
 */
export function calendarSpreadCharge(
  dated: readonly DatedDelta[],
  tiers: readonly ExpiryTier[],
  spreads: readonly CalendarSpread[],
  asOfMs: number,
): number {
  if (spreads.length === 0) return 0;
  const remaining = new Float64Array(tiers.length);
  for (const { expiryMs, delta } of dated) {
    const tier = tierOf(tiers, (expiryMs - asOfMs) / dayMs);
    remaining[tier] = remaining[tier]! + delta;
  }
  let charge = 0;
  for (const spread of spreads) {
    const [a, b] = spread.tiers;
    const deltaA = remaining[a]!;
    const deltaB = remaining[b]!;
    if (!(deltaA * deltaB < 0)) continue;
    const perSpread = toNumber(spread.deltaPerSpread);
    const used = Math.min(Math.abs(deltaA), Math.abs(deltaB));
    remaining[a] = deltaA - Math.sign(deltaA) * used;
    remaining[b] = deltaB - Math.sign(deltaB) * used;
    charge += (used / perSpread) * toNumber(spread.chargePerSpread);
  }
  return charge;
}

/** The first tier whose bound holds the days left; the last tier is unbounded. */
function tierOf(tiers: readonly ExpiryTier[], days: number): number {
  for (let t = 0; t < tiers.length; t += 1) {
    const upTo = tiers[t]!.upToDays;
    if (upTo === null || days <= upTo) return t;
  }
  return tiers.length - 1;
}
