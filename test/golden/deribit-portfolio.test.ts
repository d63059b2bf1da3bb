import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/core/model/account.ts';
import { bucketsOf } from '../../src/core/model/bucket.ts';
import type { Instrument } from '../../src/core/model/instrument.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { portfolioRisk } from '../../src/core/portfolio/portfolio-risk.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { d, inversePerp, market, venue } from '../kit.ts';

/**
 * Deribit's portfolio margin on futures, from two published `private/pme/simulate` responses
 * (docs/portfolio-margin-sources.md, D1 and D2): D1 is the example response of Deribit's API
 * documentation (BTC, 2024-06-17), D2 a live capture (ETH, 2026-02-15). Each position's coin P&L
 * over 9 price buckets (±16 % BTC, ±18 % ETH), the worst case, the roll shock (Σ |coins| ×
 * min_annualised_move), risk matrix = worst + roll, MM = 0.8 × risk matrix. Deribit's IM adds its
 * market-maker-protection and open-order margins, which are not in these books' risk.
 */
const deribit = readPreset('deribit-options');

function deribitRisk(
  instruments: Instrument[],
  coin: string,
  index: string,
  marks: Record<string, string>,
  sizes: Record<string, string>,
) {
  const v = venue(instruments, deribit);
  const account: Account = {
    id: 'pme',
    poolMode: 'portfolio',
    balances: new Map([[coin, d('10')]]),
    positions: Object.entries(sizes).map(([instrument, size]) => ({
      instrument,
      size: d(size),
      entryPrice: d(marks[instrument]!),
      marginMode: 'cross' as const,
      isolatedMargin: 0n,
    })),
    openOrders: [],
  };
  const m = market({ [coin]: index }, marks);
  const risk = portfolioRisk(v, bucketsOf(account, v)[0]!, marketView(m), deribit.portfolio!);
  const indexPrice = Number(index);
  const underlying = risk.underlyings[0]!;
  return {
    worstCoin: underlying.scanLoss / indexPrice,
    rollCoin: underlying.charges.roll / indexPrice,
    maintenanceCoin: toNumber(risk.maintenanceMargin) / indexPrice,
    initialCoin: toNumber(risk.initialMargin) / indexPrice,
    binding: underlying.scenarios[underlying.binding]!,
  };
}

describe('Deribit portfolio margin (pme/simulate)', () => {
  it('D1: long 0.314538364 BTC perpetual, short 0.001187534 BTC future', () => {
    const perpetual = inversePerp('BTC-PERPETUAL', 'BTC', { contractSize: d('10') });
    const future = inversePerp('BTC-28JUN24', 'BTC', {
      contractSize: d('10'),
      kind: 'future',
      expiryMs: Date.UTC(2024, 5, 28, 8),
    });
    // Sizes in 10-USD contracts whose coin value at the mark is the published position.
    const risk = deribitRisk(
      [perpetual, future],
      'BTC',
      '65666.19',
      { 'BTC-PERPETUAL': '65910.57', 'BTC-28JUN24': '67371.75' },
      {
        'BTC-PERPETUAL': '2073.140285810748',
        'BTC-28JUN24': '-8.00062437645',
      },
    );
    expect(risk.binding.priceMove).toBeCloseTo(-0.16, 12);
    expect(risk.worstCoin).toBeCloseTo(0.05968587238095239, 12); // "worst_case"
    expect(risk.rollCoin).toBeCloseTo(0.00315725898, 12); // "roll_shock"
    // risk matrix 0.06284313136 (Deribit prints 0.06284313098, 4e-10 lower); MM = 0.8 × it.
    expect(Math.abs(risk.maintenanceCoin - 0.050274504784)).toBeLessThan(1e-9);
    expect(Math.abs(risk.initialCoin - 0.06284313098)).toBeLessThan(1e-9);
  });

  it('D2: short 0.999487053 ETH perpetual', () => {
    const perpetual = inversePerp('ETH-PERPETUAL', 'ETH', { contractSize: d('1') });
    const risk = deribitRisk(
      [perpetual],
      'ETH',
      '1949.34',
      { 'ETH-PERPETUAL': '1949.49' },
      {
        'ETH-PERPETUAL': '-1948.49001495297',
      },
    );
    expect(risk.binding.priceMove).toBeCloseTo(0.18, 12);
    expect(risk.worstCoin).toBeCloseTo(0.15246412672881357, 12); // "worst_case", bucket 9
    expect(risk.rollCoin).toBeCloseTo(0.004997435265, 12); // "roll_shock"
    expect(Math.abs(risk.maintenanceCoin - 0.125969249812)).toBeLessThan(1e-9); // "maintenance_margin"
    expect(Math.abs(risk.initialCoin - 0.157461562265)).toBeLessThan(1e-9); // "risk_matrix_margin"
  });
});
