import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { InputError, Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

// biome-ignore lint/suspicious/noExplicitAny: a mutation reaches anywhere in untyped JSON by design
type Doc = Record<string, any>;

/** SPAN's spreads, expiry tiers, scan ranges and given risk arrays at the boundary (C2). */
const span16 = () => JSON.parse(readFileSync('rulebooks/span-16.json', 'utf8'));

function issuesOf(doc: unknown): readonly string[] {
  const reader = new Reader(doc, '');
  readRulebook(reader);
  return reader.issues;
}

describe('SPAN fields of the portfolio section, refused by path', () => {
  it.each([
    [
      'a credit list of three',
      (doc: Doc) => (doc.portfolio.offsets[0].credit = ['0.5', '0.5', '0.5']),
      'portfolio.offsets[0].credit: must have at most 2 items',
    ],
    [
      'a zero delta per spread',
      (doc: Doc) => (doc.portfolio.offsets[0].deltaPerSpread = ['1', '0']),
      'portfolio.offsets[0].deltaPerSpread[1]: must be greater than zero',
    ],
    [
      'calendar spreads without expiry tiers',
      (doc: Doc) =>
        (doc.portfolio.calendarSpreads = [
          { tiers: [0, 1], deltaPerSpread: '1', chargePerSpread: '200' },
        ]),
      'portfolio.calendarSpreads: needs expiryTiers',
    ],
    [
      'a tier index past the tiers',
      (doc: Doc) => {
        doc.portfolio.expiryTiers = [{ upToDays: '30' }, {}];
        doc.portfolio.calendarSpreads = [
          { tiers: [0, 2], deltaPerSpread: '1', chargePerSpread: '200' },
        ];
      },
      'portfolio.calendarSpreads[0].tiers[1]: must be the index of a tier in expiryTiers (0 to 1)',
    ],
    [
      'tiers that do not rise',
      (doc: Doc) => (doc.portfolio.expiryTiers = [{ upToDays: '30' }, { upToDays: '30' }, {}]),
      'portfolio.expiryTiers[1].upToDays: must rise from tier to tier',
    ],
    [
      'a bounded last tier',
      (doc: Doc) => (doc.portfolio.expiryTiers = [{ upToDays: '30' }]),
      'portfolio.expiryTiers[0].upToDays: the last tier must be unbounded (leave upToDays out)',
    ],
    [
      'a scan range with both a fraction and an amount',
      (doc: Doc) => (doc.portfolio.grid.scanRanges = [{ fraction: '0.05', perContract: '100' }]),
      'portfolio.grid.scanRanges[0]: must give one of fraction or perContract',
    ],
    [
      'a scan range that takes the lowest move below zero',
      (doc: Doc) => (doc.portfolio.grid.scanRanges = [{ fraction: '4' }]),
      'portfolio.grid.scanRanges[0].fraction: × the lowest move -0.3 must stay above -1',
    ],
  ])('%s', (_name, change, issue) => {
    const doc = span16();
    change(doc);
    expect(issuesOf(doc)).toEqual([issue]);
  });
});

describe('given risk arrays in the market', () => {
  const file = () => JSON.parse(readFileSync('examples/covered-call.json', 'utf8'));
  const read = (doc: unknown) => readPortfolio(doc, () => readPreset('span-16'), 0);
  const issuesOfFile = (doc: unknown) => {
    try {
      read(doc);
      return [];
    } catch (error) {
      if (error instanceof InputError) return error.issues;
      throw error;
    }
  };

  it('are read by instrument, one loss per scenario', () => {
    const doc = file();
    const losses = Array.from({ length: 16 }, (_, s) => `${s * 10}.5`);
    doc.market.riskArrays = { 'BTC-USDC-PERP': { losses, delta: '1' } };
    const given = read(doc).market.riskArrays!.get('BTC-USDC-PERP')!;
    expect(given.losses[3]).toBe(30.5);
    expect(given.delta).toBe(1);
  });

  it('a count that is not the grid’s is refused, naming the field', () => {
    const doc = file();
    doc.market.riskArrays = { 'BTC-USDC-PERP': { losses: ['1', '2'], delta: '1' } };
    expect(issuesOfFile(doc)).toEqual([
      'market.riskArrays.BTC-USDC-PERP.losses: must list 16 losses, one per scenario of the BTC grid',
    ]);
  });

  it('an unknown instrument and a number for a string are refused', () => {
    const doc = file();
    doc.market.riskArrays = {
      NOPE: { losses: [], delta: '1' },
      'BTC-USDC-PERP': { losses: Array(16).fill('0'), delta: 1 },
    };
    expect(issuesOfFile(doc)).toEqual([
      'market.riskArrays.NOPE: unknown instrument',
      'market.riskArrays.BTC-USDC-PERP.delta: must be a decimal string (write "0.1", not 0.1)',
    ]);
  });
});
