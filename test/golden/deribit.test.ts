import { describe, expect, it } from 'vitest';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import { sizePremiumRate } from '../../src/core/margin/size-premium.ts';
import type { SizePremiumRule } from '../../src/core/model/rulebook.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { d, linearPerp } from '../kit.ts';

/**
 * Deribit's size-linear standard margin for linear perpetuals, as published on
 * "Linear Perpetual" (Standard Margin IM & MM examples),
 * https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual
 * (the page writes 100,000 as "$100.000"). docs/venue-rules-2.md §1.3 quotes every line.
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
    expect(requirement(btc, btcRule, 'initial', d('25'), d('100000'), undefined)).toBe(d('53125'));
    expect(requirement(btc, btcRule, 'maintenance', d('25'), d('100000'), undefined)).toBe(
      d('28125'),
    );
  });

  it('"2% + 350 * 0.005% = 3.75%" … "= 1,312,500 USDC"; a short pays the same', () => {
    expect(requirement(btc, btcRule, 'initial', d('350'), d('100000'), undefined)).toBe(
      d('1312500'),
    );
    expect(requirement(btc, btcRule, 'initial', d('-350'), d('100000'), undefined)).toBe(
      d('1312500'),
    );
  });

  it('"2% + 0 = 2%": no position, no margin', () => {
    expect(sizePremiumRate(btcRule, 'initial', 0n)).toBe(d('0.02'));
    expect(requirement(btc, btcRule, 'initial', 0n, d('100000'), undefined)).toBe(0n);
  });
});

describe('Deribit SOL_USDC-PERPETUAL at 200', () => {
  it('"4% + 25 * 0.0005% = 4.0125%" … "= 200.625 USDC"; maintenance "= 100.625 USDC"', () => {
    expect(requirement(sol, solRule, 'initial', d('25'), d('200'), undefined)).toBe(d('200.625'));
    expect(requirement(sol, solRule, 'maintenance', d('25'), d('200'), undefined)).toBe(
      d('100.625'),
    );
  });

  it('"4% + 6000 * 0.0005% = 7%" … "420 SOL * 200 = 84,000 USDC"', () => {
    expect(sizePremiumRate(solRule, 'initial', d('6000'))).toBe(d('0.07'));
    expect(requirement(sol, solRule, 'initial', d('6000'), d('200'), undefined)).toBe(d('84000'));
  });
});
