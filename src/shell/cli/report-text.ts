import type { BucketReport, PositionReport, RiskReport } from '../../core/margin/risk-report.ts';
import { crossBucketId } from '../../core/model/bucket.ts';
import { collateralText } from './collateral-text.ts';
import {
  amountDown,
  amountUp,
  leverageText,
  percent,
  positionLabel,
  priceAt,
  sizeAt,
} from './figures.ts';
import { jointMoveText } from './joint-move-text.ts';
import { liquidationPriceText } from './liquidation-price-text.ts';
import { portfolioPositionsText, portfolioText } from './portfolio-text.ts';
import { printable } from './printable.ts';
import { table } from './table.ts';

/**
 * One account's risk report for a person: every figure with its unit, what drives it (collateral
 * by asset and weight, the rule and leverage of each position), and why a bucket is liquidatable.
 */
export function riskReportText(report: RiskReport, color = false): string {
  const sections = [headline(report), bucketsText(report)];
  const liquidationEnd = liquidationEndText(report);
  if (liquidationEnd !== '') sections.push(liquidationEnd);
  const collateral = collateralText(report);
  if (collateral !== '') sections.push(collateral);
  for (const bucket of report.buckets) {
    if (bucket.debt === 0n) continue;
    sections.push(
      `Debt to settle in bucket ${printable(bucket.id)}: ${amountUp(bucket.debt)} USD ` +
        '(negative equity and no maintenance requirement: nothing left to liquidate)',
    );
  }
  const standard = report.positions.filter((position) => position.marginMode !== 'portfolio');
  if (standard.length > 0) sections.push(positionsText(report, standard));
  for (const bucket of report.buckets) {
    if (bucket.portfolio === undefined) continue;
    const held = report.positions.filter((position) => position.bucket === bucket.id);
    if (held.length > 0) sections.push(portfolioPositionsText(bucket, held));
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
  const moves = jointMoveText(
    'Joint move of every price on one underlying that brings the bucket to maintenance',
    'bucket',
    report.buckets.map((bucket) => ({
      label: bucket.id,
      bucket: bucket.id,
      moves: bucket.jointMoves,
    })),
    report.positions,
  );
  if (moves !== '') sections.push(moves);
  for (const bucket of report.buckets) {
    if (bucket.portfolio !== undefined) sections.push(portfolioText(bucket, color));
  }
  return sections.join('\n\n');
}

/**
 * The account's figures, then anything they would otherwise hide: a pool or isolated bucket short
 * of its initial margin (the account's free collateral counts only what can be committed, and one
 * pool cannot fund another), and each liquidatable bucket with its equity against maintenance.
 */
function headline(report: RiskReport): string {
  const lines = [
    `Account ${printable(report.account)}: equity ${amountDown(report.equity)} USD, initial margin ` +
      `${amountUp(report.initialMargin)} USD, maintenance margin ` +
      `${amountUp(report.maintenanceMargin)} USD, free collateral ` +
      `${amountDown(report.freeCollateral)} USD` +
      (report.liquidatable ? '  ** LIQUIDATABLE **' : ''),
    `Rulebook ${printable(report.rulebook)}.`,
  ];
  // What the account's free collateral leaves out: a separate pool's shortfall (taken as 0, since
  // pools cannot fund each other) and every isolated bucket's.
  const hidden = report.buckets.filter(
    (bucket) => bucket.freeCollateral < 0n && bucket.id !== crossBucketId,
  );
  if (hidden.length > 0) {
    lines.push(
      `Not in that free collateral, short of initial margin: ${hidden
        .map(
          (bucket) =>
            `${printable(bucket.id)} ${amountDown(bucket.freeCollateral)} USD` +
            (bucket.marginMode === 'isolated' ? ' (isolated)' : ' (a pool of its own)'),
        )
        .join(', ')}; no other bucket's room offsets it.`,
    );
  }
  for (const bucket of report.buckets) {
    if (!bucket.liquidatable) continue;
    const worthless = bucket.collateral
      .filter((line) => line.balance > 0n && line.value > 0n && line.maintenanceValue === 0n)
      .map((line) => printable(line.asset));
    lines.push(
      `Bucket ${printable(bucket.id)} is liquidatable: equity ${amountDown(bucket.equity)} USD is below its ` +
        `maintenance margin ${amountUp(bucket.maintenanceMargin)} USD` +
        (worthless.length === 0
          ? '.'
          : `; its ${worthless.join(' and ')} count${worthless.length === 1 ? 's' : ''} for ` +
            `nothing under rulebook ${printable(report.rulebook)} (see the collateral below).`),
    );
  }
  return lines.join('\n');
}

function bucketsText(report: RiskReport): string {
  return (
    'Buckets, in USD (equity = weighted collateral + positions: futures at their unrealised PnL, ' +
    'options at market value):\n' +
    table(
      [
        'bucket',
        'mode',
        'collateral',
        'weighted',
        'positions',
        'equity',
        'initial',
        'maint.',
        'free',
        'MM/equity',
        'liquidatable',
      ],
      report.buckets.map((bucket) => [
        bucket.id,
        bucket.marginMode,
        amountDown(bucket.collateralValue),
        amountDown(weightedCollateral(bucket)),
        amountDown(bucket.positionValue),
        amountDown(bucket.equity),
        amountUp(bucket.initialMargin),
        amountUp(bucket.maintenanceMargin),
        amountDown(bucket.freeCollateral),
        bucket.marginRatio === null ? 'n/a' : percent(bucket.marginRatio),
        bucket.liquidatable ? 'YES' : bucket.debt > 0n ? 'debt' : 'no',
      ]),
      2,
    )
  );
}

/**
 * Mango's liquidation-end health (liquidation-end.ts), where the rulebook has the rule: the health
 * a liquidation brings the account back to, so a trader sees how far one would go. Rounded down,
 * as equity is: a liquidation may go on until it is 0 or above.
 */
function liquidationEndText(report: RiskReport): string {
  const figures = report.buckets.flatMap((bucket) =>
    bucket.liquidationEndHealth === undefined
      ? []
      : [`bucket ${printable(bucket.id)} ${amountDown(bucket.liquidationEndHealth)} USD`],
  );
  if (figures.length === 0) return '';
  return (
    `Liquidation-end health under rulebook ${printable(report.rulebook)}: ` +
    `${figures.join(', ')}.\n` +
    'It is the health a liquidation brings the account back to: once equity is below ' +
    'maintenance margin, the liquidator may go on until this figure is 0 or above, not only ' +
    "until maintenance is met again (initial weights without the scaling by the bank's " +
    "deposits and borrows, every price at the oracle; Mango's HealthType::LiquidationEnd)."
  );
}

function weightedCollateral(bucket: BucketReport): bigint {
  return bucket.collateral.reduce((sum, line) => sum + line.maintenanceValue, 0n);
}

function positionsText(report: RiskReport, positions: readonly PositionReport[]): string {
  const rows = positions.map((position) => [
    positionLabel(position),
    position.bucket,
    sizeAt(position.size, position.sizeStep),
    position.priceCurrency,
    priceAt(position.entryPrice, position.tickSize),
    priceAt(position.markPrice, position.tickSize),
    liquidationPriceText(position),
    percent(position.liquidationDistance),
    amountDown(position.unrealisedPnlValue),
    amountUp(position.initialMargin + position.openOrderMargin),
    amountUp(position.maintenanceMargin),
    leverageCell(position),
    position.marginRule === position.instrument ? 'own' : `${position.marginRule} default`,
  ]);
  const sections = [
    'Positions (size in contracts; prices in the currency shown; margins in USD, initial with ' +
      'open orders; leverage: notional / initial margin, "set" where the account chose it; rule: ' +
      "the rulebook's own rule for the symbol, or its default):\n" +
      table(
        [
          'position',
          'bucket',
          'contracts',
          'price in',
          'entry',
          'mark',
          'liq. price',
          'distance',
          'uPnL USD',
          'initial',
          'maint.',
          'leverage',
          'rule',
        ],
        rows,
        2,
      ),
  ];
  const defaults = new Map<string, string[]>();
  for (const position of positions) {
    if (position.marginRule === position.instrument) continue;
    defaults.set(position.marginRule, [
      ...(defaults.get(position.marginRule) ?? []),
      position.instrument,
    ]);
  }
  for (const [rule, instruments] of defaults) {
    sections.push(
      `Margined by rulebook ${printable(report.rulebook)}'s default "${printable(rule)}", as it ` +
        `has no rule of its own for ${instruments.length === 1 ? 'it' : 'them'}: ` +
        `${instruments.map(printable).join(', ')}.`,
    );
  }
  return sections.join('\n');
}

function leverageCell(position: PositionReport): string {
  if (position.leverageUsed === null) return '-';
  const used = leverageText(position.leverageUsed);
  if (position.leverage === null) return used;
  const set = leverageText(position.leverage);
  // The rule's own rate may ask for more than the setting does.
  return set === used ? `${used} set` : `${used} (set ${set})`;
}
