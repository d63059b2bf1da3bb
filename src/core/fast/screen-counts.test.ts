import { describe, expect, it } from 'vitest';
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
} from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import { figureCount, maintenanceNearEdge, marginAccount } from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { movePrices, screenLiquidatable } from './screen.ts';

/**
 * What the screen decides alone and what it hands to the exact path: the exact path would hide a
 * screen that confirmed everything (its answers would still be right, only slow), so these count.
 */
const book = venue([linearPerp('BTCUSDT', 'BTC')], rulebook({ BTCUSDT: binanceLikeBrackets }));
const prices = market({ USDT: '1', BTC: '100000' }, { BTCUSDT: '100000' });
// 1 BTC at 100,000 is in the second bracket: MM = 100,000 × 0.5 % − 50 = 450.
const healthy = account({ USDT: '20000' }, [position('BTCUSDT', '1', '100000')], 'healthy');
const underwater = account({ USDT: '100' }, [position('BTCUSDT', '1', '100000')], 'underwater');

describe('the screen decides clear cases alone', () => {
  it('far from the threshold, no account is confirmed exactly', () => {
    const screening = screenLiquidatable(buildRiskBook([healthy, underwater], book, prices));
    expect(screening.liquidatable).toEqual([1]);
    expect(screening.confirmedExactly).toBe(0);
  });

  it('at the threshold it confirms: equity 450 against MM 450 exactly', () => {
    const edge = account({ USDT: '450' }, [position('BTCUSDT', '1', '100000')], 'edge');
    expect(assess(edge, book, prices).liquidatable).toBe(false);
    const screening = screenLiquidatable(buildRiskBook([edge], book, prices));
    expect(screening).toEqual({ liquidatable: [], confirmedExactly: 1 });
  });

  it('a tick moves the columns and the exact prices together', () => {
    const riskBook = buildRiskBook([healthy], book, prices);
    // A fall to 80,000 costs 20,000: no equity left against MM 350 (80,000 × 0.5 % − 50).
    movePrices(riskBook, new Map([['BTC', d('80000')]]), new Map([['BTCUSDT', d('80000')]]));
    expect(riskBook.market.markPrices.get('BTCUSDT')).toBe(d('80000'));
    expect(screenLiquidatable(riskBook).liquidatable).toEqual([0]);
    // Unknown ids are ignored, not added.
    movePrices(riskBook, new Map([['DOGE', d('1')]]), new Map([['DOGEUSDT', d('1')]]));
    expect(riskBook.market.markPrices.has('DOGEUSDT')).toBe(false);
  });
});

describe('a collateral shock alone moves the screen', () => {
  it('BTC collateral falling with the contract mark held still', () => {
    // 0.01 BTC at 95 % is 950 USD of collateral at 100,000 against MM 450 (1 BTCUSDT long, mark
    // held); BTC at 40,000 values it at 380: below maintenance, though no contract moved.
    const pledged = venue(
      [linearPerp('BTCUSDT', 'BTC')],
      rulebook(
        { BTCUSDT: binanceLikeBrackets },
        new Map([
          ['USDT', flatCollateral('1')],
          ['BTC', flatCollateral('0.95')],
        ]),
      ),
    );
    const held = account({ BTC: '0.01' }, [position('BTCUSDT', '1', '100000')], 'pledged');
    const riskBook = buildRiskBook([held], pledged, prices);
    expect(screenLiquidatable(riskBook).liquidatable).toEqual([]);
    movePrices(riskBook, new Map([['BTC', d('40000')]]), new Map());
    expect(riskBook.market.assetPrices.get('BTC')).toBe(d('40000'));
    expect(riskBook.market.markPrices.get('BTCUSDT')).toBe(d('100000'));
    expect(screenLiquidatable(riskBook).liquidatable).toEqual([0]);
    expect(assess(held, pledged, riskBook.market).liquidatable).toBe(true);
    movePrices(riskBook, new Map([['DOGE', d('1')]]), new Map());
    expect(riskBook.market.assetPrices.has('DOGE')).toBe(false);
  });
});

describe('a bracket edge within float error is flagged, one far from it is not', () => {
  const out = new Float64Array(figureCount);
  const flagged = (size: string) => {
    marginAccount(
      buildRiskBook([account({ USDT: '1' }, [position('BTCUSDT', size, '100000')])], book, prices),
      0,
      out,
    );
    return out[maintenanceNearEdge];
  };

  it('0.5 BTC at 100,000 is exactly the first cap (50,000): flagged', () => {
    expect(flagged('0.5')).toBe(1);
  });

  it('0.4 and 0.6 BTC are 10,000 from an edge: not flagged', () => {
    expect(flagged('0.4')).toBe(0);
    expect(flagged('0.6')).toBe(0);
  });

  it('2.5 BTC is exactly the second cap (250,000), seen from the bracket above too', () => {
    expect(flagged('2.5')).toBe(1);
    expect(flagged('2.500000001')).toBe(1);
  });
});
