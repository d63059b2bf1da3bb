import { insuranceFund } from '../ledger/house-accounts.ts';
import { applyEvent, type Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import type { Movement } from '../ledger/movement.ts';
import { amountMax } from '../limits.ts';
import { debtCover } from '../liquidation/debt-cover.ts';
import { liquidationStep, withoutOrders } from '../liquidation/liquidation-step.ts';
import { bucketRisk, debtToSettle, isLiquidatable } from '../margin/bucket-risk.ts';
import { type Bucket, bucketsOf, crossBucketId } from '../model/bucket.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { type Amount, abs, max } from '../num/fixed.ts';
import type { DecideContext } from './decide.ts';
import { viewOf } from './decide-location.ts';
import { pausedOnIndex } from './index-sources.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { fundRoom } from './liquidation-fill.ts';
import { stateChange, touchedAccounts } from './margin-state.ts';
import { pricesHeld } from './prices-held.ts';

/**
 * A command's events followed by what liquidation makes of them, where the venue's rulebook says
 * how it liquidates (`Rulebook.liquidation`; without it the engine only reports margin states, as
 * a risk desk watching another venue's accounts wants). For each account the events touch that is
 * liquidatable after them, or has a liquidation order outstanding, on the prices as they then are
 * (the latest accepted ticks):
 * - an outstanding order whose bucket is at or above maintenance again ends `recovered` (S25:
 *   execution re-checks against the latest tick), one whose position is gone or smaller ends
 *   `replaced`;
 * - each bucket below maintenance with no order outstanding has its open orders cancelled, then
 *   its next step ordered (liquidation-step.ts), recorded with the mark tick it was decided on,
 *   unless the account rests after its last step (`coolDownMs`); the step is bounded by what the
 *   account may still have liquidated in the block of time (`blockMs`, `maxBlockValue`); an
 *   account auto-deleveraged is not liquidated during its grace (`deleverageGrace`, S5);
 * - a bucket below zero with nothing to liquidate (no maintenance margin: a future settled past
 *   its collateral) has its debt paid by the insurance fund (`debt_covered`: debt-cover.ts).
 * An isolated position is a bucket of its own: it is liquidated on its own (S20). An account
 * whose margin reads an index its sources leave unreliable is not liquidated on it for the
 * index's `pauseMaxMs` (S14: index-sources.ts), then is, at the price the index holds.
 * An account whose margin reads a price that is not there is left as it is (no check is made on a
 * price that is not there). The same on either margin path: it reads the states the events leave.
 */
export function withLiquidations(
  ledger: Ledger,
  events: readonly LedgerEvent[],
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
): readonly LedgerEvent[] {
  const { venue, nowMs } = context;
  const rule = venue.rulebook.liquidation;
  if (rule === undefined) return events;
  const candidates = liquidationCandidates(ledger, events);
  if (candidates.size === 0) return events;
  const after = ledgerOverlay(ledger);
  for (const event of events) applyEvent(after, event);
  const outstanding = new Map<AccountId, LiquidationOrder[]>();
  for (const order of after.liquidations.values()) {
    outstanding.set(order.account, [...(outstanding.get(order.account) ?? []), order]);
  }
  const prices = ledgerPrices(after, nowMs);
  const blockStartMs = rule.blockMs === undefined ? 0 : nowMs - (nowMs % rule.blockMs);
  const made: LedgerEvent[] = [];
  // What the fund has paid of each asset in this record's debt covers so far.
  const covered = new Map<AssetId, Amount>();
  const pricesOnly = events.every(
    (e) => e.type === 'price_accepted' || e.type === 'margin_state_changed',
  );
  for (const id of touchedAccounts(after, events, venue, candidates)) {
    if (pricesOnly && stillBelow(after, id, outstanding.get(id))) continue;
    const account = viewOf(after, after.accounts.get(id)!, context);
    if (!pricesHeld(after, account, venue, nowMs)) continue;
    if (pausedOnIndex(after, account, venue, nowMs)) continue;
    const buckets = bucketsOf(account, venue);
    const bareRisk = (bucket: Bucket) => bucketRisk(venue, withoutOrders(bucket), prices);
    const below = (bucket: Bucket) => isLiquidatable(bareRisk(bucket), venue.rulebook);
    const busy = new Set<string>();
    for (const order of outstanding.get(id) ?? []) {
      const bucket = buckets.find((b) => b.id === order.bucket);
      const reason =
        bucket === undefined || !closes(bucket, order)
          ? 'replaced'
          : below(bucket)
            ? undefined
            : 'recovered';
      if (reason === undefined) busy.add(order.bucket);
      else made.push({ type: 'liquidation_ended', account: id, orderId: order.id, reason });
    }
    let pace = after.liquidationPace.get(id);
    for (const bucket of buckets) {
      if (busy.has(bucket.id)) continue;
      const risk = bareRisk(bucket);
      const bare = isLiquidatable(risk, venue.rulebook);
      // Where open orders count in maintenance (Mango), they alone may put a bucket below it:
      // cancelled, it may need no step.
      const orders = bucket.legs.flatMap((leg) => leg.orders);
      const held =
        !bare &&
        orders.length > 0 &&
        isLiquidatable(bucketRisk(venue, bucket, prices), venue.rulebook);
      if (!bare && !held) continue;
      for (const order of orders) {
        made.push({ type: 'order_removed', account: id, orderId: order.id! });
      }
      if (!bare) continue;
      const debt = bucket.mode === 'isolated' ? 0n : debtToSettle(risk);
      if (debt > 0n) {
        const cover = coverOf(after, venue, id, bucket, debt, prices, covered);
        if (cover !== undefined) made.push(cover);
        continue;
      }
      // At rest after the account's last step, the bucket waits for an event after the rest;
      // so does an account auto-deleveraged, for its grace (S5).
      if (pace !== undefined && nowMs < pace.lastOrderedMs + (rule.coolDownMs ?? 0)) continue;
      if (nowMs < (after.deleverageGrace.get(id) ?? nowMs)) continue;
      const used = pace?.blockStartMs === blockStartMs ? pace.value : 0n;
      const remaining =
        rule.maxBlockValue === undefined ? amountMax : max(0n, rule.maxBlockValue - used);
      const step = liquidationStep(venue, bucket, prices, rule, remaining);
      if (step === undefined) continue;
      const markSequence = after.feeds.get(`mark:${step.instrument}`)?.last?.sequence ?? 0;
      // The event's own sequence number names the order: short, and never used twice.
      const sequence = ledger.events + events.length + made.length + 1;
      const order = { id: `liq-${sequence}`, account: id, bucket: bucket.id };
      pace = { blockStartMs, value: used + step.value, lastOrderedMs: nowMs };
      made.push({
        type: 'liquidation_ordered',
        order: { ...order, ...step, markSequence, orderedAtMs: nowMs },
        pace,
      });
    }
  }
  if (made.length === 0) return events;
  return [...events, ...made, ...statesAfterLiquidation(after, made, context)];
}

/**
 * Whether a price alone leaves the account as it was in liquidation: its one bucket (a unified
 * pool, the only one named `cross`, with no isolated position beside it and no open order) has
 * its order and is still below maintenance, as its recorded state says (a state is confirmed exactly whenever it changes). A price moves no
 * position, so the order stands and the bucket has no new step: the account is passed over
 * without an exact margin, which on every tick for every order outstanding would cost the engine
 * more than its whole scan of the book.
 */
function stillBelow(
  after: Ledger,
  id: AccountId,
  orders: readonly LiquidationOrder[] | undefined,
): boolean {
  if (orders === undefined || after.marginStates.get(id) !== 'liquidatable') return false;
  const account = after.accounts.get(id)!;
  return (
    account.openOrders.length === 0 &&
    (account.spotOrders?.length ?? 0) === 0 &&
    account.positions.every((p) => p.marginMode !== 'isolated') &&
    orders.every((o) => o.bucket === crossBucketId)
  );
}

/**
 * The insurance fund's payment of a bucket's debt (debt-cover.ts), from what it may pay of each
 * asset less what this record's covers took already; undefined where it can pay nothing.
 */
function coverOf(
  after: Ledger,
  venue: Venue,
  account: AccountId,
  bucket: Bucket,
  debt: Amount,
  prices: PriceView,
  covered: Map<AssetId, Amount>,
): LedgerEvent | undefined {
  const room = (asset: AssetId) =>
    fundRoom(after, venue, asset, prices) - (covered.get(asset) ?? 0n);
  const cover = debtCover(venue, withoutOrders(bucket), debt, prices, room);
  if (cover.length === 0) return undefined;
  const movements: Movement[] = [];
  for (const { asset, amount } of cover) {
    covered.set(asset, (covered.get(asset) ?? 0n) + amount);
    movements.push(
      { account: insuranceFund, asset, amount: -amount, reason: 'insurance-cover' },
      { account, asset, amount, reason: 'insurance-cover' },
    );
  }
  return { type: 'debt_covered', account, bucket: bucket.id, movements };
}

/**
 * The margin states of the accounts whose orders liquidation cancelled, or whose debt the fund
 * covered, where that changed them: an order counted in maintenance (Mango) may alone have put the
 * account below it; a debt covered leaves it at zero.
 */
function statesAfterLiquidation(
  after: Ledger,
  made: readonly LedgerEvent[],
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
): LedgerEvent[] {
  const changed = new Set(
    made.flatMap((e) =>
      e.type === 'order_removed' || e.type === 'debt_covered' ? [e.account] : [],
    ),
  );
  if (changed.size === 0) return [];
  const final = ledgerOverlay(after);
  for (const event of made) applyEvent(final, event);
  const prices = ledgerPrices(final, context.nowMs);
  const changes: LedgerEvent[] = [];
  for (const id of changed) {
    const account = viewOf(final, final.accounts.get(id)!, context);
    const current = final.marginStates.get(id) ?? 'healthy';
    const change = stateChange(account, context.venue, prices, current);
    if (change !== undefined) changes.push(change);
  }
  return changes;
}

/**
 * Whose liquidation the events may move: accounts liquidatable before or after them, and those
 * with an order outstanding; the events' margin-state changes say which became liquidatable. Not
 * every account: a tick on a book of a million accounts looks at the few below maintenance.
 */
function liquidationCandidates(
  ledger: Ledger,
  events: readonly LedgerEvent[],
): ReadonlySet<AccountId> {
  const candidates = new Set<AccountId>();
  for (const [id, state] of ledger.marginStates) {
    if (state === 'liquidatable') candidates.add(id);
  }
  // Looked up once per event: a crash's tick changes the states of thousands with orders out.
  const ordered = new Set<AccountId>();
  for (const order of ledger.liquidations.values()) ordered.add(order.account);
  for (const id of ordered) candidates.add(id);
  for (const event of events) {
    if (event.type === 'margin_state_changed') {
      if (event.state === 'liquidatable') candidates.add(event.account);
      else if (!ordered.has(event.account)) candidates.delete(event.account);
    }
  }
  return candidates;
}

/** Whether the bucket still holds the position the order closes, at least its size. */
function closes(bucket: Bucket, order: LiquidationOrder): boolean {
  return bucket.legs.some(
    (leg) =>
      leg.instrument === order.instrument &&
      leg.side === order.positionSide &&
      (order.side === 'sell' ? leg.size > 0n : leg.size < 0n) &&
      abs(leg.size) >= order.size,
  );
}
