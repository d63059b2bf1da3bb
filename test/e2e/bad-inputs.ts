/**
 * Bad inputs, each one mutation of a valid example, with the field path the error must name.
 * Shared by the CLI tests (test/e2e/bad-input.test.ts) and the schema tests (test/schema.test.ts),
 * which check that the JSON Schema and the reader refuse the same files.
 */
import { readFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noExplicitAny: a mutation reaches anywhere in untyped JSON by design
export type Doc = Record<string, any>;

export interface BadInput {
  readonly name: string;
  /** The valid example the mutation starts from. */
  readonly base: string;
  readonly mutate: (doc: Doc) => void;
  /** The path the error names, exactly as the reader writes it. */
  readonly path: string;
  readonly message: RegExp;
  /** Also refused by docs/portfolio.schema.json (some checks span fields a schema cannot see). */
  readonly schemaRefuses: boolean;
}

const main = 'cross-and-isolated.json';
const account = (doc: Doc) => doc.accounts[0];
const position = (doc: Doc, index = 0) => doc.accounts[0].positions[index];
/** Short BTC straddle on deribit-options: instruments[0] a call, [1] a put, one BTC surface. */
const straddle = 'straddle.json';
const slice = (doc: Doc, index = 0) => doc.market.volatility.BTC.slices[index];
/** A preset written inline, so a mutation of it is named under `rulebook.`. */
const inlinePreset = (doc: Doc, id: string): Doc => {
  const book = JSON.parse(readFileSync(`rulebooks/${id}.json`, 'utf8')) as Doc;
  doc.rulebook = book;
  return book;
};

export const badInputs: readonly BadInput[] = [
  {
    name: 'a malformed decimal',
    base: main,
    mutate: (doc) => {
      account(doc).balances.USDT = '1.2.3';
    },
    path: 'accounts[0].balances.USDT',
    message: /must be a decimal string .*got "1\.2\.3"/,
    schemaRefuses: true,
  },
  {
    name: 'a JSON number instead of a decimal string',
    base: main,
    mutate: (doc) => {
      position(doc).size = 0.8;
    },
    path: 'accounts[0].positions[0].size',
    message: /must be a decimal string \(write "0\.1", not 0\.1\)/,
    schemaRefuses: true,
  },
  {
    name: '"NaN" as a price',
    base: main,
    mutate: (doc) => {
      doc.market.markPrices.BTCUSDT = 'NaN';
    },
    path: 'market.markPrices.BTCUSDT',
    message: /must be a decimal string .*got "NaN"/,
    schemaRefuses: true,
  },
  {
    name: 'a decimal with more than 18 places',
    base: main,
    mutate: (doc) => {
      position(doc).entryPrice = '121250.0000000000000000001';
    },
    path: 'accounts[0].positions[0].entryPrice',
    message: /at most 18 decimals/,
    schemaRefuses: true,
  },
  {
    name: 'an unknown asset in a balance',
    base: main,
    mutate: (doc) => {
      account(doc).balances.DOGE = '1000';
    },
    path: 'accounts[0].balances.DOGE',
    message: /unknown asset/,
    schemaRefuses: false,
  },
  {
    name: 'an unknown instrument in a position',
    base: main,
    mutate: (doc) => {
      position(doc).instrument = 'BTCUSDC';
    },
    path: 'accounts[0].positions[0].instrument',
    message: /unknown instrument "BTCUSDC"/,
    schemaRefuses: false,
  },
  {
    name: 'an unknown instrument in an open order',
    base: main,
    mutate: (doc) => {
      account(doc).openOrders[0].instrument = 'DOGEUSDT';
    },
    path: 'accounts[0].openOrders[0].instrument',
    message: /unknown instrument "DOGEUSDT"/,
    schemaRefuses: false,
  },
  {
    name: 'a negative asset price',
    base: main,
    mutate: (doc) => {
      doc.market.assetPrices.BTC = '-112750';
    },
    path: 'market.assetPrices.BTC',
    message: /must not be negative/,
    schemaRefuses: true,
  },
  {
    name: 'a zero contract size',
    base: main,
    mutate: (doc) => {
      doc.instruments[0].contractSize = '0';
    },
    path: 'instruments[0].contractSize',
    message: /must be greater than zero/,
    schemaRefuses: true,
  },
  {
    name: 'a position whose instrument has no mark price',
    base: main,
    mutate: (doc) => {
      delete doc.market.markPrices.ETHUSDT;
    },
    path: 'accounts[0].positions[1].instrument',
    message: /instrument "ETHUSDT" has no mark price/,
    schemaRefuses: false,
  },
  {
    name: "leverage above the bracket's maximum",
    base: main,
    mutate: (doc) => {
      position(doc).leverage = '200';
    },
    path: 'accounts[0].positions[0].leverage',
    message: /200 is above the 150 allowed at this notional/,
    schemaRefuses: false,
  },
  {
    name: 'a duplicate asset id',
    base: main,
    mutate: (doc) => {
      doc.assets.push({ id: 'BTC' });
    },
    path: 'assets[4]',
    message: /duplicate asset id "BTC"/,
    schemaRefuses: false,
  },
  {
    name: 'a duplicate instrument id',
    base: main,
    mutate: (doc) => {
      doc.instruments.push({ ...doc.instruments[0] });
    },
    path: 'instruments[3]',
    message: /duplicate instrument id "BTCUSDT"/,
    schemaRefuses: false,
  },
  {
    name: 'a duplicate account id',
    base: main,
    mutate: (doc) => {
      doc.accounts.push(structuredClone(account(doc)));
    },
    path: 'accounts[1]',
    message: /duplicate account id "main"/,
    schemaRefuses: false,
  },
  {
    name: 'two positions on one instrument',
    base: main,
    mutate: (doc) => {
      account(doc).positions.push({ ...position(doc), size: '0.1' });
    },
    path: 'accounts[0].positions[3]',
    message: /duplicate position on the instrument "BTCUSDT"/,
    schemaRefuses: false,
  },
  {
    name: 'a negative balance of an asset that cannot be borrowed',
    base: main,
    mutate: (doc) => {
      account(doc).balances.USDT = '-100';
    },
    path: 'accounts[0].balances.USDT',
    message: /"USDT" cannot be borrowed under rulebook "binance-usdm"/,
    schemaRefuses: false,
  },
  {
    name: 'an expired future',
    base: 'hedged-book.json',
    mutate: (doc) => {
      doc.instruments[1].expiry = '2025-12-26T08:00:00Z';
    },
    path: 'instruments[1].expiry',
    message: /has already passed/,
    schemaRefuses: false,
  },
  {
    name: 'a future without an expiry',
    base: 'hedged-book.json',
    mutate: (doc) => {
      delete doc.instruments[1].expiry;
    },
    path: 'instruments[1].expiry',
    message: /is required/,
    schemaRefuses: true,
  },
  {
    name: 'a misspelt field',
    base: main,
    mutate: (doc) => {
      const { entryPrice, ...rest } = position(doc);
      account(doc).positions[0] = { ...rest, entryPrize: entryPrice };
    },
    path: 'accounts[0].positions[0].entryPrize',
    message: /unknown field \(expected one of: instrument, size, entryPrice/,
    schemaRefuses: true,
  },
  {
    name: 'a misspelt top-level field',
    base: main,
    mutate: (doc) => {
      doc.instrument = doc.instruments;
      delete doc.instruments;
    },
    path: 'instrument',
    message: /unknown field/,
    schemaRefuses: true,
  },
  {
    name: 'an unknown preset',
    base: main,
    mutate: (doc) => {
      doc.rulebook = 'binance-usdx';
    },
    path: 'rulebook',
    message: /unknown preset "binance-usdx" \(presets: .*binance-usdm/,
    schemaRefuses: false,
  },
  {
    name: 'a rulebook whose listed maintenanceAmount disagrees with its brackets',
    base: 'multi-venue-rules.json',
    mutate: (doc) => {
      doc.rulebook.instruments['BTC-PERP'].brackets[1].maintenanceAmount = '1300';
    },
    path: 'rulebook.instruments.BTC-PERP.brackets[1].maintenanceAmount',
    message: /is 1300, but the brackets give 1250/,
    schemaRefuses: false,
  },
  {
    name: 'an inline rulebook with a collateral weight above 1',
    base: 'multi-venue-rules.json',
    mutate: (doc) => {
      doc.rulebook.collateral.BTC.tiers[0].initialWeight = '1.5';
    },
    path: 'rulebook.collateral.BTC.tiers[0].initialWeight',
    message: /must be at most 1/,
    schemaRefuses: true,
  },
  {
    name: 'isolated margin on a cross position',
    base: main,
    mutate: (doc) => {
      position(doc).isolatedMargin = '100';
    },
    path: 'accounts[0].positions[0].isolatedMargin',
    message: /only an isolated position holds isolated margin/,
    schemaRefuses: true,
  },
  {
    name: 'an isolated position without its margin',
    base: main,
    mutate: (doc) => {
      delete position(doc, 2).isolatedMargin;
    },
    path: 'accounts[0].positions[2].isolatedMargin',
    message: /an isolated position needs its isolated margin/,
    schemaRefuses: true,
  },
  {
    name: 'a zero position size',
    base: main,
    mutate: (doc) => {
      position(doc).size = '0';
    },
    path: 'accounts[0].positions[0].size',
    message: /must not be zero/,
    schemaRefuses: true,
  },
  {
    name: 'a wrong format tag',
    base: main,
    mutate: (doc) => {
      doc.format = 'xmargin.portfolio/2';
    },
    path: 'format',
    message: /must be "xmargin\.portfolio\/1"/,
    schemaRefuses: true,
  },
  {
    name: 'a non-positive volatility',
    base: straddle,
    mutate: (doc) => {
      slice(doc).atmVolatility = '0';
    },
    path: 'market.volatility.BTC.slices[0].atmVolatility',
    message: /must be greater than zero/,
    schemaRefuses: true,
  },
  {
    name: 'a bad SVI parameter (rho outside -1..1)',
    base: straddle,
    mutate: (doc) => {
      slice(doc, 1).rho = '1.5';
    },
    path: 'market.volatility.BTC.slices[1].rho',
    message: /must be between -1 and 1/,
    schemaRefuses: true,
  },
  {
    name: 'a smile whose total variance dips below zero',
    base: straddle,
    mutate: (doc) => {
      Object.assign(slice(doc, 2), { atmVolatility: '0.1', b: '10', rho: '0', sigma: '0.08' });
    },
    path: 'market.volatility.BTC.slices[2]',
    message: /total variance falls below zero/,
    schemaRefuses: false,
  },
  {
    name: 'two slices with the same expiry',
    base: straddle,
    mutate: (doc) => {
      slice(doc, 2).expiry = slice(doc, 0).expiry;
    },
    path: 'market.volatility.BTC.slices[2].expiry',
    message: /duplicate expiry/,
    schemaRefuses: false,
  },
  {
    name: 'a volatility slice that has expired',
    base: straddle,
    mutate: (doc) => {
      slice(doc, 1).expiry = '2026-11-20T08:00:00Z';
    },
    path: 'market.volatility.BTC.slices[1].expiry',
    message: /has already passed/,
    schemaRefuses: false,
  },
  {
    name: 'a non-positive strike',
    base: straddle,
    mutate: (doc) => {
      doc.instruments[1].option.strike = '0';
    },
    path: 'instruments[1].option.strike',
    message: /must be greater than zero/,
    schemaRefuses: true,
  },
  {
    name: 'an option whose expiry is in the past',
    base: straddle,
    mutate: (doc) => {
      doc.instruments[0].expiry = '2026-11-20T08:00:00Z';
    },
    path: 'instruments[0].expiry',
    message: /has already passed/,
    schemaRefuses: false,
  },
  {
    name: 'an option without an expiry',
    base: straddle,
    mutate: (doc) => {
      delete doc.instruments[0].expiry;
    },
    path: 'instruments[0].expiry',
    message: /is required/,
    schemaRefuses: true,
  },
  {
    name: 'an option without its terms',
    base: straddle,
    mutate: (doc) => {
      delete doc.instruments[0].option;
    },
    path: 'instruments[0].option',
    message: /is required for an option/,
    schemaRefuses: true,
  },
  {
    name: 'option terms on a future',
    base: 'calendar-spread.json',
    mutate: (doc) => {
      doc.instruments[0].option = { right: 'call', strike: '100000' };
    },
    path: 'instruments[0].option',
    message: /only an option has option terms/,
    schemaRefuses: true,
  },
  {
    name: 'an option without a volatility surface',
    base: straddle,
    mutate: (doc) => {
      delete doc.market.volatility.BTC;
    },
    path: 'accounts[0].positions[0].instrument',
    message: /an option without a volatility surface: add market\.volatility\.BTC/,
    schemaRefuses: false,
  },
  {
    name: 'leverage on an option position',
    base: straddle,
    mutate: (doc) => {
      position(doc).leverage = '10';
    },
    path: 'accounts[0].positions[0].leverage',
    message: /an option position takes no leverage/,
    schemaRefuses: false,
  },
  {
    name: 'an option with no margin rule',
    base: straddle,
    mutate: (doc) => {
      delete inlinePreset(doc, 'deribit-options').instruments.option;
    },
    path: 'rulebook',
    message: /instrument "BTC-25DEC26-95000-C" has no margin rule .*"option" default/,
    schemaRefuses: false,
  },
  {
    name: 'an unknown pool mode',
    base: straddle,
    mutate: (doc) => {
      account(doc).poolMode = 'isolated';
    },
    path: 'accounts[0].poolMode',
    message: /must be one of: cross, portfolio/,
    schemaRefuses: true,
  },
  {
    name: 'poolMode portfolio under a rulebook without a portfolio section',
    base: 'covered-call.json',
    mutate: (doc) => {
      delete inlinePreset(doc, 'span-16').portfolio;
    },
    path: 'accounts[0].poolMode',
    message: /rulebook "span-16" has no portfolio section/,
    schemaRefuses: false,
  },
  {
    name: 'a scenario grid with no points',
    base: 'covered-call.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').portfolio.grid.priceMoves = [];
    },
    path: 'rulebook.portfolio.grid.priceMoves',
    message: /a scenario grid with no points/,
    schemaRefuses: true,
  },
  {
    name: 'a scenario grid with no volatility shock',
    base: 'delta-hedged-book.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').portfolio.grid.volShocks = [];
    },
    path: 'rulebook.portfolio.grid.volShocks',
    message: /a scenario grid with no points/,
    schemaRefuses: true,
  },
  {
    name: 'a volatility shock of -100 %',
    base: straddle,
    mutate: (doc) => {
      inlinePreset(doc, 'deribit-options').portfolio.grid.volShocks[2].proportional = '-1';
    },
    path: 'rulebook.portfolio.grid.volShocks[2].proportional',
    message: /must be above -1/,
    schemaRefuses: true,
  },
  {
    name: 'an extreme cover above 1',
    base: straddle,
    mutate: (doc) => {
      inlinePreset(doc, 'deribit-options').portfolio.gridByUnderlying.ETH.extremeCover = '1.5';
    },
    path: 'rulebook.portfolio.gridByUnderlying.ETH.extremeCover',
    message: /must be at most 1/,
    schemaRefuses: true,
  },
  {
    name: 'an initial-to-maintenance ratio below 1',
    base: 'covered-call.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').portfolio.initialToMaintenance = '0.8';
    },
    path: 'rulebook.portfolio.initialToMaintenance',
    message: /must be at least 1/,
    schemaRefuses: true,
  },
  {
    name: 'an offset between an underlying and itself',
    base: 'covered-call.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').portfolio.offsets[0].underlyings = ['BTC', 'BTC'];
    },
    path: 'rulebook.portfolio.offsets[0].underlyings',
    message: /must name two different underlyings/,
    schemaRefuses: true,
  },
  {
    name: 'an offset credit above 1',
    base: 'covered-call.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').portfolio.offsets[0].credit = '1.2';
    },
    path: 'rulebook.portfolio.offsets[0].credit',
    message: /must be at most 1/,
    schemaRefuses: true,
  },
  {
    name: 'an option rule as the "*" default',
    base: 'covered-call.json',
    mutate: (doc) => {
      const book = inlinePreset(doc, 'span-16');
      book.instruments['*'] = book.instruments.option;
    },
    path: 'rulebook.instruments.*.kind',
    message: /the "\*" default cannot be an option rule/,
    schemaRefuses: true,
  },
  {
    name: 'an option rule whose floor exceeds its initial rate',
    base: 'covered-call.json',
    mutate: (doc) => {
      inlinePreset(doc, 'span-16').instruments.option.initialFloor = '0.2';
    },
    path: 'rulebook.instruments.option.initialFloor',
    message: /must not exceed initialRate/,
    schemaRefuses: false,
  },
];
