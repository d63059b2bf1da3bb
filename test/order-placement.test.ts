import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessWith } from '../src/core/margin/assess.ts';
import { applyHypothetical, orderChange, placement } from '../src/core/margin/hypothetical.ts';
import { judge, maxOrderSize } from '../src/core/margin/what-if.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { bookArb, bookVenue, d, decimalArb } from './kit.ts';

/**
 * A limit order in a what-if lands where a venue would put it (issue 8, defect 1): a limit better
 * than the mark rests as an open order and books no profit; a marketable one fills at no better
 * than the mark. Before, every order filled at its limit, so a buy far below the mark was an
 * instant profit.
 */
const sides = ['buy', 'sell'] as const;
const instruments = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BTCUSD'] as const;

describe('placement of a limit order against the mark', () => {
  it('a marketable limit fills never better than the mark; one better than the mark rests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sides),
        decimalArb(0.01, 200_000, 2),
        decimalArb(0.01, 200_000, 2),
        (side, limit, mark) => {
          const placed = placement({ instrument: 'BTCUSDT', side, size: d('1'), limit }, mark);
          const better = side === 'buy' ? limit < mark : limit > mark;
          expect(placed.kind).toBe(better ? 'rested' : 'filled');
          // It rests at its limit, or fills at the worse of its limit and the mark: its limit.
          expect(placed.price).toBe(limit);
          if (placed.kind === 'filled') {
            if (side === 'buy') expect(placed.price >= mark).toBe(true);
            else expect(placed.price <= mark).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a market order (no limit) fills at the mark', () => {
    expect(placement({ instrument: 'BTCUSDT', side: 'buy', size: d('1') }, d('100'))).toEqual({
      kind: 'filled',
      price: d('100'),
    });
  });

  it('worked case: a buy at 61,000 with the mark at 112,774.5 rests; at 120,000 it fills there', () => {
    const mark = d('112774.5');
    const ticket = { instrument: 'BTCUSDT', side: 'buy', size: d('0.5') } as const;
    expect(orderChange({ ...ticket, limit: d('61000') }, mark)).toEqual({
      kind: 'resting-order',
      order: { instrument: 'BTCUSDT', side: 'buy', size: d('0.5'), price: d('61000') },
    });
    expect(orderChange({ ...ticket, limit: d('120000') }, mark)).toEqual({
      kind: 'order',
      instrument: 'BTCUSDT',
      side: 'buy',
      size: d('0.5'),
      price: d('120000'),
    });
    // At the mark exactly it crosses: it fills, at the mark.
    expect(placement({ ...ticket, limit: mark }, mark)).toEqual({ kind: 'filled', price: mark });
  });
});

describe('a what-if order, placed', () => {
  const orderArb = fc.record({
    instrument: fc.constantFrom(...instruments),
    side: fc.constantFrom(...sides),
    size: decimalArb(0.001, 50, 3),
    // The limit as a share of the mark, 1 % to 199 %.
    limitPercent: fc.integer({ min: 1, max: 199 }),
  });

  it('a resting order never raises equity (any bucket) and never lowers initial margin', () => {
    fc.assert(
      fc.property(bookArb, orderArb, ({ account, market }, order) => {
        const prices = marketView(market);
        const mark = prices.markPrice(order.instrument);
        const limit = (mark * BigInt(order.limitPercent)) / 100n;
        if (limit <= 0n) return;
        const change = orderChange({ ...order, limit }, mark);
        const before = assessWith(account, bookVenue, prices);
        const after = assessWith(applyHypothetical(account, bookVenue, change), bookVenue, prices);
        if (change.kind !== 'resting-order') {
          // Marketable: filled at the limit, at or worse than the mark.
          expect(order.side === 'buy' ? limit >= mark : limit <= mark).toBe(true);
          return;
        }
        expect(after.equity).toBe(before.equity);
        for (const bucket of after.buckets) {
          const was = before.buckets.find((b) => b.id === bucket.id);
          expect(bucket.equity <= (was?.equity ?? 0n)).toBe(true);
        }
        expect(after.initialMargin >= before.initialMargin).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('a fill from flat never raises equity: a marketable limit books no profit', () => {
    fc.assert(
      fc.property(bookArb, orderArb, ({ account, market }, order) => {
        const prices = marketView(market);
        const mark = prices.markPrice(order.instrument);
        const limit = (mark * BigInt(order.limitPercent)) / 100n;
        if (limit <= 0n) return;
        const flat = {
          ...account,
          positions: account.positions.filter((p) => p.instrument !== order.instrument),
        };
        const change = orderChange({ ...order, limit }, mark);
        const before = assessWith(flat, bookVenue, prices);
        const after = assessWith(applyHypothetical(flat, bookVenue, change), bookVenue, prices);
        expect(after.equity <= before.equity).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('an order accepted on initial margin leaves its bucket above maintenance', () => {
    fc.assert(
      fc.property(bookArb, orderArb, ({ account, market }, order) => {
        const prices = marketView(market);
        const mark = prices.markPrice(order.instrument);
        const limit = (mark * BigInt(order.limitPercent)) / 100n;
        if (limit <= 0n) return;
        const change = orderChange({ ...order, limit }, mark);
        const judgement = judge(account, bookVenue, prices, change);
        if (judgement.verdict !== 'accepted' || judgement.check !== 'initial_margin') return;
        const after = assessWith(applyHypothetical(account, bookVenue, change), bookVenue, prices);
        const bucket = after.buckets.find((b) => b.id === judgement.bucket);
        expect(bucket?.liquidatable ?? false).toBe(false);
      }),
      { numRuns: 120 },
    );
  });

  it('the largest resting buy is the largest the margin check accepts at that price', () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 10, max: 99 }), ({ account, market }, percent) => {
        const prices = marketView(market);
        const mark = prices.markPrice('BTCUSDT');
        const limit = (mark * BigInt(percent)) / 100n;
        const size = maxOrderSize(account, bookVenue, prices, 'BTCUSDT', 'buy', limit, 'rested');
        const step = bookVenue.instruments.get('BTCUSDT')!.sizeStep;
        const rest = (q: bigint) =>
          judge(account, bookVenue, prices, {
            kind: 'resting-order',
            order: { instrument: 'BTCUSDT', side: 'buy', size: q, price: limit },
          }).verdict;
        if (size > 0n) expect(rest(size)).toBe('accepted');
        const held = account.positions.find((p) => p.instrument === 'BTCUSDT')?.size ?? 0n;
        // One step more is refused, unless the answer is only the reduce-only close.
        if (size > (held < 0n ? -held : 0n)) expect(rest(size + step)).not.toBe('accepted');
      }),
      { numRuns: 60 },
    );
  });
});
