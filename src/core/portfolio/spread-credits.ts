import type { AssetId } from '../model/ids.ts';
import type { UnderlyingOffset } from '../model/rulebook.ts';
import { toNumber } from '../num/fixed.ts';

/** What an underlying's book brings to the inter-commodity spreads. */
export interface SpreadLeg {
  readonly underlying: AssetId;
  /** Net delta in coins of the underlying. */
  readonly netDelta: number;
  /** The scan loss the credit is a share of (USD). */
  readonly scanLoss: number;
}

export interface Credit {
  readonly underlyings: readonly [AssetId, AssetId];
  /** Spreads formed, each `deltaPerSpread` coins of either leg. */
  readonly spreads: number;
  /** Credited to each leg's underlying (USD). */
  readonly amounts: readonly [number, number];
}

/**
 * SPAN's inter-commodity spreads: in the rulebook's order, each offset forms as many spreads as the
 * legs' remaining opposite-signed deltas allow, and credits each leg its rate × its weighted price
 * risk (scan loss ÷ |net delta|) × the delta the spreads take from it. A leg's delta is used once,
 * so the credits of one underlying never pass its rate × its scan loss, and they are continuous in
 * the hedge: a small opposite delta earns a small credit.
 */
export function spreadCredits(
  legs: readonly SpreadLeg[],
  offsets: readonly UnderlyingOffset[],
): Credit[] {
  const byUnderlying = new Map(legs.map((leg) => [leg.underlying, leg] as const));
  const remaining = new Map(legs.map((leg) => [leg.underlying, leg.netDelta] as const));
  const credits: Credit[] = [];
  for (const offset of offsets) {
    const [a, b] = offset.underlyings;
    const legA = byUnderlying.get(a);
    const legB = byUnderlying.get(b);
    if (legA === undefined || legB === undefined) continue;
    const deltaA = remaining.get(a)!;
    const deltaB = remaining.get(b)!;
    if (!(deltaA * deltaB < 0)) continue;
    const perSpreadA = toNumber(offset.deltaPerSpread[0]);
    const perSpreadB = toNumber(offset.deltaPerSpread[1]);
    const spreads = Math.min(Math.abs(deltaA) / perSpreadA, Math.abs(deltaB) / perSpreadB);
    if (!(spreads > 0)) continue;
    const usedA = spreads * perSpreadA;
    const usedB = spreads * perSpreadB;
    remaining.set(a, deltaA - Math.sign(deltaA) * usedA);
    remaining.set(b, deltaB - Math.sign(deltaB) * usedB);
    const amounts = [
      legCredit(legA, usedA, toNumber(offset.credit[0])),
      legCredit(legB, usedB, toNumber(offset.credit[1])),
    ] as const;
    credits.push({ underlyings: [a, b], spreads, amounts });
  }
  return credits;
}

function legCredit(leg: SpreadLeg, used: number, rate: number): number {
  // used ≤ |net delta|: the share is at most 1, whatever float does to the two.
  const share = Math.min(1, used / Math.abs(leg.netDelta));
  return rate * share * leg.scanLoss;
}

/** What the credits give one underlying. */
export function creditTo(credits: readonly Credit[], underlying: AssetId): number {
  let total = 0;
  for (const credit of credits) {
    if (credit.underlyings[0] === underlying) total += credit.amounts[0];
    if (credit.underlyings[1] === underlying) total += credit.amounts[1];
  }
  return total;
}
