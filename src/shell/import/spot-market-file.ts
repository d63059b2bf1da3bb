import { assetsMax, ordersPerAccountMax } from '../../core/limits.ts';
import type { SpotOrder } from '../../core/model/account.ts';
import type { VenueTotal } from '../../core/model/market.ts';
import type { SpotMarket } from '../../core/model/spot-market.ts';
import { readNetBorrowWindow } from './bank-limits-file.ts';
import { duplicates, price, size } from './instrument-file.ts';
import { nonNegative, type Reader } from './reader.ts';

/**
 * `spotMarkets`: the pairs spot orders rest on, `{ "id": "SOL/USDC", "base": "SOL", "quote":
 * "USDC" }`, both assets of the file's `assets` and different.
 */
export function readSpotMarkets(reader: Reader, assets: Set<string>): Map<string, SpotMarket> {
  const markets = new Map<string, SpotMarket>();
  if (reader.value === undefined) return markets;
  const entries = reader.items(ordersPerAccountMax);
  for (const entry of entries) {
    entry.object();
    entry.only(['id', 'base', 'quote']);
    const id = entry.field('id').string();
    const base = knownAsset(entry.field('base'), assets);
    const quote = knownAsset(entry.field('quote'), assets);
    if (base === quote && base !== '') entry.field('quote').fail('must differ from base');
    markets.set(id, { id, base, quote });
  }
  duplicates(
    reader,
    entries.map((entry) => entry.field('id').value as string),
    'spot market id',
  );
  return markets;
}

/** An `openOrders` entry naming a `spotMarket`: size in base units, price in quote per base. */
export function readSpotOrder(reader: Reader, markets: Map<string, SpotMarket>): SpotOrder {
  reader.only(['spotMarket', 'side', 'size', 'price']);
  const market = reader.field('spotMarket').string();
  if (market !== '' && !markets.has(market)) {
    reader.field('spotMarket').fail(`unknown spot market "${market}" (list it in "spotMarkets")`);
  }
  return {
    market,
    side: reader.field('side').oneOf(['buy', 'sell'] as const),
    size: reader.field('size').decimal(size),
    price: reader.field('price').decimal(price),
  };
}

/** `market.venueTotals`: asset → { deposits, borrows }, coins the whole venue holds and lends. */
export function readVenueTotals(reader: Reader, assets: Set<string>): Map<string, VenueTotal> {
  const totals = new Map<string, VenueTotal>();
  if (reader.value === undefined) return totals;
  for (const [asset, entry] of reader.entries(assetsMax)) {
    if (!assets.has(asset)) entry.fail('unknown asset');
    entry.object();
    entry.only(['deposits', 'borrows', 'netBorrowsInWindow', 'netBorrowsWindowStart']);
    const bound = { min: nonNegative, max: size.max };
    totals.set(asset, {
      deposits: entry.field('deposits').decimal(bound),
      borrows: entry.field('borrows').decimal(bound),
      ...readNetBorrowWindow(entry),
    });
  }
  return totals;
}

function knownAsset(reader: Reader, assets: Set<string>): string {
  const id = reader.string();
  if (id !== '' && !assets.has(id)) reader.fail(`unknown asset "${id}"`);
  return id;
}
