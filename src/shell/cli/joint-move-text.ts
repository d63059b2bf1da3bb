import type { JointMove } from '../../core/margin/joint-move.ts';
import type { PositionReport } from '../../core/margin/risk-report.ts';
import { percent } from './figures.ts';
import { printable } from './printable.ts';
import { table } from './table.ts';

/** One bucket's joint moves, labelled (a bucket id, or a margin mode in `compare`). */
export interface LabelledMoves {
  readonly label: string;
  readonly bucket: string;
  readonly moves: readonly JointMove[];
}

/**
 * The joint-move table without stablecoin rows: a coin that only settles the bucket's contracts
 * (USDT under BTCUSDT) moves by a depeg, not by the market. A left-out row that would liquidate
 * is still named under the table, so nothing is hidden.
 */
export function jointMoveText(
  title: string,
  labelTitle: string,
  buckets: readonly LabelledMoves[],
  positions: readonly PositionReport[],
): string {
  const rows: string[][] = [];
  const leftOut: string[] = [];
  for (const { label, bucket, moves } of buckets) {
    const held = positions.filter((position) => position.bucket === bucket);
    for (const move of moves) {
      if (!isSettleCoinOnly(move.underlying, held)) {
        rows.push([label, move.underlying, side(move.down), side(move.up)]);
        continue;
      }
      // Named in a sentence, not a table cell: escaped here (printable.ts), once.
      const named = `${printable(move.underlying)} (${printable(label)}`;
      if ((move.down === null && move.up === null) || isNow(move)) {
        leftOut.push(`${named})`);
        continue;
      }
      leftOut.push(`${named}: ${side(move.down)} down, ${side(move.up)} up)`);
    }
  }
  if (rows.length === 0 && leftOut.length === 0) return '';
  const lines = [`${title}:`];
  if (rows.length > 0) lines.push(table([labelTitle, 'underlying', 'down', 'up'], rows, 2));
  if (rows.some((row) => row[2] === 'now')) {
    lines.push("now: the bucket is below maintenance already, at today's prices.");
  }
  if (leftOut.length > 0) {
    lines.push(
      `Left out, as settle coins whose own move is a depeg: ${unique(leftOut).join(', ')}.`,
    );
  }
  return lines.join('\n');
}

function side(move: bigint | null): string {
  if (move === 0n) return 'now';
  return move === null ? 'none' : percent(move, true);
}

/** Below maintenance already: no move is needed (joint-move.ts returns 0 both ways). */
function isNow(move: JointMove): boolean {
  return move.down === 0n && move.up === 0n;
}

/** A coin the bucket's contracts settle in, and none is on. */
function isSettleCoinOnly(asset: string, held: readonly PositionReport[]): boolean {
  return (
    held.some((position) => position.settle === asset) &&
    !held.some((position) => position.underlying === asset)
  );
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
