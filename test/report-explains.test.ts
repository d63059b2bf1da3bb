import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import { compareModes } from '../src/core/margin/compare.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { loadPortfolio } from '../src/shell/import/load-portfolio.ts';
import {
  account,
  binanceLikeBrackets,
  d,
  flatCollateral,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from './kit.ts';

/**
 * What the risk report carries so that a reader can see what drives each figure: every balance
 * with what it counts for, the rulebook entry that margined each position, and the leverage.
 */
describe('the risk report explains its figures', () => {
  const btc = linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') });
  const eth = linearPerp('ETHUSDT', 'ETH');
  const book = rulebook(
    { BTCUSDT: binanceLikeBrackets },
    new Map([
      ['USDT', flatCollateral('1')],
      ['BTC', flatCollateral('0.9', '0.95')],
    ]),
  );
  const withDefault = { ...book, id: 'house', defaultRule: binanceLikeBrackets };
  const prices = market(
    { USDT: '1', BTC: '100000', ETH: '4000', DOGE: '0.2' },
    {
      BTCUSDT: '100000',
      ETHUSDT: '4000',
    },
  );

  it('lists each balance at its price and weight; an asset without a rule counts for nothing', () => {
    const held = account({ USDT: '1000', BTC: '0.1', DOGE: '5000' }, [
      position('BTCUSDT', '0.1', '100000'),
    ]);
    const report = assess(held, venue([btc], book), prices);
    const lines = new Map(report.buckets[0]!.collateral.map((line) => [line.asset, line]));
    expect(lines.get('USDT')).toEqual({
      asset: 'USDT',
      balance: d('1000'),
      price: d('1'),
      value: d('1000'),
      initialValue: d('1000'),
      maintenanceValue: d('1000'),
      counted: 'weighted',
    });
    // 0.1 BTC × 100,000 = 10,000: 9,000 at the initial weight 0.9, 9,500 at maintenance's 0.95.
    expect(lines.get('BTC')).toMatchObject({
      value: d('10000'),
      initialValue: d('9000'),
      maintenanceValue: d('9500'),
      counted: 'weighted',
    });
    // 5,000 DOGE × 0.2 = 1,000 USD at market, nothing under a rulebook that lists no DOGE rule.
    expect(lines.get('DOGE')).toMatchObject({
      value: d('1000'),
      initialValue: 0n,
      maintenanceValue: 0n,
      counted: 'none',
    });
    // The lines add up to the bucket's figures: collateral at market, and equity less positions.
    const bucket = report.buckets[0]!;
    const sum = (pick: (line: (typeof bucket.collateral)[number]) => bigint) =>
      bucket.collateral.reduce((total, line) => total + pick(line), 0n);
    expect(sum((line) => line.value)).toBe(bucket.collateralValue);
    expect(sum((line) => line.maintenanceValue)).toBe(bucket.equity - bucket.positionValue);
    expect(sum((line) => line.initialValue)).toBe(bucket.initialEquity - bucket.positionValue);
    expect(report.rulebook).toBe('test');
  });

  it("names the rule that margined each position: the symbol's own, or the default '*'", () => {
    const held = account({ USDT: '10000' }, [
      position('BTCUSDT', '0.1', '100000'),
      position('ETHUSDT', '-2', '4000'),
    ]);
    const report = assess(held, venue([btc, eth], withDefault), prices);
    const rules = report.positions.map((p) => [p.instrument, p.marginRule]);
    expect(rules).toEqual([
      ['BTCUSDT', 'BTCUSDT'],
      ['ETHUSDT', '*'],
    ]);
    const first = report.positions[0]!;
    expect(first).toMatchObject({
      underlying: 'BTC',
      priceCurrency: 'USDT',
      tickSize: d('0.1'),
      sizeStep: d('0.001'),
    });
  });

  it('says the leverage set and the leverage its initial margin implies', () => {
    const held = {
      ...account({ USDT: '10000' }, [
        position('BTCUSDT', '0.1', '100000'),
        position('ETHUSDT', '-2', '4000'),
      ]),
      leverage: new Map([['BTCUSDT', d('20')]]),
    };
    const report = assess(held, venue([btc, eth], withDefault), prices);
    const [btcReport, ethReport] = report.positions;
    // 10,000 notional at 20×: 500 of initial margin.
    expect(btcReport).toMatchObject({ leverage: d('20'), leverageUsed: d('20') });
    expect(btcReport!.initialMargin).toBe(d('500'));
    // No setting: the first bracket's 125× (8,000 notional, 64 of initial margin).
    expect(ethReport).toMatchObject({ leverage: null, leverageUsed: d('125') });
  });
});

describe('compare says which positions it margins otherwise than the account', () => {
  it('examples/cross-and-isolated.json: SOLUSDT joins the pool in cross, every position is split afresh in isolated', () => {
    const portfolio = loadPortfolio('examples/cross-and-isolated.json', {
      from: 'xmargin',
      nowMs: Date.UTC(2026, 10, 24),
    });
    const comparison = compareModes(
      portfolio.accounts[0]!,
      portfolio.venue,
      marketView(portfolio.market),
    );
    expect(comparison.cross.moves).toEqual([
      {
        instrument: 'SOLUSDT',
        from: 'isolated',
        to: 'cross',
        settle: 'USDT',
        marginBefore: d('2300'),
        marginAfter: 0n,
      },
    ]);
    // 14,300 USDT pooled, split by initial margin 5,074.8525 : 2,872.29 : 2,261.16 (of 10,208.3025).
    const isolated = new Map(comparison.isolated.moves.map((move) => [move.instrument, move]));
    expect([...isolated.keys()]).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(isolated.get('BTCUSDT')).toMatchObject({
      from: 'cross',
      to: 'isolated',
      marginBefore: 0n,
    });
    expect(isolated.get('SOLUSDT')).toMatchObject({
      from: 'isolated',
      to: 'isolated',
      marginBefore: d('2300'),
    });
    const shares = [...isolated.values()].reduce((sum, move) => sum + move.marginAfter, 0n);
    expect(shares <= d('14300')).toBe(true);
    expect(shares > d('14299.99')).toBe(true);
  });
});
