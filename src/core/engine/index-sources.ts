import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed, SourceExcluded } from '../ledger/ledger-event.ts';
import { type FeedState, newFeed } from '../ledger/price-feed.ts';
import type { Account } from '../model/account.ts';
import type { AssetId } from '../model/ids.ts';
import type { IndexRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Price } from '../num/fixed.ts';
import { isBeyondBand } from './price-guard.ts';
import { indexAccepted } from './redemption-cap.ts';

/**
 * An asset's index computed from several sources (model/rulebook.ts `IndexRule`, SCENARIOS.md
 * INV-ORACLE, S13, S14). Each source is a feed of its own (`index:BTC@okx`), its ticks judged by
 * the price guard as any feed's are; the index itself (`index:BTC`) is the median of the healthy
 * sources, recomputed after each source's tick. A median moves with the sources that agree, so one
 * constituent printing far from the others (Deribit 2019: one venue of seven at −17 %) neither
 * moves it nor liquidates anyone; it is named in the tick's record as excluded, which is the
 * alert. With too few healthy sources the index keeps its last price and is marked unreliable
 * from that time.
 */
export interface IndexHealth {
  /** The median of the healthy sources; undefined where they are fewer than the rule's minimum. */
  readonly price: Price | undefined;
  readonly healthy: readonly string[];
  readonly excluded: readonly SourceExcluded[];
}

/** The feed a source's ticks arrive on. */
export function sourceFeed(asset: AssetId, source: string): PriceFeed {
  return `index:${asset}@${source}`;
}

/**
 * The sources as they stand at log time `nowMs`: a source that never ticked is silent, one whose
 * last tick is older than `staleAfterMs` is stale, one at or beyond the rule's `floor` or
 * `ceiling` is at its bound, one beyond `maxDeviation` of the median of the rest deviates; the rest are healthy and their median is the index. A median of an even
 * count is the mean of the middle two, rounded down to the unit.
 */
export function indexHealth(
  feeds: ReadonlyMap<PriceFeed, FeedState>,
  asset: AssetId,
  rule: IndexRule,
  nowMs: number,
): IndexHealth {
  const excluded: SourceExcluded[] = [];
  const fresh: { source: string; price: Price }[] = [];
  for (const source of rule.sources) {
    const last = feeds.get(sourceFeed(asset, source))?.last;
    if (last === undefined) excluded.push({ source, reason: 'silent' });
    else if (last.timeMs < nowMs - rule.staleAfterMs) excluded.push({ source, reason: 'stale' });
    else if (atBound(last.price, rule)) excluded.push({ source, reason: 'at_bound' });
    else fresh.push({ source, price: last.price });
  }
  const healthy: { source: string; price: Price }[] = [];
  const centre = median(fresh.map((f) => f.price));
  for (const f of fresh) {
    if (centre !== undefined && isBeyondBand(centre, f.price, rule.maxDeviation)) {
      excluded.push({ source: f.source, reason: 'deviating' });
    } else {
      healthy.push(f);
    }
  }
  return {
    price: healthy.length >= rule.minHealthy ? median(healthy.map((h) => h.price)) : undefined,
    healthy: healthy.map((h) => h.source),
    excluded,
  };
}

function atBound(price: Price, rule: IndexRule): boolean {
  return (
    (rule.floor !== undefined && price <= rule.floor) ||
    (rule.ceiling !== undefined && price >= rule.ceiling)
  );
}

function median(prices: readonly Price[]): Price | undefined {
  if (prices.length === 0) return undefined;
  const sorted = [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return (sorted[middle - 1]! + sorted[middle]!) / 2n;
}

/**
 * The events after a source's tick is taken (accepted or held by its guard), `state` being its
 * feed's new state: the source's feed (a source's price moves no margin by itself), with the
 * sources the index left out, then the index where that moves it. Where the healthy
 * sources are enough, the index takes their median, stamped with the log's time, if it differs
 * from the last or the index was unreliable; where they are not, the index keeps its price and
 * is marked unreliable from now, unless it is already, or has no price yet (then it is not there:
 * `price_unavailable`).
 */
export function sourceTicked(
  ledger: Ledger,
  venue: Venue,
  asset: AssetId,
  feed: PriceFeed,
  state: FeedState,
  nowMs: number,
): LedgerEvent[] {
  const rule = venue.rulebook.index!.get(asset)!;
  // The sources' feeds alone, this one's new state among them: never a copy of every feed.
  const feeds = new Map<PriceFeed, FeedState>();
  for (const source of rule.sources) {
    const key = sourceFeed(asset, source);
    const known = key === feed ? state : ledger.feeds.get(key);
    if (known !== undefined) feeds.set(key, known);
  }
  const health = indexHealth(feeds, asset, rule, nowMs);
  const { excluded } = health;
  const events: LedgerEvent[] = [
    { type: 'price_held', feed, state, ...(excluded.length === 0 ? {} : { excluded }) },
  ];
  const index = ledger.feeds.get(`index:${asset}`) ?? newFeed;
  const { price } = health;
  if (price !== undefined) {
    if (price === index.last?.price && index.unreliableSinceMs === undefined) return events;
    const sequence = index.sequence + 1;
    const composite = { last: { sequence, timeMs: nowMs, price }, held: [], sequence };
    events.push(...indexAccepted(ledger, venue, asset, composite));
  } else if (index.unreliableSinceMs === undefined && index.last !== undefined) {
    events.push({
      type: 'price_held',
      feed: `index:${asset}`,
      state: { ...index, unreliableSinceMs: nowMs },
    });
  }
  return events;
}

/**
 * Since when the asset's index has been unreliable at log time `nowMs`; undefined where it is
 * reliable (or not computed from sources). Marked when a source's tick found too few healthy;
 * between ticks sources only grow stale, so an index marked reliable may have become unreliable
 * since: then from when its `minHealthy`-th freshest source went stale (a source's deviation
 * changes only with a tick, so the freshness of all of them bounds it).
 */
export function unreliableSince(
  ledger: Ledger,
  asset: AssetId,
  rule: IndexRule,
  nowMs: number,
): number | undefined {
  const index = ledger.feeds.get(`index:${asset}`);
  if (index?.unreliableSinceMs !== undefined) return index.unreliableSinceMs;
  if (indexHealth(ledger.feeds, asset, rule, nowMs).price !== undefined) return undefined;
  const stamps = rule.sources
    .map((source) => ledger.feeds.get(sourceFeed(asset, source))?.last?.timeMs ?? -Infinity)
    .sort((a, b) => b - a);
  const since = stamps[rule.minHealthy - 1]! + rule.staleAfterMs + 1;
  return Number.isFinite(since) ? Math.min(since, nowMs) : nowMs;
}

/**
 * The assets the account's margin reads (its balances, each position's and open order's settle
 * asset and underlying, and those of `also`, for a check on them) whose index is unreliable at
 * `nowMs`, each with the time it has been so since. Empty where the venue computes no index from
 * sources.
 */
export function unreliableAssets(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  nowMs: number,
  also: readonly AssetId[] = [],
): Map<AssetId, number> {
  const found = new Map<AssetId, number>();
  const rules = venue.rulebook.index;
  if (rules === undefined) return found;
  const read = (id: AssetId) => {
    const rule = rules.get(id);
    if (rule === undefined || found.has(id)) return;
    const since = unreliableSince(ledger, id, rule, nowMs);
    if (since !== undefined) found.set(id, since);
  };
  for (const asset of also) read(asset);
  for (const held of account.balances.keys()) read(held);
  for (const contract of [...account.positions, ...account.openOrders]) {
    const instrument = venue.instruments.get(contract.instrument)!;
    read(instrument.settle);
    read(instrument.underlying);
  }
  return found;
}

/**
 * Whether liquidation waits on the account: an index its margin reads has been unreliable for
 * less than the index's `pauseMaxMs` (S14). Past it, the account is liquidated at the price the
 * index holds, at the next event that touches it.
 */
export function pausedOnIndex(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  nowMs: number,
): boolean {
  for (const [asset, since] of unreliableAssets(ledger, account, venue, nowMs)) {
    if (nowMs < since + venue.rulebook.index!.get(asset)!.pauseMaxMs) return true;
  }
  return false;
}
