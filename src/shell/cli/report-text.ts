import type { Comparison } from '../../core/margin/compare.ts';
import type { QueuedAccount } from '../../core/margin/liquidation-queue.ts';
import type { RiskReport } from '../../core/margin/risk-report.ts';
import { ratioFloor } from '../../core/num/rounding.ts';
import { amountDown, amountUp, percent, plain } from './figures.ts';
import { portfolioText } from './portfolio-text.ts';
import { table } from './table.ts';

/** The liquidatable accounts of a many-account file, in the order a venue would take them. */
export function liquidationQueueText(queue: readonly QueuedAccount[]): string {
  if (queue.length === 0) return 'Liquidation queue: no account is liquidatable.';
  return [
    'Liquidation queue (most underwater first: equity / maintenance margin of the worst bucket):',
    table(
      ['#', 'account', 'bucket', 'equity', 'maint.', 'equity/MM'],
      queue.map((entry, i) => [
        `${i + 1}`,
        entry.account,
        entry.bucket,
        amountDown(entry.equity),
        amountUp(entry.maintenanceMargin),
        entry.maintenanceMargin === 0n
          ? '-'
          : percent(ratioFloor(entry.equity, entry.maintenanceMargin)),
      ]),
      3,
    ),
  ].join('\n');
}

export function riskReportText(report: RiskReport, color = false): string {
  const sections = [
    `Account ${report.account}: equity ${amountDown(report.equity)} USD, initial margin ` +
      `${amountUp(report.initialMargin)}, maintenance margin ${amountUp(report.maintenanceMargin)}, ` +
      `free collateral ${amountDown(report.freeCollateral)}` +
      (report.liquidatable ? '  ** LIQUIDATABLE **' : ''),
    table(
      [
        'bucket',
        'mode',
        'collateral',
        'uPnL',
        'equity',
        'initial',
        'maint.',
        'free',
        'MM/equity',
        'liq.',
      ],
      report.buckets.map((bucket) => [
        bucket.id,
        bucket.marginMode,
        amountDown(bucket.collateralValue),
        amountDown(bucket.unrealisedPnl),
        amountDown(bucket.equity),
        amountUp(bucket.initialMargin),
        amountUp(bucket.maintenanceMargin),
        amountDown(bucket.freeCollateral),
        bucket.marginRatio === null ? 'n/a' : percent(bucket.marginRatio),
        bucket.liquidatable ? 'YES' : bucket.debt > 0n ? 'debt' : 'no',
      ]),
      2,
    ),
  ];
  for (const bucket of report.buckets) {
    if (bucket.debt === 0n) continue;
    sections.push(
      `Debt to settle in bucket ${bucket.id}: ${amountUp(bucket.debt)} USD ` +
        '(negative equity and no maintenance requirement: nothing left to liquidate)',
    );
  }
  if (report.positions.length > 0) {
    sections.push(
      table(
        [
          'position',
          'bucket',
          'size',
          'entry',
          'mark',
          'uPnL USD',
          'initial',
          'maint.',
          'liq. price',
          'distance',
        ],
        report.positions.map((position) => [
          position.instrument,
          position.bucket,
          plain(position.size),
          plain(position.entryPrice),
          plain(position.markPrice),
          amountDown(position.unrealisedPnlValue),
          amountUp(position.initialMargin + position.openOrderMargin),
          amountUp(position.maintenanceMargin),
          position.liquidationPrice === null ? 'none' : plain(position.liquidationPrice),
          percent(position.liquidationDistance),
        ]),
        2,
      ),
    );
  }
  const options = report.positions.filter((position) => position.greeks !== undefined);
  if (options.length > 0) {
    sections.push(
      'Option greeks (delta in coins, gamma per 1 USD, vega per vol point, theta per day):\n' +
        table(
          ['option', 'delta', 'gamma', 'vega', 'theta'],
          options.map((position) => [
            position.instrument,
            position.greeks!.delta.toFixed(4),
            position.greeks!.gamma.toExponential(3),
            position.greeks!.vega.toFixed(4),
            position.greeks!.theta.toFixed(4),
          ]),
        ),
    );
  }
  const moves = report.buckets.flatMap((bucket) =>
    bucket.jointMoves.map((move) => [
      bucket.id,
      move.underlying,
      move.down === null ? 'none' : percent(move.down, true),
      move.up === null ? 'none' : percent(move.up, true),
    ]),
  );
  if (moves.length > 0) {
    sections.push(
      'Joint move of every price on one underlying that brings the bucket to maintenance:\n' +
        table(['bucket', 'underlying', 'down', 'up'], moves, 2),
    );
  }
  for (const bucket of report.buckets) {
    if (bucket.portfolio !== undefined) sections.push(portfolioText(bucket, color));
  }
  return sections.join('\n\n');
}

export function comparisonText(comparison: Comparison): string {
  const { isolated, cross, portfolio } = comparison;
  const outcomes = [isolated, cross, ...(portfolio ? [portfolio] : [])];
  const crossByInstrument = new Map(cross.positions.map((p) => [p.instrument, p]));
  const sections = [
    `Account ${comparison.account}: ${outcomes.map((o) => o.mode).join(' vs ')} margin, ` +
      'same book and collateral',
    table(
      ['mode', 'capital used', 'initial', 'maintenance'],
      outcomes.map((outcome) => [
        outcome.mode,
        amountUp(outcome.requiredCapital),
        amountUp(outcome.initialMargin),
        amountUp(outcome.maintenanceMargin),
      ]),
    ),
    `Capital freed by cross margin: ${amountDown(comparison.capitalFreed)} USD` +
      (comparison.portfolioCapitalFreed === undefined
        ? ''
        : `; by portfolio margin over cross: ${amountDown(comparison.portfolioCapitalFreed)} USD`),
    table(
      ['position', 'isolated liq.', 'distance', 'cross liq.', 'distance'],
      isolated.positions.map((position) => {
        const pooled = crossByInstrument.get(position.instrument);
        return [
          position.instrument,
          position.liquidationPrice === null ? 'none' : plain(position.liquidationPrice),
          percent(position.liquidationDistance),
          pooled?.liquidationPrice == null ? 'none' : plain(pooled.liquidationPrice),
          percent(pooled?.liquidationDistance ?? null),
        ];
      }),
    ),
  ];
  const moves = outcomes
    .filter((outcome) => outcome.mode !== 'isolated')
    .flatMap((outcome) =>
      outcome.report.buckets
        .filter((bucket) => bucket.marginMode !== 'isolated')
        .flatMap((bucket) =>
          bucket.jointMoves.map((move) => [
            outcome.mode,
            move.underlying,
            move.down === null ? 'none' : percent(move.down, true),
            move.up === null ? 'none' : percent(move.up, true),
          ]),
        ),
    );
  if (moves.length > 0) {
    sections.push(
      'Joint move of each underlying that brings the pool to maintenance:\n' +
        table(['mode', 'underlying', 'down', 'up'], moves, 2),
    );
  }
  return sections.join('\n\n');
}

export interface Limits {
  readonly account: string;
  readonly maxOrders: readonly { instrument: string; buy: bigint; sell: bigint }[];
  readonly maxWithdrawals: readonly { asset: string; amount: bigint }[];
}

export function limitsText(limits: Limits): string {
  return [
    `Limits for ${limits.account} (orders filled at mark, open orders at their worst):`,
    table(
      ['instrument', 'max buy', 'max sell'],
      limits.maxOrders.map((o) => [o.instrument, plain(o.buy), plain(o.sell)]),
    ),
    table(
      ['asset', 'max withdrawal'],
      limits.maxWithdrawals.map((w) => [w.asset, plain(w.amount)]),
    ),
  ].join('\n\n');
}

export function whatIfText(
  outcome: { account: string; verdict: string; after: RiskReport },
  color = false,
): string {
  return `What-if for ${outcome.account}: ${outcome.verdict}\n\n${riskReportText(outcome.after, color)}`;
}
