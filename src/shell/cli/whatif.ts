import {
  amountMax,
  amountUnitsMax,
  ordersPerAccountMax,
  priceMax,
  priceUnitsMax,
  sizeMax,
  sizeUnitsMax,
} from '../../core/limits.ts';
import { assessWith } from '../../core/margin/assess.ts';
import {
  applyHypothetical,
  type Hypothetical,
  type OrderTicket,
  orderChange,
  type Placement,
  placement,
  tradedPosition,
} from '../../core/margin/hypothetical.ts';
import type { RiskReport } from '../../core/margin/risk-report.ts';
import { type Judgement, judge, maxOrderSize, maxWithdrawal } from '../../core/margin/what-if.ts';
import type { Account } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import type { PriceView } from '../../core/model/price-view.ts';
import type { Venue } from '../../core/model/venue.ts';
import { abs, formatFixed, parseFixed } from '../../core/num/fixed.ts';
import { InputError } from '../import/reader.ts';

/** A transfer as the trader writes it: a deposit (positive) or withdrawal of a cross balance. */
export interface TransferTicket {
  readonly asset: string;
  readonly amount: bigint;
}

/** The one change a what-if applies: an order or a transfer. */
export type Ticket = { order: OrderTicket } | { transfer: TransferTicket };

/**
 * `"buy 0.5 BTCUSDT"` (a market order, filled at the mark) or `"sell 2 ETHUSDT@3100"` (a limit
 * order), checked as the portfolio file's open orders are: a size within the size limit and on the
 * instrument's size step, a price within the price limit and on its tick.
 */
export function parseOrder(text: string, portfolio: Portfolio): OrderTicket {
  const match = /^(buy|sell)\s+(\S+)\s+([^\s@]+)(?:\s*@\s*(\S+))?$/.exec(text.trim());
  const size = match ? parseFixed(match[2]!) : null;
  const limit = match?.[4] === undefined ? undefined : parseFixed(match[4]);
  if (
    match === null ||
    size === null ||
    size <= 0n ||
    limit === null ||
    (limit !== undefined && limit <= 0n)
  ) {
    throw new InputError([`--order: must read "buy|sell SIZE INSTRUMENT[@PRICE]", got "${text}"`]);
  }
  const id = match[3]!;
  const instrument = portfolio.venue.instruments.get(id);
  if (instrument === undefined || !portfolio.market.markPrices.has(id)) {
    throw new InputError([`--order: unknown instrument or no mark price: "${id}"`]);
  }
  const issues = [
    ...stepIssues(size, 'size', instrument),
    ...(limit === undefined ? [] : stepIssues(limit, 'price', instrument)),
  ];
  if (issues.length > 0) throw new InputError(issues.map((issue) => `--order: ${issue}`));
  const side = match[1] as 'buy' | 'sell';
  return { instrument: id, side, size, ...(limit === undefined ? {} : { limit }) };
}

/** What an order's size or limit price must meet: the reader's limit and the instrument's step. */
function grid(kind: 'size' | 'price', instrument: Instrument) {
  return kind === 'size'
    ? { max: sizeMax, unitsMax: sizeUnitsMax, step: instrument.sizeStep, stepName: 'size step' }
    : { max: priceMax, unitsMax: priceUnitsMax, step: instrument.tickSize, stepName: 'tick size' };
}

function stepIssues(value: bigint, kind: 'size' | 'price', instrument: Instrument): string[] {
  const { max, unitsMax, step, stepName } = grid(kind, instrument);
  if (value > max) {
    return [`${kind} ${formatFixed(value)} must be at most the ${kind} limit (${unitsMax})`];
  }
  if (value % step !== 0n) {
    return [
      `${kind} ${formatFixed(value)} is not a multiple of ${instrument.id}'s ${stepName} ` +
        `${formatFixed(step)}`,
    ];
  }
  return [];
}

/** `"USDT -100"` withdraws 100 USDT from the cross pool; `"USDT 100"` deposits it. */
export function parseTransfer(text: string, portfolio: Portfolio): TransferTicket {
  const match = /^(\S+)\s+(\S+)$/.exec(text.trim());
  const amount = match ? parseFixed(match[2]!) : null;
  if (match === null || amount === null || amount === 0n) {
    throw new InputError([
      `--transfer: must read "ASSET AMOUNT" (negative to withdraw), got "${text}"`,
    ]);
  }
  if (!portfolio.market.assetPrices.has(match[1]!)) {
    throw new InputError([`--transfer: unknown asset or no price: "${match[1]}"`]);
  }
  if (abs(amount) > amountMax) {
    throw new InputError([
      `--transfer: amount ${formatFixed(amount)} is beyond the amount limit (${amountUnitsMax})`,
    ]);
  }
  return { asset: match[1]!, amount };
}

/** Each account's venue margins the order's instrument, or the first account's that does not. */
export function requireRules(portfolio: Portfolio, accounts: readonly Account[], id: string): void {
  const instrument = portfolio.venue.instruments.get(id)!;
  // A book has many accounts and few venues: each venue checked once.
  for (const venue of new Set(accounts.map((account) => venueOf(portfolio, account)))) {
    if (hasRule(venue, instrument)) continue;
    const account = accounts.find((a) => venueOf(portfolio, a) === venue)!;
    throw new InputError([
      `--order: rulebook "${venue.rulebook.id}" of account "${account.id}" has no rule for ` +
        `"${id}" (choose another with --account)`,
    ]);
  }
}

/** One account's what-if: what the change does, whether the venue takes it, before and after. */
export interface WhatIfOutcome {
  readonly account: string;
  readonly change: ChangeEcho;
  /** An order's: filled (at what price) or rested on the book; absent for a transfer. */
  readonly placement?: Placement & { readonly markPrice: bigint };
  readonly verdict: Judgement['verdict'];
  readonly reason: ReasonOf<Judgement> & {
    /** A rejected order: the largest the venue would take on that side at that price. */
    readonly maxSize?: bigint;
    /** A withdrawal refused for margin: the most of that asset that may leave. */
    readonly maxWithdrawal?: bigint;
  };
  /** The account as it stands, without the joint moves (`margin` has them). */
  readonly before: RiskReport;
  /** Null when the venue would refuse the change: that state could not exist. */
  readonly after: RiskReport | null;
}

/** A judgement without its verdict, case by case. */
type ReasonOf<J> = J extends unknown ? Omit<J, 'verdict'> : never;

export type ChangeEcho =
  | {
      readonly kind: 'order';
      readonly side: 'buy' | 'sell';
      readonly size: bigint;
      readonly instrument: string;
      readonly limit: bigint | null;
      /** The asset its notional and PnL are in. */
      readonly settle: string;
    }
  | { readonly kind: 'transfer'; readonly asset: string; readonly amount: bigint };

/**
 * The change for one account, refused (InputError naming the flag) where it would leave the
 * account beyond the limits the portfolio file reader enforces.
 */
export function changeFor(
  account: Account,
  ticket: Ticket,
  prices: PriceView,
): Hypothetical & { kind: 'order' | 'resting-order' | 'transfer' } {
  if ('transfer' in ticket) {
    const { asset, amount } = ticket.transfer;
    const balance = (account.balances.get(asset) ?? 0n) + amount;
    if (abs(balance) > amountMax) {
      throw new InputError([
        `--transfer: leaves account "${account.id}" a ${asset} balance of ` +
          `${formatFixed(balance)}, beyond the amount limit (${amountUnitsMax})`,
      ]);
    }
    return { kind: 'transfer', asset, amount };
  }
  const { order } = ticket;
  const change = orderChange(order, prices.markPrice(order.instrument));
  const held = tradedPosition(account, order.instrument, order.side)?.size ?? 0n;
  const size = held + (order.side === 'buy' ? order.size : -order.size);
  if (abs(size) > sizeMax) {
    throw new InputError([
      `--order: leaves account "${account.id}" a ${order.instrument} position of ` +
        `${formatFixed(size)}, beyond the size limit (${sizeUnitsMax})`,
    ]);
  }
  if (change.kind === 'resting-order' && account.openOrders.length >= ordersPerAccountMax) {
    throw new InputError([
      `--order: account "${account.id}" already has ${ordersPerAccountMax} open orders, the most ` +
        'an account may hold',
    ]);
  }
  return change;
}

export function whatIf(
  account: Account,
  venue: Venue,
  prices: PriceView,
  ticket: Ticket,
): WhatIfOutcome {
  const change = changeFor(account, ticket, prices);
  const judgement = judge(account, venue, prices, change);
  const { verdict, ...reason } = judgement;
  // The joint-move search is the costly part of a report: the state after carries it, the state
  // before (the account as `margin` reports it) does not.
  const before = assessWith(account, venue, prices, { jointMoves: false });
  const after =
    verdict === 'accepted'
      ? assessWith(applyHypothetical(account, venue, change), venue, prices, { jointMoves: true })
      : null;
  if ('transfer' in ticket) {
    const { asset, amount } = ticket.transfer;
    const most =
      verdict === 'initial_margin_insufficient'
        ? { maxWithdrawal: maxWithdrawal(account, venue, prices, asset) }
        : {};
    return {
      account: account.id,
      change: { kind: 'transfer', asset, amount },
      verdict,
      reason: { ...reason, ...most },
      before,
      after,
    };
  }
  const { order } = ticket;
  const markPrice = prices.markPrice(order.instrument);
  const placed = placement(order, markPrice);
  const most =
    verdict === 'accepted'
      ? {}
      : {
          maxSize: maxOrderSize(
            account,
            venue,
            prices,
            order.instrument,
            order.side,
            placed.price,
            placed.kind,
          ),
        };
  return {
    account: account.id,
    change: {
      kind: 'order',
      side: order.side,
      size: order.size,
      instrument: order.instrument,
      limit: order.limit ?? null,
      settle: venue.instruments.get(order.instrument)!.settle,
    },
    placement: { ...placed, markPrice },
    verdict,
    reason: { ...reason, ...most },
    before,
    after,
  };
}

/** Each account's what-if, once every account's venue has a rule for an order's instrument. */
export function whatIfs(
  accounts: readonly Account[],
  portfolio: Portfolio,
  prices: PriceView,
  ticket: Ticket,
): WhatIfOutcome[] {
  if ('order' in ticket) requireRules(portfolio, accounts, ticket.order.instrument);
  return accounts.map((account) => whatIf(account, venueOf(portfolio, account), prices, ticket));
}

export function limitsOf(account: Account, portfolio: Portfolio, prices: PriceView) {
  const venue = venueOf(portfolio, account);
  // The contracts this account's venue margins, with a price to trade them at.
  const instruments = [...venue.instruments.values()]
    .filter(
      (instrument) => portfolio.market.markPrices.has(instrument.id) && hasRule(venue, instrument),
    )
    .map((instrument) => instrument.id);
  return {
    maxOrders: instruments.map((instrument) => {
      const mark = prices.markPrice(instrument);
      return {
        instrument,
        buy: maxOrderSize(account, venue, prices, instrument, 'buy', mark),
        sell: maxOrderSize(account, venue, prices, instrument, 'sell', mark),
      };
    }),
    maxWithdrawals: [...account.balances.keys()].map((asset) => ({
      asset,
      amount: maxWithdrawal(account, venue, prices, asset),
    })),
  };
}

/** Whether the venue's rulebook margins the instrument (its own rule, or the default of its kind). */
export function hasRule(venue: Venue, instrument: Instrument): boolean {
  const { rulebook } = venue;
  const fallback = instrument.kind === 'option' ? rulebook.defaultOptionRule : rulebook.defaultRule;
  return rulebook.instruments.has(instrument.id) || fallback !== undefined;
}
