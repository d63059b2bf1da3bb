import { describe, expect, it } from 'vitest';
import { type FeedState, newFeed, type Tick } from '../ledger/price-feed.ts';
import { fixed } from '../num/fixed.ts';
import { type GuardPolicy, guardTick } from './price-guard.ts';

const policy: GuardPolicy = {
  staleAfterMs: 5_000,
  futureSkewMs: 1_000,
  jumpBand: fixed('0.1'),
  confirmations: 2,
  confirmWithinMs: 60_000,
  zeroAllowed: false,
};

const tick = (sequence: number, price: string, timeMs: number): Tick => ({
  sequence,
  timeMs,
  price: fixed(price),
});

function run(ticks: readonly Tick[], p: GuardPolicy = policy, feed: FeedState = newFeed) {
  const verdicts = [];
  for (const t of ticks) {
    const step = guardTick(feed, t, t.timeMs, p);
    feed = step.feed;
    verdicts.push(step.verdict);
  }
  return { feed, verdicts };
}

describe('a jump confirmed at the edge of the window', () => {
  it('is confirmed by a tick exactly confirmWithinMs after the first held one', () => {
    const { verdicts } = run([
      tick(1, '100', 1_000),
      tick(2, '200', 2_000),
      tick(3, '200', 62_000),
    ]);
    expect(verdicts.at(-1)).toEqual({ kind: 'accepted', price: fixed('200'), confirmedBy: 2 });
  });

  it('starts over one millisecond later', () => {
    const { verdicts } = run([
      tick(1, '100', 1_000),
      tick(2, '200', 2_000),
      tick(3, '200', 62_001),
    ]);
    expect(verdicts.at(-1)).toEqual({ kind: 'held', held: 1 });
  });
});

describe('a repeated sequence is judged against the latest tick held', () => {
  const p = { ...policy, confirmations: 4 };
  const held = run(
    [tick(1, '100', 1_000), tick(2, '200', 2_000), tick(3, '210', 3_000), tick(4, '220', 4_000)],
    p,
  ).feed;

  it('is a duplicate when it repeats the latest held tick', () => {
    const step = guardTick(held, tick(4, '220', 4_000), 4_000, p);
    expect(step.verdict).toEqual({ kind: 'refused', code: 'tick_duplicate' });
  });

  it('conflicts when it repeats an earlier held tick under the latest sequence', () => {
    const step = guardTick(held, tick(4, '210', 3_000), 4_000, p);
    expect(step.verdict).toEqual({ kind: 'refused', code: 'tick_conflicting' });
  });

  it('conflicts when only the price is the same', () => {
    const step = guardTick(held, tick(4, '220', 3_500), 4_000, p);
    expect(step.verdict).toEqual({ kind: 'refused', code: 'tick_conflicting' });
  });
});

describe('the guard states its preconditions', () => {
  it('refuses a policy confirming a move with a single tick', () => {
    expect(() => guardTick(newFeed, tick(1, '100', 0), 0, { ...policy, confirmations: 1 })).toThrow(
      'a move is confirmed by a tick after the one held',
    );
  });

  it('refuses a sequence that is not a safe integer', () => {
    expect(() => guardTick(newFeed, tick(1.5, '100', 0), 0, policy)).toThrow(
      'a sequence is a safe integer',
    );
  });
});

describe('a tick under a fresh feed’s sequence', () => {
  it('conflicts, there being nothing it could repeat', () => {
    const step = guardTick(newFeed, tick(-1, '100', 0), 0, policy);
    expect(step.verdict).toEqual({ kind: 'refused', code: 'tick_conflicting' });
  });
});
