import { applyEvent, type Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import { amountMax } from '../limits.ts';
import { liquidationStep, withoutOrders } from '../liquidation/liquidation-step.ts';
import { bucketRisk, isLiquidatable } from '../margin/bucket-risk.ts';
import { type Bucket, bucketsOf } from '../model/bucket.ts';
import type { AccountId } from '../model/ids.ts';
import { abs } from '../num/fixed.ts';
import type { DecideContext } from './decide.ts';
import { viewOf } from './decide-location.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { touchedAccounts } from './margin-state.ts';
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
 *   its next step ordered (liquidation-step.ts), recorded with the mark tick it was decided on.
 * An isolated position is a bucket of its own: it is liquidated on its own (S20).
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
  const made: LedgerEvent[] = [];
  for (const id of touchedAccounts(after, events, venue, candidates)) {
    const account = viewOf(after, after.accounts.get(id)!, context);
    if (!pricesHeld(after, account, venue, nowMs)) continue;
    const buckets = bucketsOf(account, venue);
    const below = (bucket: Bucket) =>
      isLiquidatable(bucketRisk(venue, withoutOrders(bucket), prices), venue.rulebook);
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
    for (const bucket of buckets) {
      if (busy.has(bucket.id) || !below(bucket)) continue;
      for (const leg of bucket.legs) {
        for (const order of leg.orders) {
          made.push({ type: 'order_removed', account: id, orderId: order.id! });
        }
      }
      const step = liquidationStep(venue, bucket, prices, rule, amountMax);
      if (step === undefined) continue;
      const markSequence = after.feeds.get(`mark:${step.instrument}`)?.last?.sequence ?? 0;
      // The event's own sequence number names the order: short, and never used twice.
      const sequence = ledger.events + events.length + made.length + 1;
      const order = { id: `liq-${sequence}`, account: id, bucket: bucket.id };
      made.push({ type: 'liquidation_ordered', order: { ...order, ...step, markSequence } });
    }
  }
  return made.length === 0 ? events : [...events, ...made];
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
  for (const order of ledger.liquidations.values()) candidates.add(order.account);
  for (const event of events) {
    if (event.type === 'margin_state_changed') {
      if (event.state === 'liquidatable') candidates.add(event.account);
      else if (!hasOrder(ledger, event.account)) candidates.delete(event.account);
    }
  }
  return candidates;
}

function hasOrder(ledger: Ledger, account: AccountId): boolean {
  for (const order of ledger.liquidations.values()) if (order.account === account) return true;
  return false;
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
