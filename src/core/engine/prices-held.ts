import type { Ledger } from '../ledger/ledger.ts';
import type { Account } from '../model/account.ts';
import type { AssetId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';

/**
 * Whether every price the account's margin reads is there: each balance's (and `asset`'s, for a
 * check on it), and for each position and open order its mark and its settle asset's and
 * underlying's. No check
 * is made on a price that is not there. An option is margined with its greeks, from a volatility
 * surface, which no engine feed carries yet: an account holding one is not priced (it cannot take
 * money out, and keeps its margin state) until one does.
 */
export function pricesHeld(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  asset?: AssetId,
): boolean {
  if (asset !== undefined && !ledger.assetPrices.has(asset)) return false;
  for (const held of account.balances.keys()) if (!ledger.assetPrices.has(held)) return false;
  const priced = (contract: { readonly instrument: string }) => {
    const instrument = venue.instruments.get(contract.instrument)!;
    return (
      instrument.kind !== 'option' &&
      ledger.markPrices.has(instrument.id) &&
      ledger.assetPrices.has(instrument.settle) &&
      ledger.assetPrices.has(instrument.underlying)
    );
  };
  return account.positions.every(priced) && account.openOrders.every(priced);
}
