import type { Ledger } from '../ledger/ledger.ts';
import type { Account } from '../model/account.ts';
import type { AssetId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Venue } from '../model/venue.ts';

/**
 * Whether every price the account's margin reads is there at the log's time `nowMs`: each
 * balance's (and `asset`'s, for a check on it), and for each position and open order its mark and
 * its settle asset's and underlying's; for an option, its underlying's volatility surface too
 * (its greeks, its scenarios), with an expiry still to come (ledger-prices.ts). No check is made
 * on a price that is not there.
 */
export function pricesHeld(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  nowMs: number,
  asset?: AssetId,
): boolean {
  if (asset !== undefined && !ledger.assetPrices.has(asset)) return false;
  for (const held of account.balances.keys()) if (!ledger.assetPrices.has(held)) return false;
  const priced = (contract: { readonly instrument: string }) =>
    contractPriced(ledger, venue.instruments.get(contract.instrument)!, nowMs);
  return account.positions.every(priced) && account.openOrders.every(priced);
}

/**
 * Whether a position or an order on the instrument can be margined at `nowMs`: its mark, its settle
 * asset's and underlying's prices, and for an option its underlying's surface with an expiry
 * still to come.
 */
export function contractPriced(ledger: Ledger, instrument: Instrument, nowMs: number): boolean {
  return (
    ledger.markPrices.has(instrument.id) &&
    ledger.assetPrices.has(instrument.settle) &&
    ledger.assetPrices.has(instrument.underlying) &&
    (instrument.kind !== 'option' || surfaceRunsPast(ledger, instrument.underlying, nowMs))
  );
}

/** Whether the underlying's surface has an expiry after `nowMs`: its slices are in expiry order. */
function surfaceRunsPast(ledger: Ledger, underlying: string, nowMs: number): boolean {
  const last = ledger.volatility.get(underlying)?.slices.at(-1);
  return last !== undefined && last.expiryMs > nowMs;
}
