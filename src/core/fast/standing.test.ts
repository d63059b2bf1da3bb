import { describe, expect, it } from 'vitest';
import {
  account,
  d,
  flatCollateral,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { marketView } from '../model/price-view.ts';
import type { MarginRule } from '../model/rulebook.ts';
import { compareStandings, exactStanding, type Standing, type WorstBucket } from './standing.ts';

/**
 * Which bucket stands for an account, and in which order accounts stand: the figures a book
 * summary ranks by (book-summary.ts). Each case is built so one branch of `exactStanding` or
 * `compareStandings` decides it. Max leverage 10: IM 10 %, MM 5 % of notional.
 */
const tenX: MarginRule = { kind: 'max-leverage', maxLeverage: d('10') };
const unified = venue(
  [linearPerp('BTCUSDT', 'BTC'), linearPerp('ETHUSDT', 'ETH')],
  rulebook({ BTCUSDT: tenX, ETHUSDT: tenX }),
);
const prices = marketView(
  market(
    { USDT: '1', USDC: '1', BTC: '100000', ETH: '4000' },
    { BTCUSDT: '100000', ETHUSDT: '4000', BTCUSDC: '100000' },
  ),
);
// 0.1 BTC at 100,000 and 2.5 ETH at 4,000 are each 10,000 of notional: IM 1,000, MM 500.
const btc = position('BTCUSDT', '0.1', '100000');
const eth = position('ETHUSDT', '2.5', '4000');
const isolated = (p: typeof eth, margin: string) => ({
  ...p,
  marginMode: 'isolated' as const,
  isolatedMargin: d(margin),
});

describe('exactStanding: which bucket is at risk', () => {
  it('a bucket with a requirement is at risk even far above it, and stands for the account', () => {
    const standing = exactStanding(account({ USDT: '5000.37' }, [btc]), unified, prices);
    expect(standing.worst).toEqual({
      bucket: 'cross',
      equity: d('5000.37'),
      maintenanceMargin: d('500'),
    });
    expect(standing.state).toBe('healthy');
    expect(standing.freeCollateral).toBe(d('4000.37'));
  });

  it('collateral alone, with no requirement and equity not below zero, puts nothing at risk', () => {
    const standing = exactStanding(account({ USDT: '1000' }, []), unified, prices);
    expect(standing.worst).toBeNull();
    expect(standing.state).toBe('healthy');
  });

  it('a debt with no requirement is at risk (and liquidatable) where the venue says so', () => {
    const owing = account({ USDT: '-100.3' }, [], 'owing');
    const standing = exactStanding(owing, unified, prices);
    expect(standing.worst).toEqual({ bucket: 'cross', equity: d('-100.3'), maintenanceMargin: 0n });
    expect(standing.state).toBe('liquidatable');
  });

  it('dYdX: a debt with no requirement is not at risk, only below initial', () => {
    const dydx = { ...unified, rulebook: { ...unified.rulebook, liquidationNeedsMargin: true } };
    const owing = account({ USDT: '-100.3' }, [], 'owing');
    const standing = exactStanding(owing, dydx, prices);
    expect(standing.worst).toBeNull();
    expect(standing.state).toBe('below-initial');
    expect(standing.freeCollateral).toBe(d('-100.3'));
    // The flag only changes a bucket with no requirement: a position is still at risk.
    const holding = exactStanding(account({ USDT: '520' }, [btc]), dydx, prices);
    expect(holding.worst).toEqual({
      bucket: 'cross',
      equity: d('520'),
      maintenanceMargin: d('500'),
    });
  });

  it('the worse of two buckets stands, wherever it comes in the account', () => {
    // Cross 5,000.37 / 500 against isolated 550 / 500: the isolated ETH (listed second) is worse.
    const second = exactStanding(
      account({ USDT: '5000.37' }, [btc, isolated(eth, '550')]),
      unified,
      prices,
    );
    expect(second.worst).toEqual({
      bucket: 'ETHUSDT',
      equity: d('550'),
      maintenanceMargin: d('500'),
    });
    // Cross 550.01 / 500 against isolated 5,000 / 500: the cross bucket (first) is worse.
    const first = exactStanding(
      account({ USDT: '550.01' }, [btc, isolated(eth, '5000')]),
      unified,
      prices,
    );
    expect(first.worst).toEqual({
      bucket: 'cross',
      equity: d('550.01'),
      maintenanceMargin: d('500'),
    });
    expect(first.state).toBe('below-initial');
  });

  it('of two buckets standing equally, the first in the account keeps its place', () => {
    // An empty cross pool is not at risk; ETH then BTC, isolated, each 600 over MM 500.
    const standing = exactStanding(
      account({}, [isolated(eth, '600'), isolated(btc, '600')]),
      unified,
      prices,
    );
    expect(standing.worst).toEqual({
      bucket: 'ETHUSDT',
      equity: d('600'),
      maintenanceMargin: d('500'),
    });
    expect(standing.maintenanceMargin).toBe(d('1000'));
  });

  it('per settle asset, one pool short of initial neither lowers another nor hides: the account is below initial', () => {
    const perCoin = venue(
      [
        linearPerp('BTCUSDT', 'BTC'),
        linearPerp('BTCUSDC', 'BTC', { quote: 'USDC', settle: 'USDC' }),
      ],
      {
        ...rulebook(
          { BTCUSDT: tenX, BTCUSDC: tenX },
          new Map([
            ['USDT', flatCollateral('1')],
            ['USDC', flatCollateral('1')],
          ]),
        ),
        crossPool: 'per-settle-asset',
      },
    );
    // cross:USDT 700.25 against IM 1,000 (free −299.75, above MM 500); cross:USDC free 2,000.5.
    const standing = exactStanding(
      account({ USDT: '700.25', USDC: '2000.5' }, [btc]),
      perCoin,
      prices,
    );
    expect(standing.freeCollateral).toBe(d('2000.5'));
    // Short in its USDT pool, which the USDC pool cannot fund: below initial, not healthy.
    expect(standing.state).toBe('below-initial');
    expect(standing.worst).toEqual({
      bucket: 'cross:USDT',
      equity: d('700.25'),
      maintenanceMargin: d('500'),
    });
  });
});

function standing(id: string, worst: WorstBucket | null): Standing {
  return {
    account: id,
    state: 'healthy',
    equity: 0n,
    initialMargin: 0n,
    maintenanceMargin: 0n,
    freeCollateral: 0n,
    worst,
  };
}

const bucket = (equity: string, maintenance: string): WorstBucket => ({
  bucket: 'cross',
  equity: d(equity),
  maintenanceMargin: d(maintenance),
});

describe('compareStandings: who stands worse', () => {
  it('an account with nothing at risk stands after every account with a bucket at risk', () => {
    // "a" sorts first by id, yet with nothing at risk it goes last.
    const none = standing('a', null);
    const atRisk = standing('b', bucket('9000', '500'));
    expect(compareStandings(none, atRisk)).toBe(1);
    expect(compareStandings(atRisk, none)).toBe(-1);
    expect([none, atRisk].sort(compareStandings).map((s) => s.account)).toEqual(['b', 'a']);
  });

  it('two accounts with nothing at risk, or with equal worst buckets, go by account id', () => {
    for (const worst of [null, bucket('550.5', '500')]) {
      const a = standing('acct-1', worst);
      const b = standing('acct-2', worst);
      expect(compareStandings(a, b)).toBe(-1);
      expect(compareStandings(b, a)).toBe(1);
      expect(compareStandings(a, standing('acct-1', worst))).toBe(0);
    }
  });

  it('a worse bucket goes first whatever the ids: lower equity / MM, then the larger MM', () => {
    // 550 / 500 = 1.1 against 1,200 / 1,000 = 1.2; then 1.1 with MM 1,000 before 1.1 with MM 500.
    const worse = standing('z', bucket('550', '500'));
    const better = standing('a', bucket('1200', '1000'));
    expect(compareStandings(worse, better)).toBe(-1);
    expect(compareStandings(better, worse)).toBe(1);
    const larger = standing('y', bucket('1100', '1000'));
    expect(compareStandings(larger, worse)).toBe(-1);
    expect([better, worse, larger].sort(compareStandings).map((s) => s.account)).toEqual([
      'y',
      'z',
      'a',
    ]);
  });
});
