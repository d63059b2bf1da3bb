import { plain } from './figures.ts';
import { table } from './table.ts';

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
