import type { Command } from '../../core/engine/command.ts';
import { viewOf } from '../../core/engine/decide-location.ts';
import type { Answer } from '../../core/engine/execute.ts';
import { pausedOnIndex } from '../../core/engine/index-sources.ts';
import { ledgerPrices } from '../../core/engine/ledger-prices.ts';
import { fundRoom } from '../../core/engine/liquidation-fill.ts';
import { marginStateOf } from '../../core/engine/margin-state.ts';
import { pricesHeld } from '../../core/engine/prices-held.ts';
import { withProfitAtMost } from '../../core/engine/withdrawal-rule.ts';
import { conservationGaps, openInterestGaps } from '../../core/ledger/conservation.ts';
import { roundingAccount } from '../../core/ledger/house-accounts.ts';
import { type Ledger, openInterestOf, venueTotalsOf } from '../../core/ledger/ledger.ts';
import type { LedgerEvent } from '../../core/ledger/ledger-event.ts';
import type { LiquidationOrder } from '../../core/ledger/liquidation-order.ts';
import { withoutOrders } from '../../core/liquidation/liquidation-step.ts';
import {
  type BucketRisk,
  bucketRisk,
  freeCollateral,
  isLiquidatable,
} from '../../core/margin/bucket-risk.ts';
import { accountTotals, type BucketFigures } from '../../core/margin/margin-figures.ts';
import type { Account } from '../../core/model/account.ts';
import { type Bucket, bucketsOf, crossBucketFor } from '../../core/model/bucket.ts';
import type { AccountId, AssetId } from '../../core/model/ids.ts';
import type { PriceView } from '../../core/model/price-view.ts';
import { abs, formatFixed } from '../../core/num/fixed.ts';
import type { EngineSettings } from '../engine/engine-host.ts';

/** An invariant broken: its name (SCENARIOS.md C0) and what was found, with the figures. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

/** What the checks after a command need of the ledger before it (taken cheaply, before it runs). */
export interface Before {
  readonly events: number;
  /** The liquidation order a fill or an unfilled report names, and its account's cross balances. */
  readonly order?: LiquidationOrder;
  readonly crossBalances?: ReadonlyMap<AssetId, bigint>;
  /** |size| of the position the order closes, for the waterfall's bound. */
  readonly positionSize?: bigint;
}

export interface CheckOptions {
  /**
   * INV-LIVE's bound: a bucket below maintenance on held prices has a liquidation order within
   * this many commands of the first one that left it there, and this much log time (both must
   * pass before it counts as late: a cool-down or a grace is time, a quiet market is commands).
   */
  readonly liveWithinCommands: number;
  readonly liveWithinMs: number;
}

/**
 * SCENARIOS.md C0, checked after every command the simulator delivers, on the engine's own
 * ledger: each check names the invariant it holds. The margin figures are the exact path's
 * (bucketRisk), which the engine's fast path must agree with; a check reads the
 * ledger and never changes it.
 */
export class InvariantChecker {
  /** Buckets below maintenance with no order yet: since which command and log time. */
  private readonly unordered = new Map<string, { readonly step: number; readonly atMs: number }>();
  /** When each account was last seen paused on an unreliable index. */
  private readonly paused = new Map<AccountId, { readonly step: number; readonly atMs: number }>();

  constructor(
    private readonly settings: EngineSettings,
    private readonly options: CheckOptions,
  ) {}

  before(ledger: Ledger, command: Command): Before {
    const orderId =
      command.type === 'liquidation_unfilled'
        ? command.orderId
        : command.type === 'fill'
          ? command.taker.orderId
          : undefined;
    const order = orderId === undefined ? undefined : ledger.liquidations.get(orderId);
    if (order === undefined) return { events: ledger.events };
    const account = ledger.accounts.get(order.account)!;
    const position = account.positions.find(
      (p) => p.instrument === order.instrument && p.side === order.positionSide,
    );
    return {
      events: ledger.events,
      order,
      crossBalances: new Map(account.balances),
      positionSize: abs(position?.size ?? 0n),
    };
  }

  /**
   * The checks of one command's outcome: what its answer says happened did (a refusal or a repeat
   * changed nothing; a repeat of an accepted command is answered as one; a reused id is refused),
   * and the events it made keep their rules.
   */
  afterCommand(
    ledger: Ledger,
    command: Command,
    answer: Answer,
    before: Before,
    nowMs: number,
    expect: { readonly duplicate?: boolean; readonly reused?: boolean } = {},
  ): Violation | undefined {
    if (expect.duplicate === true && answer.kind !== 'duplicate') {
      return {
        invariant: 'INV-IDEM',
        detail: `${command.id} sent again was answered ${answer.kind}`,
      };
    }
    if (expect.reused === true) {
      const refused = answer.kind === 'rejected' && answer.rejection.code === 'command_id_reused';
      if (!refused) {
        return {
          invariant: 'INV-IDEM',
          detail: `${command.id} reused for another body: ${answer.kind}`,
        };
      }
    }
    if (answer.kind !== 'accepted') {
      if (ledger.events !== before.events) {
        return { invariant: 'INV-IDEM', detail: `${command.id} ${answer.kind} but the log grew` };
      }
      return undefined;
    }
    return (
      this.waterfallKept(answer.events, command, before) ??
      this.isolationKept(ledger, answer.events, before) ??
      this.withdrawalKept(ledger, command, nowMs)
    );
  }

  /**
   * The checks of the whole ledger after any step: every asset and market balances, the rounding
   * account only gains, every liquidation order the step made (`made`, and still outstanding) is
   * for a bucket below maintenance on the latest prices and names the mark tick it was decided on,
   * every bucket below maintenance is ordered in time, no bucket without positions is left owing,
   * and each account's recorded margin state is the one the exact path gives.
   */
  afterStep(
    ledger: Ledger,
    step: number,
    nowMs: number,
    made: ReadonlySet<string>,
    pricesEpoch: number,
  ): Violation | undefined {
    const { venue } = this.settings;
    const gaps = conservationGaps(ledger, venue.instruments);
    if (gaps.size > 0) {
      const [asset, gap] = [...gaps][0]!;
      return { invariant: 'INV-CONS', detail: `${asset}: held − owed = ${formatFixed(gap)}` };
    }
    const open = openInterestGaps(ledger);
    if (open.size > 0) {
      const [instrument, net] = [...open][0]!;
      return {
        invariant: 'INV-CONS',
        detail: `${instrument}: positions net to ${formatFixed(net)}`,
      };
    }
    // The open interest the ledger keeps as positions change is the positions' own.
    const held = openInterestOf(ledger.accounts.values());
    for (const id of new Set([...held.keys(), ...ledger.openInterest.keys()])) {
      if (held.get(id) !== ledger.openInterest.get(id)) {
        return {
          invariant: 'INV-CONS',
          detail: `${id}: open interest kept ${formatFixed(ledger.openInterest.get(id) ?? 0n)}, held ${formatFixed(held.get(id) ?? 0n)}`,
        };
      }
    }
    // So are the venue's totals of each asset the balances' own.
    const totals = venueTotalsOf(ledger.accounts.values(), ledger.holdings.values());
    for (const asset of new Set([...totals.keys(), ...ledger.venueTotals.keys()])) {
      const [kept, held] = [ledger.venueTotals.get(asset), totals.get(asset)];
      if (kept?.deposits !== held?.deposits || kept?.borrows !== held?.borrows) {
        return {
          invariant: 'INV-CONS',
          detail: `${asset}: venue totals kept ${formatFixed(kept?.deposits ?? 0n)} / ${formatFixed(kept?.borrows ?? 0n)}, held ${formatFixed(held?.deposits ?? 0n)} / ${formatFixed(held?.borrows ?? 0n)}`,
        };
      }
    }
    for (const amount of ledger.house.get(roundingAccount)?.values() ?? []) {
      if (amount < 0n)
        return { invariant: 'INV-CONS', detail: 'the rounding account went below zero' };
    }
    const prices = ledgerPrices(ledger, nowMs);
    const ordersOf = new Map<AccountId, LiquidationOrder[]>();
    for (const order of ledger.liquidations.values()) {
      ordersOf.set(order.account, [...(ordersOf.get(order.account) ?? []), order]);
      const markSequence = ledger.feeds.get(`mark:${order.instrument}`)?.sequence ?? 0;
      if (made.has(order.id) && (order.markSequence > markSequence || order.markSequence === 0)) {
        return {
          invariant: 'INV-HEALTHY',
          detail: `${order.id} names mark tick ${order.markSequence}, the ledger's last is ${markSequence}`,
        };
      }
    }
    const seen = new Set<string>();
    for (const account of ledger.accounts.values()) {
      const view = viewOf(ledger, account, this.settings);
      if (!pricesHeld(ledger, view, venue, nowMs)) continue;
      const orders = ordersOf.get(account.id) ?? [];
      const { figures, buckets } = this.margined(view, prices, nowMs, pricesEpoch);
      // An index its sources leave unreliable pauses liquidation and the fund's covers, for a
      // bounded time; after it, they come at the next event that touches the account. The wait
      // for an order is bounded from the pause's end (INV-LIVE), a debt's as long again.
      const pausedNow = pausedOnIndex(ledger, view, venue, nowMs);
      if (pausedNow) this.paused.set(account.id, { step, atMs: nowMs });
      const pause = this.paused.get(account.id);
      const debtMayWait =
        pause !== undefined &&
        (step - pause.step <= this.options.liveWithinCommands ||
          nowMs - pause.atMs <= this.options.liveWithinMs);
      for (const { bucket, risk } of buckets) {
        const below = isLiquidatable(risk, venue.rulebook);
        const key = `${account.id}/${bucket.id}`;
        const ordered = orders.some((o) => o.bucket === bucket.id);
        const fresh = orders.some((o) => o.bucket === bucket.id && made.has(o.id));
        if (fresh && !below) {
          return {
            invariant: 'INV-HEALTHY',
            detail: `${key} was ordered liquidated at equity ${formatFixed(risk.equity)} ≥ MM ${formatFixed(risk.maintenanceMargin)}`,
          };
        }
        if (
          !debtMayWait &&
          risk.maintenanceMargin === 0n &&
          risk.equity < 0n &&
          this.fundCouldPay(ledger, bucket, prices)
        ) {
          return {
            invariant: 'INV-NONEG',
            detail: `${key} has nothing to liquidate and owes ${formatFixed(-risk.equity)} USD, and the fund could pay`,
          };
        }
        if (!below || ordered || pausedNow || !this.liquidating(ledger, bucket)) continue;
        seen.add(key);
        const since = this.unordered.get(key);
        if (since === undefined) this.unordered.set(key, { step, atMs: nowMs });
        else if (
          step - since.step > this.options.liveWithinCommands &&
          nowMs - since.atMs > this.options.liveWithinMs
        ) {
          return {
            invariant: 'INV-LIVE',
            detail: `${key} below maintenance since command ${since.step} (${nowMs - since.atMs} ms) with no liquidation order`,
          };
        }
      }
      const report = { ...accountTotals(figures), buckets: figures };
      const state = marginStateOf(report, venue.rulebook.liquidationWarning);
      const recorded = ledger.marginStates.get(account.id) ?? 'healthy';
      if (state !== recorded) {
        return {
          invariant: 'FAST-EXACT',
          detail: `${account.id}: the ledger records ${recorded}, the exact path gives ${state}`,
        };
      }
    }
    for (const key of this.unordered.keys()) if (!seen.has(key)) this.unordered.delete(key);
    return undefined;
  }

  /** Each account's figures as last computed, and what they were computed from. */
  private readonly computed = new Map<
    AccountId,
    Margined & { readonly from: readonly unknown[] }
  >();

  /**
   * The account's exact figures: each bucket's risk with its open orders (as its margin state
   * reads it) and without them (as liquidation does). Computed again only where what they are
   * computed from changed: the account (its objects are replaced, never changed, by an event),
   * its balances as its places weigh them, the prices (`pricesEpoch`, moved by the runner on any
   * price or surface accepted), and for an option the time.
   */
  private margined(view: Account, prices: PriceView, nowMs: number, pricesEpoch: number): Margined {
    const { venue } = this.settings;
    const timed = view.positions.some(
      (p) => venue.instruments.get(p.instrument)?.kind === 'option',
    );
    const from = [
      view.positions,
      view.openOrders,
      view.leverage,
      pricesEpoch,
      timed ? nowMs : 0,
      ...[...view.balances].map(([asset, balance]) => `${asset} ${balance}`),
    ];
    const known = this.computed.get(view.id);
    if (
      known !== undefined &&
      known.from.length === from.length &&
      known.from.every((x, i) => x === from[i])
    ) {
      return known;
    }
    const figures: BucketFigures[] = [];
    const buckets: { bucket: Bucket; risk: BucketRisk }[] = [];
    for (const bucket of bucketsOf(view, venue)) {
      const held = bucketRisk(venue, bucket, prices);
      figures.push({
        id: bucket.id,
        marginMode: bucket.mode,
        equity: held.equity,
        initialMargin: held.initialMargin,
        maintenanceMargin: held.maintenanceMargin,
        freeCollateral: freeCollateral(held),
        liquidatable: isLiquidatable(held, venue.rulebook),
      });
      const withOrders = bucket.legs.some((leg) => leg.orders.length > 0);
      buckets.push({
        bucket,
        risk: withOrders ? bucketRisk(venue, withoutOrders(bucket), prices) : held,
      });
    }
    this.computed.set(view.id, { figures, buckets, from });
    return { figures, buckets };
  }

  /** Whether the fund holds above its floor some asset the bucket owes. */
  private fundCouldPay(ledger: Ledger, bucket: Bucket, prices: PriceView): boolean {
    const { venue } = this.settings;
    return [...bucket.balances].some(
      ([asset, balance]) => balance < 0n && fundRoom(ledger, venue, asset, prices) > 0n,
    );
  }

  /**
   * Whether the engine may liquidate the bucket now: trading on its instruments is not halted
   * (a halted market takes no order).
   */
  private liquidating(ledger: Ledger, bucket: Bucket): boolean {
    return bucket.legs.every((leg) => leg.size === 0n || !ledger.halted.has(leg.instrument));
  }

  /**
   * INV-ADL-ORDER: the waterfall runs only on an order the book could not fill; backstops come
   * before auto-deleveraging; what it takes is no more than the position the order closes, and
   * never from the account liquidated.
   */
  private waterfallKept(
    events: readonly LedgerEvent[],
    command: Command,
    before: Before,
  ): Violation | undefined {
    let taken = 0n;
    let deleveraged = false;
    for (const event of events) {
      if (event.type !== 'waterfall_step') continue;
      const where = `${command.id}: ${event.step} of ${event.orderId}`;
      if (command.type !== 'liquidation_unfilled') {
        return { invariant: 'INV-ADL-ORDER', detail: `${where} after a ${command.type}` };
      }
      if (event.step === 'backstop' && deleveraged) {
        return { invariant: 'INV-ADL-ORDER', detail: `${where}: a backstop after deleveraging` };
      }
      if (event.counterparty === event.account) {
        return { invariant: 'INV-ADL-ORDER', detail: `${where}: taken by the account itself` };
      }
      deleveraged ||= event.step === 'auto_deleverage';
      taken += abs(event.size);
    }
    if (taken > (before.positionSize ?? 0n)) {
      return {
        invariant: 'INV-ADL-ORDER',
        detail: `${command.id}: the waterfall took ${formatFixed(taken)}, the position was ${formatFixed(before.positionSize ?? 0n)}`,
      };
    }
    return undefined;
  }

  /**
   * INV-ISO: liquidating an isolated position never takes from the account's cross balances (a
   * position closed whole hands back what is left of its margin: they may only gain).
   */
  private isolationKept(
    ledger: Ledger,
    events: readonly LedgerEvent[],
    before: Before,
  ): Violation | undefined {
    const order = before.order;
    if (order === undefined || order.bucket.startsWith('cross')) return undefined;
    const filled = events.some((e) => e.type === 'filled');
    if (!filled) return undefined;
    const after = ledger.accounts.get(order.account)!.balances;
    for (const asset of new Set([...after.keys(), ...before.crossBalances!.keys()])) {
      const was = before.crossBalances!.get(asset) ?? 0n;
      const now = after.get(asset) ?? 0n;
      if (now < was) {
        return {
          invariant: 'INV-ISO',
          detail: `${order.id} (isolated ${order.bucket}) moved ${order.account}'s cross ${asset} from ${formatFixed(was)} to ${formatFixed(now)}`,
        };
      }
    }
    return undefined;
  }

  /**
   * INV-WITHDRAW: money out of a cross pool leaves it at or above initial margin with unrealised
   * profit counted at no more than the withdrawable share.
   */
  private withdrawalKept(ledger: Ledger, command: Command, nowMs: number): Violation | undefined {
    const out =
      command.type === 'withdraw'
        ? { account: command.account, asset: command.asset }
        : command.type === 'transfer'
          ? { account: command.from, asset: command.asset }
          : undefined;
    if (out === undefined) return undefined;
    const { venue, withdrawableProfitShare } = this.settings;
    const account = ledger.accounts.get(out.account)!;
    const capped = withProfitAtMost(venue, withdrawableProfitShare);
    const prices: PriceView = ledgerPrices(ledger, nowMs);
    const id = crossBucketFor(venue, out.asset);
    const bucket = bucketsOf(viewOf(ledger, account, this.settings), venue).find(
      (b) => b.id === id,
    );
    if (bucket === undefined) return undefined;
    const risk = bucketRisk(capped, bucket, prices);
    if (risk.initialEquity < risk.initialMargin) {
      return {
        invariant: 'INV-WITHDRAW',
        detail: `${command.id}: ${out.account}'s ${id} left at ${formatFixed(risk.initialEquity)} < IM ${formatFixed(risk.initialMargin)} (profit excluded)`,
      };
    }
    return undefined;
  }
}

interface Margined {
  readonly figures: readonly BucketFigures[];
  readonly buckets: readonly { readonly bucket: Bucket; readonly risk: BucketRisk }[];
}
