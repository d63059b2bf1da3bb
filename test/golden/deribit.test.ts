import { describe, expect, it } from 'vitest';
import {
  accountInitialMargin,
  accountMaintenanceMargin,
  figureCount,
  marginAccount,
} from '../../src/core/fast/fast-margin.ts';
import { buildRiskBook } from '../../src/core/fast/risk-book.ts';
import { assess } from '../../src/core/margin/assess.ts';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import { sizePremiumRate } from '../../src/core/margin/size-premium.ts';
import type { SizePremiumRule } from '../../src/core/model/rulebook.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, linearPerp, market, position, venue } from '../kit.ts';

/**
 * Deribit's size-linear standard margin for linear perpetuals, as published on
 * "Linear Perpetual" (Standard Margin IM & MM examples),
 * https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual
 * (the page writes 100,000 as "$100.000"). docs/venue-rules-2.md §1.3 quotes every line. The
 * price is the index (the rule's marginPrice), passed as both mark and index here.
 */
const deribit = readPreset('deribit-linear');
const btcRule = deribit.instruments.get('BTC_USDC-PERPETUAL') as SizePremiumRule;
const solRule = deribit.instruments.get('SOL_USDC-PERPETUAL') as SizePremiumRule;
const btc = linearPerp('BTC_USDC-PERPETUAL', 'BTC', { quote: 'USDC', settle: 'USDC' });
const sol = linearPerp('SOL_USDC-PERPETUAL', 'SOL', { quote: 'USDC', settle: 'USDC' });

describe('Deribit BTC_USDC-PERPETUAL at 100,000', () => {
  it('"2% + 25 * 0.005% = 2.125%" … "= 53,125 USDC"; "1% + 25 * 0.005% = 1.125%" … "= 28,125 USDC"', () => {
    expect(sizePremiumRate(btcRule, 'initial', d('25'))).toBe(d('0.02125'));
    expect(sizePremiumRate(btcRule, 'maintenance', d('25'))).toBe(d('0.01125'));
    expect(requirement(btc, btcRule, 'initial', d('25'), d('100000'), undefined, d('100000'))).toBe(
      d('53125'),
    );
    expect(
      requirement(btc, btcRule, 'maintenance', d('25'), d('100000'), undefined, d('100000')),
    ).toBe(d('28125'));
  });

  it('"2% + 350 * 0.005% = 3.75%" … "= 1,312,500 USDC"; a short pays the same', () => {
    expect(
      requirement(btc, btcRule, 'initial', d('350'), d('100000'), undefined, d('100000')),
    ).toBe(d('1312500'));
    expect(
      requirement(btc, btcRule, 'initial', d('-350'), d('100000'), undefined, d('100000')),
    ).toBe(d('1312500'));
  });

  it('"2% + 0 = 2%": no position, no margin', () => {
    expect(sizePremiumRate(btcRule, 'initial', 0n)).toBe(d('0.02'));
    expect(requirement(btc, btcRule, 'initial', 0n, d('100000'), undefined, d('100000'))).toBe(0n);
  });
});

describe('Deribit SOL_USDC-PERPETUAL at 200', () => {
  it('"4% + 25 * 0.0005% = 4.0125%" … "= 200.625 USDC"; maintenance "= 100.625 USDC"', () => {
    expect(requirement(sol, solRule, 'initial', d('25'), d('200'), undefined, d('200'))).toBe(
      d('200.625'),
    );
    expect(requirement(sol, solRule, 'maintenance', d('25'), d('200'), undefined, d('200'))).toBe(
      d('100.625'),
    );
  });

  it('"4% + 6000 * 0.0005% = 7%" … "420 SOL * 200 = 84,000 USDC"', () => {
    expect(sizePremiumRate(solRule, 'initial', d('6000'))).toBe(d('0.07'));
    expect(requirement(sol, solRule, 'initial', d('6000'), d('200'), undefined, d('200'))).toBe(
      d('84000'),
    );
  });
});

/**
 * "As the linear futures have a different underlying and margin currency the margin needs to be
 * calculated in the margin currency. This is done on the index price of the underlying currency."
 * (the same Linear Perpetual page). PnL stays at the mark.
 */
describe('Deribit linear perpetuals are margined at the index price', () => {
  const v = venue([btc], deribit);
  // Index 100,000, mark 101,000: 25 BTC need 1.125 % of 2,500,000, not of 2,525,000.
  const m = market({ USDC: '1', BTC: '100000' }, { 'BTC_USDC-PERPETUAL': '101000' });
  const a = account({ USDC: '30000' }, [position('BTC_USDC-PERPETUAL', '25', '100000')]);

  it('the exact path: MM 28,125 and IM 53,125 USDC from the index, PnL 25,000 from the mark', () => {
    const report = assess(a, v, m);
    expect(report.maintenanceMargin).toBe(d('28125'));
    expect(report.initialMargin).toBe(d('53125'));
    expect(report.equity).toBe(d('55000'));
  });

  it('the fast path agrees', () => {
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], v, m), 0, out);
    expect(out[accountMaintenanceMargin]).toBeCloseTo(28125, 6);
    expect(out[accountInitialMargin]).toBeCloseTo(53125, 6);
  });

  it('the liquidation price holds the index: the pool stands at it, falls one tick beyond', () => {
    const poor = account({ USDC: '2000' }, [position('BTC_USDC-PERPETUAL', '1', '100000')]);
    const price = assess(poor, v, m).positions[0]!.liquidationPrice!;
    // MM = 1.005 % of 100,000 = 1,005 at any mark: equity 2,000 + (P − 100,000) = 1,005.
    expect(price).toBe(d('99005'));
    const at = (mark: bigint) =>
      assess(poor, v, { ...m, markPrices: new Map([['BTC_USDC-PERPETUAL', mark]]) });
    expect(at(price).liquidatable).toBe(false);
    expect(at(price).maintenanceMargin).toBe(d('1005'));
    expect(at(price - btc.tickSize).liquidatable).toBe(true);
  });
});
