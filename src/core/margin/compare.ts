import type { Account, Position } from '../model/account.ts';
import type { BucketMode } from '../model/bucket.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Price, Ratio } from '../num/fixed.ts';
import { max, SCALE } from '../num/fixed.ts';
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
 * The same book and the same collateral, margined each way the venue offers. Isolated: the
 * collateral is split across positions in proportion to their initial margin, and a profit in one
 * bucket cannot fund another. Cross: everything pooled, each position charged on its own.
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
    assessWith(asIsolated(pooled, venue, prices, crossReport), venue, prices),
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

function asCross(account: Account, venue: Venue): Account {
  const balances = new Map<AssetId, Amount>(account.balances);
  const positions = account.positions.map((position): Position => {
    if (position.marginMode === 'cross') return position;
    const settle = venue.instruments.get(position.instrument)!.settle;
    balances.set(settle, (balances.get(settle) ?? 0n) + position.isolatedMargin);
    return { ...position, marginMode: 'cross', isolatedMargin: 0n };
  });
  return { ...account, poolMode: 'cross', balances, positions };
}

function asIsolated(
  pooled: Account,
  venue: Venue,
  prices: PriceView,
  crossReport: RiskReport,
): Account {
  let collateral = 0n;
  for (const bucket of crossReport.buckets) collateral += bucket.equity - bucket.positionValue;
  collateral = max(0n, collateral);
  const initialByInstrument = new Map(
    crossReport.positions.map((p) => [p.instrument, p.initialMargin] as const),
  );
  let totalInitial = 0n;
  for (const initial of initialByInstrument.values()) totalInitial += initial;
  const positions = pooled.positions.map((position): Position => {
    const initial = initialByInstrument.get(position.instrument) ?? 0n;
    const share = totalInitial === 0n ? 0n : divFloor(collateral * initial, totalInitial);
    const settle = venue.instruments.get(position.instrument)!.settle;
    const margin = divFloor(share * SCALE, prices.assetPrice(settle));
    return { ...position, marginMode: 'isolated', isolatedMargin: margin };
  });
  return { ...pooled, balances: new Map(), positions };
}
