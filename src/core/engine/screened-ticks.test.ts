import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  inversePerp,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { applyRecord, newLedger } from '../ledger/ledger.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Command, CommandBody } from './command.ts';
import type { DecideContext } from './decide.ts';
import { judgeCommand } from './execute.ts';
import { MarginBook } from './margin-book.ts';

// Mark ticks screened on the fast path (margin-book.ts): a holder whose margin cannot have moved
// enough to change its state is not re-margined at all. Over random walks of the marks, fills that
// cross bracket edges, deposits, an inverse perpetual and an isolated position (neither screened)
// and a leverage setting, every record must be the exact engine's, to the event, and the screen
// must have been used. Accounts sit near their thresholds, so states change all along the walk.

const context: DecideContext = {
  nowMs: Date.UTC(2026, 11, 1, 8),
  venue: venue(
    [
      linearPerp('BTCUSDT', 'BTC'),
      linearPerp('ETHUSDT', 'ETH'),
      linearPerp('SOLUSDT', 'SOL'),
      inversePerp('BTCUSD', 'BTC'),
    ],
    rulebook(
      {
        BTCUSDT: binanceLikeBrackets,
        ETHUSDT: binanceLikeBrackets,
        SOLUSDT: binanceLikeBrackets,
        BTCUSD: binanceLikeBrackets,
      },
      new Map<string, CollateralRule>([
        ['USDT', { ...flatCollateral('1'), unit: d('0.01') }],
        ['BTC', flatCollateral('0.95')],
        ['ETH', flatCollateral('0.9')],
        ['SOL', flatCollateral('0.8')],
      ]),
    ),
  ),
  withdrawableProfitShare: 0n,
  priceGuard: { ...enginePriceGuard, jumpBand: d('0.5') },
};
/**
 * The same venue warning at a margin ratio of 0.4: a fourth state, with its own room; below
 * initial margin for some (at 125× the first bracket's IM is 2 × MM, so equity at 2.5 × MM is
 * warned and above initial), so a healthy account can be warned without a margin call between.
 */
const warned: DecideContext = {
  ...context,
  venue: {
    ...context.venue,
    rulebook: { ...context.venue.rulebook, liquidationWarning: d('0.4') },
  },
};
const marks = { BTCUSDT: 100_000, ETHUSDT: 4_000, BTCUSD: 100_000 } as const;
type Market = keyof typeof marks;

/** Two engines, one exact and one on the book, sent the same commands: the same records. */
class TwoEngines {
  readonly exact = newLedger();
  readonly fast = newLedger();
  readonly book = new MarginBook();
  private n = 0;

  constructor(private readonly rules: DecideContext = context) {}

  private readonly sequences = new Map<string, number>();

  send(body: CommandBody): Record<string, string> {
    this.n += 1;
    const command = { ...body, id: `c${this.n}` } as Command;
    const slow = judgeCommand(this.exact, command, this.rules);
    const quick = judgeCommand(this.fast, command, this.rules, this.book);
    expect(quick).toEqual(slow);
    if (slow.record === undefined) return {};
    applyRecord(this.exact, slow.record);
    applyRecord(this.fast, quick.record!);
    return Object.fromEntries(
      slow.record.events.flatMap((e) =>
        e.type === 'margin_state_changed' ? [[e.account, e.state]] : [],
      ),
    );
  }

  tick(feed: `mark:${string}` | `index:${string}`, price: string): Record<string, string> {
    const sequence = (this.sequences.get(feed) ?? 0) + 1;
    this.sequences.set(feed, sequence);
    return this.send({
      type: 'price_tick',
      feed,
      sequence,
      timeMs: context.nowMs,
      price: d(price),
    });
  }

  /** Each feed's first price. */
  prices(feeds: Readonly<Record<`mark:${string}` | `index:${string}`, string>>): void {
    for (const [feed, price] of Object.entries(feeds)) {
      this.tick(feed as `mark:${string}` | `index:${string}`, price);
    }
  }

  /** An account with `usdt`, and a dealer to trade with. */
  open(account: string, usdt: string): void {
    for (const [id, amount] of [
      ['dealer', '100000000'],
      [account, usdt],
    ] as const) {
      if (this.exact.accounts.has(id)) continue;
      this.send({ type: 'open_account', account: id, poolMode: 'cross' });
      this.send({ type: 'deposit', account: id, asset: 'USDT', amount: d(amount) });
    }
  }

  /** A fill of `size` (negative: a sale) against the dealer, at no fee; the changes it made. */
  buy(account: string, instrument: string, size: string, price: string): Record<string, string> {
    return this.send({
      type: 'fill',
      instrument,
      takerSide: size.startsWith('-') ? 'sell' : 'buy',
      size: d(size.replace('-', '')),
      price: d(price),
      taker: { account, feeRate: 0n },
      maker: { account: 'dealer', feeRate: 0n },
    });
  }
}

const stepArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      market: fc.constantFrom<Market>('BTCUSDT', 'BTCUSDT', 'ETHUSDT', 'BTCUSD'),
      // Basis points of the last mark, mostly small: a walk, now and then a jump.
      move: fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -400, max: 400 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      // The inverse one now and then: an account that holds it is never screened.
      market: fc.constantFrom<Market>(
        'BTCUSDT',
        'BTCUSDT',
        'ETHUSDT',
        'ETHUSDT',
        'BTCUSDT',
        'BTCUSD',
      ),
      account: fc.integer({ min: 0, max: 11 }),
      buy: fc.boolean(),
      // Up to 3 BTC or 60 ETH: past the first brackets' caps (50,000 and 250,000 USDT).
      units: fc.integer({ min: 1, max: 3_000 }),
      isolated: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      account: fc.integer({ min: 0, max: 11 }),
      amount: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('leverage' as const),
      account: fc.integer({ min: 0, max: 11 }),
      leverage: fc.constantFrom('5', '20', '100'),
    }),
  },
);

describe('mark ticks screened on the fast path', () => {
  it('hold a healthy account’s room to the warning level too, where that is nearer than initial', () => {
    const engines = new TwoEngines(warned);
    engines.prices({ 'index:USDT': '1', 'index:BTC': '100000', 'mark:BTCUSDT': '100000' });
    // Long 40,000 USDT at 125×: IM 320, MM 160. Equity 430: 110 free, and 0.4 × 430 − 160 = 12
    // from the warning.
    engines.open('a', '430');
    engines.buy('a', 'BTCUSDT', '0.4', '100000');
    expect(engines.tick('mark:BTCUSDT', '100000')).toEqual({});
    // Equity 418: 98.1 free, 7.25 from the warning.
    expect(engines.tick('mark:BTCUSDT', '99970')).toEqual({});
    // A 28 USDT loss, a quarter of what is free but past the warning: 0.4 × 390 ≤ 159.84.
    const screened = engines.book.tally.screened;
    expect(engines.tick('mark:BTCUSDT', '99900')).toEqual({ a: 'liquidation_warning' });
    // The dealer's short alone was screened.
    expect(engines.book.tally.screened).toBe(screened + 1);
  });

  it('count every mark an account holds against one room: three moves each within it are not', () => {
    const engines = new TwoEngines();
    engines.prices({
      'index:USDT': '1',
      'index:BTC': '100000',
      'index:ETH': '4000',
      'index:SOL': '200',
      'mark:BTCUSDT': '100000',
      'mark:ETHUSDT': '4000',
      'mark:SOLUSDT': '200',
    });
    // Long 40,000 USDT of each at 125× (0.8 %): IM 3 × 320 = 960, so 1,560 leaves 600 free.
    engines.open('a', '1560');
    engines.buy('a', 'BTCUSDT', '0.4', '100000');
    engines.buy('a', 'ETHUSDT', '10', '4000');
    engines.buy('a', 'SOLUSDT', '200', '200');
    // Anchored by a tick that moves nothing; then each mark 0.6 % down costs 240 − 1.92 of
    // free collateral: within the room alone (about 300, half of 600), not all three.
    engines.tick('mark:BTCUSDT', '100000');
    const screened = engines.book.tally.screened;
    expect(engines.tick('mark:BTCUSDT', '99400')).toEqual({});
    expect(engines.book.tally.screened).toBe(screened + 2);
    expect(engines.tick('mark:ETHUSDT', '3976')).toEqual({});
    // 600 − 3 × 238.08 = −114.24: a margin call, which a screen counting each mark alone misses.
    expect(engines.tick('mark:SOLUSDT', '198.8')).toEqual({ a: 'margin_call' });
  });

  it('screen an inverse holder on small moves, and re-margin it as they add up to a crossing', () => {
    const engines = new TwoEngines();
    engines.prices({ 'index:USDT': '1', 'index:BTC': '100000', 'mark:BTCUSD': '100000' });
    // Long 1,000 contracts of 100 USD (1 BTC at 100,000) on 0.05 BTC of its own.
    engines.open('i', '0');
    engines.send({ type: 'deposit', account: 'i', asset: 'BTC', amount: d('0.05') });
    engines.buy('i', 'BTCUSD', '1000', '100000');
    engines.tick('mark:BTCUSD', '100000');
    let mark = 100_000;
    const states: Record<string, string>[] = [];
    const before = engines.book.tally.screened;
    // Down 0.1 % a tick: screened while the moves since its anchor stay short of its room.
    while (mark > 93_000) {
      mark = Math.round(mark * 0.999 * 10) / 10;
      states.push(engines.tick('mark:BTCUSD', mark.toFixed(1)));
    }
    expect(engines.book.tally.screened - before).toBeGreaterThan(10);
    expect(states.flatMap((s) => Object.values(s))).toContain('liquidatable');
  });

  it('bound an inverse holder’s slope at the lowest mark it screens, so a crash is re-margined', () => {
    const engines = new TwoEngines();
    engines.prices({ 'index:USDT': '1', 'index:BTC': '100000', 'mark:BTCUSD': '100000' });
    // 1.9 BTC against 1 BTC of inverse long: 180,500 − 800 free, a room of about 89,850.
    engines.open('w', '0');
    engines.send({ type: 'deposit', account: 'w', asset: 'BTC', amount: d('1.9') });
    engines.buy('w', 'BTCUSD', '1000', '100000');
    engines.tick('mark:BTCUSD', '100000');
    // A crash to 30,000, confirmed by a second tick: 100,000 × (1/30,000 − 1/100,000) × 100,000
    // = 233,333 lost, far past the room, though 70,000 × the slope at the anchor's mark (1.008)
    // is within it. Below half the anchor's mark the holder is never screened.
    engines.tick('mark:BTCUSD', '30000');
    expect(engines.tick('mark:BTCUSD', '30000')).toEqual({ w: 'liquidatable' });
  });

  it('re-margin a holder whose notional rises past its bracket’s cap on a small move', () => {
    const engines = new TwoEngines();
    engines.prices({ 'index:USDT': '1', 'index:BTC': '104100', 'mark:BTCUSDT': '104100' });
    // Long 2.4 BTC at 104,100: 249,840 of notional, second bracket (1 %: IM 2,498.40); 3,498.40
    // of USDT leaves 1,000 free.
    engines.open('g', '3498.4');
    engines.buy('g', 'BTCUSDT', '2.4', '104100');
    engines.tick('mark:BTCUSDT', '104100');
    // 100 up is 240 of profit; but 250,080 is in the third bracket, at 2 %: IM 5,001.60, free
    // 3,738.40 − 5,001.60 < 0. A margin call.
    expect(engines.tick('mark:BTCUSDT', '104200')).toEqual({ g: 'margin_call' });
  });

  it('re-margin a holder whose notional crosses a bracket edge, however small the move', () => {
    const engines = new TwoEngines();
    engines.prices({ 'index:USDT': '1', 'index:BTC': '96160', 'mark:BTCUSDT': '96160' });
    // Short 2.6 BTC at 96,160: 250,016 of notional, in the third bracket (2 % IM: 5,000.32;
    // MM 1 % less 1,300: 1,200.16). 4,000.32 of USDT: 1,000 short of IM, a margin call.
    engines.open('s', '4000.32');
    expect(engines.buy('s', 'BTCUSDT', '-2.6', '96160')).toEqual({ s: 'margin_call' });
    engines.tick('mark:BTCUSDT', '96160');
    // 10 down is 26 of profit, well within the room; but 249,990 falls in the second bracket,
    // at 1 %: IM 2,499.90, 1,526.42 free. Healthy.
    expect(engines.tick('mark:BTCUSDT', '96150')).toEqual({ s: 'healthy' });
  });

  it.each([
    ['no warning level', context, 0],
    ['a liquidation warning at a margin ratio of 0.4', warned, 15],
  ])(
    'give the exact engine’s records over any walk of the marks, fills and deposits: %s',
    (_, venueContext, warningsAtLeast) => {
      const tally = { screened: 0, fast: 0, exact: 0, changes: 0, warnings: 0 };
      const count = (changes: Record<string, string>) => {
        tally.changes += Object.keys(changes).length;
        for (const state of Object.values(changes)) {
          if (state === 'liquidation_warning') tally.warnings += 1;
        }
      };
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 20, maxLength: 120 }), (steps) => {
          const engines = new TwoEngines(venueContext);
          const send = (body: CommandBody) => count(engines.send(body));
          const tick = (feed: `mark:${string}` | `index:${string}`, price: number) =>
            count(engines.tick(feed, price.toFixed(2)));
          tick('index:USDT', 1);
          tick('index:BTC', 100_000);
          tick('index:ETH', 4_000);
          for (const market of Object.keys(marks) as Market[])
            tick(`mark:${market}`, marks[market]);
          const last = { ...marks } as Record<Market, number>;
          const accounts = Array.from({ length: 12 }, (_, k) => `a${k}`);
          for (const [k, account] of ['dealer', ...accounts].entries()) {
            send({ type: 'open_account', account, poolMode: 'cross' });
            const amount = account === 'dealer' ? '100000000' : String(800 + 700 * k);
            send({ type: 'deposit', account, asset: 'USDT', amount: d(amount) });
          }
          for (const step of steps) {
            if (step.kind === 'tick') {
              const price = Math.max(1, last[step.market] * (1 + step.move / 10_000));
              last[step.market] = price;
              tick(`mark:${step.market}`, price);
            } else if (step.kind === 'fill') {
              const size =
                step.market === 'BTCUSD'
                  ? BigInt(step.units) * 10n ** 18n
                  : BigInt(step.units) * (step.market === 'ETHUSDT' ? 2n * 10n ** 16n : 10n ** 15n);
              const account = accounts[step.account]!;
              const mark = last[step.market];
              send({
                type: 'fill',
                instrument: step.market,
                takerSide: step.buy ? 'buy' : 'sell',
                size,
                price: d(mark.toFixed(step.market === 'BTCUSD' ? 1 : 2)),
                taker: {
                  account,
                  feeRate: d('0.0005'),
                  ...(step.isolated ? { marginMode: 'isolated' as const } : {}),
                },
                maker: { account: 'dealer', feeRate: 0n },
              });
            } else if (step.kind === 'deposit') {
              send({
                type: 'deposit',
                account: accounts[step.account]!,
                asset: 'USDT',
                amount: d(String(step.amount)),
              });
            } else {
              send({
                type: 'set_leverage',
                account: accounts[step.account]!,
                instrument: 'BTCUSDT',
                leverage: d(step.leverage),
              });
            }
          }
          tally.screened += engines.book.tally.screened;
          tally.fast += engines.book.tally.fast;
          tally.exact += engines.book.tally.exact;
        }),
        // A fixed seed: the floors below count this run's books, the same every run.
        { numRuns: 150, seed: 20_261_202 },
      );
      // The screen was used, and so were the fast path and the exact confirmations, with changes.
      expect(tally.screened).toBeGreaterThan(1_500);
      expect(tally.fast).toBeGreaterThan(4_000);
      expect(tally.exact).toBeGreaterThan(300);
      expect(tally.changes).toBeGreaterThan(300);
      // Under a warning level, accounts passed through it (and none without one).
      if (warningsAtLeast === 0) expect(tally.warnings).toBe(0);
      else expect(tally.warnings).toBeGreaterThan(warningsAtLeast);
    },
  );
});
