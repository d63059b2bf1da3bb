import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import { maxOrderSize, verdict } from '../../src/core/margin/what-if.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import type { BracketsRule, Rulebook } from '../../src/core/model/rulebook.ts';
import { formatFixed, SCALE, toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { Reader } from '../../src/shell/import/reader.ts';
import { readRulebook } from '../../src/shell/import/rulebook-file.ts';
import {
  account,
  d,
  decimalArb,
  inversePerp,
  linearPerp,
  market,
  position,
  venue,
} from '../kit.ts';

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
const okxJson = JSON.parse(readFileSync('rulebooks/okx-swap.json', 'utf8'));
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

/**
 * OKX's tiers as its announcements print them: tiers 1-3, then "Tier 4: Increase by N conts from
 * the previous tier | Increase by 0.5% from the previous tier | Increase by 0.5% from the previous
 * tier | Max. leverage of the tier".
 * - ADAUSD Perpetual (coin-margined) and ADAUSDT Perpetual, after the change: OKX Help, "OKX to
 *   adjust position tiers of perpetual swaps and futures", 2023-10-27 (effective 2023-10-31),
 *   https://www.okx.com/help/okx-to-adjust-position-tiers-of-perpetual-swaps-and-futures-2023-10-27
 * - BTCUSD Perpetual (coin-margined), after the change: the same title, 2023-06-09 (effective
 *   2023-06-15), okx.com/help/okx-to-adjust-position-tiers-of-perpetual-swaps-and-futures-2023-06-09,
 *   read on an OKX mirror (chouyi.tv/nl/help/…-2023-06-09).
 * Tiers 4 on are not printed: they are derived here by OKX's printed rule, and each figure below
 * says which it is. BTC-USD-SWAP's contract value is OKX's ctVal, 100 USD (settled in BTC).
 */
const printed = (rule: BracketsRule, tiers: number) =>
  rule.brackets
    .slice(0, tiers)
    .map((b) =>
      [b.cap!, b.maintenanceRate, b.initialRate!, b.maxLeverage].map(formatFixed).join(' | '),
    );
const rules = (id: string) => okx.instruments.get(id) as BracketsRule;

describe("OKX's position tiers as its announcements print them", () => {
  it('BTCUSD Perpetual: tiers 1-3 as printed (2023-06-09)', () => {
    // Max. amount (Cont) | MMR | min. IMR | max. leverage
    expect(printed(rules('BTC-USD-SWAP'), 3)).toEqual([
      '2000 | 0.004 | 0.008 | 125',
      '5000 | 0.005 | 0.01 | 100',
      '20000 | 0.0075 | 0.015 | 66.66',
    ]);
  });

  it('ADAUSD and ADAUSDT Perpetual: tiers 1-3 as printed (2023-10-27)', () => {
    const ada = [
      '1500 | 0.005 | 0.02 | 50',
      '3000 | 0.0075 | 0.025 | 40',
      '6000 | 0.01 | 0.03 | 33.33',
    ];
    expect(printed(rules('ADA-USD-SWAP'), 3)).toEqual(ada);
    expect(printed(rules('ADA-USDT-SWAP'), 3)).toEqual(ada);
  });

  it("tiers 4-7 derived by OKX's printed rule: + 20,000 conts, + 0.5 % MMR and IMR", () => {
    // Max. leverage of the tier: 1 / IMR, cut to 0.01 as OKX prints tier 3's 66.66 for 1.5 %.
    expect(printed(rules('BTC-USD-SWAP'), 7).slice(3)).toEqual([
      '40000 | 0.0125 | 0.02 | 50',
      '60000 | 0.0175 | 0.025 | 40',
      '80000 | 0.0225 | 0.03 | 33.33',
      '100000 | 0.0275 | 0.035 | 28.57',
    ]);
    expect(printed(rules('ADA-USD-SWAP'), 5).slice(3)).toEqual([
      '12000 | 0.015 | 0.035 | 28.57',
      '18000 | 0.02 | 0.04 | 25',
    ]);
  });

  it('OKX states no last tier: the rule runs to 100 % IMR (1×), whose cap is the limit', () => {
    // Derived: 1.5 % + 197 × 0.5 % = 100 % at tier 200, 20,000 + 197 × 20,000 contracts.
    const btc = rules('BTC-USD-SWAP').brackets;
    expect(btc).toHaveLength(200);
    expect(printed(rules('BTC-USD-SWAP'), 200).at(-1)).toBe('3960000 | 0.9925 | 1 | 1');
  });
});

/** BTC-USD-SWAP: 100 USD a contract, settled in BTC (OKX's ctVal, ctValCcy USD). */
const coinSwap = inversePerp('BTC-USD-SWAP', 'BTC', { contractSize: d('100'), sizeStep: SCALE });
const coinVenue = venue([coinSwap], okx);

describe('OKX coin-margined requirements, in BTC', () => {
  const rule = rules('BTC-USD-SWAP');
  const inBtc = (contracts: string, mark: string) => ({
    maintenance: requirement(coinSwap, rule, 'maintenance', d(contracts), d(mark), undefined),
    initial: requirement(coinSwap, rule, 'initial', d(contracts), d(mark), undefined),
  });
  const report = (contracts: string, mark: string) =>
    assess(
      account({ BTC: '1000' }, [position('BTC-USD-SWAP', contracts, mark)]),
      coinVenue,
      market({ BTC: mark }, { 'BTC-USD-SWAP': mark }),
    ).positions[0]!;

  it('tier 1, 1,000 contracts at 50,000: value 2 BTC, MM 0.008, fee 0.001, IM 0.016', () => {
    // OKX: position value = face value × contracts / mark = 100 × 1,000 / 50,000 = 2 BTC.
    expect(inBtc('1000', '50000')).toEqual({ maintenance: d('0.008'), initial: d('0.016') });
    const tier1 = report('1000', '50000');
    expect(tier1.notional).toBe(d('2'));
    // The report values them in USD: (0.008 + the 0.05 % fee, 0.001) × 50,000, and 0.016 × 50,000.
    expect(tier1.maintenanceMargin).toBe(d('450'));
    expect(tier1.closingFee).toBe(d('50'));
    expect(tier1.initialMargin).toBe(d('800'));
  });

  it('tier 3, 15,000 contracts short at 50,000: 30 BTC at 0.75 % and 1.5 %', () => {
    expect(inBtc('-15000', '50000')).toEqual({ maintenance: d('0.225'), initial: d('0.45') });
  });

  it('tier 6 (derived by the rule), 70,000 contracts: 140 BTC at 2.25 % and 3 %', () => {
    expect(inBtc('70000', '50000')).toEqual({ maintenance: d('3.15'), initial: d('4.2') });
    // Tier 5's cap, 60,000 contracts (120 BTC), is still tier 5: 1.75 % and 2.5 %.
    expect(inBtc('60000', '50000')).toEqual({ maintenance: d('2.1'), initial: d('3') });
  });

  it('an inexact value rounds every requirement up, by less than 3 units of 1e-18 BTC', () => {
    // 1,000 × 100 / 67,123.4 = 1.48979…; MM 0.4 % and IM 0.8 % of it.
    const mark = d('67123.4');
    const { maintenance, initial } = inBtc('1000', '67123.4');
    // requirement × mark against 100,000 USD × rate, exactly, at the fixed-point scale.
    const over = (req: bigint, rate: string) => req * mark - 100_000n * d(rate) * SCALE;
    for (const [req, rate] of [
      [maintenance, '0.004'],
      [initial, '0.008'],
    ] as const) {
      expect(over(req, rate) >= 0n).toBe(true);
      expect(over(req - 3n, rate) < 0n).toBe(true);
    }
    // 2,000 / 335,617 and 4,000 / 335,617 BTC exactly, rounded up at the 18th place.
    expect(formatFixed(maintenance)).toBe('0.005959173700974623');
    expect(formatFixed(initial)).toBe('0.011918347401949246');
  });
});

describe('OKX coin-margined isolated liquidation price', () => {
  it("is OKX's isolated coin-margined rule, equity = (MMR + fee) × face × Q / P, to the tick", () => {
    // long:  P = F·Q·(1 + mmr + fee) / (margin + F·Q / entry)
    // short: P = F·Q·(1 − mmr − fee) / (F·Q / entry − margin), inputs drawn at random.
    fc.assert(
      fc.property(
        decimalArb(20_000, 120_000, 1),
        fc.integer({ min: 1, max: 2_000 }),
        fc.boolean(),
        fc.integer({ min: 2, max: 100 }),
        (entry, contracts, long, leverage) => {
          const avg = toNumber(entry);
          const face = 100 * contracts;
          const margin = Number((face / avg / leverage).toFixed(8));
          const report = assess(
            account({}, [
              position('BTC-USD-SWAP', `${long ? '' : '-'}${contracts}`, `${avg}`, {
                marginMode: 'isolated',
                isolatedMargin: d(margin.toFixed(8)),
              }),
            ]),
            coinVenue,
            market({ BTC: `${avg}` }, { 'BTC-USD-SWAP': `${avg}` }),
          );
          const rates = 0.004 + 0.0005;
          const okxPrice = long
            ? (face * (1 + rates)) / (margin + face / avg)
            : (face * (1 - rates)) / (face / avg - margin);
          const ours = toNumber(report.positions[0]!.liquidationPrice!);
          expect(Math.abs(ours - okxPrice)).toBeLessThanOrEqual(0.1 + okxPrice * 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("OKX's last tier is its position limit", () => {
  const prices = marketView(market({ BTC: '50000' }, { 'BTC-USD-SWAP': '50000' }));
  const flat = account({ BTC: '1000000' }, []);
  const buy = (size: string) =>
    ({
      kind: 'order',
      instrument: 'BTC-USD-SWAP',
      side: 'buy',
      size: d(size),
      price: d('50000'),
    }) as const;

  it('without a stated last tier, an order past tier 200 (3,960,000 contracts) fails', () => {
    expect(verdict(flat, coinVenue, prices, buy('3960000'))).toBe('accepted');
    expect(verdict(flat, coinVenue, prices, buy('3960001'))).toBe('position_limit_exceeded');
  });

  it('with tiersMax 5 (a user file): the limit is 60,000 contracts, derived', () => {
    const doc = JSON.parse(JSON.stringify(okxJson));
    doc.instruments['BTC-USD-SWAP'].continued.tiersMax = '5';
    const reader = new Reader(doc, '');
    const book: Rulebook = readRulebook(reader);
    expect(reader.issues).toEqual([]);
    const capped = venue([coinSwap], book);
    expect(verdict(flat, capped, prices, buy('60000'))).toBe('accepted');
    expect(verdict(flat, capped, prices, buy('60001'))).toBe('position_limit_exceeded');
    expect(maxOrderSize(flat, capped, prices, 'BTC-USD-SWAP', 'sell', d('50000'))).toBe(d('60000'));
  });
});
