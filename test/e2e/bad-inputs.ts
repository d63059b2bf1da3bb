/**
 * Bad inputs, each one mutation of a valid example, with the field path the error must name.
 * Shared by the CLI tests (test/e2e/bad-input.test.ts) and the schema tests (test/schema.test.ts),
 * which check that the JSON Schema and the reader refuse the same files.
 */
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
    message: /must be greater than zero/,
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
];
