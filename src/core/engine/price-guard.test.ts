import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FeedState, newFeed, type Tick } from '../ledger/price-feed.ts';
import { fixed } from '../num/fixed.ts';
import { type GuardPolicy, guardTick, isBeyondBand, tickRefusalField } from './price-guard.ts';

const policy: GuardPolicy = {
  staleAfterMs: 5_000,
  futureSkewMs: 1_000,
  jumpBand: fixed('0.1'),
  confirmations: 3,
  confirmWithinMs: 60_000,
  zeroAllowed: false,
};

const tick = (sequence: number, price: string, timeMs = sequence * 1_000): Tick => ({
  sequence,
  timeMs,
  price: fixed(price),
});

/** Feeds ticks in order, each judged at its own stamp as the log's time. */
function run(ticks: readonly Tick[], p: GuardPolicy = policy, feed: FeedState = newFeed) {
  const verdicts = [];
  for (const t of ticks) {
    const step = guardTick(feed, t, t.timeMs, p);
    feed = step.feed;
    verdicts.push(step.verdict);
  }
  return { feed, verdicts };
}

describe('a price tick is refused, changing nothing', () => {
  const start = run([tick(1, '100'), tick(2, '101')]).feed;
  it.each([
    ['below the last sequence', tick(1, '101'), 'tick_out_of_order'],
    ['the last one again', tick(2, '101'), 'tick_duplicate'],
    ['another tick with the last sequence', tick(2, '102'), 'tick_conflicting'],
    ['stamped more than staleAfterMs before the log time', tick(3, '101', -3_001), 'tick_stale'],
    ['stamped more than futureSkewMs after it', tick(3, '101', 3_001), 'tick_from_future'],
    ['a negative price', tick(3, '-0.000000000000000001'), 'price_negative'],
    ['a zero where the feed has none', tick(3, '0'), 'price_zero_not_allowed'],
  ])('%s', (_name, t, code) => {
    // The log's time is 2 s: the last tick's stamp.
    const { feed, verdict } = guardTick(start, t, 2_000, policy);
    expect(verdict).toEqual({ kind: 'refused', code });
    expect(feed).toBe(start);
  });

  it('stale and future edges are inclusive: exactly staleAfterMs old or futureSkewMs ahead passes', () => {
    expect(guardTick(start, tick(3, '101', -3_000), 2_000, policy).verdict.kind).toBe('accepted');
    expect(guardTick(start, tick(3, '101', 3_000), 2_000, policy).verdict.kind).toBe('accepted');
  });

  it('a zero is a price where the feed allows it (an asset gone to zero)', () => {
    const zeroes = { ...policy, zeroAllowed: true, jumpBand: fixed('1') };
    expect(guardTick(start, tick(3, '0'), 3_000, zeroes).verdict).toEqual({
      kind: 'accepted',
      price: 0n,
      confirmedBy: 1,
    });
  });
});

describe('a jump beyond the band', () => {
  it('is held, then accepted once confirmed by ticks in a row on its side (S12: a real crash)', () => {
    const { verdicts, feed } = run([
      tick(1, '80'),
      tick(2, '30'),
      tick(3, '29'),
      tick(4, '31'),
      tick(5, '1'),
      tick(6, '0.9'),
      tick(7, '1.05'),
    ]);
    expect(verdicts.map((v) => v.kind)).toEqual([
      'accepted',
      'held',
      'held',
      'accepted',
      'held',
      'held',
      'accepted',
    ]);
    expect(verdicts[3]).toEqual({ kind: 'accepted', price: fixed('31'), confirmedBy: 3 });
    expect(feed.last?.price).toBe(fixed('1.05'));
    expect(feed.held).toEqual([]);
  });

  it('held and then back within the band is dropped (S3a: a local print far from the market)', () => {
    const { verdicts, feed } = run([
      tick(1, '1'),
      tick(2, '0.65'),
      tick(3, '0.66'),
      tick(4, '0.99'),
    ]);
    expect(verdicts.map((v) => v.kind)).toEqual(['accepted', 'held', 'held', 'accepted']);
    expect(feed.last?.price).toBe(fixed('0.99'));
    expect(feed.held).toEqual([]);
  });

  it('a tick on the other side of the band starts a new count', () => {
    const { verdicts } = run([tick(1, '100'), tick(2, '80'), tick(3, '120'), tick(4, '121')]);
    expect(verdicts.map((v) => (v.kind === 'held' ? v.held : v.kind))).toEqual([
      'accepted',
      1,
      1,
      2,
    ]);
  });

  it('confirmations later than confirmWithinMs of the first held tick start a new count', () => {
    const slow = run([
      tick(1, '100', 0),
      tick(2, '50', 1_000),
      tick(3, '50', 61_001),
      tick(4, '50', 62_000),
    ]);
    expect(slow.verdicts.map((v) => (v.kind === 'held' ? v.held : v.kind))).toEqual([
      'accepted',
      1,
      1,
      2,
    ]);
  });

  it('the band is exact: 10 % of the last is within, one unit more is beyond', () => {
    expect(isBeyondBand(fixed('100'), fixed('110'), fixed('0.1'))).toBe(false);
    expect(isBeyondBand(fixed('100'), fixed('110.000000000000000001'), fixed('0.1'))).toBe(true);
    expect(isBeyondBand(fixed('3'), fixed('2.7'), fixed('0.1'))).toBe(false);
    expect(isBeyondBand(fixed('3'), fixed('2.699999999999999999'), fixed('0.1'))).toBe(true);
  });
});

const priceArb = fc.bigInt({ min: 0n, max: 10n ** 24n });
const ticksArb = fc.array(
  fc.record({
    sequence: fc.integer({ min: 0, max: 40 }),
    timeMs: fc.integer({ min: 0, max: 200_000 }),
    price: fc.oneof(priceArb, fc.bigInt({ min: -10n, max: 10n })),
  }),
  { maxLength: 60 },
);

describe('over any stream of ticks', () => {
  it('a refused tick leaves the feed as it was; accepted sequences only rise', () => {
    fc.assert(
      fc.property(ticksArb, fc.integer({ min: 0, max: 200_000 }), (ticks, nowMs) => {
        let feed = newFeed;
        let lastAccepted = -1;
        for (const t of ticks) {
          const step = guardTick(feed, t, nowMs, policy);
          if (step.verdict.kind === 'refused') expect(step.feed).toBe(feed);
          if (step.verdict.kind === 'accepted') {
            expect(t.sequence).toBeGreaterThan(lastAccepted);
            expect(step.feed.last).toBe(t);
            lastAccepted = t.sequence;
          }
          expect(step.feed.sequence).toBeGreaterThanOrEqual(feed.sequence);
          feed = step.feed;
        }
      }),
    );
  });

  it('a move held fewer times than the confirmations is never applied, however far it goes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 22n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 24n }), { minLength: 1, maxLength: 2 }),
        (start, spikes) => {
          const base = tick(1, '1');
          const ticks = [
            { ...base, price: start },
            ...spikes.map((price, i) => ({ sequence: i + 2, timeMs: (i + 2) * 1_000, price })),
          ];
          const { feed } = run(ticks);
          // Applied only where within the band of the last applied price.
          let applied = start;
          for (const spike of spikes)
            if (!isBeyondBand(applied, spike, policy.jumpBand)) applied = spike;
          expect(feed.last?.price).toBe(applied);
        },
      ),
    );
  });

  it('a crash of any depth reaches the price after its confirmations', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 22n }),
        fc.bigInt({ min: 1n, max: 10n ** 22n }),
        (start, end) => {
          const ticks = [0, 1, 2, 3].map((i) => ({
            sequence: i,
            timeMs: i * 1_000,
            price: i === 0 ? start : end,
          }));
          expect(run(ticks).feed.last?.price).toBe(end);
        },
      ),
    );
  });
});

describe('the field a refused tick names', () => {
  it.each([
    ['tick_out_of_order', 'sequence'],
    ['tick_duplicate', 'sequence'],
    ['tick_conflicting', 'sequence'],
    ['tick_stale', 'timeMs'],
    ['tick_from_future', 'timeMs'],
    ['price_negative', 'price'],
    ['price_zero_not_allowed', 'price'],
  ] as const)('%s: %s', (code, field) => {
    expect(tickRefusalField(code)).toBe(field);
  });
});
