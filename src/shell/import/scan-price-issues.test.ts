import { describe, expect, it } from 'vitest';
import { loadPortfolio } from './load-portfolio.ts';
import { scanPriceIssues } from './portfolio-checks.ts';

/** Each contract checked once per venue, yet every position short of a price named (the cache). */
describe('scanPriceIssues', () => {
  it('names the missing price at each position, however many accounts hold the contract', () => {
    const nowMs = Date.parse('2025-10-10T12:00:00Z');
    const options = { from: 'ccxt', rulebook: 'span-16', nowMs } as const;
    const portfolio = loadPortfolio('examples/ccxt-binance.json', options);
    const account = portfolio.accounts[0]!;
    const eth =
      'accounts[0].positions[1].instrument: "ETHUSDT" is a contract margined as a portfolio: ' +
      'its underlying "ETH" needs a price (why)';
    expect(scanPriceIssues(portfolio, [account, account], 'cross', 'why')).toEqual([eth, eth]);
  });
});
