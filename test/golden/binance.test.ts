import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { bracketFor, completeBrackets } from '../../src/core/margin/brackets.ts';
import { notional } from '../../src/core/margin/contract-value.ts';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import type { Position } from '../../src/core/model/account.ts';
import type { BracketsRule } from '../../src/core/model/rulebook.ts';
import { abs, SCALE, toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, decimalArb, inversePerp, linearPerp, market, venue } from '../kit.ts';

/**
 * Binance's published figures. Sources (docs/venue-rules.md, "Binance"):
 * - B1: FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
 *   https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
 *   and the BTCUSDT bracket table of Binance's 2021-03-18 announcement.
 * - B2, B3: FAQ "How to Calculate Liquidation Price of COIN-M Futures Contracts",
 *   https://www.binance.com/es/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46 (older text) and
 *   https://www.binance.com/es-MX/support/faq/how-to-calculate-liquidation-price-of-coin-m-futures-contracts-ceccfcfb4e3a45e3b48b0b1bb1a8ae46
 * - B4: Binance Futures Calculator output reported on dev.binance.vision, thread 6292
 *   ("Coin-margined futures liquidation price calculation help").
 * - The cross liquidation-price formula, same FAQs (variables WB, TMM1, UPNL1, cumB, MMRB).
 */
const table = (caps: (string | null)[], leverages: string[], rates: string[]): BracketsRule => ({
  kind: 'brackets',
  brackets: completeBrackets(
    caps.map((cap, i) => ({
      cap: cap === null ? null : d(cap),
      maxLeverage: d(leverages[i]!),
      maintenanceRate: d(rates[i]!),
    })),
  ),
});

const btcusdt2021 = table(
  [
    '50000',
    '250000',
    '1000000',
    '10000000',
    '20000000',
    '50000000',
    '100000000',
    '200000000',
    '300000000',
    null,
  ],
  ['125', '100', '50', '20', '10', '5', '4', '3', '2', '1'],
  ['0.004', '0.005', '0.01', '0.025', '0.05', '0.1', '0.125', '0.15', '0.25', '0.5'],
);

describe('B1: USDⓈ-M maintenance amounts follow from the brackets', () => {
  it('"Maintenance Amount on Level 3 = 250,000 * (1% - 0.5%) + 50 USDT = 1,300 USDT"', () => {
    expect(btcusdt2021.brackets[2]!.maintenanceAmount).toBe(d('1300'));
    expect(btcusdt2021.brackets[1]!.maintenanceAmount).toBe(d('50'));
  });

  it('264,000 USDT is at a 1 % rate; 500,000 USDT has a maintenance amount of 1,300 USDT', () => {
    expect(bracketFor(btcusdt2021.brackets, d('264000')).maintenanceRate).toBe(d('0.01'));
    expect(bracketFor(btcusdt2021.brackets, d('500000')).maintenanceAmount).toBe(d('1300'));
  });

  it("the preset's listed amounts are the ones the recursion gives (checked when it loads)", () => {
    const preset = readPreset('binance-usdm');
    const btc = preset.instruments.get('BTCUSDT') as BracketsRule;
    expect(btc.brackets[1]!.maintenanceAmount).toBe(d('300'));
    expect(btc.brackets[2]!.maintenanceAmount).toBe(d('1500'));
  });
});

describe('B2, B3: COIN-M maintenance amounts and margin', () => {
  const btcusdOld = table(
    ['10', '20', '30', '50', '100', '200', '400', null],
    ['125', '100', '50', '20', '10', '5', '4', '3'],
    ['0.004', '0.005', '0.01', '0.025', '0.05', '0.1', '0.125', '0.15'],
  );

  it('"Level 5 = 50 BTC * (5% -2.5%) + 0.56 BTC = 1.81 BTC"; 300 BTC → 11.81 BTC (older table)', () => {
    expect(btcusdOld.brackets[3]!.maintenanceAmount).toBe(d('0.56'));
    expect(btcusdOld.brackets[4]!.maintenanceAmount).toBe(d('1.81'));
    expect(bracketFor(btcusdOld.brackets, d('300')).maintenanceAmount).toBe(d('11.81'));
    expect(bracketFor(btcusdOld.brackets, d('300')).maintenanceRate).toBe(d('0.125'));
  });

  it('"if the BTCUSD contract position is 300 BTC, the Maintenance Amount would be 11.605 BTC"', () => {
    const preset = readPreset('binance-coinm').instruments.get('BTCUSD_PERP') as BracketsRule;
    expect(bracketFor(preset.brackets, d('300')).maintenanceAmount).toBe(d('11.605'));
  });

  it('"100 * 100 / 25,000 = 0.4 BTC … Maintenance Margin = … 0.0016 BTC"', () => {
    const rule = readPreset('binance-coinm').instruments.get('BTCUSD_PERP')!;
    const perp = inversePerp('BTCUSD_PERP', 'BTC');
    expect(notional(perp, d('100'), d('25000'))).toBe(d('0.4'));
    expect(requirement(perp, rule, 'maintenance', d('100'), d('25000'), undefined)).toBe(
      d('0.0016'),
    );
  });
});

describe('B4: COIN-M cross liquidation price (Binance Calculator)', () => {
  it('wallet 101 BTC, long 100,000 contracts at 45,000 → 33,599.40 (to the 0.1 tick)', () => {
    const coinm = readPreset('binance-coinm');
    const perp = inversePerp('BTCUSD_PERP', 'BTC');
    const report = assess(
      account({ BTC: '101' }, [
        {
          instrument: 'BTCUSD_PERP',
          size: d('100000'),
          entryPrice: d('45000'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ]),
      venue([perp], coinm),
      market({ BTC: '45000' }, { BTCUSD_PERP: '45000' }),
    );
    const price = report.positions[0]!.liquidationPrice!;
    // Exact root 33,599.42…; a long's price is rounded up to the tick, so 33,599.5.
    expect(price).toBe(d('33599.5'));
    expect(abs(price - d('33599.40'))).toBeLessThanOrEqual(d('0.1'));
  });
});

/**
 * Binance's one-way cross formula, written from the FAQ as a reference, with its bracket re-check:
 *   LP = (WB − TMM1 + UPNL1 + cumB − Side·Pos·EP) / (Pos·MMRB − Side·Pos)   (USDⓈ-M)
 *   LP = (Pos·CS·MMRB + Side·Pos·CS) / (WB − TMM1 + UPNL1 + cumB + Side·Pos·CS/EP)   (COIN-M)
 * in float64: a reference to compare with, not a second engine.
 */
function binanceLiquidationPrice(
  inverse: boolean,
  rule: BracketsRule,
  base: number,
  entry: number,
  wb: number,
  tmm1: number,
  upnl1: number,
): number | null {
  const side = Math.sign(base);
  const pos = Math.abs(base);
  const solveWith = (bracket: BracketsRule['brackets'][number]) => {
    const mmr = toNumber(bracket.maintenanceRate);
    const cum = toNumber(bracket.maintenanceAmount);
    return inverse
      ? (pos * mmr + side * pos) / (wb - tmm1 + upnl1 + cum + (side * pos) / entry)
      : (wb - tmm1 + upnl1 + cum - side * pos * entry) / (pos * mmr - side * pos);
  };
  // The FAQ: compute with the bracket of the current notional; if the notional at the result is in
  // another bracket, recompute with that one. Where that chase would cycle, the bracket that holds
  // its own result is the one it is looking for; trying each in turn finds it.
  // A linear short with no positive root even in the first bracket is past it at every price.
  const first = solveWith(rule.brackets[0]!);
  if (!inverse && side < 0 && Number.isFinite(first) && first <= 0) return 0;
  for (const bracket of rule.brackets) {
    const lp = solveWith(bracket);
    if (!(lp > 0) || !Number.isFinite(lp)) continue;
    const notionalAtLp = inverse ? pos / lp : pos * lp;
    const floor = toNumber(bracket.floor);
    const cap = bracket.cap === null ? Infinity : toNumber(bracket.cap);
    if (notionalAtLp >= floor * (1 - 1e-12) && notionalAtLp <= cap * (1 + 1e-12)) return lp;
  }
  return null;
}

describe("cross liquidation price matches Binance's formula, others held at their marks", () => {
  const usdm = readPreset('binance-usdm');
  const perps = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map((id) =>
    linearPerp(id, id.replace('USDT', ''), { tickSize: d('0.0001') }),
  );
  const usdmVenue = venue(perps, usdm);

  it('USDⓈ-M: three positions, random sizes, entries and wallet balance', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        decimalArb(1_000, 3_000_000, 2),
        fc.tuple(decimalArb(-60, 60, 3), decimalArb(-800, 800, 2), decimalArb(-20_000, 20_000, 1)),
        fc.tuple(
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: -20, max: 20 }),
          fc.integer({ min: -20, max: 20 }),
        ),
        (wallet, sizes, moves) => {
          const marks = [d('65000'), d('3200'), d('150')];
          const positions: Position[] = perps.flatMap((perp, i) => {
            if (sizes[i] === 0n) return [];
            const entryPrice = marks[i]! + (marks[i]! * BigInt(moves[i]!)) / 100n;
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
          const mkt = market({ USDT: '1' }, { BTCUSDT: '65000', ETHUSDT: '3200', SOLUSDT: '150' });
          const acct = {
            id: 'x',
            balances: new Map([['USDT', wallet]]),
            positions,
            openOrders: [],
          };
          const report = assess(acct, usdmVenue, mkt);
          for (const mine of report.positions) {
            const others = report.positions.filter((p) => p !== mine);
            const tmm1 = others.reduce((sum, p) => sum + toNumber(p.maintenanceMargin), 0);
            const upnl1 = others.reduce((sum, p) => sum + toNumber(p.unrealisedPnlValue), 0);
            const expected = binanceLiquidationPrice(
              false,
              usdm.instruments.get(mine.instrument) as BracketsRule,
              toNumber(mine.size),
              toNumber(mine.entryPrice),
              toNumber(wallet),
              tmm1,
              upnl1,
            );
            if (expected === null) {
              expect(mine.liquidationPrice).toBeNull();
              continue;
            }
            if (expected === 0) {
              // Every price liquidates it: the report gives the first tick.
              expect(mine.liquidationPrice).toBe(d('0.0001'));
              compared += 1;
              continue;
            }
            expect(mine.liquidationPrice).not.toBeNull();
            const got = toNumber(mine.liquidationPrice!);
            // One tick of rounding toward the mark, plus float64 noise in the reference.
            expect(Math.abs(got - expected)).toBeLessThanOrEqual(0.0001 + expected * 1e-9);
            compared += 1;
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it('COIN-M: an inverse position in a BTC wallet, with the bracket re-check', () => {
    const coinm = readPreset('binance-coinm');
    const perp = inversePerp('BTCUSD_PERP', 'BTC', { tickSize: d('0.0001') });
    const rule = coinm.instruments.get('BTCUSD_PERP') as BracketsRule;
    fc.assert(
      fc.property(
        decimalArb(0.1, 500, 4),
        fc.integer({ min: -400_000, max: 400_000 }).filter((n) => n !== 0),
        fc.integer({ min: -20, max: 20 }),
        (wallet, contracts, move) => {
          const entry = 45000 * (1 + move / 100);
          const report = assess(
            {
              id: 'x',
              balances: new Map([['BTC', wallet]]),
              positions: [
                {
                  instrument: perp.id,
                  size: BigInt(contracts) * SCALE,
                  entryPrice: d(entry.toFixed(2)),
                  marginMode: 'cross',
                  isolatedMargin: 0n,
                },
              ],
              openOrders: [],
            },
            venue([perp], coinm),
            market({ BTC: '45000' }, { BTCUSD_PERP: '45000' }),
          );
          const expected = binanceLiquidationPrice(
            true,
            rule,
            contracts * 100,
            Number(entry.toFixed(2)),
            toNumber(wallet),
            0,
            0,
          );
          const got = report.positions[0]!.liquidationPrice;
          if (expected === null) {
            expect(got).toBeNull();
          } else {
            expect(Math.abs(toNumber(got!) - expected)).toBeLessThanOrEqual(
              0.0001 + expected * 1e-9,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
