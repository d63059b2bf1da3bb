import {
  accountsPerPortfolioMax,
  amountMax,
  assetsMax,
  balancesPerAccountMax,
  instrumentsMax,
  ordersPerAccountMax,
  positionsPerAccountMax,
  sizeMax,
} from '../../core/limits.ts';
import type { Account, OpenOrder, Position } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { Market } from '../../core/model/market.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { duplicates, price, readInstruments, size } from './instrument-file.ts';
import { checkPortfolio } from './portfolio-checks.ts';
import { atMost, type Bound, nonNegative, Reader, settle } from './reader.ts';
import { readUtcTime } from './utc-time.ts';
import { readVolatility } from './volatility-file.ts';

export const portfolioFormat = 'xmargin.portfolio/1';

const amount: { min: Bound; max: Bound } = {
  min: { value: -amountMax, message: 'is beyond the amount limit' },
  max: atMost(amountMax, 'the amount limit'),
};

/** Resolves the file's `rulebook` field: a preset name, or an inline rulebook object. */
export type RulebookSource = (reader: Reader) => Rulebook;

/**
 * A portfolio file (docs/portfolio-format.md) into core types, or an InputError listing every
 * issue by path. The valuation time (`Market.asOfMs`, always set) is `market.asOf` where the file
 * gives one (a snapshot is valued as of its own time), else `nowMs`, the shell's clock: a future or
 * option already expired then is refused, and options' time to expiry runs from it.
 */
export function readPortfolio(json: unknown, rulebookOf: RulebookSource, nowMs: number): Portfolio {
  const root = new Reader(json, '');
  if (!root.object()) settle(root);
  root.only(['format', 'description', 'rulebook', 'assets', 'instruments', 'market', 'accounts']);
  if (root.has('description')) root.field('description').text();
  if (root.field('format').string() !== portfolioFormat) {
    root.field('format').fail(`must be "${portfolioFormat}"`);
  }
  const rulebook = rulebookOf(root.field('rulebook'));
  const assets = readAssets(root.field('assets'));
  const asOfField = root.field('market').field('asOf');
  const asOfMs =
    asOfField.value === undefined ? nowMs : (readUtcTime(asOfField, '2026-11-24T08:00:00Z') ?? 0);
  const instruments = readInstruments(root.field('instruments'), assets, asOfMs);
  const market = readMarket(root.field('market'), assets, instruments, asOfMs);
  const accounts = root
    .field('accounts')
    .items(accountsPerPortfolioMax)
    .map((entry) => readAccount(entry, assets, instruments));
  duplicates(
    root.field('accounts'),
    accounts.map((account) => account.id),
    'account id',
  );
  settle(root);
  const portfolio: Portfolio = { venue: { instruments, rulebook }, market, accounts };
  checkPortfolio(portfolio, root);
  settle(root);
  return portfolio;
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
): Market {
  reader.object();
  reader.only(['asOf', 'assetPrices', 'markPrices', 'volatility']);
  const assetPrices = new Map<string, bigint>();
  for (const [asset, entry] of reader.field('assetPrices').entries(assetsMax)) {
    if (!assets.has(asset)) entry.fail('unknown asset');
    assetPrices.set(asset, entry.decimal(price));
  }
  const markPrices = new Map<string, bigint>();
  for (const [instrument, entry] of reader.field('markPrices').entries(instrumentsMax)) {
    if (!instruments.has(instrument)) entry.fail('unknown instrument');
    markPrices.set(instrument, entry.decimal(price));
  }
  const volatility = readVolatility(reader.field('volatility'), assets, asOfMs);
  return { assetPrices, markPrices, asOfMs, volatility };
}

function readAccount(reader: Reader, assets: Set<string>, instruments: Map<string, Instrument>) {
  reader.object();
  reader.only(['id', 'poolMode', 'balances', 'positions', 'openOrders']);
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
  const positions = (positionsField?.items(positionsPerAccountMax) ?? []).map((entry) =>
    readPosition(entry, instruments),
  );
  if (positionsField) {
    duplicates(
      positionsField,
      positions.map((p) => p.instrument),
      'position on the instrument',
    );
  }
  const ordersField = reader.has('openOrders') ? reader.field('openOrders') : undefined;
  const openOrders = (ordersField?.items(ordersPerAccountMax) ?? []).map((entry) =>
    readOrder(entry, instruments),
  );
  const account: Account = {
    id,
    ...(poolMode === undefined ? {} : { poolMode }),
    balances,
    positions,
    openOrders,
  };
  return account;
}

function readPosition(reader: Reader, instruments: Map<string, Instrument>): Position {
  reader.object();
  reader.only(['instrument', 'size', 'entryPrice', 'marginMode', 'isolatedMargin', 'leverage']);
  const instrument = knownInstrument(reader.field('instrument'), instruments);
  const signedSize = reader.field('size').decimal({
    min: { value: -sizeMax, message: 'is beyond the size limit' },
    max: atMost(sizeMax, 'the size limit'),
  });
  if (signedSize === 0n && typeof reader.field('size').value === 'string') {
    reader.field('size').fail('must not be zero (leave a closed position out)');
  }
  const marginMode = reader.has('marginMode')
    ? reader.field('marginMode').oneOf(['cross', 'isolated'] as const)
    : 'cross';
  const isolatedMargin = reader
    .field('isolatedMargin')
    .optionalDecimal({ min: nonNegative, max: amount.max });
  if (marginMode === 'cross' && isolatedMargin !== undefined) {
    reader.field('isolatedMargin').fail('only an isolated position holds isolated margin');
  }
  if (marginMode === 'isolated' && isolatedMargin === undefined) {
    reader.field('isolatedMargin').fail('an isolated position needs its isolated margin');
  }
  const leverage = reader.field('leverage').optionalDecimal({ positive: true });
  return {
    instrument,
    size: signedSize,
    entryPrice: reader.field('entryPrice').decimal(price),
    marginMode,
    isolatedMargin: isolatedMargin ?? 0n,
    ...(leverage === undefined ? {} : { leverage }),
  };
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
