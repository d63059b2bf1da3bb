import { describe, expect, it } from 'vitest';
import { executeChecked, fillCommand } from '../../../test/engine-kit.ts';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { insuranceFund } from '../ledger/house-accounts.ts';
import { type Ledger, newLedger } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../ledger/ledger-event.ts';
import { stateHash } from '../ledger/state-hash.ts';
import { defaultLiquidationRule, type Waterfall } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import { type Answer, judgeCommand } from './execute.ts';

// The loss waterfall through the engine: each figure worked by hand.

const btc = linearPerp('BTCUSDT', 'BTC');
const eth = linearPerp('ETHUSDT', 'ETH');
const brackets = rulebook({ BTCUSDT: binanceLikeBrackets, ETHUSDT: binanceLikeBrackets });
const nowMs = Date.UTC(2026, 11, 3, 8);
const graceMs = 60_000;

function contextWith(waterfall: Waterfall | undefined): DecideContext {
  const liquidation = { ...defaultLiquidationRule, feeRate: d('0.001') };
  return {
    nowMs,
    venue: venue([btc, eth], {
      ...brackets,
      liquidation: waterfall === undefined ? liquidation : { ...liquidation, waterfall },
    }),
    withdrawableProfitShare: 0n,
    priceGuard: enginePriceGuard,
  };
}
const adl = { ranking: 'profit_times_leverage' as const, graceMs };

let next = 0;
const id = () => {
  next += 1;
  return `w${next}`;
};
const tick = (feed: PriceFeed, price: string, at = nowMs): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence: next,
  timeMs: at,
  price: d(price),
});
const trade = (
  instrument: string,
  taker: string,
  takerSide: 'buy' | 'sell',
  size: string,
  price: string,
  maker: string,
): Command => fillCommand(id(), instrument, taker, takerSide, size, price, maker);
const unfilled = (orderId: string): Command => ({
  id: id(),
  type: 'liquidation_unfilled',
  orderId,
});

const run = executeChecked;
const events = (answer: Answer): readonly LedgerEvent[] =>
  answer.kind === 'accepted' ? answer.events : [];
const steps = (answer: Answer) =>
  events(answer).flatMap((e) =>
    e.type === 'waterfall_step'
      ? [{ step: e.step, counterparty: e.counterparty, size: e.size }]
      : [],
  );
const usdt = (ledger: Ledger, account: string) =>
  ledger.accounts.get(account)?.balances.get('USDT') ?? ledger.house.get(account)?.get('USDT');
const sizeOf = (ledger: Ledger, account: string, instrument = 'BTCUSDT') =>
  ledger.accounts.get(account)!.positions.find((p) => p.instrument === instrument)?.size ?? 0n;

/**
 * Alice long 1 BTCUSDT at 40,000 over 1,000 USDT, bought from mm (short 1, a million USDT).
 * Bob short 0.5 at 41,000 over 2,000; carol short 0.2 at 39,500 over `carolDeposit`, and long 4
 * ETHUSDT at 2,000; dave the long side of their shorts; erin long 0.1 at 38,000 over 10,000;
 * the backstop with 1,000 USDT.
 */
function books(ctx: DecideContext, carolDeposit = '500'): Ledger {
  const ledger = newLedger();
  const deposit = (account: string, amount: string): Command[] => [
    { id: id(), type: 'open_account', account, poolMode: 'cross' },
    { id: id(), type: 'deposit', account, asset: 'USDT', amount: d(amount) },
  ];
  const setup: Command[] = [
    tick('index:USDT', '1'),
    tick('index:BTC', '40000'),
    tick('mark:BTCUSDT', '40000'),
    tick('index:ETH', '2000'),
    tick('mark:ETHUSDT', '2000'),
    ...deposit('alice', '1000'),
    ...deposit('mm', '1000000'),
    ...deposit('bob', '2000'),
    ...deposit('carol', carolDeposit),
    ...deposit('dave', '1000000'),
    ...deposit('backstop', '1000'),
    ...deposit('erin', '10000'),
    trade('BTCUSDT', 'alice', 'buy', '1', '40000', 'mm'),
    trade('BTCUSDT', 'bob', 'sell', '0.5', '41000', 'dave'),
    trade('BTCUSDT', 'carol', 'sell', '0.2', '39500', 'dave'),
    trade('ETHUSDT', 'carol', 'buy', '4', '2000', 'dave'),
    // A long in profit: on alice's side, never deleveraged for her.
    trade('BTCUSDT', 'erin', 'buy', '0.1', '38000', 'dave'),
  ];
  for (const command of setup) expect(run(ledger, command, ctx).kind).toBe('accepted');
  return ledger;
}

/** The mark to `price`, and the liquidation order it leaves alice with. */
function dropTo(ledger: Ledger, price: string, ctx: DecideContext) {
  run(ledger, tick('mark:BTCUSDT', price), ctx);
  const order = [...ledger.liquidations.values()].find((o) => o.account === 'alice');
  expect(order).toBeDefined();
  return order!;
}

describe('a liquidation order the book cannot fill', () => {
  it('goes to the backstop at the bankruptcy price of the whole position, up to its cap', () => {
    const ctx = contextWith({
      fundFloor: 0n,
      backstops: [{ account: 'backstop', maxValue: d('30000') }],
      autoDeleverage: adl,
    });
    const ledger = books(ctx);
    // 39,150: alice's equity 1,000 − 850 = 150 below MM 156.6; her only position, so the whole
    // close's bankruptcy price leaves her nothing: 1,000 + (p − 40,000) = 0, p = 39,000.
    const order = dropTo(ledger, '39150', ctx);
    const answer = run(ledger, unfilled(order.id), ctx);
    // The cap, 30,000 USD at 39,150: 0.766 (29,988.9; 0.767 is 30,028.05). The rest, 0.234, by
    // auto-deleveraging: bob ranks first (below), and his 0.5 covers it.
    expect(steps(answer)).toEqual([
      { step: 'backstop', counterparty: 'backstop', size: d('0.766') },
      { step: 'auto_deleverage', counterparty: 'bob', size: d('0.234') },
    ]);
    expect(sizeOf(ledger, 'alice')).toBe(0n);
    expect(usdt(ledger, 'alice') ?? 0n).toBe(0n);
    expect(sizeOf(ledger, 'backstop')).toBe(d('0.766'));
    // Bob bought back 0.234 at 39,000: realised 0.234 × 2,000 = 468.
    expect(usdt(ledger, 'bob')).toBe(d('2468'));
    expect(sizeOf(ledger, 'bob')).toBe(-d('0.266'));
    // The fund paid nothing; the order ended filled; nothing more is ordered.
    expect(usdt(ledger, insuranceFund)).toBeUndefined();
    expect(events(answer).find((e) => e.type === 'liquidation_ended')).toMatchObject({
      reason: 'filled',
    });
    expect(ledger.liquidations.size).toBe(0);
    expect(ledger.deleverageGrace.get('bob')).toBe(nowMs + graceMs);
    expect(ledger.deleverageGrace.has('backstop')).toBe(false);
  });

  it('passes over a backstop that would fall below initial margin', () => {
    const ctx = contextWith({
      fundFloor: 0n,
      backstops: [{ account: 'backstop', maxValue: d('1000000') }],
    });
    const ledger = books(ctx);
    run(
      ledger,
      { id: id(), type: 'withdraw', account: 'backstop', asset: 'USDT', amount: d('900') },
      ctx,
    );
    // With 100 USDT it would hold 1 BTC needing IM 39,150 / 125 = 313.2: it takes nothing, and
    // there is no auto-deleveraging: nothing changes.
    const order = dropTo(ledger, '39150', ctx);
    const before = stateHash(ledger);
    expect(run(ledger, unfilled(order.id), ctx)).toMatchObject({
      rejection: { code: 'waterfall_exhausted', field: 'orderId' },
    });
    expect(stateHash(ledger)).toBe(before);
    expect(ledger.liquidations.has(order.id)).toBe(true);
  });

  it('auto-deleverages by profit × effective leverage, or by profit alone', () => {
    // 39,150. Bob: PnL 0.5 × 1,850 = 925 on 20,500 (4.51 %), × 19,575 / 2,925 = 0.302; carol:
    // 70 on 7,900 (0.89 %) × 7,830 / (500 + 70) = 0.122 (her ETH long is flat at 2,000); mm: 850
    // on 40,000 (2.125 %) × 39,150 / 1,000,850 = 0.0008. By profit alone: bob, mm, carol.
    const ranked = (ranking: 'profit_times_leverage' | 'profit') => {
      const ctx = contextWith({
        fundFloor: 0n,
        backstops: [],
        autoDeleverage: { ranking, graceMs },
      });
      const ledger = books(ctx);
      return steps(run(ledger, unfilled(dropTo(ledger, '39150', ctx).id), ctx));
    };
    expect(ranked('profit_times_leverage')).toEqual([
      { step: 'auto_deleverage', counterparty: 'bob', size: d('0.5') },
      { step: 'auto_deleverage', counterparty: 'carol', size: d('0.2') },
      { step: 'auto_deleverage', counterparty: 'mm', size: d('0.3') },
    ]);
    expect(ranked('profit')).toEqual([
      { step: 'auto_deleverage', counterparty: 'bob', size: d('0.5') },
      { step: 'auto_deleverage', counterparty: 'mm', size: d('0.5') },
    ]);
  });

  it('gives an account auto-deleveraged its grace before it is liquidated (S5)', () => {
    const ctx = contextWith({ fundFloor: 0n, backstops: [], autoDeleverage: adl });
    // Carol with 725: after ETH falls to 1,800 her ETH long loses 800 (MM 28.8) and her short
    // gains 0.2 × 700 = 140 at 38,800 (MM 31.04): equity 65 over MM 59.84, healthy.
    const ledger = books(ctx, '725');
    run(ledger, tick('index:ETH', '1800'), ctx);
    run(ledger, tick('mark:ETHUSDT', '1800'), ctx);
    // A gap to 38,800: alice at −200, her bankruptcy price 39,000, above the mark.
    const order = dropTo(ledger, '38800', ctx);
    expect(ledger.marginStates.get('carol')).not.toBe('liquidatable');
    // Ranked by profit × leverage: carol 140 / 7,900 × 7,760 / 65 first, then bob.
    const answer = run(ledger, unfilled(order.id), ctx);
    expect(steps(answer)[0]).toEqual({
      step: 'auto_deleverage',
      counterparty: 'carol',
      size: d('0.2'),
    });
    // Bought back at 39,000: realised 0.2 × 500 = 100; 825 − 800 = 25 now below ETH's MM 28.8.
    expect(usdt(ledger, 'carol')).toBe(d('825'));
    expect(ledger.marginStates.get('carol')).toBe('liquidatable');
    // In her grace nothing is ordered, even on a new tick; after it, the next event liquidates.
    run(ledger, tick('mark:ETHUSDT', '1799'), ctx);
    const carolsOrders = () =>
      [...ledger.liquidations.values()].filter((o) => o.account === 'carol');
    expect(carolsOrders()).toEqual([]);
    const later = { ...ctx, nowMs: nowMs + graceMs };
    run(ledger, tick('mark:ETHUSDT', '1799', later.nowMs), later);
    expect(carolsOrders()).toHaveLength(1);
  });

  it('is not covered by the fund below its floor: the fill is refused, the waterfall takes it', () => {
    const ctx = contextWith({ fundFloor: d('100'), backstops: [], autoDeleverage: adl });
    const ledger = books(ctx);
    // At 38,800 alice is 200 under: her order's limit is the mark (bankruptcy is past it), and
    // a fill there needs the fund's cover of 200. The fund holds 250: 50 left, under its 100.
    const order = dropTo(ledger, '38800', ctx);
    expect(order.limitPrice).toBe(d('38800'));
    // The fund as earlier liquidations would have left it (set here: the books then balance
    // but for it, so only judged, never applied).
    ledger.house.set(insuranceFund, new Map([['USDT', d('250')]]));
    const atMark: Command = {
      id: id(),
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'sell',
      size: order.size,
      price: d('38800'),
      taker: { account: 'alice', orderId: order.id, feeRate: 0n },
      maker: { account: 'dave', feeRate: 0n },
    };
    expect(judgeCommand(ledger, atMark, ctx).answer).toMatchObject({
      rejection: { code: 'insurance_fund_short', field: 'price' },
    });
    // With 300 it covers and keeps its floor.
    ledger.house.set(insuranceFund, new Map([['USDT', d('300')]]));
    expect(judgeCommand(ledger, atMark, ctx).answer.kind).toBe('accepted');
    // A fund that never held anything covers nothing.
    ledger.house.delete(insuranceFund);
    expect(judgeCommand(ledger, atMark, ctx).answer).toMatchObject({
      rejection: { code: 'insurance_fund_short' },
    });
  });

  it('asks no backstop that is the account itself or not open, and counts what one holds', () => {
    const ctx = contextWith({
      fundFloor: 0n,
      backstops: [
        { account: 'alice', maxValue: d('1000000') },
        { account: 'ghost', maxValue: d('1000000') },
        { account: 'backstop', maxValue: d('30000') },
      ],
    });
    const ledger = books(ctx);
    run(
      ledger,
      { id: id(), type: 'deposit', account: 'backstop', asset: 'USDT', amount: d('20000') },
      ctx,
    );
    run(ledger, trade('BTCUSDT', 'backstop', 'buy', '0.5', '40000', 'dave'), ctx);
    // Long 0.5 already: room for 0.766 − 0.5 = 0.266 under its 30,000 at 39,150. No
    // auto-deleveraging: the rest stays with alice, her order reduced by what was taken.
    const order = dropTo(ledger, '39150', ctx);
    const answer = run(ledger, unfilled(order.id), ctx);
    expect(steps(answer)).toEqual([
      { step: 'backstop', counterparty: 'backstop', size: d('0.266') },
    ]);
    expect(sizeOf(ledger, 'backstop')).toBe(d('0.766'));
    expect(sizeOf(ledger, 'alice')).toBe(d('0.734'));
  });

  it('reduces the order by what a backstop took where that is less than the order', () => {
    const ctx = contextWith({
      fundFloor: 0n,
      backstops: [{ account: 'backstop', maxValue: d('978.75') }],
    });
    const ledger = books(ctx);
    const order = dropTo(ledger, '39150', ctx);
    expect(order.size).toBe(d('0.057'));
    // A cap of 978.75 USD at 39,150: 0.025 exactly (0.026 is 1,017.9). The order has 0.032 left.
    const answer = run(ledger, unfilled(order.id), ctx);
    expect(events(answer).at(-1)).toMatchObject({ type: 'liquidation_reduced', size: d('0.032') });
    expect(ledger.liquidations.get(order.id)?.size).toBe(d('0.032'));
  });

  it('takes the fee into a fund below its floor: the floor bounds only what it covers', () => {
    const ctx = contextWith({ fundFloor: d('100'), backstops: [] });
    const ledger = books(ctx);
    const order = dropTo(ledger, '39150', ctx);
    const atLimit: Command = {
      id: id(),
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'sell',
      size: order.size,
      price: order.limitPrice,
      taker: { account: 'alice', orderId: order.id, feeRate: 0n },
      maker: { account: 'dave', feeRate: 0n },
    };
    expect(order.limitPrice).toBe(d('39149.34'));
    expect(run(ledger, atLimit, ctx).kind).toBe('accepted');
    // 0.1 % of 0.057 × 39,149.34.
    expect(usdt(ledger, insuranceFund)).toBe(d('2.23151238'));
  });

  it('is refused while the instrument is halted', () => {
    const ctx = contextWith({ fundFloor: 0n, backstops: [], autoDeleverage: adl });
    const ledger = books(ctx);
    const order = dropTo(ledger, '39150', ctx);
    run(ledger, { id: id(), type: 'halt_instrument', instrument: 'BTCUSDT' }, ctx);
    expect(run(ledger, unfilled(order.id), ctx)).toMatchObject({
      rejection: { code: 'instrument_halted', field: 'orderId' },
    });
  });

  it('is refused where the rulebook has no waterfall, or the order is not there', () => {
    const ctx = contextWith(undefined);
    const ledger = books(ctx);
    const order = dropTo(ledger, '39150', ctx);
    expect(run(ledger, unfilled(order.id), ctx)).toMatchObject({
      rejection: { code: 'waterfall_not_configured', field: 'orderId' },
    });
    expect(run(ledger, unfilled('liq-0'), ctx)).toMatchObject({
      rejection: { code: 'order_not_found', field: 'orderId' },
    });
  });
});
