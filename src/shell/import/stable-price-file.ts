import { assetsMax, instrumentsMax } from '../../core/limits.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { price, priceOrZero } from './instrument-file.ts';
import type { Reader } from './reader.ts';

/**
 * Mango's stable prices at the boundary (docs/portfolio-format.md `market.stablePrices`,
 * `market.stableMarkPrices`) and the rulebook flags that read them and fill perp orders
 * (docs/rulebook-format.md): every field checked for its type, every stable price a rulebook in
 * use will read required, each issue naming its path.
 */

/** The rulebook's flags of open orders and stable prices, each true or false (absent: false). */
export function readHealthFlags(
  reader: Reader,
): Pick<Rulebook, 'initialAtStablePrice' | 'openOrdersInMaintenance' | 'openOrdersFilledAtMark'> {
  const flag = (name: string): boolean => reader.field(name).optionalBoolean();
  return {
    ...(flag('initialAtStablePrice') ? { initialAtStablePrice: true } : {}),
    ...(flag('openOrdersInMaintenance') ? { openOrdersInMaintenance: true } : {}),
    ...(flag('openOrdersFilledAtMark') ? { openOrdersFilledAtMark: true } : {}),
  };
}

export const healthFlagFields = [
  'initialAtStablePrice',
  'openOrdersInMaintenance',
  'openOrdersFilledAtMark',
] as const;

/** `market.stablePrices`: asset → decimal ≥ 0, as an asset price may be. */
export function readStablePrices(reader: Reader, assets: Set<string>): Map<string, bigint> {
  const prices = new Map<string, bigint>();
  if (!reader.has('stablePrices')) return prices;
  for (const [asset, entry] of reader.field('stablePrices').entries(assetsMax)) {
    if (!assets.has(asset)) entry.fail('unknown asset');
    prices.set(asset, entry.decimal(priceOrZero));
  }
  return prices;
}

/** `market.stableMarkPrices`: futures or perpetual → decimal > 0, as its mark is. */
export function readStableMarkPrices(
  reader: Reader,
  instruments: Map<string, Instrument>,
): Map<string, bigint> {
  const prices = new Map<string, bigint>();
  if (!reader.has('stableMarkPrices')) return prices;
  for (const [id, entry] of reader.field('stableMarkPrices').entries(instrumentsMax)) {
    const instrument = instruments.get(id);
    if (instrument === undefined) entry.fail('unknown instrument');
    else if (instrument.kind === 'option') {
      entry.fail('an option has no stable price (its mark is a premium)');
    }
    prices.set(id, entry.decimal(price));
  }
  return prices;
}

/**
 * Under a rulebook with `initialAtStablePrice` (any account's), every priced asset and every
 * marked futures or perpetual needs its stable price: an initial check, a what-if order or a
 * transfer may read any of them, and a missing one is never taken as the price itself.
 */
export function checkStablePrices(portfolio: Portfolio, root: Reader): void {
  // An account not in accountVenues is margined under the file's own rulebook.
  const venues = [portfolio.venue, ...(portfolio.accountVenues?.values() ?? [])];
  if (!venues.some((venue) => venue.rulebook.initialAtStablePrice === true)) return;
  const { market, venue } = portfolio;
  const why = 'the rulebook values initial health at the stable price (initialAtStablePrice)';
  for (const asset of market.assetPrices.keys()) {
    if (market.stablePrices?.has(asset) === true) continue;
    root.fail(`"${asset}" needs a stable price: ${why}`, `market.stablePrices.${asset}`);
  }
  for (const id of market.markPrices.keys()) {
    if (venue.instruments.get(id)?.kind === 'option') continue;
    if (market.stableMarkPrices?.has(id) === true) continue;
    root.fail(`"${id}" needs a stable price: ${why}`, `market.stableMarkPrices.${id}`);
  }
}
