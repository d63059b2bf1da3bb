import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { type Amount, min, SCALE } from '../num/fixed.ts';
import { ceilToStep, divCeil, floorToStep, mulFloor } from '../num/rounding.ts';

/**
 * What the insurance fund pays a bucket that owes with nothing left to liquidate: no maintenance
 * margin and equity below zero (bucket-risk.ts `debtToSettle`), a loss realised beyond its
 * collateral (a future settled at expiry past its bankruptcy price, a fill through a gap). Every
 * deficit moves by an explicit event to the fund (SCENARIOS.md INV-NONEG), and an account with no
 * open position never bears it (INV-ADL-ISOLATION).
 *
 * The bucket's negative balances are credited in asset order until `debt` (USD) is covered. An
 * asset's share is the debt left over its price, rounded up to the asset's unit, so the account is
 * left at no less than zero: equity values a balance rounded down (mulFloor), and crediting
 * ⌈D / p⌉ raises that value by at least D. It is never more than the balance owes, nor than
 * `room` gives of the asset (the fund above its floor: liquidation-fill.ts `fundRoom`), on the
 * unit, rounded down; a debt the fund cannot cover stays, shown as it is.
 */
export function debtCover(
  venue: Venue,
  bucket: Bucket,
  debt: Amount,
  prices: PriceView,
  room: (asset: AssetId) => Amount,
): { readonly asset: AssetId; readonly amount: Amount }[] {
  // A map's keys are distinct: no two compare equal.
  const inOrder = [...bucket.balances].sort(([a], [b]) => (a < b ? -1 : 1));
  const cover: { asset: AssetId; amount: Amount }[] = [];
  let left = debt;
  // A balance not owed (−balance ≤ 0), or a debt already covered (wanted 0), gives no amount.
  for (const [asset, balance] of inOrder) {
    const price = prices.assetPrice(asset);
    if (price <= 0n) continue;
    const unit = venue.rulebook.collateral.get(asset)?.unit ?? 1n;
    const wanted = ceilToStep(divCeil(left * SCALE, price), unit);
    const amount = min(min(wanted, -balance), floorToStep(room(asset), unit));
    if (amount <= 0n) continue;
    cover.push({ asset, amount });
    left -= mulFloor(balance + amount, price) - mulFloor(balance, price);
  }
  return cover;
}
