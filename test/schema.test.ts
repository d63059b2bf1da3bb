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
