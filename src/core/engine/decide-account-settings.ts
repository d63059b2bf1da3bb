import type { Ledger } from '../ledger/ledger.ts';
import type { LocationPolicy } from '../ledger/location.ts';
import { amountMax, leverageMax } from '../limits.ts';
import type { Account } from '../model/account.ts';
import { crossBucketFor, positionKey } from '../model/bucket.ts';
import type { Venue } from '../model/venue.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { viewOf } from './decide-location.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { unreliableAssets } from './index-sources.ts';
import { atOrAboveInitial, worsensBelowInitial } from './initial-margin-check.ts';
import { pricesHeld } from './prices-held.ts';

export interface SettingsContext {
  readonly venue: Venue;
  readonly nowMs: number;
  /** The share of unrealised profit that may leave a bucket (decide.ts: 0 unless the venue says). */
  readonly withdrawableProfitShare: bigint;
  /** The places collateral is held at (ledger/location.ts): margin counts each at its weight. */
  readonly locations?: LocationPolicy;
}

/**
 * Collateral into or out of an isolated position. Checked in this order: `account_not_found`,
 * `instrument_not_found`, `position_not_found` (no position on it, on that side),
 * `position_not_isolated`, `amount_zero`, `amount_too_large`, `amount_off_unit` (the settle
 * asset's unit), `price_unavailable`, `insufficient_balance` (more than the cross balance of the
 * settle asset holds, in; more than the position's margin, out), then `initial_margin_insufficient`:
 * the bucket the collateral leaves (the cross pool, in; the position, out) must stay at or above
 * initial margin with unrealised profit counted at most at the withdrawable share, as a withdrawal
 * must (S6: margin moved out of a winning position and then withdrawn is paper profit withdrawn).
 */
export function decideIsolatedMargin(
  ledger: Ledger,
  command: CommandOf<'move_isolated_margin'>,
  context: SettingsContext,
): Decision {
  const { venue } = context;
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  const { side, amount } = command;
  const position = account.positions.find((p) => p.instrument === instrument.id && p.side === side);
  if (position === undefined) return refuse('position_not_found', side ? 'side' : 'instrument');
  if (position.marginMode !== 'isolated') return refuse('position_not_isolated', 'instrument');
  if (amount === 0n) return refuse('amount_zero', 'amount');
  if (abs(amount) > amountMax) return refuse('amount_too_large', 'amount');
  const unit = venue.rulebook.collateral.get(instrument.settle)?.unit;
  if (unit !== undefined && amount % unit !== 0n) return refuse('amount_off_unit', 'amount');
  if (!pricesHeld(ledger, account, venue, context.nowMs))
    return refuse('price_unavailable', 'instrument');
  if (amount < 0n && unreliableAssets(ledger, account, venue, context.nowMs).size > 0) {
    return refuse('price_unreliable', 'instrument');
  }
  const held =
    amount > 0n ? (account.balances.get(instrument.settle) ?? 0n) : position.isolatedMargin;
  if (abs(amount) > held) return refuse('insufficient_balance', 'amount');
  const after: Account = {
    ...account,
    balances: new Map(account.balances).set(
      instrument.settle,
      (account.balances.get(instrument.settle) ?? 0n) - amount,
    ),
    positions: account.positions.map((p) =>
      p === position ? { ...p, isolatedMargin: p.isolatedMargin + amount } : p,
    ),
  };
  const left = amount > 0n ? crossBucketFor(venue, instrument.settle) : positionKey(position);
  if (!atOrAboveInitial(after, (bucket) => bucket.id === left, ledger, context)) {
    return refuse('initial_margin_insufficient', 'amount');
  }
  const { account: id } = command;
  const asset = instrument.settle;
  return {
    events: [
      {
        type: 'isolated_margin_moved',
        account: id,
        instrument: instrument.id,
        ...(side === undefined ? {} : { side }),
        asset,
        amount,
      },
    ],
  };
}

/**
 * The account's leverage on an instrument. Checked: `account_not_found`, `instrument_not_found`,
 * `leverage_invalid` (below 1 or above `leverageMax`), `price_unavailable` (it holds a position or
 * an order there), then `initial_margin_insufficient`: a leverage that raises initial margin must
 * not leave a bucket below it (Binance refuses to lower leverage past what the margin covers); one
 * that lowers it is always taken. A leverage above what the rule allows is taken and changes
 * nothing: the rule's rate binds.
 */
export function decideLeverage(
  ledger: Ledger,
  command: CommandOf<'set_leverage'>,
  context: SettingsContext,
): Decision {
  const { venue } = context;
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  const { leverage } = command;
  if (leverage < SCALE || leverage > leverageMax * SCALE) {
    return refuse('leverage_invalid', 'leverage');
  }
  const after: Account = {
    ...account,
    leverage: new Map(account.leverage).set(instrument.id, leverage),
  };
  const trades = (i: { readonly instrument: string }) => i.instrument === instrument.id;
  if (account.positions.some(trades) || account.openOrders.some(trades)) {
    const view = viewOf(ledger, account, context);
    if (!pricesHeld(ledger, view, venue, context.nowMs)) {
      return refuse('price_unavailable', 'instrument');
    }
    if (unreliableAssets(ledger, view, venue, context.nowMs).size > 0) {
      return refuse('price_unreliable', 'leverage');
    }
    if (worsensBelowInitial(account, after, ledger, context)) {
      return refuse('initial_margin_insufficient', 'leverage');
    }
  }
  return {
    events: [{ type: 'leverage_set', account: account.id, instrument: instrument.id, leverage }],
  };
}

/**
 * The margin mode the account's next position on an instrument opens in (a fill that names one
 * takes it). Checked: `account_not_found`, `instrument_not_found`, `position_open` and
 * `orders_open`: as at Binance and Bybit, the mode changes only with no position and no order on
 * the instrument.
 */
export function decideMarginMode(
  ledger: Ledger,
  command: CommandOf<'set_margin_mode'>,
  venue: Venue,
): Decision {
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  if (account.positions.some((p) => p.instrument === instrument.id)) {
    return refuse('position_open', 'instrument');
  }
  if (account.openOrders.some((o) => o.instrument === instrument.id)) {
    return refuse('orders_open', 'instrument');
  }
  const { marginMode } = command;
  return {
    events: [
      { type: 'margin_mode_set', account: account.id, instrument: instrument.id, marginMode },
    ],
  };
}
