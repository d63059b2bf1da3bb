import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import type { Portfolio } from '../../src/core/model/portfolio.ts';
import { fixed } from '../../src/core/num/fixed.ts';
import { loadPortfolio } from '../../src/shell/import/load-portfolio.ts';
import { readPortfolio } from '../../src/shell/import/portfolio-file.ts';
import { Reader } from '../../src/shell/import/reader.ts';
import { readRulebook } from '../../src/shell/import/rulebook-file.ts';

/**
 * SPAN's spreads as CME's "Spread calculations" page publishes them
 * (https://www.cmegroup.com/clearing/margins/spread-calc.html; docs/portfolio-margin-sources.md,
 * G6 and G7), with each contract's risk array given as a clearing house's risk-parameter file
 * would: a long contract losing its outright margin at a full move of the price scan range.
 * "All margin and credit rates on this page are for example purposes only" (CME).
 */

/** SPAN's 16 scenarios: 0, ±⅓, ±⅔, ±1 of the range, vol up and down, then ±2 at 35 %. */
const fractions = [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1];
const grid = {
  priceMoves: ['0', '0.01', '-0.01', '0.02', '-0.02', '0.03', '-0.03'],
  volShocks: [{ parallel: '0.01' }, { parallel: '-0.01' }],
  extremeMoves: ['0.06', '-0.06'],
  extremeCover: '0.35',
  extremeVolShock: { parallel: '0' },
  lookaheadDays: '1',
};

/** A long contract's published losses: −fraction × outright, extremes at 2 × the range × 35 %. */
function losses(outright: number): string[] {
  const regular = fractions.flatMap((f) => [-f * outright, -f * outright]);
  const extreme = [-2 * outright * 0.35, 2 * outright * 0.35];
  return [...regular, ...extreme].map((loss) => (loss === 0 ? '0' : loss.toFixed(6)));
}

interface Leg {
  readonly id: string;
  readonly underlying: string;
  readonly outright: number;
  readonly expiry: string;
}

function book(
  legs: readonly Leg[],
  portfolio: Record<string, unknown>,
  sizes: Record<string, string>,
): Portfolio {
  const underlyings = [...new Set(legs.map((leg) => leg.underlying))];
  const rulebook = readRulebook(
    new Reader(
      {
        id: 'cme-example',
        name: 'CME spread calculations, example rates',
        crossPool: 'unified',
        collateral: {
          USD: { tiers: [{ upTo: null, initialWeight: '1', maintenanceWeight: '1' }] },
        },
        instruments: { '*': { kind: 'max-leverage', maxLeverage: '10' } },
        portfolio: {
          aggregation: 'span',
          grid,
          scanSpot: false,
          basisRate: '0',
          calendarRate: '0',
          deltaShockRate: '0',
          shortOptionMinimumRate: '0',
          contractFloorRate: '0',
          initialToMaintenance: '1',
          ...portfolio,
        },
      },
      'rulebook',
    ),
  );
  const json = {
    format: 'xmargin.portfolio/1',
    rulebook: 'cme-example',
    assets: [{ id: 'USD' }, ...underlyings.map((id) => ({ id }))],
    instruments: legs.map((leg) => ({
      id: leg.id,
      kind: 'future',
      settlement: 'linear',
      underlying: leg.underlying,
      quote: 'USD',
      settle: 'USD',
      contractSize: '1',
      tickSize: '0.01',
      sizeStep: '1',
      expiry: leg.expiry,
    })),
    market: {
      asOf: '2026-12-01T00:00:00Z',
      assetPrices: { USD: '1', ...Object.fromEntries(underlyings.map((id) => [id, '100'])) },
      markPrices: Object.fromEntries(legs.map((leg) => [leg.id, '100'])),
      riskArrays: Object.fromEntries(
        legs.map((leg) => [leg.id, { losses: losses(leg.outright), delta: '1' }]),
      ),
    },
    accounts: [
      {
        id: 'spread',
        poolMode: 'portfolio',
        balances: { USD: '100000' },
        positions: Object.entries(sizes).map(([instrument, size]) => ({
          instrument,
          size,
          entryPrice: '100',
        })),
      },
    ],
  };
  return readPortfolio(json, () => rulebook, Date.parse('2026-12-01T00:00:00Z'));
}

function maintenance(portfolio: Portfolio): bigint {
  return assess(portfolio.accounts[0]!, portfolio.venue, portfolio.market).maintenanceMargin;
}

describe('SPAN inter-commodity spread credits (CME, G6)', () => {
  const corn = (outright: number): Leg => ({
    id: 'ZC',
    underlying: 'CORN',
    outright,
    expiry: '2027-03-12T00:00:00Z',
  });
  const soybeans = (outright: number): Leg => ({
    id: 'ZS',
    underlying: 'SOY',
    outright,
    expiry: '2027-03-12T00:00:00Z',
  });
  const cornSoy = (credit: unknown) => ({
    offsets: [{ underlyings: ['CORN', 'SOY'], deltaPerSpread: ['2', '1'], credit }],
  });

  it('Corn vs Soybeans 2:1 at 55 %: $6,000 outright less $3,300 of credits is $2,700', () => {
    // "Corn $1750"; "Soybeans $2500"; "$1750*2 + $2500 = $6000 outright margin before Inter spread
    // credit is applied."; "savings of $3300 total (3500* 0.55 + 2500*0.55 = $3300)"; "you get
    // $2700, which is your final margin charge on this spread."
    const portfolio = book([corn(1750), soybeans(2500)], cornSoy('0.55'), { ZC: '2', ZS: '-1' });
    const bucket = assess(portfolio.accounts[0]!, portfolio.venue, portfolio.market).buckets[0]!;
    const [cornRisk, soyRisk] = bucket.portfolio!.underlyings;
    expect(cornRisk!.outright + soyRisk!.outright).toBeCloseTo(6000, 9);
    expect(cornRisk!.credit + soyRisk!.credit).toBeCloseTo(3300, 9);
    expect(maintenance(portfolio)).toBe(fixed('2700'));
  });

  it('the exam-text variant: $1,800 + $2,100 = $3,900, less 55 % on each leg, is $1,755', () => {
    // Solomon Exam Prep, Series 3 §3.4.4.1: "The maintenance margin for two corn contracts is
    // $1,800 ($900 x 2). The maintenance margin for one soybean contract is $2,100. … $1,755
    // ($3,900 – ($3,900 x 55%))."
    const portfolio = book([corn(900), soybeans(2100)], cornSoy('0.55'), { ZC: '2', ZS: '-1' });
    expect(maintenance(portfolio)).toBe(fixed('1755'));
  });

  it('a credit per leg, as CME allows (55 % on one leg, 70 % on the other)', () => {
    // "the specific credit is applied to each leg of the spread": 3,500 × 0.55 + 2,500 × 0.70
    // = 1,925 + 1,750 = 3,675 off 6,000.
    const portfolio = book([corn(1750), soybeans(2500)], cornSoy(['0.55', '0.7']), {
      ZC: '2',
      ZS: '-1',
    });
    expect(maintenance(portfolio)).toBe(fixed('2325'));
  });

  it('only the delta matched in the ratio is credited: 4 corn against 1 soybean', () => {
    // One spread takes 2 of the 4 corn: corn is credited 55 % of half its 7,000, soybeans 55 %
    // of 2,500: 7,000 + 2,500 − 1,925 − 1,375 = 6,200.
    const portfolio = book([corn(1750), soybeans(2500)], cornSoy('0.55'), { ZC: '4', ZS: '-1' });
    expect(maintenance(portfolio)).toBe(fixed('6200'));
  });

  it('legs on the same side form no spread', () => {
    const portfolio = book([corn(1750), soybeans(2500)], cornSoy('0.55'), { ZC: '2', ZS: '1' });
    expect(maintenance(portfolio)).toBe(fixed('6000'));
  });
});

describe('SPAN intra-commodity spread charges (CME, G7)', () => {
  // "Product X Month 2 - $500; Product X Month 3 - $500; Product X Month 4 - $750"; "Intra Spread
  // Charge Month 2 vs. 3 - $200; Month 2 vs. 4 - $50; Month 3 vs. 4 - $0".
  const months: Leg[] = [
    { id: 'X-M2', underlying: 'X', outright: 500, expiry: '2027-02-01T00:00:00Z' },
    { id: 'X-M3', underlying: 'X', outright: 500, expiry: '2027-03-01T00:00:00Z' },
    { id: 'X-M4', underlying: 'X', outright: 750, expiry: '2027-04-01T00:00:00Z' },
  ];
  const calendar = {
    expiryTiers: [{ upToDays: '70' }, { upToDays: '100' }, {}],
    calendarSpreads: [
      { tiers: [0, 1], deltaPerSpread: '1', chargePerSpread: '200' },
      { tiers: [0, 2], deltaPerSpread: '1', chargePerSpread: '50' },
      { tiers: [1, 2], deltaPerSpread: '1', chargePerSpread: '0' },
    ],
  };

  it.each([
    // "$200 : ($500 -$500)+$200"
    ['+1 Month 2, −1 Month 3', '200', { 'X-M2': '1', 'X-M3': '-1' }],
    // "$300 : ($750 -$500)+$50"
    ['+1 Month 2, −1 Month 4', '300', { 'X-M2': '1', 'X-M4': '-1' }],
    // "$250 : ($750 -$500)+$0"
    ['+1 Month 3, −1 Month 4', '250', { 'X-M3': '1', 'X-M4': '-1' }],
  ])('%s: CME prints $%s', (_name, published, sizes) => {
    expect(maintenance(book(months, calendar, sizes))).toBe(fixed(published));
  });

  it('spreads are taken in priority order: Month 2 pairs with Month 3 before Month 4', () => {
    // +1 M2, −1 M3, −1 M4: the M2/M3 spread ($200) uses M2's delta, so M2/M4 forms none and M3/M4
    // are on one side. Scan: a full rise makes +500 − 500 − 750, a loss of 750; 750 + 200 = 950.
    const portfolio = book(months, calendar, { 'X-M2': '1', 'X-M3': '-1', 'X-M4': '-1' });
    expect(maintenance(portfolio)).toBe(fixed('950'));
  });
});

describe('the credit comes before the short-option minimum (ASX, JSCC: max(SOM, scan + intra − inter))', () => {
  it('examples/delta-hedged-book.json: the hedged option book still pays both minimums', () => {
    const portfolio = loadPortfolio('examples/delta-hedged-book.json', {
      from: 'xmargin',
      nowMs: Date.parse('2026-11-24T08:00:00Z'),
    });
    const account = portfolio.accounts.find((a) => a.id === 'portfolio')!;
    // span-16's minimum is 3 % of the index value of each short option: BTC 8 puts × 95,250 ×
    // 0.03 = 22,860; ETH 100 calls × 3,410 × 0.03 = 10,230. Both scan losses are below their
    // minimum, so no credit can lower either: MM = 33,090, IM = 1.1 × MM = 36,399. (Subtracting
    // the BTC/ETH credit from the floored total, as before, gave 30,020.44.)
    const report = assess(account, portfolio.venue, portfolio.market);
    expect(report.maintenanceMargin).toBe(fixed('33090'));
    expect(report.initialMargin).toBe(fixed('36399'));
  });
});

describe('SPAN delivery risk (ASX: scan + intra + delivery − inter)', () => {
  // No venue publishes a worked delivery figure with its inputs; this pins the formula's shape:
  // the rate × the underlying value of the contracts within the delivery window, added before the
  // floors. X at 100, one contract of 1 unit: 1 % × 100 = 1 on top of the 500 outright.
  const legs: Leg[] = [
    { id: 'X-DEC', underlying: 'X', outright: 500, expiry: '2026-12-15T00:00:00Z' },
    { id: 'X-MAR', underlying: 'X', outright: 500, expiry: '2027-03-15T00:00:00Z' },
  ];
  const delivery = { delivery: { withinDays: '30', rate: '0.01' } };

  it('charges the contract within 30 days of delivery, not the one beyond', () => {
    expect(maintenance(book(legs, delivery, { 'X-DEC': '1' }))).toBe(fixed('501'));
    expect(maintenance(book(legs, delivery, { 'X-MAR': '1' }))).toBe(fixed('500'));
    expect(maintenance(book(legs, {}, { 'X-DEC': '1' }))).toBe(fixed('500'));
  });
});
