import type { Account, Position } from '../model/account.ts';
import type { BucketMode } from '../model/bucket.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Ratio } from '../num/fixed.ts';
import { max } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import { assessWith } from './assess.ts';
import type { RiskReport } from './risk-report.ts';

export interface PositionUnderMode {
  readonly instrument: InstrumentId;
  readonly liquidationPrice: Price | null;
  readonly liquidationDistance: Ratio | null;
}

export interface ModeOutcome {
  readonly mode: BucketMode;
  /** Collateral the book uses at initial margin, haircuts included, each bucket funding itself. */
  readonly requiredCapital: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly positions: readonly PositionUnderMode[];
  readonly report: RiskReport;
}

export interface Comparison {
  readonly account: string;
  readonly isolated: ModeOutcome;
  readonly cross: ModeOutcome;
  /** Present where the rulebook offers portfolio margin. */
  readonly portfolio?: ModeOutcome;
  /** requiredCapital(isolated) − requiredCapital(cross): what pooling frees. */
  readonly capitalFreed: Amount;
  /** requiredCapital(cross) − requiredCapital(portfolio): what scanning the book as one frees. */
  readonly portfolioCapitalFreed?: Amount;
}

/**
 * The same book and the same collateral, margined each way the venue offers. Isolated: each
 * asset's balance is split across the positions settling in it, in proportion to their initial
 * margin (`asIsolated`), and a profit in one bucket cannot fund another. Cross: everything pooled, each position charged on its own.
 * Portfolio: everything pooled, the book charged its worst scenario loss. The promise of cross
 * and portfolio margining, measured on this book.
 */
export function compareModes(account: Account, venue: Venue, prices: PriceView): Comparison {
  const pooled = asCross(account, venue);
  const crossReport = assessWith(pooled, venue, prices, { jointMoves: true });
  const cross = outcome('cross', crossReport, haircutOf(crossReport));
  // The isolated book holds the same collateral, so it bears the same haircut.
  const isolated = outcome(
    'isolated',
    assessWith(asIsolated(pooled, venue, crossReport), venue, prices),
    haircutOf(crossReport),
  );
  const comparison = {
    account: account.id,
    isolated,
    cross,
    capitalFreed: isolated.requiredCapital - cross.requiredCapital,
  };
  if (venue.rulebook.portfolio === undefined) return comparison;
  const portfolioReport = assessWith({ ...pooled, poolMode: 'portfolio' }, venue, prices, {
    jointMoves: true,
  });
  const portfolio = outcome('portfolio', portfolioReport, haircutOf(portfolioReport));
  return {
    ...comparison,
    portfolio,
    portfolioCapitalFreed: cross.requiredCapital - portfolio.requiredCapital,
  };
}

/**
 * The capital the book uses: each bucket's initial margin less what its positions are worth (its
 * gains fund only itself), plus the haircut on the pooled collateral (a haircut uses collateral as
 * surely as a requirement does; portfolio mode waives it on spot its scan already moves).
 */
function outcome(mode: BucketMode, report: RiskReport, haircut: Amount): ModeOutcome {
  let requiredCapital = haircut;
  for (const bucket of report.buckets) {
    requiredCapital += max(0n, bucket.initialMargin - bucket.positionValue);
  }
  return {
    mode,
    requiredCapital,
    initialMargin: report.initialMargin,
    maintenanceMargin: report.maintenanceMargin,
    positions: report.positions.map((position) => ({
      instrument: position.instrument,
      liquidationPrice: position.liquidationPrice,
      liquidationDistance: position.liquidationDistance,
    })),
    report,
  };
}

/** Collateral value lost to initial haircuts in the pooled buckets. */
function haircutOf(report: RiskReport): Amount {
  let haircut = 0n;
  for (const bucket of report.buckets) {
    if (bucket.marginMode === 'isolated') continue;
    haircut += bucket.collateralValue - (bucket.initialEquity - bucket.positionValue);
  }
  return max(0n, haircut);
}

export function asCross(account: Account, venue: Venue): Account {
  const balances = new Map<AssetId, Amount>(account.balances);
  const positions = account.positions.map((position): Position => {
    if (position.marginMode === 'cross') return position;
    const settle = venue.instruments.get(position.instrument)!.settle;
    balances.set(settle, (balances.get(settle) ?? 0n) + position.isolatedMargin);
    return { ...position, marginMode: 'cross', isolatedMargin: 0n };
  });
  return { ...account, poolMode: 'cross', balances, positions };
}

/**
 * The pooled book with every position isolated. An isolated position holds only its settle asset,
 * so each asset's balance is split among the positions settling in it, in proportion to their
 * initial margin, rounded down; nothing moves from one asset to another. What is not split stays
 * in the pool: an asset no position settles in, a debt, and the split's rounding remainder. Per
 * asset, Σ isolated margins + the balance left pooled = the pooled balance.
 */
export function asIsolated(pooled: Account, venue: Venue, crossReport: RiskReport): Account {
  const settleOf = (position: Position) => venue.instruments.get(position.instrument)!.settle;
  const initialByInstrument = new Map(
    crossReport.positions.map((p) => [p.instrument, p.initialMargin] as const),
  );
  const initialBySettle = new Map<AssetId, Amount>();
  for (const position of pooled.positions) {
    const settle = settleOf(position);
    const initial = initialByInstrument.get(position.instrument) ?? 0n;
    initialBySettle.set(settle, (initialBySettle.get(settle) ?? 0n) + initial);
  }
  const left = new Map<AssetId, Amount>(pooled.balances);
  const positions = pooled.positions.map((position): Position => {
    const settle = settleOf(position);
    const balance = pooled.balances.get(settle) ?? 0n;
    const totalInitial = initialBySettle.get(settle)!;
    const initial = initialByInstrument.get(position.instrument) ?? 0n;
    const margin =
      balance <= 0n || totalInitial === 0n ? 0n : divFloor(balance * initial, totalInitial);
    if (margin > 0n) {
      const remaining = left.get(settle)! - margin;
      assert(remaining >= 0n, 'an isolated split takes more than the asset holds');
      left.set(settle, remaining);
    }
    return { ...position, marginMode: 'isolated', isolatedMargin: margin };
  });
  const balances = new Map([...left].filter(([, amount]) => amount !== 0n));
  return { ...pooled, balances, positions };
}
