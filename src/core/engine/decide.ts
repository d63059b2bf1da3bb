import { insuranceFund, isHouseAccount } from '../ledger/house-accounts.ts';
import { type Ledger, splitFeed } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../ledger/ledger-event.ts';
import { homeLocation, type LocationPolicy } from '../ledger/location.ts';
import { newFeed } from '../ledger/price-feed.ts';
import { amountMax } from '../limits.ts';
import { bankLimitBreach } from '../margin/bank-limits.ts';
import type { Account } from '../model/account.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import type { Command, Rejection, RejectionCode } from './command.ts';
import {
  decideIsolatedMargin,
  decideLeverage,
  decideMarginMode,
} from './decide-account-settings.ts';
import { decideExpiry } from './decide-expiry.ts';
import { decideFill } from './decide-fill.ts';
import { decideFunding } from './decide-funding.ts';
import {
  decideMove,
  decideMoveSettled,
  locationRefusal,
  outflowElsewhereRefusal,
  viewOf,
} from './decide-location.ts';
import { decideAmendOrder, decideCancelOrder, decidePlaceOrder } from './decide-order.ts';
import { decideVolatility } from './decide-volatility.ts';
import { decideLiquidationUnfilled } from './decide-waterfall.ts';
import { type Decision, refuse } from './decision.ts';
import { sourceFeed, sourceTicked, unreliableAssets } from './index-sources.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { cappedMark } from './mark-basis.ts';
import { type GuardPolicy, guardTick, tickRefusalField } from './price-guard.ts';
import { pricesHeld } from './prices-held.ts';
import { indexAccepted } from './redemption-cap.ts';
import { judgeWithdrawal } from './withdrawal-rule.ts';

/** What `decide` is given besides the ledger: the log's time and the venue's rules. */
export interface DecideContext {
  /** The log's time (ms): the engine never reads the host's clock (SCENARIOS.md S28). */
  readonly nowMs: number;
  readonly venue: Venue;
  /** The share of unrealised profit a withdrawal may take: 0 unless the venue says otherwise. */
  readonly withdrawableProfitShare: Ratio;
  /** How ticks are judged; whether a zero is a price follows from the feed (`zeroAllowed`). */
  readonly priceGuard: Omit<GuardPolicy, 'zeroAllowed'>;
  /** The places collateral is held at besides the venue's own (ledger/location.ts); absent: none. */
  readonly locations?: LocationPolicy;
  /**
   * The SHA-256 of a text, in hex, for a command's digest: the core's own (sha256.ts) where
   * absent; the shell gives the runtime's, the same digest some fifteen times faster.
   */
  readonly sha256?: (text: string) => string;
}

export type { Decision } from './decision.ts';

/**
 * A command checked completely against the ledger, changing nothing: the events it makes, or the
 * first check it fails (STYLE.md 1). The checks, in order:
 * 1. `command_expired` (issuedAtMs + timeToLiveMs before the log's time);
 * 2. the accounts: `account_exists`, `account_reserved` (an id beginning with `@`, the venue's
 *    own: house-accounts.ts) and `pool_mode_unavailable` (portfolio margin under a rulebook
 *    without a portfolio section) to open one, `account_not_found`, `transfer_to_self`;
 *    then for a deposit or withdrawal at a place other than the venue's own, `location_not_found`;
 * 3. the asset: `asset_not_accepted` (the venue's rulebook lists no collateral rule for it);
 * 4. the amount: `amount_not_positive`, `amount_too_large` (limits.ts), `amount_off_unit`
 *    (not a whole number of the asset's smallest unit, where the rulebook gives one);
 * 5. money coming in: `bank_limit_exceeded` (the venue's deposits of the asset at its bank's
 *    deposit limit, Mango's);
 * 6. money leaving an account: `price_unavailable` (a price the check reads is not there yet:
 *    no check is made on a price that is not there; `pricesHeld`), `price_unreliable` (an index
 *    the account's margin reads has too few healthy sources, and it owes something after:
 *    index-sources.ts), `insufficient_balance` (more than held, where
 *    the asset cannot be borrowed), `bank_limit_exceeded`, `initial_margin_insufficient` (after
 *    it, with unrealised profit counted at most at `withdrawableProfitShare`).
 * A price tick: `feed_not_found` (no such instrument, or an asset the venue neither takes nor
 * lists a contract on), `source_not_found` (a source the asset's index does not list, none for an
 * index computed from sources, or one for a feed that has no sources: index-sources.ts), then the
 * guard's own codes, in its order (price-guard.ts), on the source's own feed where there is one.
 * A mark the guard accepts beyond the rulebook's `markBasisCap` of its index is applied at the
 * band's edge (mark-basis.ts, the event's `applied`); the feed keeps the price it sent, so its
 * guard judges the next tick against the feed, not against the cap. An index is applied as
 * redemption-cap.ts says: a wrapped token's at no more than it redeems for, and a move of what it
 * redeems for followed by the tokens whose cap binds. A volatility surface: decide-volatility.ts.
 * A halt (`instrument_not_found`, `instrument_halted` when halted already) or a resumption
 * (`instrument_not_halted`). Moving collateral between places: decide-location.ts. A fill, a funding interval, an expiry, an isolated-margin move and the account's settings,
 * orders: their own orders, in decide-fill.ts, decide-funding.ts, decide-expiry.ts,
 * decide-account-settings.ts and decide-order.ts.
 */
export function decide(ledger: Ledger, command: Command, context: DecideContext): Decision {
  const expired = isExpired(command, context.nowMs);
  if (expired) return refuse('command_expired', 'timeToLiveMs');
  switch (command.type) {
    case 'open_account':
      if (ledger.accounts.has(command.account)) return refuse('account_exists', 'account');
      if (isHouseAccount(command.account)) return refuse('account_reserved', 'account');
      if (command.poolMode === 'portfolio' && context.venue.rulebook.portfolio === undefined) {
        return refuse('pool_mode_unavailable', 'poolMode');
      }
      return {
        events: [{ type: 'account_opened', account: command.account, poolMode: command.poolMode }],
      };
    case 'deposit':
    case 'withdraw': {
      const { account, asset, amount } = command;
      const elsewhere = command.location === homeLocation ? undefined : command.location;
      const type = command.type === 'deposit' ? 'deposited' : 'withdrawn';
      const event: LedgerEvent = {
        type,
        account,
        asset,
        amount,
        ...(elsewhere ? { location: elsewhere } : {}),
      };
      // The venue seeds its insurance fund as it would a trader's account: at home only.
      const seedsFund = command.type === 'deposit' && account === insuranceFund && !elsewhere;
      const refusal =
        (seedsFund ? undefined : accountRefusal(ledger, account, 'account')) ??
        locationRefusal(elsewhere, context, 'location') ??
        amountRefusal(context.venue, asset, amount) ??
        (command.type === 'deposit'
          ? seedsFund
            ? undefined
            : depositLimitRefusal(ledger, account, asset, amount, context)
          : elsewhere === undefined
            ? outflowRefusal(ledger, account, asset, amount, context)
            : outflowElsewhereRefusal(
                ledger,
                ledger.accounts.get(account)!,
                event,
                elsewhere,
                asset,
                amount,
                context,
              ));
      return refusal === undefined ? { events: [event] } : { rejection: refusal };
    }
    case 'halt_instrument':
    case 'resume_instrument': {
      const { instrument } = command;
      if (!context.venue.instruments.has(instrument))
        return refuse('instrument_not_found', 'instrument');
      const halting = command.type === 'halt_instrument';
      if (halting === ledger.halted.has(instrument)) {
        return refuse(halting ? 'instrument_halted' : 'instrument_not_halted', 'instrument');
      }
      return {
        events: [{ type: halting ? 'instrument_halted' : 'instrument_resumed', instrument }],
      };
    }
    case 'move_collateral':
      return decideMove(ledger, command, context, () =>
        amountRefusal(context.venue, command.asset, command.amount),
      );
    case 'settle_collateral_move':
      return decideMoveSettled(ledger, command, context.nowMs);
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
    case 'price_tick': {
      const zeroAllowed = zeroAllowedOn(command.feed, context.venue);
      if (zeroAllowed === undefined) return refuse('feed_not_found', 'feed');
      const [kind, asset] = splitFeed(command.feed);
      const rule = kind === 'index' ? context.venue.rulebook.index?.get(asset) : undefined;
      const { source, sequence, timeMs, price } = command;
      if (source === undefined ? rule !== undefined : !rule?.sources.includes(source)) {
        return refuse('source_not_found', 'source');
      }
      const fed = rule === undefined ? command.feed : sourceFeed(asset, source!);
      const { feed, verdict } = guardTick(
        ledger.feeds.get(fed) ?? newFeed,
        { sequence, timeMs, price },
        context.nowMs,
        { ...context.priceGuard, zeroAllowed },
      );
      if (verdict.kind === 'refused') return refuse(verdict.code, tickRefusalField(verdict.code));
      if (rule !== undefined) {
        return { events: sourceTicked(ledger, context.venue, asset, fed, feed, context.nowMs) };
      }
      if (verdict.kind === 'held') {
        return { events: [{ type: 'price_held', feed: command.feed, state: feed }] };
      }
      if (kind === 'index') return { events: indexAccepted(ledger, context.venue, asset, feed) };
      const cap = kind === 'mark' ? context.venue.rulebook.markBasisCap : undefined;
      const applied =
        cap === undefined
          ? verdict.price
          : cappedMark(ledger, context.venue.instruments.get(asset)!, verdict.price, cap);
      return {
        events: [
          {
            type: 'price_accepted',
            feed: command.feed,
            state: feed,
            ...(applied === verdict.price ? {} : { applied }),
          },
        ],
      };
    }
    case 'volatility_surface':
      return decideVolatility(ledger, command, context);
    case 'fill':
      return decideFill(ledger, command, context);
    case 'liquidation_unfilled':
      return decideLiquidationUnfilled(ledger, command, context);
    case 'funding':
      return decideFunding(ledger, command, context.venue, context.nowMs);
    case 'settle_expiry':
      return decideExpiry(ledger, command, context.venue, context.nowMs);
    case 'move_isolated_margin':
      return decideIsolatedMargin(ledger, command, context);
    case 'set_leverage':
      return decideLeverage(ledger, command, context);
    case 'set_margin_mode':
      return decideMarginMode(ledger, command, context.venue);
    case 'place_order':
      return decidePlaceOrder(ledger, command, context);
    case 'amend_order':
      return decideAmendOrder(ledger, command, context);
    case 'cancel_order':
      return decideCancelOrder(ledger, command);
  }
}

/**
 * Whether a feed may print zero: an asset's index may (collateral that went to zero, S12), so may
 * an option's mark (a worthless option); a future's mark may not. Undefined: no such feed.
 */
function zeroAllowedOn(feed: PriceFeed, venue: Venue): boolean | undefined {
  const [kind, id] = splitFeed(feed);
  if (kind === 'mark') {
    const instrument = venue.instruments.get(id);
    return instrument === undefined ? undefined : instrument.kind === 'option';
  }
  return venue.rulebook.collateral.has(id) || pricedAssetsOf(venue).has(id) ? true : undefined;
}

/**
 * The assets the venue's contracts are written on or settled in, found once per venue: an index
 * tick arrives many times a second, and a venue lists thousands of contracts.
 */
const pricedAssets = new WeakMap<Venue, ReadonlySet<AssetId>>();

function pricedAssetsOf(venue: Venue): ReadonlySet<AssetId> {
  let assets = pricedAssets.get(venue);
  if (assets === undefined) {
    assets = new Set([...venue.instruments.values()].flatMap((i) => [i.underlying, i.settle]));
    pricedAssets.set(venue, assets);
  }
  return assets;
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

/**
 * A deposit that takes the venue's deposits of the asset (every account's: `Ledger.venueTotals`)
 * to the bank's limit is refused, as Mango refuses it (`deposit_limit`); a deposit that repays a
 * debt adds no deposit.
 */
function depositLimitRefusal(
  ledger: Ledger,
  id: AccountId,
  asset: AssetId,
  amount: Amount,
  context: DecideContext,
): Rejection | undefined {
  if (context.venue.rulebook.collateral.get(asset)?.depositLimit === undefined) return undefined;
  const before = ledger.accounts.get(id)!.balances.get(asset) ?? 0n;
  const prices = ledgerPrices(ledger, context.nowMs);
  const breach = bankLimitBreach(context.venue, prices, asset, before, before + amount);
  return breach === null ? undefined : rejection('bank_limit_exceeded', 'amount');
}

/**
 * Whether anything is valued against the account once `amount` of `asset` leaves it: a position,
 * an order, a debt. One that owes nothing takes its money out whatever an index says.
 */
function owesAfter(account: Account, asset: AssetId, amount: Amount): boolean {
  return (
    account.positions.length > 0 ||
    account.openOrders.length > 0 ||
    (account.spotOrders?.length ?? 0) > 0 ||
    [...account.balances.values()].some((b) => b < 0n) ||
    (account.balances.get(asset) ?? 0n) < amount
  );
}

function outflowRefusal(
  ledger: Ledger,
  id: AccountId,
  asset: AssetId,
  amount: Amount,
  context: DecideContext,
): Rejection | undefined {
  const home = ledger.accounts.get(id)!;
  const { venue, withdrawableProfitShare } = context;
  // What the account holds elsewhere counts as collateral, not as money to take from home.
  const account = viewOf(ledger, home, context);
  if (!pricesHeld(ledger, account, venue, context.nowMs, asset))
    return rejection('price_unavailable', 'asset');
  if (
    venue.rulebook.index !== undefined &&
    owesAfter(account, asset, amount) &&
    unreliableAssets(ledger, account, venue, context.nowMs, [asset]).size > 0
  ) {
    return rejection('price_unreliable', 'asset');
  }
  const borrowable = venue.rulebook.collateral.get(asset)?.liabilityInitialWeight !== undefined;
  if (account !== home && !borrowable && (home.balances.get(asset) ?? 0n) < amount) {
    return rejection('insufficient_balance', 'amount');
  }
  const prices = ledgerPrices(ledger, context.nowMs);
  const judged = judgeWithdrawal(account, venue, prices, asset, amount, withdrawableProfitShare);
  return judged.verdict === 'accepted' ? undefined : rejection(judged.verdict, 'amount');
}

function rejection(code: RejectionCode, field: string): Rejection {
  return { code, field };
}
