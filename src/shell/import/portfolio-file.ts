import {
  accountsPerPortfolioMax,
  amountMax,
  assetsMax,
  balancesPerAccountMax,
  instrumentsMax,
  ordersPerAccountMax,
  positionsPerAccountMax,
  priceMax,
  sizeMax,
} from '../../core/limits.ts';
import type { Account, OpenOrder, Position } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { fixed } from '../../core/num/fixed.ts';
import { checkPortfolio } from './portfolio-checks.ts';
import { atMost, type Bound, nonNegative, Reader, settle } from './reader.ts';

export const portfolioFormat = 'xmargin.portfolio/1';

const price = { positive: true, max: atMost(priceMax, 'the price limit') };
const amount: { min: Bound; max: Bound } = {
  min: { value: -amountMax, message: 'is beyond the amount limit' },
  max: atMost(amountMax, 'the amount limit'),
};
const size = { positive: true, max: atMost(sizeMax, 'the size limit') };

/** Resolves the file's `rulebook` field: a preset name, or an inline rulebook object. */
export type RulebookSource = (reader: Reader) => Rulebook;

/**
 * A portfolio file (docs/portfolio-format.md) into core types, or an InputError listing every
 * issue by path. A future already expired is refused: expired as of `market.asOf` where the file
 * gives one (a snapshot is valued as of its own time), else as of `nowMs`, the shell's clock.
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
  const asOfMs = readAsOf(root.field('market').field('asOf'));
  const instruments = readInstruments(root.field('instruments'), assets, asOfMs ?? nowMs);
  const market = readMarket(root.field('market'), assets, instruments);
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

const isoUtc = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

function readAsOf(field: Reader): number | undefined {
  if (field.value === undefined) return undefined;
  const text = field.string();
  const ms = Date.parse(text);
  if (isoUtc.test(text) && !Number.isNaN(ms)) return ms;
  field.fail('must be an ISO-8601 UTC time such as "2026-11-24T08:00:00Z"');
  return undefined;
}

function readInstruments(reader: Reader, assets: Set<string>, nowMs: number) {
  const instruments = new Map<string, Instrument>();
  const entries = reader.items(instrumentsMax);
  for (const entry of entries) {
    if (!entry.object()) continue;
    entry.only([
      'id',
      'kind',
      'settlement',
      'underlying',
      'quote',
      'settle',
      'contractSize',
      'tickSize',
      'sizeStep',
      'expiry',
    ]);
    const id = entry.field('id').string();
    const kind = entry.field('kind').oneOf(['perpetual', 'future'] as const);
    const settlement = entry.field('settlement').oneOf(['linear', 'inverse'] as const);
    const underlying = knownAsset(entry.field('underlying'), assets);
    const quote = entry.field('quote').string();
    const settleAsset = knownAsset(entry.field('settle'), assets);
    if (settlement === 'linear' && settleAsset !== quote) {
      entry.field('settle').fail('a linear contract settles in its quote asset');
    }
    if (settlement === 'inverse' && settleAsset !== underlying) {
      entry.field('settle').fail('an inverse contract settles in its underlying');
    }
    const expiryMs = readExpiry(entry, kind, nowMs);
    instruments.set(id, {
      id,
      kind,
      settlement,
      underlying,
      quote,
      settle: settleAsset,
      contractSize: entry.field('contractSize').decimal(size),
      tickSize: entry.has('tickSize')
        ? entry.field('tickSize').decimal(price)
        : fixed('0.00000001'),
      sizeStep: entry.has('sizeStep') ? entry.field('sizeStep').decimal(size) : fixed('0.00000001'),
      ...(expiryMs === undefined ? {} : { expiryMs }),
    });
  }
  duplicates(
    reader,
    entries.map((entry) => entry.field('id').value as string),
    'instrument id',
  );
  return instruments;
}

function readExpiry(entry: Reader, kind: Instrument['kind'], nowMs: number): number | undefined {
  const field = entry.field('expiry');
  if (kind === 'perpetual') {
    if (field.value !== undefined) field.fail('a perpetual has no expiry');
    return undefined;
  }
  const text = field.string();
  const expiryMs = Date.parse(text);
  if (!isoUtc.test(text) || Number.isNaN(expiryMs)) {
    field.fail('must be an ISO-8601 UTC time such as "2026-12-25T08:00:00Z"');
    return undefined;
  }
  if (expiryMs <= nowMs) field.fail('has already passed');
  return expiryMs;
}

function readMarket(reader: Reader, assets: Set<string>, instruments: Map<string, Instrument>) {
  reader.object();
  reader.only(['asOf', 'assetPrices', 'markPrices']);
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
  return { assetPrices, markPrices };
}

function readAccount(reader: Reader, assets: Set<string>, instruments: Map<string, Instrument>) {
  reader.object();
  reader.only(['id', 'balances', 'positions', 'openOrders']);
  const id = reader.field('id').string();
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
  const account: Account = { id, balances, positions, openOrders };
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

function knownAsset(reader: Reader, assets: Set<string>): string {
  const id = reader.string();
  if (id !== '' && !assets.has(id)) reader.fail(`unknown asset "${id}"`);
  return id;
}

function knownInstrument(reader: Reader, instruments: Map<string, Instrument>): string {
  const id = reader.string();
  if (id !== '' && !instruments.has(id)) reader.fail(`unknown instrument "${id}"`);
  return id;
}

function duplicates(reader: Reader, ids: readonly string[], what: string): void {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) reader.fail(`duplicate ${what} "${id}"`, `${reader.path}[${index}]`);
    seen.add(id);
  });
}
