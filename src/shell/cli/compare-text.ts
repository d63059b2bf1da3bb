import type { Comparison, ModeOutcome, PositionMove } from '../../core/margin/compare.ts';
import { positionKey } from '../../core/model/bucket.ts';
import { amountDown, amountUp, coinsAbout, percent, positionLabel } from './figures.ts';
import { jointMoveText } from './joint-move-text.ts';
import { liquidationPriceText } from './liquidation-price-text.ts';
import { printable } from './printable.ts';
import { table } from './table.ts';

/**
 * The same book margined each way, for a person: what each figure means, which positions the
 * comparison margins otherwise than the account holds them (so its liquidation prices differ from
 * `margin`'s), the capital each mode uses and each position's liquidation price in each.
 */
export function comparisonText(comparison: Comparison): string {
  const { isolated, cross, portfolio } = comparison;
  const outcomes = [isolated, cross, ...(portfolio ? [portfolio] : [])];
  const sections = [
    `Account ${printable(comparison.account)}: ${outcomes.map((o) => o.mode).join(' vs ')} margin, ` +
      `same book and collateral, rulebook ${printable(cross.report.rulebook)}`,
    table(
      ['mode', 'capital used USD', 'initial USD', 'maintenance USD'],
      outcomes.map((outcome) => [
        outcome.mode,
        amountUp(outcome.requiredCapital),
        amountUp(outcome.initialMargin),
        amountUp(outcome.maintenanceMargin),
      ]),
    ),
    [
      'capital used: the collateral the book ties up to open it, at initial margin: each ' +
        "bucket's initial margin less what its positions are worth (a bucket's gains fund only " +
        'itself), plus what the haircuts take off the pooled collateral.',
      "initial, maintenance: the sum of the buckets' requirements, as `margin` reports them; " +
        'the same in isolated and cross where each position is charged on its own.',
    ].join('\n'),
    `Capital freed by cross margin: ${amountDown(comparison.capitalFreed)} USD` +
      (comparison.portfolioCapitalFreed === undefined
        ? ''
        : `; by portfolio margin over cross: ${amountDown(comparison.portfolioCapitalFreed)} USD`),
  ];
  const moved = movesText(outcomes);
  if (moved !== '') sections.push(moved);
  sections.push(liquidationText(isolated, cross));
  const moves = jointMoveText(
    'Joint move of each underlying that brings the pool to maintenance',
    'mode',
    outcomes
      .filter((outcome) => outcome.mode !== 'isolated')
      .flatMap((outcome) =>
        outcome.report.buckets
          .filter((bucket) => bucket.marginMode !== 'isolated')
          .map((bucket) => ({ label: outcome.mode, bucket: bucket.id, moves: bucket.jointMoves })),
      ),
    outcomes.flatMap((outcome) => outcome.report.positions),
  );
  if (moves !== '') sections.push(moves);
  return sections.join('\n\n');
}

/** Each position's liquidation price at its tick, in the currency it is quoted in. */
function liquidationText(isolated: ModeOutcome, cross: ModeOutcome): string {
  const crossByPosition = new Map(cross.report.positions.map((p) => [positionKey(p), p]));
  const rows = isolated.report.positions.map((position) => {
    const pooled = crossByPosition.get(positionKey(position));
    return [
      positionLabel(position),
      position.priceCurrency,
      liquidationPriceText(position),
      percent(position.liquidationDistance),
      pooled === undefined ? 'none' : liquidationPriceText(pooled),
      percent(pooled?.liquidationDistance ?? null),
    ];
  });
  return (
    'Liquidation price of each position, all else at its mark:\n' +
    table(['position', 'price in', 'isolated liq.', 'distance', 'cross liq.', 'distance'], rows, 2)
  );
}

/** What each mode changes of the account as held; nothing when it margins it as held. */
function movesText(outcomes: readonly ModeOutcome[]): string {
  const lines = outcomes.flatMap((outcome) =>
    outcome.moves.length === 0
      ? []
      : [`${outcome.mode}: ${groupedMoves(outcome.moves).join('; ')}`],
  );
  if (lines.length === 0) return '';
  return [
    'Moved to compare (these liquidation prices therefore differ from `margin`, which margins ' +
      'each position as the account holds it):',
    ...lines.map((line) => `  ${line}`),
    outcomes.some((outcome) => outcome.mode === 'isolated' && outcome.moves.length > 0)
      ? "  (isolated: each asset's pooled balance is split among the positions settling in it, in " +
        'proportion to their initial margin, open orders apart; what no position settles in, and ' +
        'a debt, stays pooled)'
      : '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** Moves between two pools, which carry no margin, as one phrase; the rest one by one. */
function groupedMoves(moves: readonly PositionMove[]): string[] {
  const phrases: string[] = [];
  const between = new Map<string, string[]>();
  for (const move of moves) {
    if (move.from === 'isolated' || move.to === 'isolated') {
      phrases.push(moveText(move));
      continue;
    }
    const key = `from the ${move.from} pool into the ${move.to} pool`;
    between.set(key, [...(between.get(key) ?? []), printable(move.instrument)]);
  }
  for (const [key, instruments] of between) phrases.push(`${instruments.join(', ')} ${key}`);
  return phrases;
}

function moveText(move: PositionMove): string {
  const held = (margin: bigint) => `${coinsAbout(margin)} ${printable(move.settle)}`;
  const instrument = printable(move.instrument);
  if (move.to === 'isolated') {
    const from =
      move.from === 'isolated'
        ? `isolated with ${held(move.marginBefore)}`
        : `out of the ${move.from} pool`;
    return `${instrument} ${from}, given ${held(move.marginAfter)}`;
  }
  const margin = held(move.marginBefore);
  return `${instrument} into the ${move.to} pool, with its ${margin} of margin`;
}
