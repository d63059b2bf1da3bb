import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import type { Account } from '../src/core/model/account.ts';
import type { ClosingFeeRule, MarginRule, Rulebook } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { formatFixed } from '../src/core/num/fixed.ts';
import {
  account,
  binanceLikeBrackets,
  bookVenue,
  d,
  decimalArb,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from './kit.ts';

/**
 * The liquidation price a report shows is where the venue's own condition flips, under every
 * rule of where maintenance is measured and of the closing fee: at it the bucket stands, a tick
 * past it (away from the mark) it is liquidatable. Inverse and linear, long and short, isolated
 * and cross with a second position.
 */
function withRules(change: Partial<Rulebook>, rule?: (r: MarginRule) => MarginRule): Venue {
  const instruments = new Map(
    [...bookVenue.rulebook.instruments].map(([id, r]) => [id, rule === undefined ? r : rule(r)]),
  );
  return { ...bookVenue, rulebook: { ...bookVenue.rulebook, ...change, instruments } };
}
const fee = (valuedAt: ClosingFeeRule['valuedAt']): ClosingFeeRule => ({
  takerRate: d('0.0006'),
  valuedAt,
  inMaintenance: true,
  inInitial: true,
});
const atEntry = (r: MarginRule): MarginRule =>
  r.kind === 'option-standard' ? r : { ...r, marginPrice: 'entry' };
const variants: [string, Venue][] = [
  ['entry', withRules({}, atEntry)],
  ['notional fee', withRules({ closingFee: fee('notional') })],
  ['bankruptcy fee', withRules({ closingFee: fee('bankruptcy') })],
  ['entry and bankruptcy fee', withRules({ closingFee: fee('bankruptcy') }, atEntry)],
];

describe.each(variants)('with %s', (_name, venue) => {
  it('the bucket stands at the reported liquidation price and falls a tick beyond it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('BTCUSDT', 'BTCUSD'),
        fc.boolean(),
        fc.boolean(),
        decimalArb(0.05, 3, 3),
        fc.integer({ min: -10, max: 10 }),
        decimalArb(0.02, 0.3, 3),
        (instrument, long, isolated, btc, entryMove, marginShare) => {
          const mark = d('60000');
          const entry = mark + (mark * BigInt(entryMove)) / 100n;
          const inverse = instrument === 'BTCUSD';
          // An inverse contract is 100 USD: the same exposure in contracts.
          const size = inverse ? ((btc * 600n) / d('1') / 10n ** 18n) * d('1') : btc;
          if (size === 0n) return;
          const signed = long ? size : -size;
          const notional = (btc * mark) / d('1');
          const margin = inverse ? (btc * marginShare) / d('1') : (notional * marginShare) / d('1');
          const p = position(instrument, '0', '0');
          const held = {
            ...p,
            size: signed,
            entryPrice: entry,
            ...(isolated ? { marginMode: 'isolated' as const, isolatedMargin: margin } : {}),
          };
          const others = [position('ETHUSDT', '-2', '3000')];
          const acct: Account = {
            id: 'x',
            balances: new Map(isolated ? [] : [[inverse ? 'BTC' : 'USDT', margin]]),
            positions: isolated ? [held] : [held, ...others],
            openOrders: [],
          };
          const at = (price: bigint) =>
            assess(
              acct,
              venue,
              market(
                { USDT: '1', BTC: formatFixed(price), ETH: '3000' },
                { [instrument]: formatFixed(price), ETHUSDT: '3000' },
              ),
            );
          const report = at(mark);
          const lp = report.positions[0]!.liquidationPrice;
          if (lp === null || report.liquidatable) return;
          const tick = venue.instruments.get(instrument)!.tickSize;
          const beyond = long ? lp - tick : lp + tick;
          if (beyond <= 0n) return;
          expect(at(lp).liquidatable).toBe(false);
          expect(at(beyond).liquidatable).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a short that no positive price saves', () => {
  // Short 1 BTC from 100 (Binance-like brackets, 0.4 % at this size): equity is
  // balance + 100 − P and maintenance 0.004 P, so the root is (balance + 100) / 1.004. A balance
  // of −100 puts it at 0 exactly, −200 below 0: every price on the tick grid liquidates the
  // account, and the report says so with the first tick (0.01), not a price of 0 or none.
  const btc = linearPerp('BTCUSDT', 'BTC');
  const book = venue([btc], rulebook({ BTCUSDT: binanceLikeBrackets }));
  it.each(['-100', '-200', '-100.000001'])('balance %s USDT: liquidation price 0.01', (balance) => {
    const held = account({ USDT: balance }, [position('BTCUSDT', '-1', '100')]);
    const report = assess(held, book, market({ USDT: '1', BTC: '100' }, { BTCUSDT: '100' }));
    expect(report.liquidatable).toBe(true);
    expect(report.positions[0]!.liquidationPrice).toBe(d('0.01'));
    const atTick = assess(held, book, market({ USDT: '1', BTC: '0.01' }, { BTCUSDT: '0.01' }));
    expect(atTick.liquidatable).toBe(true);
  });

  it("KuCoin's apportioned price of such a short is the first tick too", () => {
    // The pool's equity (−200 USDT) is all this position's share: negative at every price.
    const kucoin = venue([btc], {
      ...rulebook({ BTCUSDT: binanceLikeBrackets }),
      crossLiquidationPrice: 'apportioned',
    });
    const held = account({ USDT: '-200' }, [position('BTCUSDT', '-1', '100')]);
    const report = assess(held, kucoin, market({ USDT: '1', BTC: '100' }, { BTCUSDT: '100' }));
    expect(report.positions[0]!.apportionedLiquidationPrice).toBe(d('0.01'));
  });

  it('a balance a cent above −100 leaves a root above one tick', () => {
    // (−99.99 + 100) / 1.004 = 0.00996...: still below a tick, so the first tick again; −99.9
    // gives 0.0996..., rounded down to 0.09, at which the short stands.
    const held = (balance: string) =>
      account({ USDT: balance }, [position('BTCUSDT', '-1', '100')]);
    const m = market({ USDT: '1', BTC: '100' }, { BTCUSDT: '100' });
    expect(assess(held('-99.99'), book, m).positions[0]!.liquidationPrice).toBe(d('0.01'));
    expect(assess(held('-99.9'), book, m).positions[0]!.liquidationPrice).toBe(d('0.09'));
  });
});
