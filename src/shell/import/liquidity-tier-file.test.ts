import { describe, expect, it } from 'vitest';
import { assess } from '../../core/margin/assess.ts';
import { fixed } from '../../core/num/fixed.ts';
import { readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { InputError, Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

/** The liquidity-tier rule, the collateral `unit` and `market.openInterest` at the boundary. */
function issuesOfRulebook(instruments: unknown, collateral: unknown = usdc): readonly string[] {
  const reader = new Reader({ id: 't', name: 't', collateral, instruments }, '');
  readRulebook(reader);
  return reader.issues;
}
const usdc = {
  USDC: { unit: '0.000001', tiers: [{ upTo: null, initialWeight: '1', maintenanceWeight: '1' }] },
};

describe('a liquidity-tier rule', () => {
  it('reads rates of whole ppm and both open-interest caps', () => {
    const reader = new Reader(
      {
        id: 't',
        name: 't',
        collateral: usdc,
        instruments: {
          'SOL-USD': {
            kind: 'liquidity-tier',
            initialRate: '0.05',
            maintenanceFraction: '0.6',
            openInterestLowerCap: '40000000',
            openInterestUpperCap: '100000000',
          },
        },
      },
      '',
    );
    const book = readRulebook(reader);
    expect(reader.issues).toEqual([]);
    expect(book.instruments.get('SOL-USD')).toEqual({
      kind: 'liquidity-tier',
      initialRate: fixed('0.05'),
      maintenanceFraction: fixed('0.6'),
      openInterestCaps: { lower: fixed('40000000'), upper: fixed('100000000') },
    });
    expect(book.collateral.get('USDC')?.unit).toBe(fixed('0.000001'));
  });

  it('refuses a rate finer than a ppm, one cap alone, and caps out of order', () => {
    const rule = (extra: object) => ({
      X: { kind: 'liquidity-tier', initialRate: '0.05', maintenanceFraction: '0.6', ...extra },
    });
    expect(issuesOfRulebook(rule({ initialRate: '0.0500001' }))).toEqual([
      'instruments.X.initialRate: must be a whole number of ppm (at most 6 decimals)',
    ]);
    expect(issuesOfRulebook(rule({ openInterestLowerCap: '1' }))).toEqual([
      'instruments.X: give both open-interest caps or neither',
    ]);
    expect(
      issuesOfRulebook(rule({ openInterestLowerCap: '2', openInterestUpperCap: '1' })),
    ).toEqual(['instruments.X.openInterestLowerCap: must not exceed openInterestUpperCap']);
    expect(issuesOfRulebook(rule({ maintenanceFraction: '1.1' }))).toEqual([
      'instruments.X.maintenanceFraction: must be at most 1',
    ]);
  });

  it('refuses a unit that is not positive', () => {
    const collateral = { USDC: { ...usdc.USDC, unit: '0' } };
    expect(issuesOfRulebook({}, collateral)).toEqual([
      'collateral.USDC.unit: must be greater than zero',
    ]);
  });
});

describe('the dydx-v4 preset on a portfolio file', () => {
  const file = (market: object) => ({
    format: 'xmargin.portfolio/1',
    rulebook: 'dydx-v4',
    assets: [{ id: 'USDC' }, { id: 'SOL' }],
    instruments: [
      {
        id: 'SOL-USD',
        kind: 'perpetual',
        settlement: 'linear',
        underlying: 'SOL',
        quote: 'USDC',
        settle: 'USDC',
        contractSize: '1',
        tickSize: '0.001',
        sizeStep: '0.1',
      },
    ],
    market: { assetPrices: { USDC: '1', SOL: '150' }, markPrices: { 'SOL-USD': '150' }, ...market },
    accounts: [
      {
        id: 'a',
        balances: { USDC: '1000.0000009' },
        positions: [{ instrument: 'SOL-USD', size: '10.3', entryPrice: '150' }],
      },
    ],
  });
  const rulebookOf = (reader: Reader) => readPreset(reader.string());
  const nowMs = Date.parse('2026-11-24T08:00:00Z');

  it('needs the open interest of a market whose tier is scaled by it', () => {
    try {
      readPortfolio(file({}), rulebookOf, nowMs);
      expect.unreachable();
    } catch (error) {
      expect((error as InputError).issues).toEqual([
        'accounts[0].positions[0].instrument: "SOL-USD" has its initial margin scaled by open interest: add market.openInterest.SOL-USD',
      ]);
    }
  });

  it('scales SOL-USD by its open interest: 700,000 SOL at 150 is 105M, above the 100M cap', () => {
    const below = readPortfolio(file({ openInterest: { 'SOL-USD': '100000' } }), rulebookOf, nowMs);
    const above = readPortfolio(file({ openInterest: { 'SOL-USD': '700000' } }), rulebookOf, nowMs);
    const at = (p: typeof below) => assess(p.accounts[0]!, p.venue, p.market);
    // 10.3 × 150 = 1,545: 5 % is 77.25 below the lower cap (15M < 40M), 100 % above the upper.
    expect(at(below).initialMargin).toBe(fixed('77.25'));
    expect(at(above).initialMargin).toBe(fixed('1545'));
    // MM = 77.25 × 60 % = 46.35, whatever the open interest; the balance counts whole quanta.
    expect(at(above).maintenanceMargin).toBe(fixed('46.35'));
    expect(at(above).equity).toBe(fixed('1000'));
  });

  it('refuses a negative open interest and an unknown market', () => {
    expect(() =>
      readPortfolio(file({ openInterest: { 'SOL-USD': '-1', 'BTC-USD': '1' } }), rulebookOf, nowMs),
    ).toThrow(InputError);
  });
});
