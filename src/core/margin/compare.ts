import type { Account, Position } from '../model/account.ts';
import { type BucketMode, positionKey } from '../model/bucket.ts';
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

/**
 * A position the comparison margins otherwise than the account does: in another mode, or isolated
 * with another margin (the isolated book splits each asset afresh). Its liquidation price then
 * differs from the risk report's.
 */
export interface PositionMove {
  readonly instrument: InstrumentId;
  /** As the account holds it, and as this outcome margins it. */
  readonly from: BucketMode;
  readonly to: BucketMode;
  readonly settle: AssetId;
  /** Its isolated margin (settle asset) as held and here; 0 where it is not isolated. */
  readonly marginBefore: Amount;
  readonly marginAfter: Amount;
}

export interface ModeOutcome {
  readonly mode: BucketMode;
  /** Collateral the book uses at initial margin, haircuts included, each bucket funding itself. */
  readonly requiredCapital: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly positions: readonly PositionUnderMode[];
  /** The positions margined otherwise than in the account as given. */
  readonly moves: readonly PositionMove[];
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
export function compareModes(
  account: Account,
  venue: Venue,
  prices: PriceView,
  // A book's comparison searches them only for the accounts it prints: they are most of the cost,
  // and no other figure depends on them.
  options: { readonly jointMoves: boolean } = { jointMoves: true },
): Comparison {
  const { jointMoves } = options;
  const pooled = asCross(account, venue);
  const crossReport = assessWith(pooled, venue, prices, { jointMoves });
  const cross = outcome(
    'cross',
    crossReport,
    haircutOf(crossReport),
    movesTo(venue, account, pooled),
  );
  // The isolated book holds the same collateral, so it bears the same haircut.
  const split = asIsolated(pooled, venue, crossReport);
  const isolated = outcome(
    'isolated',
    assessWith(split, venue, prices),
    haircutOf(crossReport),
    movesTo(venue, account, split),
  );
  const comparison = {
    account: account.id,
    isolated,
    cross,
    capitalFreed: isolated.requiredCapital - cross.requiredCapital,
  };
  if (venue.rulebook.portfolio === undefined) return comparison;
  const scanned: Account = { ...pooled, poolMode: 'portfolio' };
  const portfolioReport = assessWith(scanned, venue, prices, { jointMoves });
  const portfolio = outcome(
    'portfolio',
    portfolioReport,
    haircutOf(portfolioReport),
    movesTo(venue, account, scanned),
  );
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
function outcome(
  mode: BucketMode,
  report: RiskReport,
  haircut: Amount,
  moves: readonly PositionMove[],
): ModeOutcome {
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
    moves,
    report,
  };
}

/** The mode a position is margined in: isolated, or its account's pool mode. */
function modeOf(account: Account, position: Position): BucketMode {
  if (position.marginMode === 'isolated') return 'isolated';
  return account.poolMode === 'portfolio' ? 'portfolio' : 'cross';
}

/** What `compared` (the same positions, remargined) changes of each of `account`'s positions. */
function movesTo(venue: Venue, account: Account, compared: Account): PositionMove[] {
  const given = new Map(account.positions.map((p) => [positionKey(p), p] as const));
  const moves: PositionMove[] = [];
  for (const position of compared.positions) {
    const original = given.get(positionKey(position));
    assert(original !== undefined, 'a compared book holds the same positions');
    const from = modeOf(account, original);
    const to = modeOf(compared, position);
    const marginBefore = from === 'isolated' ? original.isolatedMargin : 0n;
    const marginAfter = to === 'isolated' ? position.isolatedMargin : 0n;
    if (from === to && marginBefore === marginAfter) continue;
    moves.push({
      instrument: position.instrument,
      from,
      to,
      settle: venue.instruments.get(position.instrument)!.settle,
      marginBefore,
      marginAfter,
    });
  }
  return moves;
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
    crossReport.positions.map((p) => [positionKey(p), p.initialMargin] as const),
  );
  const initialBySettle = new Map<AssetId, Amount>();
  for (const position of pooled.positions) {
    const settle = settleOf(position);
    const initial = initialByInstrument.get(positionKey(position)) ?? 0n;
    initialBySettle.set(settle, (initialBySettle.get(settle) ?? 0n) + initial);
  }
  const left = new Map<AssetId, Amount>(pooled.balances);
  const positions = pooled.positions.map((position): Position => {
    const settle = settleOf(position);
    const balance = pooled.balances.get(settle) ?? 0n;
    const totalInitial = initialBySettle.get(settle)!;
    const initial = initialByInstrument.get(positionKey(position)) ?? 0n;
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
