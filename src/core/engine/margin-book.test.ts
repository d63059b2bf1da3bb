import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  deribitOptionRule,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  option,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { applyRecord, type Ledger, newLedger } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../ledger/ledger-event.ts';
import { type CollateralRule, defaultLiquidationRule } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import { type Answer, judgeCommand } from './execute.ts';
import { MarginBook } from './margin-book.ts';

// The fast path to margin states against the exact one, command by command, on the cases the
// random trading of trading-properties.test.ts meets rarely: an account holding an option (not
// priced, its state kept, until its underlying's volatility surface is set, and again once the
// surface runs out), many accounts crossing on one tick, a ledger moved
// on without the book, a venue the book does not serve.

const btc = linearPerp('BTCUSDT', 'BTC');
const call = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
const collateral = new Map<string, CollateralRule>([
  ['USDT', { ...flatCollateral('1'), unit: d('0.01') }],
  ['BTC', flatCollateral('0.95')],
]);
const rules = rulebook({ BTCUSDT: binanceLikeBrackets }, collateral);
const context: DecideContext = {
  nowMs: Date.UTC(2026, 11, 1, 8),
  venue: venue([btc, call], {
    ...rules,
    instruments: new Map([...rules.instruments, ['BTC-C', deribitOptionRule]]),
  }),
  withdrawableProfitShare: 0n,
  priceGuard: { ...enginePriceGuard, jumpBand: d('0.5') },
};

let sequence = 0;
const tick = (feed: PriceFeed, price: string): Command => {
  sequence += 1;
  return {
    id: `tick-${sequence}`,
    type: 'price_tick',
    feed,
    sequence,
    timeMs: context.nowMs,
    price: d(price),
  };
};

/** One engine margining on the fast path, one exactly: each command must get the same record. */
class TwoEngines {
  readonly exact: Ledger = newLedger();
  readonly fast: Ledger = newLedger();
  readonly book = new MarginBook();

  send(command: Command, ctx = context): Answer {
    const exact = judgeCommand(this.exact, command, ctx);
    const fast = judgeCommand(this.fast, command, ctx, this.book);
    expect(fast).toEqual(exact);
    if (exact.record !== undefined) {
      applyRecord(this.exact, exact.record);
      applyRecord(this.fast, fast.record!);
    }
    return fast.answer;
  }

  /** A command applied to both ledgers without the book (a replay, a record from elsewhere). */
  aside(command: Command, ctx = context): void {
    applyRecord(this.exact, judgeCommand(this.exact, command, ctx).record!);
    applyRecord(this.fast, judgeCommand(this.fast, command, ctx).record!);
  }

  /** The margin-state changes a command made, as account → state. */
  changes(command: Command, ctx = context): Record<string, string> {
    const answer = this.send(command, ctx);
    expect(answer.kind).toBe('accepted');
    const events = answer.kind === 'accepted' ? answer.events : [];
    return Object.fromEntries(
      events.flatMap((e: LedgerEvent) =>
        e.type === 'margin_state_changed' ? [[e.account, e.state]] : [],
      ),
    );
  }
}

/** Every price at 100,000 (USDT at 1), and each account opened with its USDT. */
function opened(engines: TwoEngines, usdt: Record<string, string>, ctx = context): void {
  for (const feed of ['index:USDT', 'index:BTC', 'mark:BTCUSDT'] as const) {
    engines.send(tick(feed, feed === 'index:USDT' ? '1' : '100000'), ctx);
  }
  for (const [account, amount] of Object.entries(usdt)) {
    engines.send({ id: `open-${account}`, type: 'open_account', account, poolMode: 'cross' }, ctx);
    engines.send(
      { id: `deposit-${account}`, type: 'deposit', account, asset: 'USDT', amount: d(amount) },
      ctx,
    );
  }
}

/** The call's mark at 0.2 BTC, and the writer's 10 sold to the dealer at it. */
function writeCalls(engines: TwoEngines): Answer['kind'] {
  engines.send(tick('mark:BTC-C', '0.2'));
  return engines.send({
    id: 'write',
    type: 'fill',
    instrument: 'BTC-C',
    takerSide: 'buy',
    size: d('10'),
    price: d('0.2'),
    taker: { account: 'dealer', feeRate: 0n },
    maker: { account: 'writer', feeRate: 0n },
  }).kind;
}

const buy = (account: string, size: string, from = 'dealer'): Command => ({
  id: `buy-${account}-${size}`,
  type: 'fill',
  instrument: 'BTCUSDT',
  takerSide: 'buy',
  size: d(size),
  price: d('100000'),
  taker: { account, feeRate: 0n },
  maker: { account: from, feeRate: 0n },
});

describe('margin states on the fast path', () => {
  it('change as the exact path changes them, in the order the accounts were opened', () => {
    const engines = new TwoEngines();
    // Five longs of 1 BTC at 100,000 with 2,000 to 6,000 USDT each, against a well-funded dealer,
    // opened l1 to l5 and trading l5 to l1, so the book's holders are not in the order opened.
    // At 100× (1 % IM) and 0.5 % MM less 50 (the bracket's amount), a long with U USDT is a
    // margin call below (100,000 − U) / 0.99 and liquidatable below (99,950 − U) / 0.995.
    const longs = ['l1', 'l2', 'l3', 'l4', 'l5'];
    opened(engines, {
      dealer: '1000000',
      ...Object.fromEntries(longs.map((account, k) => [account, String(2_000 + 1_000 * k)])),
    });
    for (const account of [...longs].reverse()) engines.send(buy(account, '1'));
    expect(engines.fast.marginStates).toEqual(new Map());
    // l1 (2,000): a margin call below 98,989.90, liquidatable below 98,442.21.
    expect(engines.changes(tick('mark:BTCUSDT', '98700'))).toEqual({ l1: 'margin_call' });
    // l2 (3,000) below 97,437.19 and l3 (4,000) below 96,432.16: liquidatable with l1; l4 (5,000)
    // a margin call only below 95,959.60.
    const crash = engines.changes(tick('mark:BTCUSDT', '96000'));
    expect(crash).toEqual({ l1: 'liquidatable', l2: 'liquidatable', l3: 'liquidatable' });
    expect(Object.keys(crash)).toEqual(['l1', 'l2', 'l3']);
    // l4 below 95,427.14; l5 (6,000) a margin call only below 94,949.49.
    expect(engines.changes(tick('mark:BTCUSDT', '95000'))).toEqual({ l4: 'liquidatable' });
    // Back up: l1 to l4 healthy at once, listed in the order they were opened.
    const recovered = engines.changes(tick('mark:BTCUSDT', '130000'));
    expect(Object.keys(recovered)).toEqual(['l1', 'l2', 'l3', 'l4']);
    expect(new Set(Object.values(recovered))).toEqual(new Set(['healthy']));
    // A small move that crosses nothing is screened: no holder re-margined, none to the exact
    // path. Six holders: the five longs and the dealer's short, each anchored by the last tick.
    const before = { ...engines.book.tally };
    expect(engines.changes(tick('mark:BTCUSDT', '130001'))).toEqual({});
    expect(engines.book.tally.exact).toBe(before.exact);
    expect(engines.book.tally.fast).toBe(before.fast);
    expect(engines.book.tally.screened - before.screened).toBe(6);
    // One book, built at the first command and kept in step with every one after it.
    expect(engines.book.tally.builds).toBe(1);
  });

  it('follow what liquidation makes of a tick, with no second build', () => {
    const liquidating: DecideContext = {
      ...context,
      venue: {
        ...context.venue,
        rulebook: { ...context.venue.rulebook, liquidation: defaultLiquidationRule },
      },
    };
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '2000', l2: '3000' }, liquidating);
    for (const account of ['l1', 'l2']) engines.send(buy(account, '1'), liquidating);
    // l1 rests an order, which its liquidation cancels: its rows in the book change with it.
    engines.send(
      {
        id: 'rest-l1',
        type: 'place_order',
        account: 'l1',
        orderId: 'o1',
        instrument: 'BTCUSDT',
        side: 'buy',
        size: d('0.01'),
        price: d('90000'),
      },
      liquidating,
    );
    const crash = engines.send(tick('mark:BTCUSDT', '97500'), liquidating);
    const made = crash.kind === 'accepted' ? crash.events.map((e) => e.type) : [];
    expect(made).toContain('liquidation_ordered');
    expect(made).toContain('order_removed');
    // Further ticks judged on the same book, record for record as the exact path's.
    for (const price of ['97400', '97450', '99900', '97000']) {
      engines.send(tick('mark:BTCUSDT', price), liquidating);
    }
    expect(engines.fast.marginStates).toEqual(engines.exact.marginStates);
    expect(engines.book.tally.builds).toBe(1);
  });

  it('keep an option holder as it is until its option is priced, as the exact path does', () => {
    const engines = new TwoEngines();
    opened(engines, { dealer: '3000', writer: '3000' });
    expect(writeCalls(engines)).toBe('accepted');
    // A crash the writer could not survive: no state is called on a price that is not there,
    // nor after the book is built again from the ledger (a record applied without it).
    expect(engines.changes(tick('index:BTC', '60000'))).toEqual({});
    engines.aside(tick('index:BTC', '59000'));
    expect(engines.changes(tick('index:BTC', '58000'))).toEqual({});
    expect(engines.fast.marginStates.get('writer')).toBeUndefined();
  });

  it('call an option holder once its surface is set, and keep it again once the surface runs out', () => {
    const engines = new TwoEngines();
    opened(engines, { dealer: '300000', writer: '3000' });
    writeCalls(engines);
    const weekMs = 7 * 86_400_000;
    const week = {
      expiryMs: context.nowMs + weekMs,
      atmVolatility: 0.6,
      b: 0.1,
      rho: -0.2,
      m: 0,
      sigma: 0.1,
    };
    // By hand: 2 BTC of premium at 95 % and 3,000 USDT against 10 calls owed at 0.2 BTC:
    // 190,000 + 3,000 − 200,000 < 0.
    expect(
      engines.changes({
        id: 'surface',
        type: 'volatility_surface',
        underlying: 'BTC',
        sequence: 1,
        timeMs: context.nowMs,
        slices: [week],
      }),
    ).toEqual({ writer: 'liquidatable' });
    const later = { ...context, nowMs: context.nowMs + weekMs + 1 };
    const markAt = (id: string, price: string, ctx: DecideContext): Command => {
      sequence += 1;
      return {
        id,
        type: 'price_tick',
        feed: 'mark:BTC-C',
        sequence,
        timeMs: ctx.nowMs,
        price: d(price),
      };
    };
    // Its calls nearly worthless (a move beyond the band, so confirmed by a second tick): healthy.
    engines.send(markAt('cheap-1', '0.01', context));
    expect(engines.changes(markAt('cheap-2', '0.01', context))).toEqual({ writer: 'healthy' });
    // A week on, the surface's one expiry has passed: the calls dear again change nothing, on
    // either path (no state is called on a price that is not there).
    engines.send(markAt('dear-1', '0.2', later), later);
    expect(engines.changes(markAt('dear-2', '0.2', later), later)).toEqual({});
    expect(engines.fast.marginStates.get('writer') ?? 'healthy').toBe('healthy');
  });

  it('are the exact path’s when the ledger moved on without the book', () => {
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '6000' });
    engines.send(buy('l1', '1'));
    // A record applied to the fast engine's ledger without its book (a replay, a venue record).
    engines.aside(tick('mark:BTCUSDT', '99000'));
    // 6,000 USDT: a margin call below 94,949.49, liquidatable below 94,422.11.
    expect(engines.changes(tick('mark:BTCUSDT', '94500'))).toEqual({ l1: 'margin_call' });
    expect(engines.changes(tick('mark:BTCUSDT', '88000'))).toEqual({ l1: 'liquidatable' });
    expect(engines.book.tally.builds).toBe(2);
  });

  it('are the exact path’s when the command the book ran ahead on was not the one applied', () => {
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '6000' });
    engines.send(buy('l1', '1'));
    // Judged on the book (which runs ahead on it), then dropped: another tick, with as many
    // events, is applied in its place without the book.
    judgeCommand(engines.fast, tick('mark:BTCUSDT', '60000'), context, engines.book);
    engines.aside(tick('mark:BTCUSDT', '99000'));
    expect(engines.changes(tick('mark:BTCUSDT', '94500'))).toEqual({ l1: 'margin_call' });
    expect(engines.book.tally.builds).toBe(2);
  });

  it('are the exact path’s when the rules or the places change under the same book', () => {
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '6000' });
    engines.send(buy('l1', '1'));
    // At home 4,000; at a chain the rest, which counts at 90 % once the places are known.
    engines.send({ id: 'away', type: 'withdraw', account: 'l1', asset: 'USDT', amount: d('2000') });
    const places: DecideContext = {
      ...context,
      locations: {
        elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 3_600_000 }]]),
        pendingCounts: 'neither',
      },
    };
    engines.send(
      {
        id: 'in-arbitrum',
        type: 'deposit',
        account: 'l1',
        asset: 'USDT',
        amount: d('2000'),
        location: 'arbitrum',
      },
      places,
    );
    // 4,000 + 1,800 counted: a margin call below 95,151.52 (a long with U counted: (100,000 −
    // U) / 0.99), where the same money at home would not be one until 94,949.49.
    expect(engines.changes(tick('mark:BTCUSDT', '95100'), places)).toEqual({ l1: 'margin_call' });
    // The place's weight is cut to a half (an outage): 4,000 + 1,000 less the loss of 4,900 is
    // 100, below the MM of 425.50, though no command touched l1 since.
    const halved: DecideContext = {
      ...places,
      locations: {
        elsewhere: new Map([['arbitrum', { weight: d('0.5'), transferDelayMs: 3_600_000 }]]),
        pendingCounts: 'neither',
      },
    };
    expect(engines.changes(tick('mark:BTCUSDT', '95100'), halved)).toEqual({
      l1: 'liquidatable',
    });
    expect(engines.changes(tick('mark:BTCUSDT', '95100'), places)).toEqual({
      l1: 'margin_call',
    });
    // The rules change (a 10 % haircut on USDT): l1's 5,800 counts 5,220.
    const haircut: DecideContext = {
      ...places,
      venue: {
        ...places.venue,
        rulebook: {
          ...places.venue.rulebook,
          collateral: new Map([
            ...collateral,
            ['USDT', { ...flatCollateral('0.9'), unit: d('0.01') }],
          ]),
        },
      },
    };
    // At the same mark, 5,220 − 4,900 = 320 is below the MM of 425.50 (0.5 % less 50):
    // liquidatable, where under the old rules (900) it stays a margin call.
    expect(engines.changes(tick('mark:BTCUSDT', '95100'), haircut)).toEqual({
      l1: 'liquidatable',
    });
  });

  it('follow a coin held as collateral when its index moves, and a feed’s first price', () => {
    const engines = new TwoEngines();
    engines.send(tick('index:USDT', '1'));
    engines.send(tick('mark:BTCUSDT', '100000'));
    for (const account of ['dealer', 'l1', 'l2']) {
      engines.send({ id: `open-${account}`, type: 'open_account', account, poolMode: 'cross' });
    }
    for (const [account, asset, amount] of [
      ['dealer', 'USDT', '1000000'],
      ['l1', 'BTC', '0.1'],
      ['l2', 'USDT', '800'],
    ] as const) {
      engines.send({ id: `in-${account}`, type: 'deposit', account, asset, amount: d(amount) });
    }
    engines.send(buy('l1', '1'));
    engines.send(buy('l2', '1'));
    // No BTC index yet: l1 (its collateral) and l2 (its contract's underlying) read a price that
    // is not there, so no state is called, though l2's 800 is below its IM of 1,000.
    expect(engines.fast.marginStates).toEqual(new Map());
    // The first price: l2 a margin call at once; l1's 0.1 BTC at 95 % is 9,500: healthy.
    expect(engines.changes(tick('index:BTC', '100000'))).toEqual({ l2: 'margin_call' });
    // At a mark of 97,000 (a loss of 3,000, IM 970, MM 435) l2 is liquidatable, and l1's coin
    // counts 0.095 × its index: 2,700 at 60,000, healthy; 800 at 40,000, a margin call; 325 at
    // 35,000, liquidatable.
    expect(engines.changes(tick('mark:BTCUSDT', '97000'))).toEqual({ l2: 'liquidatable' });
    const exactBefore = engines.book.tally.exact;
    expect(engines.changes(tick('index:BTC', '60000'))).toEqual({});
    // Nothing crossed, nothing near: called on the fast path alone, the account re-margined whole.
    expect(engines.book.tally.exact).toBe(exactBefore);
    expect(engines.changes(tick('index:BTC', '40000'))).toEqual({ l1: 'margin_call' });
    expect(engines.changes(tick('index:BTC', '35000'))).toEqual({ l1: 'liquidatable' });
  });

  it('under a rulebook with a pool per settle asset, are the exact path’s throughout', () => {
    const perCoin: DecideContext = {
      ...context,
      venue: {
        ...context.venue,
        rulebook: { ...context.venue.rulebook, crossPool: 'per-settle-asset' },
      },
    };
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '2000' }, perCoin);
    engines.send(buy('l1', '1'), perCoin);
    // The columns hold one unified pool: every account here is margined on the exact path. Its
    // USDT pool short of its IM at 98,700 makes l1 a margin call (each pool judged on its own, as
    // the CLI's book summary judges it: the account's free collateral, which counts each pool at
    // no less than zero, would hide it), and it is liquidatable once below its MM.
    expect(engines.changes(tick('mark:BTCUSDT', '98700'), perCoin)).toEqual({ l1: 'margin_call' });
    // A fill names it: still its pool's shortfall, no change.
    expect(engines.changes(buy('l1', '0.001'), perCoin)).toEqual({});
    expect(engines.changes(tick('mark:BTCUSDT', '98000'), perCoin)).toEqual({ l1: 'liquidatable' });
    expect(engines.book.tally.fast).toBe(0);
  });

  it('below zero with no requirement, are the exact path’s where that does not liquidate (dYdX)', () => {
    const dydx: DecideContext = {
      ...context,
      venue: {
        ...context.venue,
        rulebook: { ...context.venue.rulebook, liquidationNeedsMargin: true },
      },
    };
    const engines = new TwoEngines();
    opened(engines, { dealer: '1000000', l1: '2000' }, dydx);
    engines.send(buy('l1', '1'), dydx);
    engines.send(tick('mark:BTCUSDT', '90000'), dydx);
    // l1 sells at 90,000: no position, 2,000 − 10,000 = −8,000 USDT and no requirement. Not
    // liquidatable where liquidation needs a requirement; below initial: a margin call.
    const close: Command = {
      id: 'close',
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'sell',
      size: d('1'),
      price: d('90000'),
      taker: { account: 'l1', feeRate: 0n },
      maker: { account: 'dealer', feeRate: 0n },
    };
    expect(engines.changes(close, dydx)).toEqual({ l1: 'margin_call' });
    // Its USDT's index ticks: still below zero with nothing required, still no liquidation.
    expect(engines.changes(tick('index:USDT', '1'), dydx)).toEqual({});
  });

  it('are left to the exact path on a venue whose collateral weights move with time', () => {
    const shifting: DecideContext = {
      ...context,
      venue: {
        ...context.venue,
        rulebook: {
          ...context.venue.rulebook,
          collateral: new Map([
            ...collateral,
            [
              'BTC',
              {
                ...flatCollateral('0.95'),
                maintenanceWeightShift: {
                  startMs: Date.UTC(2026, 10, 1),
                  endMs: Date.UTC(2027, 0, 1),
                  assetTarget: d('0.6'),
                  liabilityTarget: d('1.4'),
                },
              },
            ],
          ]),
        },
      },
    };
    expect(MarginBook.serves(context.venue)).toBe(true);
    expect(MarginBook.serves(shifting.venue)).toBe(false);
    const engines = new TwoEngines();
    engines.send(tick('index:USDT', '1'), shifting);
    engines.send({ id: 'open', type: 'open_account', account: 'a', poolMode: 'cross' }, shifting);
    expect(engines.book.tally).toEqual({ fast: 0, screened: 0, exact: 0, builds: 0 });
  });
});
