import type { QueuedAccount } from '../../core/margin/liquidation-queue.ts';
import { ratioFloor } from '../../core/num/rounding.ts';
import { amountDown, amountUp, percent } from './figures.ts';
import { table } from './table.ts';

/** The liquidatable accounts of a many-account file, in the order a venue would take them. */
export function liquidationQueueText(queue: readonly QueuedAccount[]): string {
  if (queue.length === 0) return 'Liquidation queue: no account is liquidatable.';
  return [
    'Liquidation queue (most underwater first: equity / maintenance margin of the worst bucket):',
    table(
      ['#', 'account', 'bucket', 'equity USD', 'maint. USD', 'equity/MM'],
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
