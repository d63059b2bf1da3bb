import type { CollateralLine } from '../../core/margin/collateral-lines.ts';
import type { BucketReport, RiskReport } from '../../core/margin/risk-report.ts';
import { ratioFloor } from '../../core/num/rounding.ts';
import { amountDown, coins, percent } from './figures.ts';
import { printable } from './printable.ts';
import { table } from './table.ts';

/**
 * The collateral behind each bucket's equity, asset by asset: the balance, its value at the
 * asset's price, the weight the rulebook gives it (what is left after the haircut) and what it
 * counts for. An asset that counts for nothing gets a line saying so and why: a bucket can be
 * liquidatable only because of it.
 */
export function collateralText(report: RiskReport): string {
  const rows = report.buckets.flatMap((bucket) =>
    bucket.collateral.map((line) => ({ bucket, line })),
  );
  if (rows.length === 0) return '';
  // Initial weights are shown only where one differs from its maintenance weight.
  const twoWeights = rows.some(({ line }) => line.initialValue !== line.maintenanceValue);
  const header = [
    'bucket',
    'asset',
    'balance',
    'price USD',
    'value USD',
    'weight',
    'counts USD',
    ...(twoWeights ? ['initial weight', 'counts USD'] : []),
  ];
  const body = rows.map(({ bucket, line }) => [
    bucket.id,
    line.asset,
    coins(line.balance),
    coins(line.price),
    amountDown(line.value),
    weightText(line, line.maintenanceValue),
    amountDown(line.maintenanceValue),
    ...(twoWeights ? [weightText(line, line.initialValue), amountDown(line.initialValue)] : []),
  ]);
  const sections = [
    'Collateral by asset (value at the asset price; weight: the share of the value that counts ' +
      'toward equity, after the haircut; a debt counts against it):\n' +
      table(header, body, 2),
  ];
  const notes = rows.flatMap(({ bucket, line }) => worthlessNote(report, bucket, line));
  notes.push(...report.buckets.flatMap((bucket) => poolNote(report, bucket)));
  if (notes.length > 0) sections.push(notes.join('\n'));
  return sections.join('\n');
}

function weightText(line: CollateralLine, counted: bigint): string {
  if (line.counted === 'scanned') return 'scanned';
  if (line.value === 0n) return '-';
  const weight = percent(
    ratioFloor(counted < 0n ? -counted : counted, line.value < 0n ? -line.value : line.value),
  );
  return line.counted === 'none' && line.balance > 0n ? `${weight} (no rule)` : weight;
}

/** A holding with a value that counts for nothing, and why. */
function worthlessNote(report: RiskReport, bucket: BucketReport, line: CollateralLine): string[] {
  if (line.balance <= 0n || line.value === 0n || line.maintenanceValue !== 0n) return [];
  const value = amountDown(line.value);
  // A sentence, not a table cell: each id escaped here (printable.ts), once.
  const asset = printable(line.asset);
  const rulebook = printable(report.rulebook);
  const held = `${coins(line.balance)} ${asset} (${value} USD) in bucket ${printable(bucket.id)}`;
  const why =
    line.counted === 'none'
      ? `rulebook ${rulebook} lists no collateral weight for ${asset}, so it is not collateral`
      : `its weight under rulebook ${rulebook} is 0`;
  return [`Counts for nothing: ${held}: ${why}.`];
}

/**
 * Where the pool's own rules (weighted profit, resting spot orders, contracts' health in their
 * settle asset) make equity other than its weighted balances plus its positions.
 */
function poolNote(report: RiskReport, bucket: BucketReport): string[] {
  const weighted = bucket.collateral.reduce((sum, line) => sum + line.maintenanceValue, 0n);
  const plainSum = weighted + bucket.positionValue;
  if (plainSum === bucket.equity) return [];
  return [
    `Bucket ${printable(bucket.id)}: equity ${amountDown(bucket.equity)} USD is the pool's own ` +
      `sum under rulebook ${printable(report.rulebook)} (weighted profit, resting spot orders or ` +
      'contracts counted in their settle asset), not the weighted balances plus positions ' +
      `(${amountDown(plainSum)} USD).`,
  ];
}
