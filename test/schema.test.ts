import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rulebook } from '../src/core/model/rulebook.ts';
import { loadPortfolio } from '../src/shell/import/load-portfolio.ts';
import { readPortfolio } from '../src/shell/import/portfolio-file.ts';
import { readPreset } from '../src/shell/import/presets.ts';
import { InputError, Reader, settle } from '../src/shell/import/reader.ts';
import { readRulebook } from '../src/shell/import/rulebook-file.ts';
import { badInputs, type Doc } from './e2e/bad-inputs.ts';
import { examples, isCcxt, pinnedNow, readExample } from './e2e/cli-harness.ts';

/**
 * The JSON Schemas in docs/ describe the formats the readers accept: every example and preset
 * passes both, and the bad inputs a schema can see are refused by both.
 */
const schema = (name: string) => JSON.parse(readFileSync(join('docs', name), 'utf8'));

// strictRequired is off: `if/then` names properties that the enclosing schema declares.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
ajv.addSchema(schema('rulebook.schema.json'));
const portfolioValid = ajv.compile(schema('portfolio.schema.json'));
const ccxtValid = ajv.compile(schema('ccxt.schema.json'));
const rulebookValid = ajv.getSchema('urn:xmargin:schema:rulebook')!;

const nowMs = pinnedNow.getTime();

/** The rulebook field as the CLI resolves it, minus files (every case here is a preset or inline). */
function rulebookOf(reader: Reader): Rulebook {
  return typeof reader.value === 'string' ? readPreset(reader.value) : readRulebook(reader);
}

function readerAccepts(doc: unknown): boolean {
  try {
    readPortfolio(doc, rulebookOf, nowMs);
    return true;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

function errorsOf(validate: { errors?: unknown }): string {
  return JSON.stringify(validate.errors, null, 2);
}

describe('examples validate against their schema', () => {
  it.each(examples())('$file', ({ file, path }) => {
    const validate = isCcxt(file) ? ccxtValid : portfolioValid;
    expect(validate(readExample(file)), errorsOf(validate)).toBe(true);
    const from = isCcxt(file) ? 'ccxt' : 'xmargin';
    expect(loadPortfolio(path, { from, nowMs }).accounts.length).toBeGreaterThan(0);
  });
});

describe('presets validate against the rulebook schema', () => {
  const presets = readdirSync('rulebooks').filter((file) => file.endsWith('.json'));

  it('finds the presets', () => {
    expect(presets).toContain('binance-usdm.json');
  });

  it.each(presets)('%s', (file) => {
    const doc = JSON.parse(readFileSync(join('rulebooks', file), 'utf8'));
    expect(rulebookValid(doc), errorsOf(rulebookValid)).toBe(true);
    expect(readPreset(file.slice(0, -'.json'.length)).id).toBe(doc.id);
  });
});

describe('the rulebook schema takes what the reader reads', () => {
  it('a warning level and a liquidation section with every field', () => {
    const doc = {
      ...JSON.parse(readFileSync(join('rulebooks', 'binance-usdm.json'), 'utf8')),
      liquidationWarning: '0.8',
      liquidation: {
        buffer: '0.1',
        minNotional: '1',
        maxPortion: '0.5',
        feeRate: '0.001',
        bankruptcyAdjustment: '1',
        spreadToMaintenance: '0.1',
        coolDownMs: '2000',
        blockMs: '1000',
        maxBlockValue: '100000',
      },
    };
    expect(rulebookValid(doc), errorsOf(rulebookValid)).toBe(true);
    expect(rulebookValid({ ...doc, liquidation: { buffer: '-0.1' } })).toBe(false);
    expect(rulebookValid({ ...doc, liquidation: { slice: '1' } })).toBe(false);
  });

  it('an index from sources, a mark cap, open-interest limits, a wrapped token and a borrow cap', () => {
    const preset = JSON.parse(readFileSync(join('rulebooks', 'binance-usdm.json'), 'utf8'));
    const tiers = [{ upTo: null, initialWeight: '0.9', maintenanceWeight: '0.95' }];
    const doc = {
      ...preset,
      index: {
        BTC: {
          ...{ sources: ['a', 'b', 'c'], minHealthy: '2', maxDeviation: '0.03' },
          ...{ staleAfterMs: '60000', pauseMaxMs: '600000', floor: '1', ceiling: '1000000' },
        },
      },
      markBasisCap: '0.03',
      openInterestLimits: { BTCUSDT: '1000' },
      collateral: {
        ...preset.collateral,
        wBETH: { tiers, redemption: { asset: 'ETH', rate: '1.07' } },
        USDC: {
          ...{ tiers, liabilityInitialWeight: '1.1', liabilityMaintenanceWeight: '1.05' },
          borrowLimit: '1000000',
        },
      },
    };
    expect(rulebookValid(doc), errorsOf(rulebookValid)).toBe(true);
    const reader = new Reader(doc, '');
    readRulebook(reader);
    expect(reader.issues).toEqual([]);
    expect(rulebookValid({ ...doc, index: { BTC: { sources: ['a'] } } })).toBe(false);
  });
});

describe('schema and reader refuse the same bad inputs', () => {
  const seen = badInputs.filter((bad) => bad.schemaRefuses);

  it('has cases to compare', () => {
    expect(seen.length).toBeGreaterThanOrEqual(10);
  });

  it.each(seen)('$name', ({ base, mutate }) => {
    const doc = structuredClone(readExample(base)) as Doc;
    mutate(doc);
    expect(portfolioValid(doc)).toBe(false);
    expect(readerAccepts(doc)).toBe(false);
  });

  it.each(badInputs.filter((bad) => !bad.schemaRefuses))(
    '$name: beyond a schema, the reader alone refuses it',
    ({ base, mutate }) => {
      const doc = structuredClone(readExample(base)) as Doc;
      mutate(doc);
      expect(readerAccepts(doc)).toBe(false);
    },
  );
});

describe('rulebooks: schema and reader agree', () => {
  const house = () => structuredClone(readExample('multi-venue-rules.json').rulebook) as Doc;

  function rulebookReaderAccepts(doc: unknown): boolean {
    const reader = new Reader(doc, '');
    readRulebook(reader);
    try {
      settle(reader);
      return true;
    } catch (error) {
      if (error instanceof InputError) return false;
      throw error;
    }
  }

  it.each<[string, (book: Doc) => void]>([
    ['an unknown rule kind', (book) => (book.instruments['*'].kind = 'fixed-rate')],
    [
      'a maintenance rate as a number',
      (book) => (book.instruments['ETH-PERP'].maintenanceRate = 0.03),
    ],
    ['a zero max leverage', (book) => (book.instruments['*'].maxLeverage = '0')],
    ['a leverage beyond the limit', (book) => (book.instruments['*'].maxLeverage = '20000')],
    ['a liability weight below 1', (book) => (book.collateral.USDC.liabilityInitialWeight = '0.9')],
    ['only one liability weight', (book) => delete book.collateral.USDC.liabilityMaintenanceWeight],
    ['no collateral tiers', (book) => (book.collateral.ETH.tiers = [])],
    ['a misspelt bracket field', (book) => (book.instruments['BTC-PERP'].brackets[0].maxLev = '5')],
    [
      'a sqrt premium without its factor',
      (book) => delete book.instruments['ETH-PERP'].premium.imfFactor,
    ],
    ['no name', (book) => delete book.name],
  ])('%s', (_name, mutate) => {
    const book = house();
    expect(rulebookValid(book)).toBe(true);
    expect(rulebookReaderAccepts(book)).toBe(true);
    mutate(book);
    expect(rulebookValid(book)).toBe(false);
    expect(rulebookReaderAccepts(book)).toBe(false);
  });
});

describe('portfolio and option rules: schema and reader agree', () => {
  const preset = (id: string) => JSON.parse(readFileSync(join('rulebooks', `${id}.json`), 'utf8'));

  function rulebookReaderAccepts(doc: unknown): boolean {
    const reader = new Reader(doc, '');
    readRulebook(reader);
    return reader.issues.length === 0;
  }

  it.each<[string, string, (book: Doc) => void]>([
    ['an unknown aggregation', 'span-16', (book) => (book.portfolio.aggregation = 'cme')],
    ['a grid without price moves', 'span-16', (book) => (book.portfolio.grid.priceMoves = [])],
    ['a grid without vol shocks', 'span-16', (book) => (book.portfolio.grid.volShocks = [])],
    ['a move of -100 %', 'span-16', (book) => (book.portfolio.grid.priceMoves[0] = '-1')],
    [
      'a move beyond +1,000 %',
      'deribit-options',
      (book) => (book.portfolio.grid.extremeMoves[7] = '10.5'),
    ],
    ['a move as a number', 'span-16', (book) => (book.portfolio.grid.priceMoves[1] = -0.1)],
    ['an extreme cover above 1', 'span-16', (book) => (book.portfolio.grid.extremeCover = '1.01')],
    [
      'a look-ahead beyond 30 days',
      'span-16',
      (book) => (book.portfolio.grid.lookaheadDays = '30.5'),
    ],
    ['no look-ahead', 'span-16', (book) => delete book.portfolio.grid.lookaheadDays],
    [
      'a proportional shock of -100 %',
      'deribit-options',
      (book) => (book.portfolio.grid.volShocks[2].proportional = '-1'),
    ],
    [
      'a misspelt shock field',
      'span-16',
      (book) => (book.portfolio.grid.volShocks[0].paralel = '0.1'),
    ],
    [
      'a term weight cap below 1',
      'span-16',
      (book) =>
        (book.portfolio.grid.volShocks[0].term = {
          referenceYears: '0.08',
          power: '0.5',
          weightMax: '0.5',
        }),
    ],
    [
      'a term without its power',
      'span-16',
      (book) =>
        (book.portfolio.grid.volShocks[0].term = { referenceYears: '0.08', weightMax: '3' }),
    ],
    ['scanSpot as a string', 'span-16', (book) => (book.portfolio.scanSpot = 'true')],
    ['a rate above 1', 'span-16', (book) => (book.portfolio.calendarRate = '1.5')],
    ['a missing rate', 'okx-portfolio', (book) => delete book.portfolio.contractFloorRate],
    ['IM/MM below 1', 'okx-portfolio', (book) => (book.portfolio.initialToMaintenance = '0.9')],
    ['IM/MM above 10', 'okx-portfolio', (book) => (book.portfolio.initialToMaintenance = '11')],
    [
      'an offset of one underlying',
      'span-16',
      (book) => (book.portfolio.offsets[0].underlyings = ['BTC']),
    ],
    [
      'an offset of an underlying with itself',
      'span-16',
      (book) => (book.portfolio.offsets[0].underlyings = ['ETH', 'ETH']),
    ],
    ['an offset credit above 1', 'span-16', (book) => (book.portfolio.offsets[0].credit = '2')],
    [
      'a misspelt grid field',
      'deribit-options',
      (book) => (book.portfolio.gridByUnderlying.ETH.moves = []),
    ],
    [
      'an option rule without its floor',
      'span-16',
      (book) => delete book.instruments.option.initialFloor,
    ],
    [
      'a futures rule as the "option" default',
      'span-16',
      (book) => (book.instruments.option = book.instruments['*']),
    ],
    [
      'an option rule as the "*" default',
      'span-16',
      (book) => (book.instruments['*'] = book.instruments.option),
    ],
  ])('%s (%s)', (_name, id, mutate) => {
    const book = preset(id);
    expect(rulebookValid(book)).toBe(true);
    expect(rulebookReaderAccepts(book)).toBe(true);
    mutate(book);
    expect(rulebookValid(book)).toBe(false);
    expect(rulebookReaderAccepts(book)).toBe(false);
  });

  it('an option rule under an instrument id, a term weighting and no offsets are accepted', () => {
    const book = preset('span-16');
    book.instruments['BTC-USDC-26MAR27-110000-C'] = book.instruments.option;
    book.portfolio.grid.volShocks[0].term = {
      referenceYears: '0.0821',
      power: '0.5',
      weightMax: '3',
    };
    delete book.portfolio.offsets;
    expect(rulebookValid(book), errorsOf(rulebookValid)).toBe(true);
    expect(rulebookReaderAccepts(book)).toBe(true);
  });
});

describe('properties: a decimal field is accepted by both or by neither', () => {
  const digits = (min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
  // Within the limits of src/core/limits.ts (prices below 10^12, amounts below 10^15), where the
  // reader's bounds are ones a schema pattern cannot state.
  const decimalLike = (wholeDigitsMax: number) =>
    fc
      .tuple(fc.boolean(), digits(1, wholeDigitsMax), fc.option(digits(0, 20)))
      .map(
        ([negative, whole, fraction]) =>
          `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
      );
  const junk = fc.oneof(
    fc.string(),
    fc.constantFrom('NaN', '-Infinity', '1e3', '+5', '.5', '5.', '0x1f', ' 7', '7 ', '٣', '1_000'),
  );

  it('an entry price (a positive decimal)', () => {
    const base = readExample('cross-and-isolated.json') as Doc;
    fc.assert(
      fc.property(fc.oneof(decimalLike(11), junk), (text) => {
        const doc = structuredClone(base);
        doc.accounts[0].positions[0].entryPrice = text;
        expect(portfolioValid(doc)).toBe(readerAccepts(doc));
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, (doc: Doc, text: string) => void]>([
    [
      'an ATM volatility (above 0, at most 10), on a flat smile',
      // With b = 0 no level is low enough for the variance to dip below zero (a check across
      // fields that a schema cannot make).
      (doc, text) =>
        Object.assign(doc.market.volatility.BTC.slices[0], { atmVolatility: text, b: '0' }),
    ],
    [
      'an SVI rho (strictly between -1 and 1)',
      (doc, text) => (doc.market.volatility.BTC.slices[1].rho = text),
    ],
    ['a strike (a positive price)', (doc, text) => (doc.instruments[0].option.strike = text)],
  ])('%s', (_name, set) => {
    const base = readExample('straddle.json') as Doc;
    // Fewer fraction digits than a double holds: the schema sees the decimal, the core its double.
    const volatilityLike = fc
      .tuple(fc.boolean(), digits(1, 2), fc.option(digits(0, 12)))
      .map(
        ([negative, whole, fraction]) =>
          `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
      );
    fc.assert(
      fc.property(fc.oneof(volatilityLike, decimalLike(11), junk), (text) => {
        const doc = structuredClone(base);
        set(doc, text);
        expect(portfolioValid(doc)).toBe(readerAccepts(doc));
      }),
      { numRuns: 200 },
    );
  });

  it('a balance of a borrowable asset (a decimal of either sign)', () => {
    const base = readExample('multi-venue-rules.json') as Doc;
    fc.assert(
      fc.property(fc.oneof(decimalLike(14), junk), (text) => {
        const doc = structuredClone(base);
        doc.accounts[0].balances.USDC = text;
        expect(portfolioValid(doc)).toBe(readerAccepts(doc));
      }),
      { numRuns: 300 },
    );
  });
});
