import {
  accountsPerPortfolioMax,
  assetsMax,
  balancesPerAccountMax,
  instrumentsMax,
  ordersPerAccountMax,
  positionsPerAccountMax,
  rulebooksPerPortfolioMax,
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
import { formatFixed } from '../../core/num/fixed.ts';
import { duplicates, price, priceOrZero, readInstruments, size } from './instrument-file.ts';
import {
  amount,
  isolatedMarginBounds,
  leverageBounds,
  noOrders,
  readPlainAccount,
  sharedLeverage,
  signedSizeBounds,
} from './plain-account.ts';
import { checkPoolInputs } from './pool-checks.ts';
import { checkPortfolio } from './portfolio-checks.ts';
import { nonNegative, Reader, settle } from './reader.ts';
import { readRiskArrays } from './risk-array-file.ts';
import { checkScanRanges } from './scan-range-checks.ts';
import { readSpotMarkets, readSpotOrder, readVenueTotals } from './spot-market-file.ts';
import { checkStablePrices, readStableMarkPrices, readStablePrices } from './stable-price-file.ts';
import { readUtcTime } from './utc-time.ts';
import { readVolatility } from './volatility-file.ts';

export const portfolioFormat = 'xmargin.portfolio/1';

/** Told now and then how many of the file's accounts have been read (a book's progress bar). */
export type AccountProgress = (done: number, total: number) => void;
const progressEvery = 2048;

/**
 * Where the reader takes each account's JSON from, when the tree is the caller's to drop: the
 * tree's `accounts`, each let go once read (`release`), or, with `parse`, each parsed from the
 * file's text only as it is read (book-json.ts). Either way a book's tree and its model are never
 * both whole in memory.
 */
export interface AccountSource {
  readonly release: boolean;
  readonly parse?: (index: number) => unknown;
}

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
  source?: AccountSource,
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
  const accountsField = root.field('accounts');
  const read = readAccounts(accountsField, assets, instruments, spotMarkets, onAccount, source);
  const { accounts } = read;
  duplicates(
    accountsField,
    accounts.map((account) => account.id),
    'account id',
  );
  const spot = spotMarkets.size === 0 ? {} : { spotMarkets };
  const accountVenues = venuesByAccount(root, named, instruments, read, spot);
  settle(root);
  const portfolio: Portfolio = {
    venue: { instruments, rulebook, ...spot },
    market,
    accounts,
    ...(accountVenues.size === 0 ? {} : { accountVenues }),
  };
  checkPortfolio(portfolio, root, read.ownLeverage);
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

/** The file's accounts as read, with what the later checks need of their fields. */
interface ReadAccounts {
  readonly accounts: Account[];
  /** Each account's `rulebook` field, by the account's index, where it has one. */
  readonly rulebooks: ReadonlyMap<number, unknown>;
  /**
   * How many of each account's leverage settings its own `leverage` field gave (they come first
   * in Account.leverage; the rest were set by a position's `leverage`), so an issue names the
   * field that set it without the file's tree, which may be gone by then.
   */
  readonly ownLeverage: readonly number[];
}

/** `accounts`, read one by one, each from `source` where one is given (AccountSource). */
function readAccounts(
  field: Reader,
  assets: Set<string>,
  instruments: Map<string, Instrument>,
  spotMarkets: Map<string, SpotMarket>,
  onAccount: AccountProgress | undefined,
  source: AccountSource | undefined,
): ReadAccounts {
  const accounts: Account[] = [];
  const rulebooks = new Map<number, unknown>();
  const ownLeverage: number[] = [];
  // What field.items() checks, without a reader per account held for the whole file.
  if (!Array.isArray(field.value)) {
    field.fail('must be an array');
    return { accounts, rulebooks, ownLeverage };
  }
  const list = field.value as unknown[];
  if (list.length > accountsPerPortfolioMax) {
    field.fail(`must have at most ${accountsPerPortfolioMax} items`);
    return { accounts, rulebooks, ownLeverage };
  }
  const total = list.length;
  for (let a = 0; a < total; a += 1) {
    if (onAccount !== undefined && a % progressEvery === 0) onAccount(a, total);
    const value = source?.parse === undefined ? list[a] : source.parse(a);
    // A book's usual account without a Reader per field; any other, or one with an issue, with.
    const plain = readPlainAccount(value, assets, instruments);
    if (plain === undefined) {
      const entry = new Reader(value, '', field.issues, field, a);
      const rulebook = entry.field('rulebook').value;
      if (rulebook !== undefined) rulebooks.set(a, rulebook);
      accounts.push(readAccount(entry, assets, instruments, spotMarkets, ownLeverage));
    } else {
      accounts.push(plain.account);
      ownLeverage.push(plain.ownLeverage);
    }
    if (source?.release === true) list[a] = undefined;
  }
  onAccount?.(total, total);
  return { accounts, rulebooks, ownLeverage };
}

/** The venue of each account that names a rulebook of the file's `rulebooks`. */
function venuesByAccount(
  root: Reader,
  named: ReadonlyMap<string, Rulebook>,
  instruments: ReadonlyMap<string, Instrument>,
  read: ReadAccounts,
  spot: Pick<Venue, 'spotMarkets'>,
): Map<string, Venue> {
  const venues = new Map<string, Venue>();
  const byName = new Map(
    [...named].map(([name, book]) => [name, { instruments, rulebook: book, ...spot }]),
  );
  const accountsField = root.field('accounts');
  const required = named.size > 0 && !root.has('rulebook');
  // Every account names a rulebook, or none has to: most books have one rulebook.
  if (read.rulebooks.size === 0 && !required) return venues;
  read.accounts.forEach((account, a) => {
    const raw = read.rulebooks.get(a);
    if (raw === undefined && !required) return;
    const entry = new Reader(undefined, '', root.issues, accountsField, a);
    const field = new Reader(raw, '', root.issues, entry, 'rulebook');
    if (field.value === undefined) {
      if (required) {
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

/** One account through a Reader, every issue reported (exported for plain-account.test.ts). */
export function readAccount(
  reader: Reader,
  assets: Set<string>,
  instruments: Map<string, Instrument>,
  spotMarkets: Map<string, SpotMarket>,
  ownLeverage: number[],
): Account {
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
  // Loops, not closures: these run for every account of a book.
  const positions: Position[] = new Array(positionEntries.length);
  const keys: string[] = new Array(positionEntries.length);
  for (let p = 0; p < positionEntries.length; p++) {
    positions[p] = readPosition(positionEntries[p]!, instruments);
    keys[p] = positionKey(positions[p]!);
  }
  if (positionsField) {
    duplicates(positionsField, keys, 'position on the instrument');
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
  const leverage = readLeverage(reader, positionEntries, positions, instruments, ownLeverage);
  const orders = openOrders.length === 0 ? noOrders : openOrders;
  // A book's usual account in one literal of fixed shape: the smallest object V8 makes for it.
  if (poolMode === undefined && spotOrders.length === 0) {
    if (leverage.size === 0) return { id, balances, positions, openOrders: orders };
    return { id, balances, positions, openOrders: orders, leverage };
  }
  const account: Account = {
    id,
    ...(poolMode === undefined ? {} : { poolMode }),
    balances,
    positions,
    openOrders: orders,
    ...(spotOrders.length === 0 ? {} : { spotOrders }),
    ...(leverage.size === 0 ? {} : { leverage }),
  };
  return account;
}

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
  ownLeverage: number[],
): Map<string, bigint> {
  const leverage = new Map<string, bigint>();
  if (reader.has('leverage')) {
    for (const [instrument, entry] of reader.field('leverage').entries(instrumentsMax)) {
      if (!instruments.has(instrument)) entry.fail('unknown instrument');
      leverage.set(instrument, sharedLeverage(entry.decimal(leverageBounds)));
    }
  }
  ownLeverage.push(leverage.size);
  for (let p = 0; p < positionEntries.length; p++) {
    const field = positionEntries[p]!.field('leverage');
    const chosen = field.optionalDecimal(leverageBounds);
    const instrument = positions[p]!.instrument;
    if (chosen === undefined) continue;
    const set = leverage.get(instrument);
    if (set === undefined) leverage.set(instrument, sharedLeverage(chosen));
    else if (set !== chosen) {
      const account = reader.field('leverage').field(instrument).path;
      field.fail(`is ${formatFixed(chosen)}, but ${account} sets ${formatFixed(set)}`);
    }
  }
  return leverage;
}

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
  const entryPrice = reader.field('entryPrice').decimal(price);
  // Its `leverage` is the account's setting for the instrument: read with the account's.
  if (side === undefined && !unsettledPnl) {
    // The usual position in one literal of fixed shape, the smallest object V8 makes for it.
    return {
      instrument,
      size: signedSize,
      entryPrice,
      marginMode,
      isolatedMargin: isolatedMargin ?? 0n,
    };
  }
  return {
    instrument,
    size: signedSize,
    ...(side === undefined ? {} : { side }),
    entryPrice,
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
  for (let p = 0; p < positions.length; p++) {
    const position = positions[p]!;
    if (position.side === undefined) continue;
    const net = positions.findIndex((o) => o.instrument === position.instrument && !o.side);
    if (net >= 0) {
      field.fail(
        `a hedge-mode side of "${position.instrument}" beside its one-way position (${field.path}[${net}]): give both sides a side, or neither`,
        `${field.path}[${p}].side`,
      );
    }
  }
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
