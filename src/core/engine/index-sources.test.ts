import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import type { PriceFeed } from '../ledger/ledger-event.ts';
import type { FeedState } from '../ledger/price-feed.ts';
import type { IndexRule } from '../model/rulebook.ts';
import { max, min } from '../num/fixed.ts';
import { indexHealth, sourceFeed, unreliableSince } from './index-sources.ts';
import { isBeyondBand } from './price-guard.ts';

// An index from several sources (SCENARIOS.md INV-ORACLE, S14): each figure is worked by hand.

const nowMs = Date.UTC(2026, 11, 6, 12);
const seven = ['binance', 'okx', 'bybit', 'coinbase', 'kraken', 'bitstamp', 'gemini'];
const rule: IndexRule = {
  sources: seven,
  minHealthy: 4,
  maxDeviation: d('0.03'),
  staleAfterMs: 60_000,
  pauseMaxMs: 900_000,
};

/** Each source's last tick: its price and how long before `nowMs` it was stamped. */
function feedsOf(ticks: Record<string, [string, number]>): Map<PriceFeed, FeedState> {
  return new Map(
    Object.entries(ticks).map(([source, [price, ageMs]]) => [
      sourceFeed('BTC', source),
      { last: { sequence: 1, timeMs: nowMs - ageMs, price: d(price) }, held: [], sequence: 1 },
    ]),
  );
}

const all = (price: string): Record<string, [string, number]> =>
  Object.fromEntries(seven.map((s) => [s, [price, 0]]));

describe('an index from several sources', () => {
  it('S14: one constituent of seven 17 % off moves the index not at all, and is named', () => {
    const health = indexHealth(
      feedsOf({ ...all('9150'), gemini: ['7600', 0] }),
      'BTC',
      rule,
      nowMs,
    );
    expect(health.price).toBe(d('9150'));
    expect(health.healthy).toEqual(seven.slice(0, 6));
    expect(health.excluded).toEqual([{ source: 'gemini', reason: 'deviating' }]);
  });

  it('leaves out a constituent printing zero, and one 3.01 % off, but keeps one 2.99 % off', () => {
    const health = indexHealth(
      feedsOf({ ...all('10000'), okx: ['0', 0], kraken: ['10301', 0], gemini: ['9701', 0] }),
      'BTC',
      rule,
      nowMs,
    );
    expect(health.excluded).toEqual([
      { source: 'okx', reason: 'deviating' },
      { source: 'kraken', reason: 'deviating' },
    ]);
    // Median of 10000 × 4 and 9701: 10000.
    expect(health.price).toBe(d('10000'));
  });

  it('leaves out a source silent or older than its staleness, and is unreliable below the minimum', () => {
    const ticks = { binance: ['9150', 0], okx: ['9160', 60_000], bybit: ['9170', 60_001] };
    const health = indexHealth(feedsOf(ticks as never), 'BTC', rule, nowMs);
    expect(health.excluded).toEqual([
      { source: 'bybit', reason: 'stale' },
      ...['coinbase', 'kraken', 'bitstamp', 'gemini'].map((source) => ({
        source,
        reason: 'silent',
      })),
    ]);
    expect(health.healthy).toEqual(['binance', 'okx']);
    expect(health.price).toBeUndefined();
    expect(indexHealth(feedsOf(ticks as never), 'BTC', { ...rule, minHealthy: 2 }, nowMs).price)
      // Two healthy: the mean of 9150 and 9160.
      .toBe(d('9155'));
  });

  it('S13: leaves out a source at or beyond the floor or ceiling its own feed clamps at', () => {
    const bounded = { ...rule, floor: d('0.107'), ceiling: d('100') };
    const ticks = {
      binance: ['0.107', 0],
      okx: ['0.1070001', 0],
      bybit: ['0.0001', 0],
      coinbase: ['100', 0],
      kraken: ['0.108', 0],
      bitstamp: ['0.109', 0],
      gemini: ['99.99', 0],
    } as Record<string, [string, number]>;
    const health = indexHealth(feedsOf(ticks), 'BTC', bounded, nowMs);
    expect(health.excluded.filter((e) => e.reason === 'at_bound').map((e) => e.source)).toEqual([
      'binance',
      'bybit',
      'coinbase',
    ]);
    // Of the rest, 99.99 is far from the median 0.108; three are left, below the four needed.
    expect(health.healthy).toEqual(['okx', 'kraken', 'bitstamp']);
    expect(health.price).toBeUndefined();
  });

  it('takes the mean of the middle two of an even count, rounded down to the unit', () => {
    const two = { ...rule, sources: ['a', 'b'], minHealthy: 2 };
    const feeds = new Map<PriceFeed, FeedState>([
      [sourceFeed('BTC', 'a'), tick(100n * 10n ** 18n + 1n)],
      [sourceFeed('BTC', 'b'), tick(100n * 10n ** 18n + 2n)],
    ]);
    // (…001 + …002) / 2 = …001.5: the unit below.
    expect(indexHealth(feeds, 'BTC', two, nowMs).price).toBe(100n * 10n ** 18n + 1n);
  });

  it('a majority that agrees is the index: four of seven at −17 % are, to a median, the market', () => {
    // No median tells a corrupted majority from a crash: the per-source guard holds each jump
    // until confirmed, and `minHealthy` above half makes a split market unreliable.
    const split = feedsOf({
      ...all('9150'),
      ...Object.fromEntries(seven.slice(3).map((s) => [s, ['7600', 0]])),
    });
    expect(indexHealth(split, 'BTC', rule, nowMs).price).toBe(d('7600'));
    expect(indexHealth(split, 'BTC', { ...rule, minHealthy: 5 }, nowMs).price).toBeUndefined();
  });

  it('is the same whatever order the sources are listed in, and within the healthy range, each healthy source within the cut-off', () => {
    const prices = fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), {
      minLength: 1,
      maxLength: 9,
    });
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 9 }), (list, least) => {
        const sources = list.map((_, i) => `s${i}`);
        const feeds = new Map<PriceFeed, FeedState>(
          list.map((price, i) => [sourceFeed('BTC', `s${i}`), tick(price)]),
        );
        const shuffled = { ...rule, sources: [...sources].reverse(), minHealthy: least };
        const health = indexHealth(feeds, 'BTC', { ...rule, sources, minHealthy: least }, nowMs);
        expect(indexHealth(feeds, 'BTC', shuffled, nowMs).price).toBe(health.price);
        const healthy = health.healthy.map((s) => list[Number(s.slice(1))]!);
        expect(healthy.length + health.excluded.length).toBe(list.length);
        if (health.price === undefined) {
          expect(healthy.length).toBeLessThan(least);
          return;
        }
        expect(healthy.length).toBeGreaterThanOrEqual(least);
        expect(health.price).toBeGreaterThanOrEqual(healthy.reduce(min));
        expect(health.price).toBeLessThanOrEqual(healthy.reduce(max));
        for (const { source } of health.excluded) {
          const price = list[Number(source.slice(1))]!;
          const fresh = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const m = fresh.length >> 1;
          const centre = fresh.length % 2 ? fresh[m]! : (fresh[m - 1]! + fresh[m]!) / 2n;
          expect(isBeyondBand(centre, price, rule.maxDeviation)).toBe(true);
        }
      }),
    );
  });
});

describe('since when an index has been unreliable', () => {
  const ledger = (feeds: Map<PriceFeed, FeedState>) => ({ feeds }) as never;

  it('is the time its sources’ tick marked it', () => {
    const feeds = feedsOf(all('9150'));
    feeds.set('index:BTC', { held: [], sequence: 3, unreliableSinceMs: nowMs - 5_000 });
    expect(unreliableSince(ledger(feeds), 'BTC', rule, nowMs)).toBe(nowMs - 5_000);
  });

  it('is undefined while enough sources are healthy', () => {
    expect(unreliableSince(ledger(feedsOf(all('9150'))), 'BTC', rule, nowMs)).toBeUndefined();
  });

  it('between ticks, is when the minimum-th freshest source went stale', () => {
    // Stamped 10, 20, 70, 80, 90 s ago (listed out of that order): the 4th freshest (80 s) went
    // stale 20 s ago, plus 1 ms.
    const ages = [70_000, 10_000, 90_000, 20_000, 80_000];
    const feeds = feedsOf(
      Object.fromEntries(ages.map((age, i) => [seven[i]!, ['9150', age]])) as never,
    );
    expect(unreliableSince(ledger(feeds), 'BTC', rule, nowMs)).toBe(nowMs - 80_000 + 60_000 + 1);
  });
});

function tick(price: bigint): FeedState {
  return { last: { sequence: 1, timeMs: nowMs, price }, held: [], sequence: 1 };
}
