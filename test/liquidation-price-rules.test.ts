import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import type { Account } from '../src/core/model/account.ts';
import type { ClosingFeeRule, MarginRule, Rulebook } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { formatFixed } from '../src/core/num/fixed.ts';
import { bookVenue, d, decimalArb, market, position } from './kit.ts';

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
