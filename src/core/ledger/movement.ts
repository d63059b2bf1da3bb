import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import { assert } from '../num/assert.ts';
import type { Amount } from '../num/fixed.ts';

/**
 * A ledger movement: an amount of an asset credited (positive) or debited (negative) to an account,
 * for a reason. An event lists its movements so the engine can emit them and check conservation:
 * per asset, the movements of one event sum to zero exactly (the venue's own accounts — fees,
 * rounding, a market's PnL pool — included), so no event creates or destroys money.
 */
export type MovementReason =
  /** A future's PnL realised by the part of a fill that closed a position. */
  | 'realised-pnl'
  /** An option's premium, paid by the buyer, received by the seller. */
  | 'premium'
  /** A trading fee paid (to the fee account). */
  | 'fee'
  /** A maker rebate (a negative fee rate), paid out of the fee account. */
  | 'rebate'
  /** A closed isolated position's margin handed back to the account's cross pool. */
  | 'isolated-margin-release'
  /** The part of an amount that did not divide evenly, kept by the rounding account. */
  | 'rounding'
  /** A perpetual's funding, paid by one side to the other (funding-settlement.ts). */
  | 'funding'
  /** A liquidation fill's fee, from the liquidated account to the insurance fund. */
  | 'liquidation-fee'
  /** What the insurance fund pays a liquidated account whose fill was worse than bankruptcy. */
  | 'insurance-cover';

export interface Movement {
  readonly account: AccountId;
  readonly asset: AssetId;
  readonly amount: Amount;
  readonly reason: MovementReason;
  /** Present: the isolated margin of the account's position on this instrument; else cross. */
  readonly bucket?: InstrumentId;
}

/** Σ movements per asset: all zero when the movements conserve money. */
export function netByAsset(movements: readonly Movement[]): ReadonlyMap<AssetId, Amount> {
  const net = new Map<AssetId, Amount>();
  for (const movement of movements) {
    net.set(movement.asset, (net.get(movement.asset) ?? 0n) + movement.amount);
  }
  return net;
}

/** Conservation, an invariant of every event: a broken one is a bug and stops the engine. */
export function assertConserved(movements: readonly Movement[]): void {
  for (const [asset, net] of netByAsset(movements)) {
    assert(net === 0n, `movements of ${asset} sum to zero`);
  }
}

/** Σ movements of one account in one asset, cross and isolated buckets together. */
export function netOf(movements: readonly Movement[], account: AccountId, asset: AssetId): Amount {
  let net = 0n;
  for (const movement of movements) {
    if (movement.account === account && movement.asset === asset) net += movement.amount;
  }
  return net;
}
