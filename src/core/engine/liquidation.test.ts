import { describe, expect, it } from 'vitest';
import { executeChecked } from '../../../test/engine-kit.ts';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { insuranceFund } from '../ledger/house-accounts.ts';
import { applyRecord, type Ledger, newLedger } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../ledger/ledger-event.ts';
import { stateHash } from '../ledger/state-hash.ts';
import { defaultLiquidationRule } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import type { Answer } from './execute.ts';

// Liquidation through the engine: each figure worked by hand from the rules it comes from.

const btc = linearPerp('BTCUSDT', 'BTC');
const eth = linearPerp('ETHUSDT', 'ETH');
const watching = rulebook({ BTCUSDT: binanceLikeBrackets, ETHUSDT: binanceLikeBrackets });
const liquidating = {
  ...watching,
  // dYdX v4's rule with a fee of 0.1 %: at 0.5 % (above Binance's 0.4 % MM rate) no partial
  // close could bring a bucket back, and every liquidation would be of the whole position.
  liquidation: { ...defaultLiquidationRule, feeRate: d('0.001') },
};
const monitor: DecideContext = {
  nowMs: Date.UTC(2026, 11, 3, 8),
  venue: venue([btc, eth], watching),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};
const context: DecideContext = { ...monitor, venue: venue([btc, eth], liquidating) };

let next = 0;
const count = () => {
  next += 1;
  return next;
};
const id = () => `l${count()}`;
const tick = (feed: PriceFeed, price: string, sequence = count()): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence,
  timeMs: context.nowMs,
  price: d(price),
});
const fill = (
  taker: { account: string; orderId?: string },
  takerSide: 'buy' | 'sell',
  size: string,
  price: string,
  maker = 'mm',
): Command => ({
  id: id(),
  type: 'fill',
  instrument: 'BTCUSDT',
  takerSide,
  size: d(size),
  price: d(price),
  taker: { ...taker, feeRate: 0n },
  maker: { account: maker, feeRate: 0n },
});

/** Alice's resting buy of BTCUSDT, `o1`. */
const buyOrder = (size: string, price: string, instrument = 'BTCUSDT'): Command => ({
  id: id(),
  type: 'place_order',
  account: 'alice',
  orderId: 'o1',
  instrument,
  side: 'buy',
  size: d(size),
  price: d(price),
});

/** The records the engine accepted, in order: a new ledger fed them must end the same. */
let log: Parameters<typeof applyRecord>[1][] = [];

/** Judges and applies one command, checking the books after it whatever the answer. */
const run = (ledger: Ledger, command: Command, ctx = context): Answer =>
  executeChecked(ledger, command, ctx, (record) => log.push(record));

const events = (answer: Answer): readonly LedgerEvent[] =>
  answer.kind === 'accepted' ? answer.events : [];
const ordered = (answer: Answer) => {
  const event = events(answer).find((e) => e.type === 'liquidation_ordered');
  return event?.type === 'liquidation_ordered' ? event.order : undefined;
};

/** A fill of alice's liquidation order, on `side` (the order's own unless another is named). */
const liquidated = (
  order: { id: string; side: 'buy' | 'sell' },
  size: string,
  price: string,
  side = order.side,
) => fill({ account: 'alice', orderId: order.id }, side, size, price);

/** The movements of the answer's fill given for `reason`. */
const movedFor = (answer: Answer, reason: string) => {
  const paid = events(answer)[0];
  return paid?.type === 'filled' ? paid.movements.filter((m) => m.reason === reason) : [];
};

/**
 * Alice long 1 BTCUSDT at 40,000 over 1,000 USDT (MM 0.4 % of 40,000 = 160: healthy), against
 * a market maker with a million; with `isolatedMargin`, the long on its own margin of that much,
 * 5,000 in cross; with `side` sell, short instead.
 * Set up under the watching venue, so that an isolated fill (it opens with no margin: the margin
 * follows in the next command) is not liquidated before its margin comes.
 */
function books(isolatedMargin?: string, side: 'buy' | 'sell' = 'buy'): Ledger {
  const isolated = isolatedMargin !== undefined;
  log = [];
  const ledger = newLedger();
  const setup: Command[] = [
    tick('index:USDT', '1'),
    tick('index:BTC', '40000'),
    tick('mark:BTCUSDT', '40000'),
    tick('index:ETH', '2000'),
    tick('mark:ETHUSDT', '2000'),
    { id: id(), type: 'open_account', account: 'alice', poolMode: 'cross' },
    { id: id(), type: 'open_account', account: 'mm', poolMode: 'cross' },
    { id: id(), type: 'deposit', account: 'mm', asset: 'USDT', amount: d('1000000') },
    {
      id: id(),
      type: 'deposit',
      account: 'alice',
      asset: 'USDT',
      amount: isolated ? d('5000') + d(isolatedMargin) : d('1000'),
    },
  ];
  if (isolated) {
    setup.push({
      id: id(),
      type: 'set_margin_mode',
      account: 'alice',
      instrument: 'BTCUSDT',
      marginMode: 'isolated',
    });
  }
  setup.push(fill({ account: 'alice' }, side, '1', '40000'));
  if (isolated) {
    setup.push({
      id: id(),
      type: 'move_isolated_margin',
      account: 'alice',
      instrument: 'BTCUSDT',
      amount: d(isolatedMargin),
    });
  }
  for (const command of setup) expect(run(ledger, command, monitor).kind).toBe('accepted');
  expect(ledger.marginStates.get('alice')).toBeUndefined();
  return ledger;
}

const usdt = (ledger: Ledger, account: string) =>
  ledger.accounts.get(account)?.balances.get('USDT') ?? ledger.house.get(account)?.get('USDT');

describe('a cross account below maintenance', () => {
  it('is ordered a step just big enough, filled at its limit, its fee to the insurance fund', () => {
    const ledger = books();
    // 39,150: equity 1,000 − 850 = 150 below MM 0.4 % × 39,150 = 156.6.
    const drop = tick('mark:BTCUSDT', '39150');
    const answer = run(ledger, drop);
    // The account's pace: no block of time in the rule, one block from 0.
    expect(events(answer).at(-1)).toMatchObject({ pace: { blockStartMs: 0, value: d('2231.55') } });
    expect(events(answer).map((e) => e.type)).toEqual([
      'price_accepted',
      'margin_state_changed',
      'liquidation_ordered',
    ]);
    // The limit (dYdX's fillable price): ABR = 1 − 150 / 156.6 = 6.6 / 156.6; the spread is
    // ABR × 10 % of the position's MM 156.6 = 0.66 on the whole position, so 39,149.34. The
    // size: closing x at 39,149.34 and paying 0.1 % of it leaves 150 − 0.66x − 39.14934x, which
    // must be at least 156.6 (1 − x): x ≥ 0.05695, 0.057 on the 0.001 step. Its bankruptcy price:
    // the account keeps 150 × (1 − 0.057) = 141.45 where 150 + 0.057 (p − 39,150) = 141.45,
    // p = 39,000.
    expect(ordered(answer)).toEqual({
      id: `liq-${ledger.events}`,
      account: 'alice',
      bucket: 'cross',
      instrument: 'BTCUSDT',
      side: 'sell',
      size: d('0.057'),
      limitPrice: d('39149.34'),
      bankruptcyPrice: d('39000'),
      markSequence: (drop as { sequence: number }).sequence,
      orderedAtMs: context.nowMs,
      // 0.057 × 39,150 USDT at 1 USD.
      value: d('2231.55'),
    });
    const order = ordered(answer)!;
    // Not at a worse price than its limit, nor more than it.
    expect(run(ledger, liquidated(order, '0.057', '39149.33'))).toMatchObject({
      rejection: { code: 'liquidation_limit_exceeded', field: 'price' },
    });
    expect(run(ledger, liquidated(order, '0.058', '39149.34'))).toMatchObject({
      rejection: { code: 'order_size_exceeded', field: 'size' },
    });
    // Named from the other side of the trade, it is no order of that side.
    expect(run(ledger, liquidated(order, '0.057', '39149.34', 'buy'))).toMatchObject({
      rejection: { code: 'order_not_found', field: 'taker.orderId' },
    });
    const filled = run(ledger, liquidated(order, '0.057', '39149.34'));
    // Realised 0.057 × (39,149.34 − 40,000) = −48.48762; the fee 0.1 % × 2,231.51238 =
    // 2.23151238, less than the 8.51238 the fill left above bankruptcy, so charged in full.
    expect(usdt(ledger, 'alice')).toBe(d('949.28086762'));
    expect(usdt(ledger, insuranceFund)).toBe(d('2.23151238'));
    expect(movedFor(filled, 'liquidation-fee')).toEqual([
      { account: 'alice', asset: 'USDT', amount: -d('2.23151238'), reason: 'liquidation-fee' },
      { account: insuranceFund, asset: 'USDT', amount: d('2.23151238'), reason: 'liquidation-fee' },
    ]);
    // Equity 949.28086762 − 0.943 × 850 = 147.73086762 ≥ MM 147.6738: no longer liquidatable.
    expect(events(filled).map((e) => e.type)).toEqual([
      'filled',
      'liquidation_ended',
      'margin_state_changed',
    ]);
    expect(events(filled)[1]).toMatchObject({ reason: 'filled', orderId: order.id });
    expect(ledger.marginStates.get('alice')).toBe('margin_call');
    expect(ledger.liquidations.size).toBe(0);
    // The fee came from the cross balance: the cross position holds no margin of its own.
    expect(ledger.accounts.get('alice')!.positions).toEqual([
      expect.objectContaining({ size: d('0.943'), marginMode: 'cross', isolatedMargin: 0n }),
    ]);
  });

  it('may have its order filled as the maker: the fee is the liquidated side’s, whichever it is', () => {
    const ledger = books();
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '39150')))!;
    const taken: Command = {
      id: id(),
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'buy',
      size: d('0.057'),
      price: d('39149.34'),
      taker: { account: 'mm', feeRate: 0n },
      maker: { account: 'alice', orderId: order.id, feeRate: 0n },
    };
    const filled = run(ledger, taken);
    expect(events(filled)[1]).toMatchObject({ type: 'liquidation_ended', reason: 'filled' });
    expect(usdt(ledger, 'alice')).toBe(d('949.28086762'));
    expect(usdt(ledger, insuranceFund)).toBe(d('2.23151238'));
  });

  it('short, is bought back: its limit above the mark, a fill above the limit refused', () => {
    const ledger = books(undefined, 'sell');
    // 40,850: equity 150 below MM 163.4. ABR 13.4 / 163.4 of 10 % of 163.4 = 1.34 above the
    // mark; 150 − 1.34x − 40.85134x ≥ 163.4 (1 − x): x ≥ 0.11055, 0.111; bankrupt at 41,000.
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '40850')))!;
    expect(order).toMatchObject({
      side: 'buy',
      size: d('0.111'),
      limitPrice: d('40851.34'),
      bankruptcyPrice: d('41000'),
    });
    expect(run(ledger, liquidated(order, '0.111', '40851.35'))).toMatchObject({
      rejection: { code: 'liquidation_limit_exceeded', field: 'price' },
    });
    const filled = run(ledger, liquidated(order, '0.111', '40851.34'));
    // Realised 0.111 × −851.34 = −94.49874; the fee 0.1 % of 4,534.49874.
    expect(usdt(ledger, 'alice')).toBe(d('1000') - d('94.49874') - d('4.53449874'));
    expect(usdt(ledger, insuranceFund)).toBe(d('4.53449874'));
    expect(events(filled).some((e) => e.type === 'liquidation_ended')).toBe(true);
  });

  it('has its open orders cancelled before its step is ordered', () => {
    const ledger = books();
    const place = buyOrder('0.1', '38000');
    expect(run(ledger, place).kind).toBe('accepted');
    const answer = run(ledger, tick('mark:BTCUSDT', '39150'));
    expect(events(answer).map((e) => e.type)).toEqual([
      'price_accepted',
      'margin_state_changed',
      'order_removed',
      'liquidation_ordered',
    ]);
    expect(ledger.accounts.get('alice')!.openOrders).toEqual([]);
    // Named by its event's sequence, the command's last.
    expect(ordered(answer)!.id).toBe(`liq-${ledger.events}`);
  });

  it('where its orders count in maintenance (Mango) and alone put it below, has them cancelled only', () => {
    const mango = {
      ...context,
      venue: venue([btc, eth], { ...liquidating, openOrdersInMaintenance: true }),
    };
    const ledger = books();
    const place = buyOrder('1', '40000');
    expect(run(ledger, place, mango).kind).toBe('accepted');
    // 39,300: equity 300 above the position's MM of 157.2, below it with the order's 1 more.
    const answer = run(ledger, tick('mark:BTCUSDT', '39300'), mango);
    expect(events(answer).map((e) => e.type)).toEqual([
      'price_accepted',
      'margin_state_changed',
      'order_removed',
      'margin_state_changed',
    ]);
    expect(events(answer)[1]).toMatchObject({ state: 'liquidatable' });
    expect(ledger.marginStates.get('alice')).toBe('margin_call');
    expect(ledger.liquidations.size).toBe(0);
  });

  it('is only reported on a venue whose rulebook does not liquidate', () => {
    const ledger = books();
    const answer = run(ledger, tick('mark:BTCUSDT', '39150'), monitor);
    expect(events(answer).map((e) => e.type)).toEqual(['price_accepted', 'margin_state_changed']);
    expect(ledger.marginStates.get('alice')).toBe('liquidatable');
  });

  it('S25: a tick that restores it before execution ends the order; a late tick is refused', () => {
    const ledger = books();
    const decided = run(ledger, tick('mark:BTCUSDT', '39150', 1000));
    expect(ordered(decided)?.markSequence).toBe(1000);
    const order = ordered(decided)!;
    // 39,400: equity 400 above MM 157.6: the order ends before any fill.
    const restored = run(ledger, tick('mark:BTCUSDT', '39400', 1001));
    expect(events(restored).filter((e) => e.type === 'liquidation_ended')).toEqual([
      { type: 'liquidation_ended', account: 'alice', orderId: order.id, reason: 'recovered' },
    ]);
    expect(run(ledger, liquidated(order, '0.057', '39149.34'))).toMatchObject({
      rejection: { code: 'order_not_found', field: 'taker.orderId' },
    });
    expect(run(ledger, tick('mark:BTCUSDT', '39150', 999)).kind).toBe('rejected');
    expect(ledger.markPrices.get('BTCUSDT')).toBe(d('39400'));
    expect(ledger.accounts.get('alice')!.positions[0]!.size).toBe(d('1'));
  });

  it('has its order replaced where its position shrinks below the order, by a trade of its own', () => {
    const ledger = books();
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '39150')))!;
    // A fill of 0.96 from elsewhere leaves 0.04, less than the 0.057 ordered: the order ends and
    // the step is decided again on what is left (still below: the fill lost 0.96 × 850).
    const sold = run(ledger, fill({ account: 'alice' }, 'sell', '0.96', '39150'));
    const ended = events(sold).filter((e) => e.type === 'liquidation_ended');
    expect(ended).toEqual([
      { type: 'liquidation_ended', account: 'alice', orderId: order.id, reason: 'replaced' },
    ]);
    const next = ordered(sold);
    if (next !== undefined) expect(next.size).toBeLessThanOrEqual(d('0.04'));
    expect(ledger.liquidations.size).toBe(next === undefined ? 0 : 1);
  });

  it('has its order replaced where its position flips: a short of more is no long to sell', () => {
    const ledger = books();
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '39150')))!;
    const flipped = run(ledger, fill({ account: 'alice' }, 'sell', '2', '39150'));
    expect(events(flipped).filter((e) => e.type === 'liquidation_ended')).toEqual([
      { type: 'liquidation_ended', account: 'alice', orderId: order.id, reason: 'replaced' },
    ]);
    expect(ledger.accounts.get('alice')!.positions[0]!.size).toBe(-d('1'));
  });

  it('goes on step by step while it stays below, and replays to the same state', () => {
    const ledger = books();
    run(ledger, tick('mark:BTCUSDT', '39150'));
    // Half the step fills; then the price falls on: the order stands (its bucket is busy), a
    // fill of the rest ends it, and the next step is ordered on the prices then.
    const first = ledger.liquidations.values().next().value!;
    const half = run(ledger, liquidated(first, '0.028', '39149.34'));
    expect(events(half).filter((e) => e.type === 'liquidation_reduced')).toEqual([
      { type: 'liquidation_reduced', account: 'alice', orderId: first.id, size: d('0.029') },
    ]);
    expect(ordered(run(ledger, tick('mark:BTCUSDT', '39100')))).toBeUndefined();
    const rest = run(ledger, liquidated(first, '0.029', '39149.34'));
    const second = ordered(rest);
    expect(second).toMatchObject({ account: 'alice', side: 'sell', bucket: 'cross' });
    expect(second!.limitPrice).toBeLessThanOrEqual(d('39100'));
    const replayed = newLedger();
    for (const record of log) applyRecord(replayed, record);
    expect(stateHash(replayed)).toBe(stateHash(ledger));
  });
});

describe('S20: an isolated position below maintenance', () => {
  it('is liquidated on its own, the fund covering a fill worse than bankruptcy, cross untouched', () => {
    const ledger = books('1000');
    // A resting ETH order in the cross pool, which is healthy: it stays.
    expect(run(ledger, buyOrder('0.1', '1900', 'ETHUSDT')).kind).toBe('accepted');
    expect(usdt(ledger, 'alice')).toBe(d('5000'));
    // A gap to 38,000: the isolated margin 1,000 − 2,000 = −1,000, below MM 152. No partial
    // close restores it: the step is the whole position. Its bankruptcy price is where the
    // margin is spent, 40,000 − 1,000 = 39,000, above the mark: the limit is the mark.
    const answer = run(ledger, tick('mark:BTCUSDT', '38000'));
    expect(ordered(answer)).toMatchObject({
      bucket: 'BTCUSDT',
      side: 'sell',
      size: d('1'),
      limitPrice: d('38000'),
      bankruptcyPrice: d('39000'),
    });
    const order = ordered(answer)!;
    expect(events(answer).some((e) => e.type === 'order_removed')).toBe(false);
    expect(ledger.accounts.get('alice')!.openOrders).toHaveLength(1);
    // Named by a fill on another instrument, it is no order of that instrument.
    const elsewhere = { ...liquidated(order, '1', '38000'), instrument: 'ETHUSDT' } as Command;
    expect(run(ledger, elsewhere)).toMatchObject({
      rejection: { code: 'order_not_found', field: 'taker.orderId' },
    });
    // A tick lower still before the fill: the order stands for the bucket it was ordered for.
    const lower = run(ledger, tick('mark:BTCUSDT', '37990'));
    expect(events(lower).some((e) => e.type === 'liquidation_ended')).toBe(false);
    const filled = run(ledger, liquidated(order, '1', '38000'));
    // The fill realises −2,000 of the 1,000 margin; the fund pays the 1,000 more; the cross
    // pool keeps its 5,000 (INV-ISO) and the account ends with no position.
    expect(movedFor(filled, 'insurance-cover')).toEqual([
      { account: 'alice', asset: 'USDT', amount: d('1000'), reason: 'insurance-cover' },
      { account: insuranceFund, asset: 'USDT', amount: -d('1000'), reason: 'insurance-cover' },
    ]);
    expect(usdt(ledger, 'alice')).toBe(d('5000'));
    expect(ledger.accounts.get('alice')!.positions).toEqual([]);
    expect(usdt(ledger, insuranceFund)).toBe(d('-1000'));
    expect(ledger.marginStates.get('alice')).toBeUndefined();
  });
});

describe('an account in liquidation with a second bucket', () => {
  it('has its isolated bucket liquidated on a tick while its cross bucket has an order out', () => {
    const ledger = books('1000');
    // Cross: 5,000 USDT and long 50 ETHUSDT at 2,000. At 1,905 its equity is 5,000 − 4,750 = 250,
    // below MM 0.4 % × 95,250 = 381: the cross bucket's step is ordered, and stays unfilled.
    const eth = { ...fill({ account: 'alice' }, 'buy', '50', '2000'), instrument: 'ETHUSDT' };
    expect(run(ledger, eth as Command, monitor).kind).toBe('accepted');
    expect(ordered(run(ledger, tick('mark:ETHUSDT', '1905')))).toMatchObject({ bucket: 'cross' });
    // A BTC tick alone then takes the isolated long below its maintenance (1,000 − 1,100 < 0):
    // the account already in liquidation is looked at again, and the isolated bucket ordered.
    const btcDrop = run(ledger, tick('mark:BTCUSDT', '38900'));
    expect(ordered(btcDrop)).toMatchObject({ bucket: 'BTCUSDT', side: 'sell' });
    expect([...ledger.liquidations.values()].map((o) => o.bucket).sort()).toEqual([
      'BTCUSDT',
      'cross',
    ]);
  });

  it('has the order of an isolated bucket replaced once a trade of its own closes the position', () => {
    const ledger = books('1000');
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '38000')))!;
    expect(order.bucket).toBe('BTCUSDT');
    // The whole long sold elsewhere: the bucket is gone, and so is the order.
    const sold = run(ledger, fill({ account: 'alice' }, 'sell', '1', '38000'));
    expect(events(sold).filter((e) => e.type === 'liquidation_ended')).toEqual([
      { type: 'liquidation_ended', account: 'alice', orderId: order.id, reason: 'replaced' },
    ]);
    expect(ledger.liquidations.size).toBe(0);
  });
});

describe('the pace of a liquidation', () => {
  const paced = (rule: object): DecideContext => ({
    ...context,
    venue: venue([btc, eth], {
      ...liquidating,
      liquidation: { ...liquidating.liquidation, ...rule },
    }),
  });
  const later = (ctx: DecideContext, ms: number): DecideContext => ({
    ...ctx,
    nowMs: ctx.nowMs + ms,
  });
  const tickAt = (price: string, ctx: DecideContext): Command => ({
    id: id(),
    type: 'price_tick',
    feed: 'mark:BTCUSDT',
    sequence: count(),
    timeMs: ctx.nowMs,
    price: d(price),
  });

  it('rests the account for coolDownMs after a step: below maintenance again, it waits', () => {
    const ctx = paced({ coolDownMs: 60_000 });
    const ledger = books();
    const first = ordered(run(ledger, tick('mark:BTCUSDT', '39150'), ctx))!;
    run(ledger, liquidated(first, '0.057', '39149.34'), ctx);
    // 38,900 a second later: equity 147.73 − 0.943 × 250 = −88, below; at rest, no step.
    const soon = later(ctx, 1_000);
    const rested = run(ledger, tickAt('38900', soon), soon);
    expect(ledger.marginStates.get('alice')).toBe('liquidatable');
    expect(ordered(rested)).toBeUndefined();
    // The first event touching it once the minute is over orders the next step.
    const after = later(ctx, 60_000);
    expect(ordered(run(ledger, tickAt('38900', after), after))).toMatchObject({
      account: 'alice',
      side: 'sell',
    });
  });

  it('bounds what an account has liquidated in a block: the rest waits for the next block', () => {
    // A block of 1,234,567 ms: the log's time (08:00 sharp) falls inside one, not at its start.
    const blockMs = 1_234_567;
    const ctx = paced({ blockMs, maxBlockValue: d('1000') });
    const ledger = books();
    // 1,000 USD of the 0.057 the step needs: 0.025 at 39,150 (978.75), the cap down to the step.
    const first = ordered(run(ledger, tick('mark:BTCUSDT', '39150'), ctx))!;
    expect(first).toMatchObject({ size: d('0.025'), value: d('978.75') });
    run(ledger, liquidated(first, '0.025', '39149.34'), ctx);
    // Still below; the 21.25 left of the block buys not one step (39.15): nothing more.
    expect(ledger.marginStates.get('alice')).toBe('liquidatable');
    expect(ledger.liquidations.size).toBe(0);
    expect(ledger.liquidationPace.get('alice')).toEqual({
      blockStartMs: ctx.nowMs - (ctx.nowMs % blockMs),
      value: d('978.75'),
      lastOrderedMs: ctx.nowMs,
    });
    expect(ctx.nowMs % blockMs).not.toBe(0);
    // The next block: the rest of the step.
    const next = later(ctx, blockMs);
    expect(ordered(run(ledger, tickAt('39150', next), next))).toMatchObject({ side: 'sell' });
  });
});

describe('an isolated position a little below maintenance', () => {
  it('is closed in part, its fee paid from its own margin, cross untouched', () => {
    const ledger = books('200');
    // 39,950: margin 200 − 50 = 150 below MM 159.8. The limit: ABR 9.8 / 159.8 of 10 % of
    // 159.8, 0.98 below the mark, 39,949.02. The size: 150 − 0.98x − 39.94902x ≥ 159.8 (1 − x),
    // x ≥ 0.08244, 0.083; its bankruptcy price 40,000 − 150 − 50 = 39,800.
    const order = ordered(run(ledger, tick('mark:BTCUSDT', '39950')))!;
    expect(order).toMatchObject({
      bucket: 'BTCUSDT',
      size: d('0.083'),
      limitPrice: d('39949.02'),
      bankruptcyPrice: d('39800'),
    });
    run(ledger, liquidated(order, '0.083', '39949.02'));
    // Realised 0.083 × −50.98 = −4.23134 and the fee 0.1 % of 3,315.76866 = 3.31576866, both
    // from the position's own margin: 200 − 4.23134 − 3.31576866.
    expect(ledger.accounts.get('alice')!.positions).toEqual([
      expect.objectContaining({ size: d('0.917'), isolatedMargin: d('192.45289134') }),
    ]);
    expect(usdt(ledger, 'alice')).toBe(d('5000'));
    expect(usdt(ledger, insuranceFund)).toBe(d('3.31576866'));
  });
});
