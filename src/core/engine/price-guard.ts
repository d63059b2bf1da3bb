import type { FeedState, Tick } from '../ledger/price-feed.ts';
import { assert } from '../num/assert.ts';
import type { Price, Ratio } from '../num/fixed.ts';
import { SCALE } from '../num/fixed.ts';

/**
 * The gate a price tick passes before it may move any margin (issue 9, SCENARIOS.md C2 "Price
 * ticks", S3, S8, S12, S28). A feed (one instrument's mark, or one asset's index) delivers ticks
 * with a sequence number and the time the feed stamped; the engine judges each against the
 * feed's last accepted tick and the LOG's time (`nowMs`, never the host's clock):
 *
 * - out of order (a sequence below the last) or a second tick with the last's sequence: refused,
 *   the same one again being a harmless duplicate and a different one a conflict;
 * - stamped before `staleAfterMs` of log time, or after `futureSkewMs` of it: refused;
 * - a negative price: refused; zero only where the feed allows it (an asset gone to zero, a
 *   worthless option: S12), else refused;
 * - a price beyond `jumpBand` of the last accepted one is held, not applied: a local print far
 *   from the market (S3a, a transient depeg on our own book) must not liquidate anyone. It is
 *   accepted once `confirmations` ticks in a row (within `confirmWithinMs` of log time of the
 *   first) stand beyond the band on the same side: a real crash (S3b, S12: LUNA to zero) still
 *   gets through, late by the confirmations it takes. A tick back within the band drops what was
 *   held and is accepted itself.
 *
 * A refused or held tick changes no margin; the engine records each verdict (an event or a
 * counter). The guard is a pure function of the feed's state: replaying the same ticks at the
 * same log times gives the same verdicts.
 */
export interface GuardPolicy {
  /** A tick stamped this long before the log's time is stale. */
  readonly staleAfterMs: number;
  /** A tick stamped this far after the log's time is refused (a clock ahead, or a forgery). */
  readonly futureSkewMs: number;
  /** The largest move from the last accepted price applied at once, as a fraction (0.1 = 10 %). */
  readonly jumpBand: Ratio;
  /** Ticks in a row beyond the band, on one side, that make a move real. At least 2. */
  readonly confirmations: number;
  /** The confirmations must arrive within this much log time of the first held tick. */
  readonly confirmWithinMs: number;
  /** Whether a price of exactly zero is a real state of this feed. */
  readonly zeroAllowed: boolean;
}

export type TickRefusal =
  | 'tick_out_of_order'
  | 'tick_duplicate'
  | 'tick_conflicting'
  | 'tick_stale'
  | 'tick_from_future'
  | 'price_negative'
  | 'price_zero_not_allowed';

/** The tick's field a refusal is about: its stamp, its price, else its sequence number. */
export function tickRefusalField(code: TickRefusal): 'timeMs' | 'price' | 'sequence' {
  if (code === 'tick_stale' || code === 'tick_from_future') return 'timeMs';
  if (code === 'price_negative' || code === 'price_zero_not_allowed') return 'price';
  return 'sequence';
}

export type TickVerdict =
  | { readonly kind: 'accepted'; readonly price: Price; readonly confirmedBy: number }
  | { readonly kind: 'held'; readonly held: number }
  | { readonly kind: 'refused'; readonly code: TickRefusal };

/** The verdict on one tick and the feed's state after it (the same state where it is refused). */
export function guardTick(
  feed: FeedState,
  tick: Tick,
  nowMs: number,
  policy: GuardPolicy,
): { readonly feed: FeedState; readonly verdict: TickVerdict } {
  assert(Number.isSafeInteger(tick.sequence), 'a sequence is a safe integer');
  assert(policy.confirmations >= 2, 'a move is confirmed by a tick after the one held');
  const refusal = refusalOf(feed, tick, nowMs, policy);
  if (refusal !== undefined) return { feed, verdict: { kind: 'refused', code: refusal } };
  // Below this line the tick is taken: accepted, or held.
  const last = feed.last;
  if (last === undefined || !isBeyondBand(last.price, tick.price, policy.jumpBand)) {
    return {
      feed: accepted(tick),
      verdict: { kind: 'accepted', price: tick.price, confirmedBy: 1 },
    };
  }
  const side = tick.price > last.price;
  // Held ticks that still count: beyond the band on this tick's side, within the window.
  const first = feed.held[0];
  const continues =
    first !== undefined &&
    first.price > last.price === side &&
    tick.timeMs - first.timeMs <= policy.confirmWithinMs;
  const held = continues ? [...feed.held, tick] : [tick];
  if (held.length >= policy.confirmations) {
    return {
      feed: accepted(tick),
      verdict: { kind: 'accepted', price: tick.price, confirmedBy: held.length },
    };
  }
  return {
    feed: { last, held, sequence: tick.sequence },
    verdict: { kind: 'held', held: held.length },
  };
}

/** The first check the tick fails, in a fixed order; undefined when it passes them all. */
function refusalOf(
  feed: FeedState,
  tick: Tick,
  nowMs: number,
  policy: GuardPolicy,
): TickRefusal | undefined {
  const seen = feed.held.at(-1) ?? feed.last;
  const same = seen !== undefined && seen.price === tick.price && seen.timeMs === tick.timeMs;
  const stamp = stampRefusal(feed.sequence, tick, () => same, nowMs, policy);
  if (stamp !== undefined) return stamp;
  if (tick.price < 0n) return 'price_negative';
  if (tick.price === 0n && !policy.zeroAllowed) return 'price_zero_not_allowed';
  return undefined;
}

/**
 * A feed's message judged by its sequence and its stamp, as every feed's is (a price's, a
 * volatility surface's): below the last sequence, out of order; at it, a duplicate where `same`
 * says the body is the last one's, else a conflict; then stale or from the future on the log's
 * time. Undefined where it passes.
 */
export function stampRefusal(
  lastSequence: number,
  message: { readonly sequence: number; readonly timeMs: number },
  same: () => boolean,
  nowMs: number,
  policy: Pick<GuardPolicy, 'staleAfterMs' | 'futureSkewMs'>,
):
  | 'tick_out_of_order'
  | 'tick_duplicate'
  | 'tick_conflicting'
  | 'tick_stale'
  | 'tick_from_future'
  | undefined {
  if (message.sequence < lastSequence) return 'tick_out_of_order';
  if (message.sequence === lastSequence) return same() ? 'tick_duplicate' : 'tick_conflicting';
  if (message.timeMs < nowMs - policy.staleAfterMs) return 'tick_stale';
  if (message.timeMs > nowMs + policy.futureSkewMs) return 'tick_from_future';
  return undefined;
}

function accepted(tick: Tick): FeedState {
  return { last: tick, held: [], sequence: tick.sequence };
}

/** |price − last| > band × last, cross-multiplied: no division, no rounding to argue about. */
export function isBeyondBand(last: Price, price: Price, band: Ratio): boolean {
  const move = price > last ? price - last : last - price;
  return move * SCALE > band * last;
}
