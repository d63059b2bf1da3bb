/**
 * xmargin's side of the peer benchmark: the same portfolios through the engine's `assess`.
 *
 * run.ts imports this module dynamically, so when the engine's API moves and this file no longer
 * loads or runs, the peers' figures and timings are still printed with "xmargin: not wired (…)".
 * Whoever changes `assess` or the core model keeps these two functions in step.
 *
 * The shared rulebook in xmargin's terms (see portfolios.ts):
 *   - each perp: a linear perpetual, contract size 1, settled in USDC, margined by one unbounded
 *     bracket { initialRate, maintenanceRate, maintenanceAmount 0 } (no size premium);
 *   - each asset: one unbounded collateral tier { initialWeight, maintenanceWeight } and its
 *     liability weights; USDC at price 1 with every weight 1;
 *   - every position cross-margined, no open orders.
 * Figures compared with the peers:
 *   initial health     = initialEquity − initialMargin  (Drift free collateral, Mango init health)
 *   maintenance health = equity − maintenanceMargin      (Mango maint health)
 */
import {
  crossEquity,
  crossInitialEquity,
  crossInitialMargin,
  crossMaintenanceMargin,
  figureCount,
  marginAccount,
} from '../src/core/fast/fast-margin.ts';
import { LiveBook } from '../src/core/fast/live-book.ts';
import { buildRiskBook, type RiskBook } from '../src/core/fast/risk-book.ts';
import { assess } from '../src/core/margin/assess.ts';
import { completeBrackets } from '../src/core/margin/brackets.ts';
import { type BucketRisk, bucketRisk } from '../src/core/margin/bucket-risk.ts';
import type { RiskReport } from '../src/core/margin/risk-report.ts';
import type { Account } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import type { Instrument } from '../src/core/model/instrument.ts';
import type { Market } from '../src/core/model/market.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { CollateralRule, MarginRule } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { fixed, ONE, toNumber } from '../src/core/num/fixed.ts';
import { ratioCeil } from '../src/core/num/rounding.ts';
import type { Portfolio } from './portfolios.ts';

export interface XmarginSide {
  readonly account: Account;
  readonly venue: Venue;
  readonly market: Market;
}

export interface XmarginFigures {
  readonly initialEquity: number;
  readonly initialMargin: number;
  readonly equity: number;
  readonly maintenanceMargin: number;
  readonly initialHealth: number;
  readonly maintenanceHealth: number;
}

/** The engine's inputs for one portfolio: built once, outside the timed loop (as for the peers). */
export function xmarginSide(p: Portfolio): XmarginSide {
  const collateral = new Map<string, CollateralRule>();
  const assetPrices = new Map<string, bigint>();
  const balances = new Map<string, bigint>();
  for (const a of p.assets) {
    collateral.set(a.symbol, {
      tiers: [
        {
          upTo: null,
          initialWeight: fixed(a.initialAssetWeight),
          maintenanceWeight: fixed(a.maintenanceAssetWeight),
        },
      ],
      liabilityInitialWeight: fixed(a.initialLiabilityWeight),
      liabilityMaintenanceWeight: fixed(a.maintenanceLiabilityWeight),
    });
    assetPrices.set(a.symbol, fixed(a.price));
    balances.set(a.symbol, fixed(a.balance));
  }
  const instruments = new Map<string, Instrument>();
  const rules = new Map<string, MarginRule>();
  const markPrices = new Map<string, bigint>();
  for (const q of p.perps) {
    instruments.set(q.symbol, {
      id: q.symbol,
      kind: 'perpetual',
      settlement: 'linear',
      underlying: q.symbol.replace(/-PERP$/, ''),
      quote: 'USDC',
      settle: 'USDC',
      contractSize: fixed('1'),
      tickSize: fixed('0.001'),
      sizeStep: fixed('0.001'),
    });
    const initialRate = fixed(q.initialRate);
    rules.set(q.symbol, {
      kind: 'brackets',
      brackets: completeBrackets([
        {
          cap: null,
          maxLeverage: ratioCeil(ONE, initialRate),
          maintenanceRate: fixed(q.maintenanceRate),
          initialRate,
        },
      ]),
    });
    markPrices.set(q.symbol, fixed(q.markPrice));
  }
  const venue: Venue = {
    instruments,
    rulebook: {
      id: 'peer-bench',
      name: 'Drift ∩ Mango',
      crossPool: 'unified',
      collateral,
      instruments: rules,
    },
  };
  const account: Account = {
    id: `portfolio-${p.id}`,
    balances,
    positions: p.perps.map((q) => ({
      instrument: q.symbol,
      size: fixed(q.size),
      entryPrice: fixed(q.entryPrice),
      marginMode: 'cross' as const,
      isolatedMargin: 0n,
    })),
    openOrders: [],
  };
  return { account, venue, market: { assetPrices, markPrices } };
}

/** One account's full assessment (timed): xmargin's whole risk report, more than the peers give. */
export function xmarginRaw(side: XmarginSide): RiskReport {
  return assess(side.account, side.venue, side.market);
}

/**
 * Only what the peers compute (equity, initial and maintenance margin per bucket), without the
 * report's per-position extras (liquidation prices): an apples-to-apples row, for information.
 */
export function xmarginRiskOnly(side: XmarginSide): BucketRisk[] {
  const prices = marketView(side.market);
  return bucketsOf(side.account, side.venue).map((b) => bucketRisk(side.venue, b, prices));
}

/** The same, in USD. */
export function xmarginAssess(side: XmarginSide): XmarginFigures {
  const report = xmarginRaw(side);
  const cross = report.buckets[0]!;
  return {
    initialEquity: toNumber(cross.initialEquity),
    initialMargin: toNumber(cross.initialMargin),
    equity: toNumber(cross.equity),
    maintenanceMargin: toNumber(cross.maintenanceMargin),
    initialHealth: toNumber(cross.initialEquity - cross.initialMargin),
    maintenanceHealth: toNumber(cross.equity - cross.maintenanceMargin),
  };
}

/**
 * The fast path's inputs: the account compiled once into a RiskBook (float64 columns), as a venue
 * keeps its book between ticks. Building it is not timed, like the peers' own account structures;
 * run.ts times the build separately.
 */
/**
 * Issue 9 (d): the account in a live book (live-book.ts), as the engine holds it, and the account
 * after a fill (its first position a tenth larger, its first balance less a fee), so each timed
 * call is a fill: the account's rows rewritten in place and re-margined, its figures summed.
 */
export interface XmarginLiveSide {
  readonly live: LiveBook;
  readonly versions: readonly [Account, Account];
  turn: number;
  readonly out: Float64Array;
}

export function xmarginLiveSide(side: XmarginSide): XmarginLiveSide {
  const { account } = side;
  const [asset, balance] = [...account.balances][0]!;
  const filled: Account = {
    ...account,
    balances: new Map([...account.balances, [asset, balance - balance / 1000n]]),
    positions: account.positions.map((p, k) =>
      k === 0 ? { ...p, size: p.size + p.size / 10n } : p,
    ),
  };
  return {
    live: new LiveBook([account], side.venue, side.market),
    versions: [account, filled],
    turn: 0,
    out: new Float64Array(figureCount),
  };
}

/** One fill applied to the live book: its rows rewritten, re-margined and summed (timed). */
export function xmarginLiveFill(side: XmarginLiveSide): Float64Array {
  side.turn = 1 - side.turn;
  side.live.setAccount(side.versions[side.turn]!, side.out);
  return side.out;
}

export interface XmarginFastSide {
  readonly book: RiskBook;
  readonly out: Float64Array;
}

export function xmarginFastSide(side: XmarginSide): XmarginFastSide {
  return {
    book: buildRiskBook([side.account], side.venue, side.market),
    out: new Float64Array(figureCount),
  };
}

/** One account re-margined on the fast path (timed). */
export function xmarginFast(fast: XmarginFastSide): Float64Array {
  marginAccount(fast.book, 0, fast.out);
  return fast.out;
}

export function xmarginFastFigures(fast: XmarginFastSide): XmarginFigures {
  const out = xmarginFast(fast);
  return {
    initialEquity: out[crossInitialEquity]!,
    initialMargin: out[crossInitialMargin]!,
    equity: out[crossEquity]!,
    maintenanceMargin: out[crossMaintenanceMargin]!,
    initialHealth: out[crossInitialEquity]! - out[crossInitialMargin]!,
    maintenanceHealth: out[crossEquity]! - out[crossMaintenanceMargin]!,
  };
}
