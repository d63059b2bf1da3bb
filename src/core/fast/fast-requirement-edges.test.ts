import { describe, expect, it } from 'vitest';
import { account, d, linearPerp, market, position, rulebook, venue } from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import { toNumber } from '../num/fixed.ts';
import {
  accountInitialMargin,
  figureCount,
  initialNearEdge,
  magnitude,
  maintenanceNearEdge,
} from './fast-figures.ts';
import { marginAccount } from './fast-margin.ts';
import { bracketOf, requirementIn } from './fast-requirement.ts';
import {
  buildRiskBook,
  type RiskBook,
  ruleBrackets,
  ruleOptionStandard,
  rulePremiumStepped,
} from './risk-book.ts';

/**
 * fast-requirement.ts at its edges, on a hand-made book of the columns it reads: a bracket
 * table's near-edge flag exactly at the band's width and away from it, a size of zero, an option's
 * contract size and underlying at zero, a put's maintenance floor, a stepped premium's band.
 * Figures are worked by hand; the band is `fastTolerance` (1e-9) of the notional, and
 * 1e9 × 1e-9 is exactly 1 in float64, so a cap 1 away from a notional of 1e9 sits on the band.
 */
interface Leg {
  caps: number[];
  initialRates?: number[];
  maintenanceRates?: number[];
  amounts?: number[];
  kind?: number;
  option?: number;
  strike?: number;
  contractSize?: number;
  coinPremium?: number;
  factor?: number;
  baseline?: number;
  step?: number;
}

/** Asset 0 is the settle asset (price 1, no unit), asset 1 the underlying at `underlying`. */
function bookOf(legs: Leg[], underlying = 50_000): RiskBook {
  const col = (f: (l: Leg) => number) => Float64Array.from(legs.map(f));
  const starts: number[] = [];
  let at = 0;
  for (const l of legs) {
    starts.push(at);
    at += l.caps.length;
  }
  const rows = (f: (l: Leg) => number[] | undefined, fill: number) =>
    Float64Array.from(legs.flatMap((l) => f(l) ?? l.caps.map(() => fill)));
  return {
    contractSize: col((l) => l.contractSize ?? 1),
    option: Uint8Array.from(legs.map((l) => l.option ?? 0)),
    coinPremium: Uint8Array.from(legs.map((l) => l.coinPremium ?? 0)),
    strike: col((l) => l.strike ?? 0),
    inverse: new Uint8Array(legs.length),
    marginAtIndex: new Uint8Array(legs.length),
    tierByContracts: new Uint8Array(legs.length),
    underlyingAsset: Int32Array.from(legs.map(() => 1)),
    settleAsset: new Int32Array(legs.length),
    ruleKind: Uint8Array.from(legs.map((l) => l.kind ?? ruleBrackets)),
    bracketStart: Int32Array.from(starts),
    bracketEnd: Int32Array.from(starts.map((s, k) => s + legs[k]!.caps.length)),
    bracketCap: Float64Array.from(legs.flatMap((l) => l.caps)),
    bracketInitialRate: rows((l) => l.initialRates, 0.1),
    bracketMaintenanceRate: rows((l) => l.maintenanceRates, 0.05),
    bracketAmount: rows((l) => l.amounts, 0),
    premiumFactor: col((l) => l.factor ?? 0),
    premiumBaseline: col((l) => l.baseline ?? 0),
    premiumStep: col((l) => l.step ?? 1),
    premiumInitialOnly: new Uint8Array(legs.length),
    openInterest: new Float64Array(legs.length),
    openInterestLowerCap: col(() => Number.POSITIVE_INFINITY),
    openInterestUpperCap: col(() => Number.POSITIVE_INFINITY),
    price: Float64Array.from([1, underlying]),
    unit: Float64Array.from([0, 0]),
  } as unknown as RiskBook;
}

function flags(out: Float64Array) {
  return { initial: out[initialNearEdge] === 1, maintenance: out[maintenanceNearEdge] === 1 };
}

function bracketFlags(book: RiskBook, i: number, notional: number, maintenance: boolean) {
  const out = new Float64Array(16);
  const b = bracketOf(book, i, notional, out, maintenance);
  return { b, ...flags(out) };
}

const inf = Number.POSITIVE_INFINITY;

describe('a bracket table near and away from its edges', () => {
  it('a cap exactly the band (1) above a notional of 1e9 is near: flagged', () => {
    const book = bookOf([{ caps: [1e9 + 1, inf] }]);
    expect(bracketFlags(book, 0, 1e9, true)).toEqual({ b: 0, initial: true, maintenance: true });
  });

  it('a floor exactly the band (1) below a notional of 1e9 is near: flagged', () => {
    const book = bookOf([{ caps: [1e9 - 1, inf] }]);
    expect(bracketFlags(book, 0, 1e9, true)).toEqual({ b: 1, initial: true, maintenance: true });
  });

  it('a notional far from both edges of its bracket is not flagged', () => {
    const book = bookOf([{ caps: [1_000, 1_000_000, inf] }]);
    expect(bracketFlags(book, 0, 500_000, true)).toEqual({
      b: 1,
      initial: false,
      maintenance: false,
    });
  });

  it("the first bracket of a later leg is not held against the previous leg's unbounded cap", () => {
    // Leg 1's rows start at 2; row 1 is leg 0's last, unbounded: no edge of leg 1's.
    const book = bookOf([{ caps: [1_000, inf] }, { caps: [1_000_000, inf] }]);
    expect(bracketFlags(book, 1, 500, true)).toEqual({ b: 2, initial: false, maintenance: false });
  });

  it("past a bounded last bracket (the venue's position limit) there is no edge: not flagged", () => {
    const book = bookOf([{ caps: [1_000, 1_000_000] }]);
    expect(bracketFlags(book, 0, 5_000_000, true)).toEqual({
      b: 1,
      initial: false,
      maintenance: false,
    });
  });

  it('only the initial figure is flagged where the maintenance one is not asked for', () => {
    const book = bookOf([{ caps: [1e9 + 1, inf] }]);
    expect(bracketFlags(book, 0, 1e9, false)).toEqual({ b: 0, initial: true, maintenance: false });
  });
});

describe('requirementIn at a size of zero', () => {
  it('no position asks for nothing, not minus the bracket amount', () => {
    const book = bookOf([{ caps: [inf], amounts: [1_000] }]);
    expect(requirementIn(book, 0, 0, 0, 0, 50_000, 0, false, new Float64Array(16))).toBe(0);
  });
});

describe('an option on the fast path', () => {
  // The standard rule: initial max(15 % − OTM, 10 %), maintenance 7.5 %, margin factor 1; a put's
  // initial rate at least its maintenance one.
  const option = (o: Partial<Leg>): Leg => ({
    caps: [inf],
    kind: ruleOptionStandard,
    initialRates: [0.15],
    maintenanceRates: [0.075],
    factor: 0.1,
    baseline: 1,
    ...o,
  });

  it('a short call of 4 contracts of 0.1 coin at mark 0.02: MM 0.075 × 0.4 + 0.4 × 0.02', () => {
    const book = bookOf([option({ option: 1, strike: 60_000, contractSize: 0.1, coinPremium: 1 })]);
    const got = requirementIn(book, 0, 0, -4, 0.4, 0.02, 0, false, new Float64Array(16));
    expect(got).toBeCloseTo(0.075 * 0.4 + 0.4 * 0.02, 15);
  });

  it('a short put with the underlying at zero: in the money by everything, IM 15 % + mark', () => {
    const book = bookOf([option({ option: 2, strike: 60_000, coinPremium: 1 })], 0);
    const got = requirementIn(book, 0, 0, -1, 1, 0.5, 0, true, new Float64Array(16));
    expect(got).toBeCloseTo(0.15 + 0.5, 15);
  });

  it("a put's initial rate is held up to its maintenance rate (12 % over the 10 % floor)", () => {
    // Index 50,000, strike 45,000: 10 % out of the money, 15 % − 10 % floored at 10 %, then 12 %.
    const book = bookOf([
      option({ option: 2, strike: 45_000, coinPremium: 1, maintenanceRates: [0.12] }),
    ]);
    const got = requirementIn(book, 0, 0, -1, 1, 0.01, 0, true, new Float64Array(16));
    expect(got).toBeCloseTo(0.12 + 0.01, 15);
  });

  it('a call is not: the 10 % floor stands under a 12 % maintenance rate', () => {
    const book = bookOf([
      option({ option: 1, strike: 55_000, coinPremium: 1, maintenanceRates: [0.12] }),
    ]);
    const got = requirementIn(book, 0, 0, -1, 1, 0.01, 0, true, new Float64Array(16));
    expect(got).toBeCloseTo(0.1 + 0.01, 15);
  });
});

describe("a stepped premium's step count against its band", () => {
  // Initial rate 1 %, +0.5 % per step; the requirement is on a notional of 1 (the rate itself).
  const stepped = (baseline: number, step: number): Leg => ({
    caps: [inf],
    kind: rulePremiumStepped,
    initialRates: [0.01],
    factor: 0.005,
    baseline,
    step,
  });
  const premium = (leg: Leg, size: number) => {
    const out = new Float64Array(16);
    const got = requirementIn(bookOf([leg]), 0, 0, size, 1, 1, 0, true, out);
    return { got, flagged: out[initialNearEdge] === 1 };
  };

  it('2.5 steps, far from a whole count: three steps, not flagged', () => {
    const got = premium(stepped(0, 1), 2.5);
    expect(got.got).toBeCloseTo(0.01 + 3 * 0.005, 15);
    expect(got.flagged).toBe(false);
  });

  it('1e-10 steps of 0.1 past a whole count is within the band (3e-9 steps): flagged', () => {
    // 0.30000000001 / 0.1 = 3.0000000001: the band is (0.3 × 1e-9 + 1e-18) / 0.1 steps.
    const got = premium(stepped(0, 0.1), 0.3 + 1e-11);
    expect(got.got).toBeCloseTo(0.01 + 4 * 0.005, 15);
    expect(got.flagged).toBe(true);
  });

  it("a size of 1e-10 in steps of 1e-10: one step exactly, flagged on the exact path's 1e-18", () => {
    const got = premium(stepped(0, 1e-10), 1e-10);
    expect(got.got).toBeCloseTo(0.01 + 0.005, 15);
    expect(got.flagged).toBe(true);
  });

  it('a count exactly the band (0.25 step) from a whole one is flagged', () => {
    // size + baseline = 1e9, so the band is (1 + 1e-18) / 4 = 0.25; size − baseline = 4n + 1.
    const got = premium(stepped(299_999_999.5, 4), 700_000_000.5);
    expect(got.got).toBeCloseTo(0.01 + 100_000_001 * 0.005, 6);
    expect(got.flagged).toBe(true);
  });

  it('a size one whole step below the baseline: the base rate, no edge to flag', () => {
    const got = premium(stepped(2, 1), 1);
    expect(got.got).toBe(0.01);
    expect(got.flagged).toBe(false);
  });

  it('a size 1.5 steps below the baseline: the base rate, not a step less', () => {
    const got = premium(stepped(2, 1), 0.5);
    expect(got.got).toBe(0.01);
    expect(got.flagged).toBe(false);
  });
});

describe('a stepped premium whose float step count lands past a whole one, on both paths', () => {
  it('0.0015 BTC in steps of 0.0003: 5 steps exactly, 5.000000000000001 in float: flagged', () => {
    // The float error (8.9e-16 steps) is within the band (5e-9 steps) but above the band's own
    // 1e-9 × 0.0015 × 0.0003: the band must be divided by the step, not multiplied. Unflagged,
    // the fast figure would be a whole step (1 % of 75 USDT) above the exact one.
    const rule = {
      kind: 'size-premium' as const,
      initialRate: d('0.01'),
      maintenanceRate: d('0.005'),
      premium: {
        curve: 'stepped' as const,
        baselineSize: d('0'),
        stepSize: d('0.0003'),
        ratePerStep: d('0.01'),
        appliesTo: 'both' as const,
      },
    };
    const v = venue(
      [linearPerp('BTC-USDT', 'BTC', { sizeStep: d('0.0001') })],
      rulebook({ 'BTC-USDT': rule }),
    );
    const m = market({ USDT: '1', BTC: '50000' }, { 'BTC-USDT': '50000' });
    const a = account({ USDT: '1000' }, [position('BTC-USDT', '0.0015', '50000')]);
    const exactInitial = toNumber(assess(a, v, m).initialMargin);
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], v, m), 0, out);
    expect(exactInitial).toBe(4.5);
    const flagged = out[initialNearEdge] === 1;
    const band = out[magnitude]! * 1e-9 + 1e-9;
    expect(flagged || Math.abs(out[accountInitialMargin]! - exactInitial) <= band).toBe(true);
    expect(flagged).toBe(true);
  });
});
