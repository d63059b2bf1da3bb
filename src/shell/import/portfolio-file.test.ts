import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { portfolioIssues, rulebookOf } from '../../../test/portfolio-file-kit.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import { fixed } from '../../core/num/fixed.ts';
import { loadPortfolio } from './load-portfolio.ts';
import { readPortfolio } from './portfolio-file.ts';

/**
 * The portfolio-margin examples load into the core values they describe: options' terms and
 * expiries, volatility slices in years from the valuation time, the valuation time itself, and
 * each account's pool mode. The clock passed in is a day after the files' `market.asOf`, so every
 * figure that depends on time must come from the file.
 */
const asOf = '2026-11-24T08:00:00Z';
const asOfMs = Date.parse(asOf);
const laterMs = asOfMs + 86_400_000;
const yearMs = 365.25 * 24 * 60 * 60 * 1000;
const yearsTo = (expiry: string) => (Date.parse(expiry) - asOfMs) / yearMs;
const december = '2026-12-25T08:00:00Z';
const march = '2027-03-26T08:00:00Z';
const june = '2027-06-25T08:00:00Z';

const load = (file: string): Portfolio =>
  loadPortfolio(`examples/${file}`, { from: 'xmargin', nowMs: laterMs });

const example = (file: string) => JSON.parse(readFileSync(`examples/${file}`, 'utf8'));

const issuesOf = (doc: unknown, nowMs = laterMs) => portfolioIssues(doc, nowMs);

describe('the portfolio-margin examples', () => {
  it.each(['covered-call.json', 'calendar-spread.json', 'straddle.json', 'delta-hedged-book.json'])(
    '%s: one portfolio account, one cross, valued as of market.asOf',
    (file) => {
      const portfolio = load(file);
      expect(portfolio.market.asOfMs).toBe(asOfMs);
      expect(portfolio.accounts.map((account) => account.poolMode ?? 'cross')).toEqual([
        'portfolio',
        'cross',
      ]);
      expect(portfolio.venue.rulebook.portfolio).toBeDefined();
    },
  );

  it('straddle.json: inverse options with their terms, a BTC surface in years from asOf', () => {
    const { venue, market, accounts } = load('straddle.json');
    expect(venue.instruments.get('BTC-25DEC26-95000-C')).toMatchObject({
      kind: 'option',
      settlement: 'inverse',
      underlying: 'BTC',
      quote: 'USD',
      settle: 'BTC',
      contractSize: fixed('1'),
      expiryMs: Date.parse(december),
      option: { right: 'call', strike: fixed('95000') },
    });
    expect(venue.instruments.get('BTC-25DEC26-95000-P')?.option).toEqual({
      right: 'put',
      strike: fixed('95000'),
    });
    expect(market.markPrices.get('BTC-25DEC26-95000-P')).toBe(fixed('0.0567'));
    const slices = market.volatility?.get('BTC')?.slices ?? [];
    expect(slices).toHaveLength(3);
    expect(slices[0]).toEqual({
      yearsToExpiry: yearsTo(december),
      atmVolatility: 0.5,
      b: 0.04,
      rho: -0.15,
      m: 0,
      sigma: 0.08,
    });
    expect(slices[0]!.yearsToExpiry).toBeCloseTo(31 / 365.25, 12);
    expect(slices.map((slice) => slice.yearsToExpiry)).toEqual([
      yearsTo(december),
      yearsTo(march),
      yearsTo(june),
    ]);
    expect(slices[2]).toMatchObject({ atmVolatility: 0.55, b: 0.13, rho: -0.22, m: 0.02 });
    expect(accounts[0]!.positions.map((position) => position.size)).toEqual([
      fixed('-10'),
      fixed('-10'),
    ]);
  });

  it('delta-hedged-book.json: linear USDC options on two underlyings', () => {
    const { venue, market } = load('delta-hedged-book.json');
    expect(venue.instruments.get('ETH-USDC-26MAR27-3000-P')).toMatchObject({
      kind: 'option',
      settlement: 'linear',
      quote: 'USDC',
      settle: 'USDC',
      expiryMs: Date.parse(march),
      option: { right: 'put', strike: fixed('3000') },
    });
    expect(venue.instruments.get('BTC-USDC-PERP')?.option).toBeUndefined();
    expect([...(market.volatility?.keys() ?? [])]).toEqual(['BTC', 'ETH']);
    expect(market.volatility?.get('ETH')?.slices.map((slice) => slice.atmVolatility)).toEqual([
      0.62, 0.65,
    ]);
  });

  it('calendar-spread.json: futures carry an expiry and no option terms', () => {
    const { venue } = load('calendar-spread.json');
    const future = venue.instruments.get('BTC-26MAR27');
    expect(future).toMatchObject({ kind: 'future', expiryMs: Date.parse(march) });
    expect(future?.option).toBeUndefined();
    expect(venue.instruments.get('BTC-26MAR27-100000-C')?.option?.strike).toBe(fixed('100000'));
  });
});

describe('the valuation time and the surface', () => {
  it('without market.asOf, the shell clock is the valuation time', () => {
    const doc = example('straddle.json');
    delete doc.market.asOf;
    const portfolio = readPortfolio(doc, rulebookOf, laterMs);
    expect(portfolio.market.asOfMs).toBe(laterMs);
    const first = portfolio.market.volatility?.get('BTC')?.slices[0];
    expect(first?.yearsToExpiry).toBe((Date.parse(december) - laterMs) / yearMs);
  });

  it('a file without options or asOf gets the clock and no surfaces', () => {
    const doc = example('cross-and-isolated.json');
    delete doc.market.asOf;
    const { market } = readPortfolio(doc, rulebookOf, laterMs);
    expect(market.asOfMs).toBe(laterMs);
    expect(market.volatility?.size).toBe(0);
  });

  it('slices are sorted by expiry; an issue names the slice by its place in the file', () => {
    const doc = example('straddle.json');
    doc.market.volatility.BTC.slices.reverse();
    const slices = readPortfolio(doc, rulebookOf, laterMs).market.volatility?.get('BTC')?.slices;
    expect(slices?.map((slice) => slice.atmVolatility)).toEqual([0.5, 0.53, 0.55]);
    // In the file, the December slice is now the last: index 2.
    doc.market.volatility.BTC.slices[2].rho = '-1';
    expect(issuesOf(doc)).toEqual([
      'market.volatility.BTC.slices[2].rho: must be between -1 and 1 (exclusive)',
    ]);
  });

  it('an empty surface, an unknown underlying and a float written as a number are refused', () => {
    const doc = example('straddle.json');
    doc.market.volatility.DOGE = { slices: [] };
    doc.market.volatility.BTC.slices[0].b = 0.04;
    expect(issuesOf(doc)).toEqual(
      expect.arrayContaining([
        'market.volatility.DOGE: unknown asset',
        'market.volatility.DOGE.slices: must list at least one slice',
        'market.volatility.BTC.slices[0].b: must be a decimal string (write "0.1", not 0.1)',
      ]),
    );
  });

  it('a volatility beyond the limit is refused', () => {
    const doc = example('straddle.json');
    doc.market.volatility.BTC.slices[1].atmVolatility = '10.5';
    expect(issuesOf(doc)).toEqual([
      'market.volatility.BTC.slices[1].atmVolatility: must be at most 10 (the volatility limit)',
    ]);
  });

  it('an underlying without a price is refused for an option and in a portfolio account', () => {
    const doc = example('delta-hedged-book.json');
    delete doc.market.assetPrices.ETH;
    const issues = issuesOf(doc);
    expect(issues).toContain(
      'accounts[0].positions[3].instrument: "ETH-USDC-26MAR27-3400-C" is an option: its underlying "ETH" needs a price',
    );
    expect(issues).toContain(
      'accounts[0].positions[5].instrument: "ETH-USDC-PERP" is a contract margined as a portfolio: its underlying "ETH" needs a price',
    );
    // The cross account's perpetual does not need it.
    expect(issues.some((issue) => issue.startsWith('accounts[1].positions[5]'))).toBe(false);
  });
});

describe("the account's leverage setting", () => {
  it('is read from the account, and from a position as before, for the same setting', () => {
    const doc = example('cross-and-isolated.json');
    const main = doc.accounts[0];
    delete main.positions[0].leverage;
    main.leverage = { BTCUSDT: '20', SOLUSDT: '10' };
    const [account] = readPortfolio(doc, rulebookOf, laterMs).accounts;
    expect(account!.leverage).toEqual(
      new Map([
        ['BTCUSDT', fixed('20')],
        ['SOLUSDT', fixed('10')],
        ['ETHUSDT', fixed('20')],
      ]),
    );
  });

  it('holds for an instrument the account only has orders on', () => {
    const doc = example('cross-and-isolated.json');
    doc.accounts[0].positions.shift();
    doc.accounts[0].leverage = { BTCUSDT: '5' };
    const [account] = readPortfolio(doc, rulebookOf, laterMs).accounts;
    expect(account!.leverage?.get('BTCUSDT')).toBe(fixed('5'));
  });

  it("a position's leverage that differs from the account's is an issue at the position", () => {
    const doc = example('cross-and-isolated.json');
    doc.accounts[0].leverage = { BTCUSDT: '10' };
    expect(issuesOf(doc)).toEqual([
      'accounts[0].positions[0].leverage: is 20, but accounts[0].leverage.BTCUSDT sets 10',
    ]);
  });

  it('an unknown instrument, and one above its bracket, are issues at the setting', () => {
    const unknown = example('cross-and-isolated.json');
    unknown.accounts[0].leverage = { DOGEUSDT: '5' };
    expect(issuesOf(unknown)).toEqual(['accounts[0].leverage.DOGEUSDT: unknown instrument']);
    const above = example('cross-and-isolated.json');
    above.accounts[0].leverage = { ETHUSDT: '200' };
    delete above.accounts[0].positions[1].leverage;
    expect(issuesOf(above)).toEqual([
      expect.stringMatching(/^accounts\[0\]\.leverage\.ETHUSDT: 200 is above the \d+ allowed/),
    ]);
  });
});
