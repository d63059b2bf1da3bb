import type { AssetId, InstrumentId } from '../model/ids.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import type { Amount, Quantity } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  figureCount,
  worstMaintenance,
  worstStanding,
} from './fast-figures.ts';
import { marginAccount } from './fast-margin.ts';
import { byStanding, LowestRanked, type Ranked } from './lowest-ranked.ts';
import type { RiskBook } from './risk-book.ts';
import { errorBand, stateCall } from './screen.ts';
import { compareStandings, exactStanding, type MarginState, type Standing } from './standing.ts';

/** What a risk desk reads first about a book: how many accounts stand where, and which are worst. */
export interface BookSummary {
  readonly accounts: number;
  readonly byState: Readonly<Record<MarginState, number>>;
  /** Accounts the fast path could not call within its tolerance (or does not margin): exact. */
  readonly decidedExactly: number;
  /** Σ over accounts (USD), on the fast path: each within `totalsTolerance` of the exact sum. */
  readonly equity: number;
  readonly initialMargin: number;
  readonly maintenanceMargin: number;
  readonly totalsTolerance: number;
  /** The accounts standing worst (compareStandings), exact, worst first. */
  readonly riskiest: readonly RiskiestAccount[];
  /** Every liquidatable account in the venue's order (liquidation-queue.ts), where asked for. */
  readonly liquidationQueue?: readonly RiskiestAccount[];
  readonly assets: readonly AssetTotal[];
  readonly instruments: readonly InstrumentTotal[];
}

export interface RiskiestAccount extends Standing {
  /** Its place in the book: the part it is in and its index there. */
  readonly part: number;
  readonly index: number;
}

/** An asset over the book: Σ positive balances, Σ negative, and how many accounts hold it. */
export interface AssetTotal {
  readonly asset: AssetId;
  readonly held: Amount;
  readonly borrowed: Amount;
  readonly accounts: number;
}

/** An instrument over the book: Σ long sizes, Σ short sizes (≤ 0), and how many accounts. */
export interface InstrumentTotal {
  readonly instrument: InstrumentId;
  readonly long: Quantity;
  readonly short: Quantity;
  readonly accounts: number;
}

export interface SummaryOptions {
  /** How many of the worst-standing accounts to name. */
  readonly riskiest: number;
  /** Called now and then with the accounts done so far (for a progress bar). */
  readonly progress?: (done: number) => void;
  /** Also order every liquidatable account exactly (`liquidationQueue`). */
  readonly queue?: boolean;
  /**
   * Sum the collateral by asset and the positions by instrument (`assets`, `instruments`);
   * default true. A what-if's before and after print neither, and skip the bigint sums.
   */
  readonly holdings?: boolean;
}

/**
 * Candidates ranked exactly beyond the `riskiest` lowest on the fast path: a ranking is not a
 * state change, but two standings within float error may swap, so the exact path orders a margin
 * of them and the cut falls where the exact path says.
 */
const rankingMargin = 32;
const progressEvery = 4096;

/**
 * A book summarised on the fast path (float64 over RiskBook columns) with the exact path
 * deciding every account the fast path cannot call within its tolerance (DESIGN.md "Two paths"):
 * an account whose lowest maintenance health or cross free collateral lies within the error band
 * of zero, or whose step function sat within float error of its edge, or that the columns do not
 * margin. The counts by state are therefore the exact path's; the totals are float sums with
 * their bound; the riskiest accounts are ranked and reported exactly. One `RiskBook` per venue.
 */
export function summariseBook(parts: readonly RiskBook[], options: SummaryOptions): BookSummary {
  const out = new Float64Array(figureCount);
  const byState: Record<MarginState, number> = { liquidatable: 0, 'below-initial': 0, healthy: 0 };
  const totals = { equity: 0, initialMargin: 0, maintenanceMargin: 0, tolerance: 0, magnitude: 0 };
  const assets = new Map<AssetId, { held: bigint; borrowed: bigint; accounts: number }>();
  const instruments = new Map<InstrumentId, { long: bigint; short: bigint; accounts: number }>();
  const lowest = new LowestRanked(options.riskiest > 0 ? options.riskiest + rankingMargin : 0);
  const liquidatable: Ranked[] = [];
  const exact = new Map<string, Standing>();
  const views = parts.map((book) => marketView(book.market));
  let decidedExactly = 0;
  let done = 0;
  const holdings = options.holdings !== false;
  parts.forEach((book, p) => {
    const prices = views[p]!;
    for (let a = 0; a < book.accounts.length; a += 1) {
      const account = book.accounts[a]!;
      if (holdings) addHoldings(account.balances, account.positions, assets, instruments);
      const state = book.exactOnly[a] === 1 ? undefined : fastState(book, a, out);
      if (state === undefined) {
        const standing = exactStanding(account, book.venue, prices);
        exact.set(`${p}:${a}`, standing);
        decidedExactly += 1;
        byState[standing.state] += 1;
        totals.equity += toNumber(standing.equity);
        totals.initialMargin += toNumber(standing.initialMargin);
        totals.maintenanceMargin += toNumber(standing.maintenanceMargin);
        totals.magnitude += Math.abs(toNumber(standing.equity)) + toNumber(standing.initialMargin);
        const rank = rankOfExact(standing, p, a);
        lowest.offer(rank);
        if (standing.state === 'liquidatable') liquidatable.push(rank);
      } else {
        byState[state] += 1;
        totals.equity += out[accountEquity]!;
        totals.initialMargin += out[accountInitialMargin]!;
        totals.maintenanceMargin += out[accountMaintenanceMargin]!;
        totals.magnitude += Math.abs(out[accountEquity]!) + out[accountInitialMargin]!;
        totals.tolerance += errorBand(out);
        const standing = out[worstStanding]!;
        const queued = state === 'liquidatable' && options.queue === true;
        if (standing < Number.POSITIVE_INFINITY && (queued || lowest.admits(standing))) {
          const rank = { part: p, index: a, id: account.id, standing, mm: out[worstMaintenance]! };
          lowest.offer(rank);
          if (queued) liquidatable.push(rank);
        }
      }
      done += 1;
      if (options.progress !== undefined && done % progressEvery === 0) options.progress(done);
    }
  });
  options.progress?.(done);
  return {
    accounts: done,
    byState,
    decidedExactly,
    equity: totals.equity,
    initialMargin: totals.initialMargin,
    maintenanceMargin: totals.maintenanceMargin,
    // Each addition may round the running sum: at most an ulp of Σ |term| per account.
    totalsTolerance: totals.tolerance + 2 * done * Number.EPSILON * totals.magnitude,
    riskiest: riskiest(parts, views, lowest.ranked, exact, options.riskiest),
    ...(options.queue === true
      ? {
          liquidationQueue: riskiest(
            parts,
            views,
            liquidatable.sort(byStanding),
            exact,
            liquidatable.length,
          ),
        }
      : {}),
    assets: [...assets].map(([asset, t]) => ({ asset, ...t })),
    instruments: [...instruments].map(([instrument, t]) => ({ instrument, ...t })),
  };
}

function fastState(book: RiskBook, a: number, out: Float64Array): MarginState | undefined {
  marginAccount(book, a, out);
  return stateCall(out, book.venue.rulebook.liquidationNeedsMargin === true);
}

function addHoldings(
  balances: ReadonlyMap<AssetId, Amount>,
  positions: readonly { readonly instrument: InstrumentId; readonly size: Quantity }[],
  assets: Map<AssetId, { held: bigint; borrowed: bigint; accounts: number }>,
  instruments: Map<InstrumentId, { long: bigint; short: bigint; accounts: number }>,
): void {
  for (const [asset, balance] of balances) {
    let total = assets.get(asset);
    if (total === undefined) {
      total = { held: 0n, borrowed: 0n, accounts: 0 };
      assets.set(asset, total);
    }
    if (balance > 0n) total.held += balance;
    else total.borrowed += balance;
    total.accounts += 1;
  }
  for (const position of positions) {
    let total = instruments.get(position.instrument);
    if (total === undefined) {
      total = { long: 0n, short: 0n, accounts: 0 };
      instruments.set(position.instrument, total);
    }
    if (position.size > 0n) total.long += position.size;
    else total.short += position.size;
    total.accounts += 1;
  }
}

function rankOfExact(standing: Standing, part: number, index: number): Ranked {
  const worst = standing.worst;
  const mm = worst === null ? 0 : toNumber(worst.maintenanceMargin);
  const ratio =
    worst === null
      ? Number.POSITIVE_INFINITY
      : worst.maintenanceMargin === 0n
        ? Number.NEGATIVE_INFINITY
        : toNumber(worst.equity) / mm;
  return { part, index, id: standing.account, standing: ratio, mm };
}

/**
 * The `count` worst-standing accounts, exact: the lowest `count + rankingMargin` on the fast
 * ranking (`ranked`, lowest first) are standed on the exact path and ordered by
 * `compareStandings`.
 */
function riskiest(
  parts: readonly RiskBook[],
  views: readonly PriceView[],
  ranked: readonly Ranked[],
  exact: Map<string, Standing>,
  count: number,
): RiskiestAccount[] {
  if (count <= 0) return [];
  const candidates = ranked.slice(0, count + rankingMargin).map((r) => {
    const book = parts[r.part]!;
    const known = exact.get(`${r.part}:${r.index}`);
    const standing = known ?? exactStanding(book.accounts[r.index]!, book.venue, views[r.part]!);
    return { ...standing, part: r.part, index: r.index };
  });
  return candidates
    .filter((c) => c.worst !== null)
    .sort(compareStandings)
    .slice(0, count);
}
