import { plain } from './figures.ts';
import { printable } from './printable.ts';
import { table } from './table.ts';

export interface Limits {
  readonly account: string;
  readonly maxOrders: readonly { instrument: string; buy: bigint; sell: bigint }[];
  readonly maxWithdrawals: readonly { asset: string; amount: bigint }[];
}

/**
 * Each limit is searched alone from the account as it stands: they do not add up (buying the
 * largest BTC order leaves no room to withdraw), and the text says so.
 */
export function limitsText(limits: Limits): string {
  return [
    `Limits for ${printable(limits.account)}, each computed alone from the account as it stands ` +
      '(not cumulative: using one leaves less of the others):',
    'Orders, in contracts, filled at the mark (open orders counted at their worst):\n' +
      table(
        ['instrument', 'max buy', 'max sell'],
        limits.maxOrders.map((o) => [o.instrument, plain(o.buy), plain(o.sell)]),
      ),
    'Withdrawals from the cross pool, in the asset, each with every other balance left in place:\n' +
      table(
        ['asset', 'max withdrawal'],
        limits.maxWithdrawals.map((w) => [w.asset, plain(w.amount)]),
      ),
  ].join('\n\n');
}
