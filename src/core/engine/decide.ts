import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { amountMax } from '../limits.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import type { Command, Rejection, RejectionCode } from './command.ts';
import { judgeWithdrawal } from './withdrawal-rule.ts';

/** What `decide` is given besides the ledger: the log's time, the venue's rules, prices now. */
export interface DecideContext {
  /** The log's time (ms): the engine never reads the host's clock (SCENARIOS.md S28). */
  readonly nowMs: number;
  readonly venue: Venue;
  readonly prices: PriceView;
  /** The share of unrealised profit a withdrawal may take: 0 unless the venue says otherwise. */
  readonly withdrawableProfitShare: Ratio;
}

export type Decision =
  | { readonly events: readonly LedgerEvent[] }
  | { readonly rejection: Rejection };

/**
 * A command checked completely against the ledger, changing nothing: the events it makes, or the
 * first check it fails (STYLE.md 1). The checks, in order:
 * 1. `command_expired` (issuedAtMs + timeToLiveMs before the log's time);
 * 2. the accounts: `account_exists` (open), `account_not_found`, `transfer_to_self`;
 * 3. the asset: `asset_not_accepted` (the venue's rulebook lists no collateral rule for it);
 * 4. the amount: `amount_not_positive`, `amount_too_large` (limits.ts), `amount_off_unit`
 *    (not a whole number of the asset's smallest unit, where the rulebook gives one);
 * 5. money leaving an account: `insufficient_balance` (more than held, where the asset cannot be
 *    borrowed), `bank_limit_exceeded`, `initial_margin_insufficient` (after it, with unrealised
 *    profit counted at most at `withdrawableProfitShare`).
 */
export function decide(ledger: Ledger, command: Command, context: DecideContext): Decision {
  const expired = isExpired(command, context.nowMs);
  if (expired) return refuse('command_expired', 'timeToLiveMs');
  switch (command.type) {
    case 'open_account':
      if (ledger.accounts.has(command.account)) return refuse('account_exists', 'account');
      return {
        events: [{ type: 'account_opened', account: command.account, poolMode: command.poolMode }],
      };
    case 'deposit': {
      const refusal =
        accountRefusal(ledger, command.account, 'account') ??
        amountRefusal(context.venue, command.asset, command.amount);
      if (refusal !== undefined) return { rejection: refusal };
      const { account, asset, amount } = command;
      return { events: [{ type: 'deposited', account, asset, amount }] };
    }
    case 'withdraw': {
      const refusal =
        accountRefusal(ledger, command.account, 'account') ??
        amountRefusal(context.venue, command.asset, command.amount) ??
        outflowRefusal(ledger, command.account, command.asset, command.amount, context);
      if (refusal !== undefined) return { rejection: refusal };
      const { account, asset, amount } = command;
      return { events: [{ type: 'withdrawn', account, asset, amount }] };
    }
    case 'transfer': {
      const refusal =
        accountRefusal(ledger, command.from, 'from') ??
        accountRefusal(ledger, command.to, 'to') ??
        (command.from === command.to ? rejection('transfer_to_self', 'to') : undefined) ??
        amountRefusal(context.venue, command.asset, command.amount) ??
        outflowRefusal(ledger, command.from, command.asset, command.amount, context);
      if (refusal !== undefined) return { rejection: refusal };
      const { from, to, asset, amount } = command;
      return { events: [{ type: 'transferred', from, to, asset, amount }] };
    }
  }
}

/** Applied after its time to live, on the log's clock; a command without one never expires. */
export function isExpired(command: Command, nowMs: number): boolean {
  if (command.issuedAtMs === undefined || command.timeToLiveMs === undefined) return false;
  return nowMs > command.issuedAtMs + command.timeToLiveMs;
}

function accountRefusal(ledger: Ledger, id: AccountId, field: string): Rejection | undefined {
  return ledger.accounts.has(id) ? undefined : rejection('account_not_found', field);
}

function amountRefusal(venue: Venue, asset: AssetId, amount: Amount): Rejection | undefined {
  const rule = venue.rulebook.collateral.get(asset);
  if (rule === undefined) return rejection('asset_not_accepted', 'asset');
  if (amount <= 0n) return rejection('amount_not_positive', 'amount');
  if (amount > amountMax) return rejection('amount_too_large', 'amount');
  if (rule.unit !== undefined && amount % rule.unit !== 0n) {
    return rejection('amount_off_unit', 'amount');
  }
  return undefined;
}

function outflowRefusal(
  ledger: Ledger,
  id: AccountId,
  asset: AssetId,
  amount: Amount,
  context: DecideContext,
): Rejection | undefined {
  const account = ledger.accounts.get(id)!;
  const { venue, prices, withdrawableProfitShare } = context;
  const judged = judgeWithdrawal(account, venue, prices, asset, amount, withdrawableProfitShare);
  return judged.verdict === 'accepted' ? undefined : rejection(judged.verdict, 'amount');
}

function rejection(code: RejectionCode, field: string): Rejection {
  return { code, field };
}

function refuse(code: RejectionCode, field: string): Decision {
  return { rejection: rejection(code, field) };
}
