import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareModes } from '../src/core/margin/compare.ts';
import { applyHypothetical } from '../src/core/margin/hypothetical.ts';
import { initialHealthAfter, maxOrderSize, maxWithdrawal } from '../src/core/margin/what-if.ts';
import type { Account } from '../src/core/model/account.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { abs } from '../src/core/num/fixed.ts';
import {
  account,
  binanceLikeBrackets,
  bookArb,
  bookVenue,
  coinBrackets,
  d,
  deribitOptionRule,
  flatCollateral,
  inversePerp,
  linearPerp,
  market,
  option,
  position,
  rulebook,
  venue,
} from './kit.ts';

const sides = ['buy', 'sell'] as const;

describe('max order size', () => {
  it('is the largest step-rounded size that keeps its bucket at initial margin', () => {
    fc.assert(
      fc.property(
        bookArb,
        fc.constantFrom('BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BTCUSD'),
        fc.constantFrom(...sides),
        ({ account: acct, market: m }, instrument, side) => {
          const prices = marketView(m);
          const mark = prices.markPrice(instrument);
          const step = bookVenue.instruments.get(instrument)!.sizeStep;
          const size = maxOrderSize(acct, bookVenue, prices, instrument, side, mark);
          const held = acct.positions.find((p) => p.instrument === instrument)?.size ?? 0n;
          const closing = (side === 'buy' ? held < 0n : held > 0n) ? abs(held) : 0n;
          const health = (q: bigint) =>
            q === 0n
              ? initialHealthAfter(acct, bookVenue, prices, null, 'cross')
              : initialHealthAfter(
                  acct,
                  bookVenue,
                  prices,
                  { kind: 'order', instrument, side, size: q, price: mark },
                  'cross',
                );
          expect(size >= closing).toBe(true);
          if (size > closing) expect(health(size) >= 0n).toBe(true);
          // One step more does not pass, unless the answer is only the reduce-only close.
          if (size > closing || health(closing) >= 0n) expect(health(size + step) < 0n).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a worked case: 10,000 USDT, BTCUSDT at 50,000 with 10x chosen leverage → 2 BTC', () => {
    const perp = linearPerp('BTCUSDT', 'BTC', { sizeStep: d('0.001') });
    const v = venue([perp], rulebook({ BTCUSDT: binanceLikeBrackets }));
    const acct: Account = {
      ...account({ USDT: '10000' }, [position('BTCUSDT', '0.001', '50000')]),
      leverage: new Map([['BTCUSDT', d('10')]]),
    };
    const prices = marketView(market({ USDT: '1' }, { BTCUSDT: '50000' }));
    // 10,000 / (50,000 / 10) = 2 BTC in all, 0.001 of which is held.
    expect(maxOrderSize(acct, v, prices, 'BTCUSDT', 'buy', d('50000'))).toBe(d('1.999'));
    // Selling closes the long and opens a short of 2 BTC.
    expect(maxOrderSize(acct, v, prices, 'BTCUSDT', 'sell', d('50000'))).toBe(d('2.001'));
  });

  it('open orders count at their worst: a resting buy leaves less room to buy', () => {
    const perp = linearPerp('BTCUSDT', 'BTC');
    const v = venue([perp], rulebook({ BTCUSDT: binanceLikeBrackets }));
    const prices = marketView(market({ USDT: '1' }, { BTCUSDT: '50000' }));
    const bare: Account = {
      ...account({ USDT: '10000' }, [position('BTCUSDT', '0.001', '50000')]),
      leverage: new Map([['BTCUSDT', d('10')]]),
    };
    const withOrder: Account = {
      ...bare,
      openOrders: [{ instrument: 'BTCUSDT', side: 'buy', size: d('0.5'), price: d('50000') }],
    };
    expect(maxOrderSize(withOrder, v, prices, 'BTCUSDT', 'buy', d('50000'))).toBe(d('1.499'));
  });
});

describe('max withdrawal', () => {
  it('is the most that leaves the cross pool at initial margin, never more than is held', () => {
    fc.assert(
      fc.property(
        bookArb,
        fc.constantFrom('USDT', 'BTC'),
        ({ account: acct, market: m }, asset) => {
          const prices = marketView(m);
          const amount = maxWithdrawal(acct, bookVenue, prices, asset);
          const balance = acct.balances.get(asset) ?? 0n;
          const health = (w: bigint) =>
            initialHealthAfter(
              acct,
              bookVenue,
              prices,
              { kind: 'transfer', asset, amount: -w },
              'cross',
            );
          expect(amount >= 0n && amount <= (balance > 0n ? balance : 0n)).toBe(true);
          if (amount > 0n) expect(health(amount) >= 0n).toBe(true);
          if (amount < balance && health(0n) >= 0n) expect(health(amount + 1n) < 0n).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a hypothetical fill', () => {
  it('averages the entry while adding, realises PnL while reducing, and takes the price on a flip', () => {
    const perp = linearPerp('BTCUSDT', 'BTC');
    const v = venue([perp], rulebook({ BTCUSDT: binanceLikeBrackets }));
    const start = account({ USDT: '10000' }, [position('BTCUSDT', '1', '50000')]);
    const order = (side: 'buy' | 'sell', size: string, price: string) =>
      ({ kind: 'order', instrument: 'BTCUSDT', side, size: d(size), price: d(price) }) as const;
    const added = applyHypothetical(start, v, order('buy', '1', '60000'));
    expect(added.positions[0]!.entryPrice).toBe(d('55000'));
    const reduced = applyHypothetical(start, v, order('sell', '0.5', '52000'));
    expect(reduced.positions[0]!.size).toBe(d('0.5'));
    expect(reduced.positions[0]!.entryPrice).toBe(d('50000'));
    expect(reduced.balances.get('USDT')).toBe(d('11000'));
    const flipped = applyHypothetical(start, v, order('sell', '3', '48000'));
    expect(flipped.positions[0]!.size).toBe(d('-2'));
    expect(flipped.positions[0]!.entryPrice).toBe(d('48000'));
    expect(flipped.balances.get('USDT')).toBe(d('8000'));
    const closed = applyHypothetical(start, v, order('sell', '1', '51000'));
    expect(closed.positions).toHaveLength(0);
    expect(closed.balances.get('USDT')).toBe(d('11000'));
  });

  it('averages an inverse entry harmonically (by coin value, not by price)', () => {
    const perp = inversePerp('BTCUSD', 'BTC');
    const v = venue([perp], rulebook({ BTCUSD: coinBrackets }, new Map()));
    const start = account({}, [position('BTCUSD', '100', '40000')]);
    const added = applyHypothetical(start, v, {
      kind: 'order',
      instrument: 'BTCUSD',
      side: 'buy',
      size: d('100'),
      price: d('60000'),
    });
    // 200 / (100/40,000 + 100/60,000) = 48,000
    expect(added.positions[0]!.entryPrice).toBe(d('48000'));
  });
});

describe('compare', () => {
  it('pooling never needs more capital than ring-fencing', () => {
    fc.assert(
      fc.property(bookArb, ({ account: acct, market: m }) => {
        const comparison = compareModes(acct, bookVenue, marketView(m));
        expect(comparison.capitalFreed >= 0n).toBe(true);
        expect(comparison.cross.initialMargin).toBe(comparison.isolated.initialMargin);
      }),
      { numRuns: 100 },
    );
  });

  it("a hedge in loss funded by a gain: cross frees the loss's margin", () => {
    const v = venue(
      [linearPerp('BTCUSDT', 'BTC'), linearPerp('ETHUSDT', 'ETH')],
      rulebook({ BTCUSDT: binanceLikeBrackets, ETHUSDT: binanceLikeBrackets }),
    );
    const acct = account({ USDT: '5000' }, [
      position('BTCUSDT', '1', '40000'),
      position('ETHUSDT', '-10', '2500'),
    ]);
    // BTC up 5,000, ETH up 500 × 10 = −5,000: the PnLs cancel in cross.
    const comparison = compareModes(
      acct,
      v,
      marketView(market({ USDT: '1' }, { BTCUSDT: '45000', ETHUSDT: '3000' })),
    );
    // IM: 45,000/125 = 360 and 30,000/125 = 240. Isolated, each bucket funds itself: BTC's gain
    // covers its own 360, ETH needs 240 + 5,000. Cross: 600 − (5,000 − 5,000) = 600.
    expect(comparison.isolated.requiredCapital).toBe(d('5240'));
    expect(comparison.cross.requiredCapital).toBe(d('600'));
    expect(comparison.capitalFreed).toBe(d('4640'));
  });
});

describe('a hypothetical option trade', () => {
  it('pays its premium in cash and holds its value in the position', () => {
    const v = venue([option('BTC-C', 'BTC', 'call', '110000', 'inverse')], {
      ...rulebook({}, new Map([['BTC', flatCollateral('1')]])),
      defaultOptionRule: deribitOptionRule,
    });
    const start = account({ BTC: '1' }, []);
    const sold = applyHypothetical(start, v, {
      kind: 'order',
      instrument: 'BTC-C',
      side: 'sell',
      size: d('2'),
      price: d('0.01'),
    });
    expect(sold.balances.get('BTC')).toBe(d('1.02'));
    expect(sold.positions[0]!.size).toBe(d('-2'));
    const bought = applyHypothetical(sold, v, {
      kind: 'order',
      instrument: 'BTC-C',
      side: 'buy',
      size: d('2'),
      price: d('0.015'),
    });
    expect(bought.balances.get('BTC')).toBe(d('0.99'));
    expect(bought.positions).toHaveLength(0);
  });
});
