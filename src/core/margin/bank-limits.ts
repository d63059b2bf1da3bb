import type { AssetId } from '../model/ids.ts';
import type { VenueTotal } from '../model/market.ts';
import type { PriceView } from '../model/price-view.ts';
import type { NetBorrowLimit } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Quantity } from '../num/fixed.ts';
import { max } from '../num/fixed.ts';
import { ceilToStep, mulCeil } from '../num/rounding.ts';

/**
 * Mango's bank limits on a change of one balance (blockworks-foundation/mango-v4
 * programs/mango-v4/src/state/bank.rs `checked_transfer_with_fee`, `check_deposit_and_oo_limit`,
 * `update_net_borrows`, `remaining_net_borrows_quote`): what refuses a deposit or a borrowing
 * before health is even asked. Null: within both.
 */
export type BankLimitBreach =
  | {
      readonly kind: 'deposit_limit';
      readonly asset: AssetId;
      /** The venue's deposits of the asset after the change, coins. */
      readonly deposits: Quantity;
      readonly limit: Quantity;
    }
  | {
      readonly kind: 'borrow_limit';
      readonly asset: AssetId;
      /** Every account's borrows of the asset after the change, coins. */
      readonly borrows: Quantity;
      readonly limit: Quantity;
    }
  | {
      readonly kind: 'net_borrow_limit';
      readonly asset: AssetId;
      /** The window's net borrows after the change, coins (loan origination fee included). */
      readonly netBorrows: Quantity;
      /** Their value at the higher of price and stable price, USD. */
      readonly value: Amount;
      readonly limit: Amount;
    };

/**
 * Whether moving the account's balance of `asset` from `before` to `after` (coins) passes the
 * bank's limits. Only new deposits count against the deposit limit (repaying a debt does not), and
 * only new borrowing against the net borrow limit (a withdrawal of deposits does not):
 * - deposits: the venue's deposits plus the new ones must stay below `depositLimit`. Mango refuses
 *   `limit − total < 0`, but its `deposit()` rounds the indexed deposit up by I80F48's DELTA, so
 *   on a live bank a deposit that would reach the limit exactly lands above it
 *   (test_bank_deposit_limit: "999 does not work due to rounding");
 * - borrows: the new borrowing with its loan origination fee, rounded up to the asset's unit
 *   (`native_amount.ceil()`), joins the window's net borrows (reset once the window is over), and
 *   their value at max(price, stable price) must not pass the limit; net borrows below zero have
 *   no limit.
 */
export function bankLimitBreach(
  venue: Venue,
  prices: PriceView,
  asset: AssetId,
  before: Amount,
  after: Amount,
): BankLimitBreach | null {
  const rule = venue.rulebook.collateral.get(asset);
  if (rule === undefined) return null;
  const total = prices.venueTotals?.get(asset);
  const deposited = max(0n, after) - max(0n, before);
  if (rule.depositLimit !== undefined && deposited > 0n) {
    const deposits = totalOf(total).deposits + deposited;
    if (deposits >= rule.depositLimit) {
      return { kind: 'deposit_limit', asset, deposits, limit: rule.depositLimit };
    }
  }
  const borrowed = max(0n, -after) - max(0n, -before);
  if (rule.borrowLimit !== undefined && borrowed > 0n) {
    const borrows = totalOf(total).borrows + borrowed;
    if (borrows > rule.borrowLimit) {
      return { kind: 'borrow_limit', asset, borrows, limit: rule.borrowLimit };
    }
  }
  const limit = rule.netBorrowLimit;
  if (limit === undefined || borrowed <= 0n) return null;
  const rate = rule.loanOriginationFeeRate;
  const fee = rate === undefined ? 0n : mulCeil(borrowed, rate);
  const added = ceilToStep(borrowed + fee, rule.unit ?? 1n);
  const netBorrows = windowNetBorrows(totalOf(total), limit, prices.asOfMs) + added;
  if (netBorrows < 0n) return null;
  const price = max(prices.assetPrice(asset), prices.stablePrices?.get(asset) ?? 0n);
  const value = mulCeil(netBorrows, price);
  if (value <= limit.perWindow) return null;
  return { kind: 'net_borrow_limit', asset, netBorrows, value, limit: limit.perWindow };
}

/** The window's net borrows at `asOfMs`: none once the window has run out (a new one starts). */
function windowNetBorrows(total: VenueTotal, limit: NetBorrowLimit, asOfMs: number): Quantity {
  const start = total.netBorrowsWindowStartMs;
  if (total.netBorrowsInWindow === undefined || start === undefined) return 0n;
  assert(Number.isFinite(asOfMs), 'a net borrow window needs the valuation time');
  return asOfMs >= start + limit.windowMs ? 0n : total.netBorrowsInWindow;
}

function totalOf(total: VenueTotal | undefined): VenueTotal {
  // Input validation asks for the totals of every asset whose rule limits them.
  assert(total !== undefined, 'a bank limit needs the venue totals');
  return total;
}
