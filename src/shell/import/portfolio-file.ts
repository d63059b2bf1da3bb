import {
  accountsPerPortfolioMax,
  amountMax,
  assetsMax,
  balancesPerAccountMax,
  instrumentsMax,
  leverageMax,
  ordersPerAccountMax,
  positionsPerAccountMax,
  rulebooksPerPortfolioMax,
  sizeMax,
} from '../../core/limits.ts';
import type {
  Account,
  OpenOrder,
  Position,
  PositionSide,
  SpotOrder,
} from '../../core/model/account.ts';
import { positionKey } from '../../core/model/bucket.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { Market } from '../../core/model/market.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import type { SpotMarket } from '../../core/model/spot-market.ts';
import type { Venue } from '../../core/model/venue.ts';
import { formatFixed, SCALE } from '../../core/num/fixed.ts';
import { duplicates, price, priceOrZero, readInstruments, size } from './instrument-file.ts';
import { checkPoolInputs } from './pool-checks.ts';
import { checkPortfolio } from './portfolio-checks.ts';
import { atMost, type Bound, nonNegative, Reader, settle } from './reader.ts';
import { readRiskArrays } from './risk-array-file.ts';
import { checkScanRanges } from './scan-range-checks.ts';
import { readSpotMarkets, readSpotOrder, readVenueTotals } from './spot-market-file.ts';
import { checkStablePrices, readStableMarkPrices, readStablePrices } from './stable-price-file.ts';
import { readUtcTime } from './utc-time.ts';
import { readVolatility } from './volatility-file.ts';

export const portfolioFormat = 'xmargin.portfolio/1';

const amount: { min: Bound; max: Bound } = {
  min: { value: -amountMax, message: 'is beyond the amount limit' },
  max: atMost(amountMax, 'the amount limit'),
};

/** Told now and then how many of the file's accounts have been read (a book's progress bar). */
export type AccountProgress = (done: number, total: number) => void;
const progressEvery = 2048;

/** Resolves the file's `rulebook` field: a preset name, or an inline rulebook object. */
export type RulebookSource = (reader: Reader) => Rulebook;

/**
 * A portfolio file (docs/portfolio-format.md) into core types, or an InputError listing every
 * issue by path. The valuation time (`Market.asOfMs`, always set) is `market.asOf` where the file
 * gives one (a snapshot is valued as of its own time), else `nowMs`, the shell's clock: a future or
 * option already expired then is refused, and options' time to expiry runs from it.
 */
export function readPortfolio(
  json: unknown,
  rulebookOf: RulebookSource,
  nowMs: number,
  onAccount?: AccountProgress,
): Portfolio {
  const root = new Reader(json, '');
  if (!root.object()) settle(root);
  root.only([
    'format',
    'description',
    'rulebook',
    'rulebooks',
    'assets',
    'instruments',
    'spotMarkets',
    'market',
    'accounts',
  ]);
  if (root.has('description')) root.field('description').text();
  if (root.field('format').string() !== portfolioFormat) {
    root.field('format').fail(`must be "${portfolioFormat}"`);
  }
  const named = readNamedRulebooks(root, rulebookOf);
  const rulebook =
    named.size > 0 && !root.has('rulebook')
      ? named.values().next().value!
      : rulebookOf(root.field('rulebook'));
  const assets = readAssets(root.field('assets'));
  const asOfField = root.field('market').field('asOf');
  const asOfMs =
    asOfField.value === undefined ? nowMs : (readUtcTime(asOfField, '2026-11-24T08:00:00Z') ?? 0);
  const instruments = readInstruments(root.field('instruments'), assets, asOfMs);
  const spotMarkets = readSpotMarkets(root.field('spotMarkets'), assets);
  const market = readMarket(root.field('market'), assets, instruments, asOfMs, rulebook);
  const accounts = root
    .field('accounts')
    .items(accountsPerPortfolioMax)
    .map((entry, a, all) => {
      if (onAccount !== undefined && a % progressEvery === 0) onAccount(a, all.length);
      return readAccount(entry, assets, instruments, spotMarkets);
    });
  onAccount?.(accounts.length, accounts.length);
  duplicates(
    root.field('accounts'),
    accounts.map((account) => account.id),
    'account id',
  );
  const spot = spotMarkets.size === 0 ? {} : { spotMarkets };
  const accountVenues = venuesByAccount(root, named, instruments, accounts, spot);
  settle(root);
  const portfolio: Portfolio = {
    venue: { instruments, rulebook, ...spot },
    market,
    accounts,
    ...(accountVenues.size === 0 ? {} : { accountVenues }),
  };
  checkPortfolio(portfolio, root);
  checkPoolInputs(portfolio, root);
  checkStablePrices(portfolio, root);
  checkScanRanges(portfolio, root);
  settle(root);
  return portfolio;
}

/**
 * `rulebooks`: several venues' rules in one file, by a name of the file's own choosing
 *   "rulebooks": { "binance": "binance-usdm", "house": { …a rulebook inline… } }
 * each account naming its own with `"rulebook": "binance"`; `rulebook`, where also given, is the
 * rulebook of the accounts that name none.
 */
function readNamedRulebooks(root: Reader, rulebookOf: RulebookSource): Map<string, Rulebook> {
  const named = new Map<string, Rulebook>();
  if (!root.has('rulebooks')) return named;
  const field = root.field('rulebooks');
  for (const [name, entry] of field.entries(rulebooksPerPortfolioMax)) {
    named.set(name, rulebookOf(entry));
  }
  if (field.isObject() && named.size === 0) field.fail('must name at least one rulebook');
  return named;
}

/** The venue of each account that names a rulebook of the file's `rulebooks`. */
function venuesByAccount(
  root: Reader,
  named: ReadonlyMap<string, Rulebook>,
  instruments: ReadonlyMap<string, Instrument>,
  accounts: readonly Account[],
  spot: Pick<Venue, 'spotMarkets'>,
): Map<string, Venue> {
  const venues = new Map<string, Venue>();
  const byName = new Map(
    [...named].map(([name, book]) => [name, { instruments, rulebook: book, ...spot }]),
  );
  const entries = accounts.length === 0 ? [] : root.field('accounts').items(accounts.length);
  accounts.forEach((account, a) => {
    const field = entries[a]!.field('rulebook');
    if (field.value === undefined) {
      if (named.size > 0 && !root.has('rulebook')) {
        field.fail(`is required: the file has rulebooks (${[...named.keys()].join(', ')})`);
      }
      return;
    }
    const name = field.string();
    const venue = byName.get(name);
    if (venue === undefined) {
      const known = named.size === 0 ? 'the file has no "rulebooks"' : [...named.keys()].join(', ');
      field.fail(`names no rulebook of the file's "rulebooks" (${known})`);
      return;
    }
    venues.set(account.id, venue);
  });
  return venues;
}

function readAssets(reader: Reader): Set<string> {
  const ids = reader.items(assetsMax).map((entry) => {
    entry.only(['id', 'name']);
    if (entry.has('name')) entry.field('name').text();
    return entry.field('id').string();
  });
  duplicates(reader, ids, 'asset id');
  return new Set(ids);
}

function readMarket(
  reader: Reader,
  assets: Set<string>,
  instruments: Map<string, Instrument>,
  asOfMs: number,
  rulebook: Rulebook,
): Market {
  reader.object();
  reader.only([
    'asOf',
    'assetPrices',
    'markPrices',
    'volatility',
    'riskArrays',
    'openInterest',
    'venueTotals',
    'stablePrices',
    'stableMarkPrices',
  ]);
  const assetPrices = new Map<string, bigint>();
  for (const [asset, entry] of reader.field('assetPrices').entries(assetsMax)) {
    if (!assets.has(asset)) entry.fail('unknown asset');
    assetPrices.set(asset, entry.decimal(priceOrZero));
  }
  const markPrices = new Map<string, bigint>();
  for (const [instrument, entry] of reader.field('markPrices').entries(instrumentsMax)) {
    if (!instruments.has(instrument)) entry.fail('unknown instrument');
    const mark = entry.decimal(priceOrZero);
    // A worthless option is a real state; a future at zero has no PnL to count.
    if (mark === 0n && instruments.get(instrument)?.kind !== 'option') {
      entry.fail('must be greater than zero (only an option may be marked at zero)');
    }
    markPrices.set(instrument, mark);
  }
  for (const instrument of instruments.values()) {
    // An inverse contract is valued in its coin: a coin at zero leaves it no value to count in.
    if (instrument.settlement === 'inverse' && assetPrices.get(instrument.settle) === 0n) {
      reader
        .field('assetPrices')
        .field(instrument.settle)
        .fail(`must be greater than zero: "${instrument.id}" is settled in it (inverse)`);
    }
  }
  const volatility = readVolatility(reader.field('volatility'), assets, asOfMs);
  const riskArrays = readRiskArrays(reader.field('riskArrays'), instruments, rulebook);
  const openInterest = readOpenInterest(reader, instruments);
  const venueTotals = readVenueTotals(reader.field('venueTotals'), assets);
  const stablePrices = readStablePrices(reader, assets);
  const stableMarkPrices = readStableMarkPrices(reader, instruments);
  return {
    assetPrices,
    markPrices,
    asOfMs,
    volatility,
    ...(riskArrays.size === 0 ? {} : { riskArrays }),
    ...(openInterest.size === 0 ? {} : { openInterest }),
    ...(venueTotals.size === 0 ? {} : { venueTotals }),
    ...(stablePrices.size === 0 ? {} : { stablePrices }),
    ...(stableMarkPrices.size === 0 ? {} : { stableMarkPrices }),
  };
}

/** Each market's open interest, in contracts (one side), as dYdX's `Perpetual.OpenInterest`. */
function readOpenInterest(reader: Reader, instruments: Map<string, Instrument>) {
  const openInterest = new Map<string, bigint>();
  if (!reader.has('openInterest')) return openInterest;
  for (const [instrument, entry] of reader.field('openInterest').entries(instrumentsMax)) {
    if (!instruments.has(instrument)) entry.fail('unknown instrument');
    openInterest.set(instrument, entry.decimal({ min: nonNegative, max: size.max }));
  }
  return openInterest;
}

function readAccount(
  reader: Reader,
  assets: Set<string>,
  instruments: Map<string, Instrument>,
  spotMarkets: Map<string, SpotMarket>,
) {
  reader.object();
  reader.only(['id', 'rulebook', 'poolMode', 'balances', 'positions', 'openOrders', 'leverage']);
  const id = reader.field('id').string();
  const poolMode = reader.has('poolMode')
    ? reader.field('poolMode').oneOf(['cross', 'portfolio'] as const)
    : undefined;
  const balances = new Map<string, bigint>();
  for (const [asset, entry] of reader.field('balances').entries(balancesPerAccountMax)) {
    if (!assets.has(asset)) entry.fail('unknown asset');
    balances.set(asset, entry.decimal(amount));
  }
  const positionsField = reader.has('positions') ? reader.field('positions') : undefined;
  const positionEntries = positionsField?.items(positionsPerAccountMax) ?? [];
  const positions = positionEntries.map((entry) => readPosition(entry, instruments));
  if (positionsField) {
    duplicates(
      positionsField,
      positions.map((p) => positionKey(p)),
      'position on the instrument',
    );
    oneModePerInstrument(positionsField, positions);
  }
  const ordersField = reader.has('openOrders') ? reader.field('openOrders') : undefined;
  const openOrders: OpenOrder[] = [];
  const spotOrders: SpotOrder[] = [];
  for (const entry of ordersField?.items(ordersPerAccountMax) ?? []) {
    // An order names an instrument (a contract) or a spot market.
    if (entry.isObject() && entry.has('spotMarket')) {
      spotOrders.push(readSpotOrder(entry, spotMarkets));
    } else openOrders.push(readOrder(entry, instruments));
  }
  const leverage = readLeverage(reader, positionEntries, positions, instruments);
  const account: Account = {
    id,
    ...(poolMode === undefined ? {} : { poolMode }),
    balances,
    positions,
    openOrders,
    ...(spotOrders.length === 0 ? {} : { spotOrders }),
    ...(leverage.size === 0 ? {} : { leverage }),
  };
  return account;
}

const leverageBounds = {
  positive: true,
  max: atMost(leverageMax * SCALE, `the leverage limit (${leverageMax})`),
};

/**
 * The account's leverage setting per instrument: `leverage` of the account, and, for files written
 * before it was the account's, a position's own `leverage`, which sets the account's for that
 * instrument. Both given and different is an issue at the position's field.
 */
function readLeverage(
  reader: Reader,
  positionEntries: readonly Reader[],
  positions: readonly Position[],
  instruments: Map<string, Instrument>,
): Map<string, bigint> {
  const leverage = new Map<string, bigint>();
  if (reader.has('leverage')) {
    for (const [instrument, entry] of reader.field('leverage').entries(instrumentsMax)) {
      if (!instruments.has(instrument)) entry.fail('unknown instrument');
      leverage.set(instrument, entry.decimal(leverageBounds));
    }
  }
  positionEntries.forEach((entry, p) => {
    const field = entry.field('leverage');
    const chosen = field.optionalDecimal(leverageBounds);
    const instrument = positions[p]!.instrument;
    if (chosen === undefined) return;
    const set = leverage.get(instrument);
    if (set === undefined) leverage.set(instrument, chosen);
    else if (set !== chosen) {
      const account = reader.field('leverage').field(instrument).path;
      field.fail(`is ${formatFixed(chosen)}, but ${account} sets ${formatFixed(set)}`);
    }
  });
  return leverage;
}

const signedSizeBounds = {
  min: { value: -sizeMax, message: 'is beyond the size limit' },
  max: atMost(sizeMax, 'the size limit'),
};
const isolatedMarginBounds = { min: nonNegative, max: amount.max };

function readPosition(reader: Reader, instruments: Map<string, Instrument>): Position {
  reader.object();
  reader.only([
    'instrument',
    'size',
    'entryPrice',
    'marginMode',
    'isolatedMargin',
    'leverage',
    'unsettledPnl',
    'side',
  ]);
  const instrument = knownInstrument(reader.field('instrument'), instruments);
  const signedSize = reader.field('size').decimal(signedSizeBounds);
  if (signedSize === 0n && typeof reader.field('size').value === 'string') {
    reader.field('size').fail('must not be zero (leave a closed position out)');
  }
  const marginMode = reader.has('marginMode')
    ? reader.field('marginMode').oneOf(['cross', 'isolated'] as const)
    : 'cross';
  const isolatedMargin = reader.field('isolatedMargin').optionalDecimal(isolatedMarginBounds);
  if (marginMode === 'cross' && isolatedMargin !== undefined) {
    reader.field('isolatedMargin').fail('only an isolated position holds isolated margin');
  }
  if (marginMode === 'isolated' && isolatedMargin === undefined) {
    reader.field('isolatedMargin').fail('an isolated position needs its isolated margin');
  }
  // Realised PnL not yet settled into a balance: signed, in the settle asset.
  const unsettledPnl = reader.field('unsettledPnl').optionalDecimal(amount);
  const side = readHedgeSide(reader, signedSize);
  // Its `leverage` is the account's setting for the instrument: read with the account's.
  return {
    instrument,
    size: signedSize,
    ...(side === undefined ? {} : { side }),
    entryPrice: reader.field('entryPrice').decimal(price),
    marginMode,
    isolatedMargin: isolatedMargin ?? 0n,
    ...(unsettledPnl ? { unsettledPnl } : {}),
  };
}

/** Hedge mode's `side` ("long" | "short"), which the size's sign must agree with. */
function readHedgeSide(reader: Reader, size: bigint): PositionSide | undefined {
  if (!reader.has('side')) return undefined;
  const side = reader.field('side').oneOf(['long', 'short'] as const);
  if ((side === 'long' && size < 0n) || (side === 'short' && size > 0n)) {
    reader
      .field('side')
      .fail(`is "${side}", but the size is ${size < 0n ? 'negative' : 'positive'}`);
  }
  return side;
}

/** An instrument's positions are all hedge-mode sides (with `side`) or its one net position. */
function oneModePerInstrument(field: Reader, positions: readonly Position[]): void {
  positions.forEach((position, p) => {
    if (position.side === undefined) return;
    const net = positions.findIndex((o) => o.instrument === position.instrument && !o.side);
    if (net >= 0) {
      field.fail(
        `a hedge-mode side of "${position.instrument}" beside its one-way position (${field.path}[${net}]): give both sides a side, or neither`,
        `${field.path}[${p}].side`,
      );
    }
  });
}

function readOrder(reader: Reader, instruments: Map<string, Instrument>): OpenOrder {
  reader.object();
  reader.only(['instrument', 'side', 'size', 'price']);
  return {
    instrument: knownInstrument(reader.field('instrument'), instruments),
    side: reader.field('side').oneOf(['buy', 'sell'] as const),
    size: reader.field('size').decimal(size),
    price: reader.field('price').decimal(price),
  };
}

function knownInstrument(reader: Reader, instruments: Map<string, Instrument>): string {
  const id = reader.string();
  if (id !== '' && !instruments.has(id)) reader.fail(`unknown instrument "${id}"`);
  return id;
}
