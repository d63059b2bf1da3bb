import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import type { Position } from '../../src/core/model/account.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, decimalArb, linearPerp, market, venue } from '../kit.ts';

/**
 * Hyperliquid's liquidation price, "Liquidations",
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations :
 *   liq_price = price - side * margin_available / position_size / (1 - l * side)
 *   l = 1 / MAINTENANCE_LEVERAGE; margin_available = account_value - maintenance_margin_required (cross)
 *   or isolated_margin - maintenance_margin_required (isolated).
 * Maintenance leverage is twice the max leverage ("Margin tiers",
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers). Hyperliquid publishes no
 * numeric example, so the formula is the reference, over random books within the first tier.
 */
const hyperliquid = readPreset('hyperliquid');
const perps = ['BTC', 'ETH', 'SOL'].map((coin) =>
  linearPerp(coin, coin, { quote: 'USDC', settle: 'USDC', tickSize: d('0.000001') }),
);
const hlVenue = venue(perps, hyperliquid);
const maintenanceLeverage: Record<string, number> = { BTC: 80, ETH: 50, SOL: 40 };
const marks: Record<string, string> = { BTC: '100000', ETH: '3500', SOL: '180' };

function hyperliquidLiqPrice(
  price: number,
  side: number,
  size: number,
  available: number,
  coin: string,
) {
  const l = 1 / maintenanceLeverage[coin]!;
  return price - (side * available) / size / (1 - l * side);
}

describe('Hyperliquid liquidation price', () => {
  it('isolated long 1 BTC at 100,000 with 10x: 100000 − 8750 / (1 − 1/80) = 91,139.24… (derived)', () => {
    const report = assess(
      account({}, [
        {
          instrument: 'BTC',
          size: d('1'),
          entryPrice: d('100000'),
          marginMode: 'isolated',
          isolatedMargin: d('10000'),
        },
      ]),
      hlVenue,
      market({ USDC: '1' }, { BTC: '100000' }),
    );
    expect(report.positions[0]!.maintenanceMargin).toBe(d('1250'));
    // 91,139.2405063…, rounded up to the 0.000001 tick for a long.
    expect(report.positions[0]!.liquidationPrice).toBe(d('91139.240507'));
  });

  it('matches the published formula for cross books, others held at their marks', () => {
    fc.assert(
      fc.property(
        decimalArb(1_000, 5_000_000, 2),
        fc.tuple(
          decimalArb(-50, 50, 4),
          decimalArb(-2_000, 2_000, 3),
          decimalArb(-50_000, 50_000, 2),
        ),
        fc.tuple(
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: -20, max: 20 }),
        ),
        (usdc, sizes, moves) => {
          const positions: Position[] = perps.flatMap((perp, i) => {
            if (sizes[i] === 0n) return [];
            const mark = d(marks[perp.id]!);
            const entryPrice = mark + (mark * BigInt(moves[i]!)) / 100n;
            return [
              {
                instrument: perp.id,
                size: sizes[i]!,
                entryPrice,
                marginMode: 'cross' as const,
                isolatedMargin: 0n,
              },
            ];
          });
          const withBalance = assess(
            { ...account({}, positions), balances: new Map([['USDC', usdc]]) },
            hlVenue,
            market({ USDC: '1' }, marks),
          );
          const cross = withBalance.buckets[0]!;
          const available = toNumber(cross.equity) - toNumber(cross.maintenanceMargin);
          for (const position of withBalance.positions) {
            const size = Math.abs(toNumber(position.size));
            const side = Math.sign(toNumber(position.size));
            const expected = hyperliquidLiqPrice(
              toNumber(position.markPrice),
              side,
              size,
              available,
              position.instrument,
            );
            if (!(expected > 0)) {
              // No positive root: a long outlasts a fall to zero; a short is past it at every
              // price, which the report gives as the first tick.
              expect(position.liquidationPrice).toBe(side < 0 ? d('0.000001') : null);
              continue;
            }
            expect(Math.abs(toNumber(position.liquidationPrice!) - expected)).toBeLessThanOrEqual(
              1e-6 + expected * 1e-9,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
