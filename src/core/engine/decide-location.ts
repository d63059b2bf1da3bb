import { applyEvent, type Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import {
  holdingsAt,
  homeLocation,
  homeOnly,
  type LocationId,
  type LocationPolicy,
  marginView,
} from '../ledger/location.ts';
import type { BucketReport } from '../margin/risk-report.ts';
import type { Account } from '../model/account.ts';
import type { Rejection } from './command.ts';
import type { DecideContext } from './decide.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { unreliableAssets } from './index-sources.ts';
import { atOrAboveInitial } from './initial-margin-check.ts';
import { pricesHeld } from './prices-held.ts';

export function policyOf(context: Pick<DecideContext, 'locations'>): LocationPolicy {
  return context.locations ?? homeOnly;
}

/** A place the venue takes collateral at: home, or one of its policy's; else the refusal. */
export function locationRefusal(
  location: LocationId | undefined,
  context: Pick<DecideContext, 'locations'>,
  field: string,
): Rejection | undefined {
  if (location === undefined || location === homeLocation) return undefined;
  return policyOf(context).elsewhere.has(location)
    ? undefined
    : { code: 'location_not_found', field };
}

/** The account as its margin sees it under the context's places (location.ts `marginView`). */
export function viewOf(
  ledger: Ledger,
  account: Account,
  context: Pick<DecideContext, 'locations'>,
) {
  return marginView(ledger, account, policyOf(context));
}

/**
 * Money leaving an account from a place other than home, or moving between two of its places:
 * what it holds there must cover it (`insufficient_balance`: nothing is borrowed elsewhere than
 * home), and the account must stay at or above initial margin in every cross pool after it, as
 * its margin sees it (its holdings at their places' weights), with unrealised profit counted at
 * most at the withdrawable share: `initial_margin_insufficient`.
 */
export function outflowElsewhereRefusal(
  ledger: Ledger,
  account: Account,
  event: LedgerEvent,
  from: LocationId,
  asset: string,
  amount: bigint,
  context: DecideContext,
): Rejection | undefined {
  const held = holdingsAt(ledger, account, from).get(asset) ?? 0n;
  if (held < amount) return { code: 'insufficient_balance', field: 'amount' };
  const view = viewOf(ledger, account, context);
  if (!pricesHeld(ledger, view, context.venue, context.nowMs, asset)) {
    return { code: 'price_unavailable', field: 'asset' };
  }
  if (unreliableAssets(ledger, view, context.venue, context.nowMs, [asset]).size > 0) {
    return { code: 'price_unreliable', field: 'asset' };
  }
  const after = ledgerOverlay(ledger);
  applyEvent(after, event);
  const cross = (bucket: BucketReport) => bucket.marginMode !== 'isolated';
  return atOrAboveInitial(after.accounts.get(account.id)!, cross, after, context)
    ? undefined
    : { code: 'initial_margin_insufficient', field: 'amount' };
}

/**
 * Collateral moved between two places of one account: it leaves the source now and is pending
 * for the longer of the two places' delays, counted as the policy says, until the venue confirms
 * it (`settle_collateral_move`). Checked: `account_not_found`, `location_not_found` (`from`, then
 * `to`), `same_location`, the asset and amount (decide.ts), then the outflow's checks above.
 */
export function decideMove(
  ledger: Ledger,
  command: CommandOf<'move_collateral'> & { readonly id: string },
  context: DecideContext,
  amountRefusal: () => Rejection | undefined,
): Decision {
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const { asset, amount, from, to } = command;
  const refusal =
    locationRefusal(from, context, 'from') ??
    locationRefusal(to, context, 'to') ??
    (from === to ? { code: 'same_location' as const, field: 'to' } : undefined) ??
    amountRefusal();
  if (refusal !== undefined) return { rejection: refusal };
  const delay = (place: LocationId) =>
    place === homeLocation ? 0 : policyOf(context).elsewhere.get(place)!.transferDelayMs;
  const event: LedgerEvent = {
    type: 'collateral_move_started',
    move: command.id,
    account: account.id,
    asset,
    amount,
    from,
    to,
    settlesAtMs: context.nowMs + Math.max(delay(from), delay(to)),
  };
  const outflow = outflowElsewhereRefusal(ledger, account, event, from, asset, amount, context);
  return outflow === undefined ? { events: [event] } : { rejection: outflow };
}

/** The venue confirms a move: `move_not_found`, then `move_not_due` (before its delay is over). */
export function decideMoveSettled(
  ledger: Ledger,
  command: CommandOf<'settle_collateral_move'>,
  nowMs: number,
): Decision {
  const pending = ledger.pendingMoves.get(command.move);
  if (pending === undefined) return refuse('move_not_found', 'move');
  if (nowMs < pending.settlesAtMs) return refuse('move_not_due', 'move');
  const { account } = pending;
  return { events: [{ type: 'collateral_move_settled', move: command.move, account }] };
}
