import { describe, expect, it } from 'vitest';
import { checkedEngine, fillCommand } from '../../../test/engine-kit.ts';
import { d, enginePriceGuard, linearPerp, rulebook, venue } from '../../../test/kit.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { marginFigures } from '../margin/margin-figures.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { DecideContext } from './decide.ts';
import { checkOrder } from './decide-order.ts';
import { ledgerPrices } from './ledger-prices.ts';

// dYdX v4's open-interest-scaled initial margin (OIMF) fed the engine's own open interest: a
// market's IMF rises from its base at the lower cap to 1 at the upper, so a fill between two
// accounts moves the initial margin of every other holder. Figures by hand, the rule's as
// liquidity-tier.ts computes it (dYdX's GetAdjustedInitialMarginPpm).

const oimf: MarginRule = {
  kind: 'liquidity-tier',
  initialRate: d('0.05'),
  maintenanceFraction: d('0.6'),
  // In USDT of notional: 40,000 to 100,000, i.e. 4 to 10 BTC open at 10,000.
  openInterestCaps: { lower: d('40000'), upper: d('100000') },
};
const btc = linearPerp('BTCUSDT', 'BTC');
const context: DecideContext = {
  nowMs: Date.UTC(2026, 11, 6, 12),
  venue: venue([btc], rulebook({ BTCUSDT: oimf })),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};

describe('initial margin scaled by the engine’s own open interest', () => {
  it('rises for every holder as others trade, each change recorded in that trade’s record', () => {
    const { ledger, id, run, prices } = checkedEngine(context, 'oi');
    prices([
      ['index:USDT', '1'],
      ['index:BTC', '10000'],
      ['mark:BTCUSDT', '10000'],
    ]);
    for (const [account, usdt] of [
      ['a', '700'],
      ['b', '1000000'],
      ['mm', '1000000'],
    ] as const) {
      run({ id: id(), type: 'open_account', account, poolMode: 'cross' });
      run({ id: id(), type: 'deposit', account, asset: 'USDT', amount: d(usdt) });
    }
    // a long 1 at 10,000: 10,000 open, below the lower cap: IM 5 % = 500 of its 700.
    run(fillCommand(id(), 'BTCUSDT', 'a', 'buy', '1', '10000', 'mm'));
    const im = () =>
      marginFigures(ledger.accounts.get('a')!, context.venue, ledgerPrices(ledger, context.nowMs))
        .initialMargin;
    expect(im()).toBe(d('500'));
    expect(ledger.marginStates.get('a')).toBeUndefined();
    // b buys 6 more from the market maker: 70,000 open, halfway from 40,000 to 100,000: the IMF
    // is 0.05 + 0.95 × 0.5 = 0.525, a's IM 5,250. a took no part, and is in margin call in the
    // record of b's fill.
    const events: readonly LedgerEvent[] = run(
      fillCommand(id(), 'BTCUSDT', 'b', 'buy', '6', '10000', 'mm'),
    );
    expect(ledger.openInterest.get('BTCUSDT')).toBe(d('7'));
    expect(im()).toBe(d('5250'));
    expect(
      events
        .filter((e) => e.type === 'margin_state_changed')
        .map((e) => e.type === 'margin_state_changed' && [e.account, e.state]),
    ).toContainEqual(['a', 'margin_call']);
    expect(ledger.marginStates.get('a')).toBe('margin_call');
    // Its pre-trade check for more is refused on the IM the open interest sets.
    const more = checkOrder(
      ledger,
      { account: 'a', instrument: 'BTCUSDT', side: 'buy', size: d('0.01') },
      context,
    );
    expect(more.kind === 'checked' && more.judgement.verdict).toBe('initial_margin_insufficient');
    // b closes: 10,000 open again, a healthy again, in the record of b's close.
    run(fillCommand(id(), 'BTCUSDT', 'b', 'sell', '6', '10000', 'mm'));
    expect(im()).toBe(d('500'));
    expect(ledger.marginStates.get('a')).toBeUndefined();
  });
});
