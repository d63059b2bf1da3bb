import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * OKX's coin-margined BTC-USD-SWAP (100 USD a contract, settled in BTC) end to end under the
 * okx-swap preset: 70,000 contracts at 50,000 are 140 BTC in tier 6, a tier OKX's 2023-06-09
 * table does not print but its rule derives (2.25 % MMR, 3 % IMR, 33.33×), with the 0.05 % fee in
 * maintenance: MM (2.25 % + 0.05 %) × 140 = 3.22 BTC = 161,000 USD; IM 3 % × 140 = 4.2 BTC =
 * 210,000 USD. Past tier 200 (3,960,000 contracts) an order fails with the position limit.
 */
pinClock();
const scratch = scratchFolder();
// Written in each test: the scratch folder exists only once the file's tests start.
const portfolio = {
  format: 'xmargin.portfolio/1',
  rulebook: 'okx-swap',
  assets: [{ id: 'BTC', name: 'Bitcoin' }],
  instruments: [
    {
      id: 'BTC-USD-SWAP',
      kind: 'perpetual',
      settlement: 'inverse',
      underlying: 'BTC',
      quote: 'USD',
      settle: 'BTC',
      contractSize: '100',
      tickSize: '0.1',
      sizeStep: '1',
    },
  ],
  market: {
    asOf: '2026-11-24T12:00:00Z',
    assetPrices: { BTC: '50000' },
    markPrices: { 'BTC-USD-SWAP': '50000' },
  },
  accounts: [
    {
      id: 'coin',
      balances: { BTC: '5' },
      positions: [
        { instrument: 'BTC-USD-SWAP', size: '70000', entryPrice: '50000', marginMode: 'cross' },
      ],
    },
  ],
};
const file = () => scratch.write('okx-coin.json', portfolio);

describe('okx-swap, a coin-margined swap in a derived tier', () => {
  it('margin: the tier-6 requirement in BTC, valued in USD, at 33.33×', () => {
    const result = runCli(['margin', file()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Account coin: equity 250,000.00 USD, initial margin 210,000.00 USD, maintenance margin ' +
        '161,000.00 USD, free collateral 40,000.00 USD',
    );
    expect(result.stdout).toMatch(
      /^BTC-USD-SWAP +cross:BTC +70,000 +USD +50,000\.0 +50,000\.0 .* 210,000\.00 +161,000\.00 +33\.33× +own$/m,
    );
  });

  it('whatif: an order past tier 200 is refused with the position limit', () => {
    const result = runCli(['whatif', file(), '--order', 'buy 3890001 BTC-USD-SWAP']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'REJECTED (position_limit_exceeded): the BTC-USD-SWAP position after it would be 3960001 ' +
        "contracts, past the venue's position limit of 3960000 contracts (the last bracket's cap)",
    );
  });
});
