import type { RiskReport } from '../../core/margin/risk-report.ts';
import { amountDown, amountUp, percent, plain } from './figures.ts';
import { portfolioText } from './portfolio-text.ts';
import { table } from './table.ts';

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
