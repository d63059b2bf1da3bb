import type { Comparison } from '../../core/margin/compare.ts';
import { amountDown, amountUp, percent, plain } from './figures.ts';
import { table } from './table.ts';

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
