import { describe, expect, it } from 'vitest';
import type { Doc } from './bad-inputs.ts';
import { pinClock, readExample, runCli, scratchFolder } from './cli-harness.ts';

pinClock();

/**
 * Prices of zero are real states (collateral that went to nothing, a worthless option); a negative
 * price, a future marked at zero and an inverse contract's coin at zero are not.
 */
describe('zero prices', () => {
  const scratch = scratchFolder();
  const zeroBook = () => {
    const doc = readExample('covered-call.json') as Doc;
    doc.market.assetPrices.BTC = '0';
    doc.market.markPrices['BTC-USDC-26MAR27-110000-C'] = '0';
    for (const account of doc.accounts) account.balances.BTC = '2';
    return doc;
  };

  it('collateral at zero is worth nothing; a worthless short call owes nothing', () => {
    const result = runCli(['margin', scratch.write('zero.json', zeroBook()), '--json']);
    expect(result.code).toBe(0);
    const standard = JSON.parse(result.stdout).find((r: Doc) => r.account === 'standard');
    const pool = standard.buckets[0];
    // 50,000 USDC + 2 BTC × 0: the BTC lends nothing.
    expect(pool.collateralValue).toBe('50000');
    // Perpetual: 2 × (95,268.5 − 91,800) = 6,937; call: 2 × (0 − 7,150) short = +14,300 of PnL,
    // and its market value 0, so equity = 50,000 + 6,937 + 0 = 56,937.
    expect(pool.equity).toBe('56937');
    const call = standard.positions.find((p: Doc) => p.instrument.endsWith('-C'));
    expect(call.maintenanceMargin).toBe('0');
    expect(call.greeks).toEqual({ delta: '0', gamma: '0', vega: '0', theta: '0' });
  });

  it('a portfolio scan of an underlying at zero moves only what is marked above it', () => {
    const result = runCli(['margin', scratch.write('zero.json', zeroBook()), '--json']);
    const portfolio = JSON.parse(result.stdout).find((r: Doc) => r.account === 'portfolio');
    // The perpetual alone moves: 2 × 95,268.5 × 15 % = 28,580.55; the option's array is all 0.
    expect(portfolio.maintenanceMargin).toBe('28580.55');
  });

  it.each([
    [
      'a negative asset price',
      (doc: Doc) => (doc.market.assetPrices.USDC = '-1'),
      'market.assetPrices.USDC: must not be negative',
    ],
    [
      'a future marked at zero',
      (doc: Doc) => (doc.market.markPrices['BTC-USDC-PERP'] = '0'),
      'market.markPrices.BTC-USDC-PERP: must be greater than zero (only an option may be marked at zero)',
    ],
  ])('%s is refused, naming the field', (_name, change, message) => {
    const doc = readExample('covered-call.json');
    change(doc);
    const result = runCli(['margin', scratch.write('bad.json', doc)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('an inverse contract’s coin at zero is refused', () => {
    const doc = readExample('coin-margined.json') as Doc;
    doc.market.assetPrices.BTC = '0';
    const result = runCli(['margin', scratch.write('coin.json', doc)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /market\.assetPrices\.BTC: must be greater than zero: "[^"]+" is settled in it/,
    );
  });
});
