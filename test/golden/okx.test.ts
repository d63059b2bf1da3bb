import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, decimalArb, linearPerp, market, position, venue } from '../kit.ts';

/**
 * OKX (rulebooks/okx-swap.json). No worked liquidation example of OKX's own could be found, so
 * these pin OKX's published rules instead of a printed figure:
 * - its tiers by contracts with the whole position at the tier's rate ("MMR = 仓位价值 ×
 *   mmr(tier)", BTC-USDT-SWAP tier 1 to 1,000 contracts at 0.4 %, tier 2 at 0.5 %; a capture of
 *   GET /api/v5/public/position-tiers, see the preset's sources);
 * - its isolated liquidation price, solved from "equity = MM + close fee":
 *   long  liqPx = (avgPx × Q − margin) / (Q × (1 − mmr − takerFee)),
 *   short liqPx = (avgPx × Q + margin) / (Q × (1 + mmr + takerFee)),
 *   with the inputs drawn at random, never xmargin's own figures.
 */
const okx = readPreset('okx-swap');
const swap = linearPerp('BTC-USDT-SWAP', 'BTC', {
  contractSize: d('0.01'),
  tickSize: d('0.1'),
  sizeStep: d('0.01'),
});
const v = venue([swap], okx);

describe('OKX tiers by contracts', () => {
  const at = (contracts: string) =>
    assess(
      account({ USDT: '10000000' }, [position('BTC-USDT-SWAP', contracts, '60000')]),
      v,
      market({ USDT: '1', BTC: '60000' }, { 'BTC-USDT-SWAP': '60000' }),
    ).positions[0]!;

  it('1,000 contracts are tier 1 (0.4 %), 1,000.01 tier 2 (0.5 %) on the whole position', () => {
    // 1,000 × 0.01 BTC × 60,000 = 600,000 USDT; its MM 2,400, its liquidation fee 0.05 % = 300.
    const tier1 = at('1000');
    expect(tier1.maintenanceMargin - tier1.closingFee).toBe(d('2400'));
    expect(tier1.closingFee).toBe(d('300'));
    expect(tier1.initialMargin).toBe(d('6000'));
    // One lot more: 600,006 USDT, all of it at tier 2's 0.5 % and 1.5 % (no maintenance amount).
    const tier2 = at('1000.01');
    expect(tier2.maintenanceMargin - tier2.closingFee).toBe(d('3000.03'));
    expect(tier2.initialMargin).toBe(d('9000.09'));
  });
});

describe('OKX isolated liquidation price', () => {
  it('is OKX\'s "(avgPx × Q ∓ margin) / (Q × (1 ∓ mmr ∓ takerFee))", to the tick', () => {
    fc.assert(
      fc.property(
        decimalArb(20_000, 120_000, 1),
        fc.integer({ min: 1, max: 100_000 }),
        fc.boolean(),
        fc.integer({ min: 2, max: 100 }),
        (entry, hundredths, long, leverage) => {
          const contracts = BigInt(hundredths) * d('0.01');
          if (contracts > d('1000')) return;
          const q = toNumber(contracts) * 0.01;
          const avg = toNumber(entry);
          const margin = (avg * q) / leverage;
          const marginText = margin.toFixed(6);
          const report = assess(
            account({}, [
              position('BTC-USDT-SWAP', `${long ? '' : '-'}${toNumber(contracts)}`, `${avg}`, {
                marginMode: 'isolated',
                isolatedMargin: d(marginText),
              }),
            ]),
            v,
            market({ USDT: '1', BTC: `${avg}` }, { 'BTC-USDT-SWAP': `${avg}` }),
          );
          const m = Number(marginText);
          const rates = 0.004 + 0.0005;
          const okxPrice = long
            ? (avg * q - m) / (q * (1 - rates))
            : (avg * q + m) / (q * (1 + rates));
          const ours = toNumber(report.positions[0]!.liquidationPrice!);
          expect(Math.abs(ours - okxPrice)).toBeLessThanOrEqual(0.1 + okxPrice * 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});
