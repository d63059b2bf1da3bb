import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessWith } from '../src/core/margin/assess.ts';
import { asCross, asIsolated, compareModes } from '../src/core/margin/compare.ts';
import type { Account } from '../src/core/model/account.ts';
import type { AssetId } from '../src/core/model/ids.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { Venue } from '../src/core/model/venue.ts';
import type { Amount } from '../src/core/num/fixed.ts';
import { loadPortfolio } from '../src/shell/import/load-portfolio.ts';
import { bookArb, bookVenue, d } from './kit.ts';

/**
 * compare's isolated mode holds the same collateral as cross, split across the positions: each
 * asset only among the positions settling in it, never more than its own balance, and whatever is
 * not split stays in the pool. Nothing is converted from one asset into another.
 */
describe('compare: the isolated split', () => {
  it('on examples/coin-margined.json, each coin margins only its own contracts', () => {
    const portfolio = loadPortfolio('examples/coin-margined.json', {
      from: 'xmargin',
      nowMs: Date.UTC(2026, 10, 24),
    });
    const [account] = portfolio.accounts;
    const prices = marketView(portfolio.market);
    const comparison = compareModes(account!, portfolio.venue, prices);
    const buckets = new Map(comparison.isolated.report.buckets.map((b) => [b.id, b]));
    // The account holds 0.25 BTC in its wallet and 0.12 ETH as the ETH short's isolated margin.
    // Only BTCUSD_PERP settles in BTC and only ETHUSD_PERP in ETH, so each takes its whole coin:
    // 0.25 BTC × 112,750 = 28,187.5 USD and 0.12 ETH × 3,830 = 459.6 USD. (Before the fix the
    // ETH short was given 1,450.52 USD, 0.379 ETH: three times the ETH held, funded from BTC.)
    expect(buckets.get('BTCUSD_PERP')!.collateralValue).toBe(d('28187.5'));
    expect(buckets.get('ETHUSD_PERP')!.collateralValue).toBe(d('459.6'));
    // Nothing is left over for a pool.
    expect([...buckets.keys()].sort()).toEqual(['BTCUSD_PERP', 'ETHUSD_PERP']);
    // The same ETH as in cross, where it is alone with the ETH short in the cross:ETH pool.
    const crossEth = comparison.cross.report.buckets.find((b) => b.id === 'cross:ETH')!;
    expect(buckets.get('ETHUSD_PERP')!.collateralValue).toBe(crossEth.collateralValue);
  });

  const perCoinVenue: Venue = {
    ...bookVenue,
    rulebook: { ...bookVenue.rulebook, crossPool: 'per-settle-asset' },
  };

  it.each([
    ['unified', bookVenue],
    ['per-settle-asset', perCoinVenue],
  ])(
    'conserves each asset (%s pools): Σ isolated margins + what stays pooled = the pool',
    (_, v) => {
      fc.assert(
        fc.property(bookArb, fc.nat(), ({ account, market }, pick) => {
          // Ring-fence some positions first, so the pool is gathered back from isolated margins too.
          const start: Account = {
            ...account,
            positions: account.positions.map((p, i) =>
              ((pick >> i) & 1) === 1
                ? { ...p, marginMode: 'isolated', isolatedMargin: d('0.5') }
                : p,
            ),
          };
          const prices = marketView(market);
          const pooled = asCross(start, v);
          const split = asIsolated(pooled, v, assessWith(pooled, v, prices));
          const settled = new Map<AssetId, Amount>();
          for (const position of split.positions) {
            expect(position.marginMode).toBe('isolated');
            expect(position.isolatedMargin).toBeGreaterThanOrEqual(0n);
            const settle = v.instruments.get(position.instrument)!.settle;
            settled.set(settle, (settled.get(settle) ?? 0n) + position.isolatedMargin);
          }
          const assets = new Set([...pooled.balances.keys(), ...settled.keys()]);
          for (const asset of assets) {
            const pool = pooled.balances.get(asset) ?? 0n;
            const margins = settled.get(asset) ?? 0n;
            expect(margins + (split.balances.get(asset) ?? 0n)).toBe(pool);
            // Never more than the asset's own balance (none at all from a debt).
            expect(margins).toBeLessThanOrEqual(pool > 0n ? pool : 0n);
          }
        }),
        { numRuns: 200 },
      );
    },
  );
});
