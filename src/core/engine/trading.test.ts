import { describe, expect, it } from 'vitest';
import { executeChecked, fillCommand } from '../../../test/engine-kit.ts';
import {
  binanceLikeBrackets,
  d,
  deribitOptionRule,
  enginePriceGuard,
  flatCollateral,
  inversePerp,
  linearPerp,
  option,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { feeAccount, pnlPoolOf, roundingAccount } from '../ledger/house-accounts.ts';
import { applyRecord, type Ledger, newLedger } from '../ledger/ledger.ts';
import type { PriceFeed } from '../ledger/ledger-event.ts';
import { stateHash } from '../ledger/state-hash.ts';
import {
  amountMax,
  fundingIntervalMsMax,
  fundingIntervalMsMin,
  leverageMax,
  priceMax,
} from '../limits.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { SCALE } from '../num/fixed.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import { checkOrder } from './decide-order.ts';
import { type Answer, judgeCommand } from './execute.ts';

// Trading through the engine: fills, funding and expiry as commands, each checked against the
// books after it (every amount by hand, the venue's own accounts included).

const expiryMs = Date.UTC(2027, 2, 26, 8);
const btc = linearPerp('BTCUSDT', 'BTC');
const future = linearPerp('BTC-FUT', 'BTC', { kind: 'future', expiryMs });
const coin = inversePerp('BTCUSD', 'BTC');
const call = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
const book = rulebook(
  { BTCUSDT: binanceLikeBrackets, 'BTC-FUT': binanceLikeBrackets, BTCUSD: binanceLikeBrackets },
  new Map<string, CollateralRule>([
    // A cent as the smallest unit, so funding payments round.
    ['USDT', { ...flatCollateral('1'), unit: d('0.01') }],
    ['BTC', flatCollateral('0.95')],
  ]),
);
const trading = {
  ...book,
  instruments: new Map([...book.instruments, ['BTC-C', deribitOptionRule]]),
};
const context: DecideContext = {
  nowMs: Date.UTC(2026, 11, 1, 8),
  venue: venue([btc, future, coin, call], trading),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};
const at = (nowMs: number): DecideContext => ({ ...context, nowMs });

let next = 0;
const count = () => {
  next += 1;
  return next;
};
const id = () => `t${count()}`;
const tick = (feed: PriceFeed, price: string, timeMs = context.nowMs): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence: count(),
  timeMs,
  price: d(price),
});
const fill = (
  instrument: string,
  taker: string,
  takerSide: 'buy' | 'sell',
  size: string,
  price: string,
  maker: string,
  fees = { taker: '0.0005', maker: '0.0002' },
): Command => fillCommand(id(), instrument, taker, takerSide, size, price, maker, fees);
/** A resting limit order, on BTCUSDT unless another instrument is named. */
const placeOrder = (
  account: string,
  orderId: string,
  side: 'buy' | 'sell',
  size: string,
  price: string,
  instrument = 'BTCUSDT',
): Command => ({
  id: id(),
  type: 'place_order',
  account,
  orderId,
  instrument,
  side,
  size: d(size),
  price: d(price),
});
const funding = (fundingMs: number, rate: string, instrument = 'BTCUSDT'): Command => ({
  id: id(),
  type: 'funding',
  instrument,
  fundingMs,
  intervalMs: 8 * 3_600_000,
  rate: d(rate),
});

/** A ledger with accounts a and b holding 10,000 USDT and 1 BTC each, and every price. */
function books(): Ledger {
  const ledger = newLedger();
  const setup: Command[] = [
    tick('index:USDT', '1'),
    tick('index:BTC', '100000'),
    tick('mark:BTCUSDT', '100000'),
    tick('mark:BTC-FUT', '100000'),
    tick('mark:BTCUSD', '100000'),
    tick('mark:BTC-C', '0.25'),
  ];
  for (const account of ['a', 'b']) {
    setup.push({ id: id(), type: 'open_account', account, poolMode: 'cross' });
    setup.push({ id: id(), type: 'deposit', account, asset: 'USDT', amount: d('10000') });
    setup.push({ id: id(), type: 'deposit', account, asset: 'BTC', amount: d('1') });
  }
  for (const command of setup) expect(run(ledger, command).kind).toBe('accepted');
  return ledger;
}

const run = (ledger: Ledger, command: Command, ctx = context): Answer =>
  executeChecked(ledger, command, ctx);

const balance = (ledger: Ledger, account: string, asset = 'USDT') =>
  ledger.accounts.get(account)?.balances.get(asset) ?? ledger.house.get(account)?.get(asset);
const position = (ledger: Ledger, account: string, instrument = 'BTCUSDT') =>
  ledger.accounts.get(account)!.positions.find((p) => p.instrument === instrument);

describe('a fill through the engine', () => {
  it('opens both sides and then flips them, realised PnL and fees as a hand calculation gives', () => {
    const ledger = books();
    expect(run(ledger, fill('BTCUSDT', 'a', 'buy', '2', '100000', 'b')).kind).toBe('accepted');
    // Fees: a 2 × 100,000 × 0.05 % = 100; b 2 × 100,000 × 0.02 % = 40.
    expect(balance(ledger, 'a')).toBe(d('9900'));
    expect(balance(ledger, 'b')).toBe(d('9960'));
    expect(position(ledger, 'a')).toMatchObject({ size: d('2'), entryPrice: d('100000') });
    expect(position(ledger, 'b')).toMatchObject({ size: d('-2'), entryPrice: d('100000') });
    // a sells 3 at 101,000.5: closes its 2 (+2 × 1,000.5) and opens 1 short: a flip.
    expect(run(ledger, fill('BTCUSDT', 'a', 'sell', '3', '101000.5', 'b')).kind).toBe('accepted');
    // a: 9,900 + 2 × 1,000.5 − 3 × 101,000.5 × 0.0005 (151.50075) = 11,749.49925.
    expect(balance(ledger, 'a')).toBe(d('11749.49925'));
    // b: 9,960 − 2,001 − 3 × 101,000.5 × 0.0002 (60.6003) = 7,898.3997.
    expect(balance(ledger, 'b')).toBe(d('7898.3997'));
    expect(position(ledger, 'a')).toMatchObject({ size: d('-1'), entryPrice: d('101000.5') });
    expect(position(ledger, 'b')).toMatchObject({ size: d('1'), entryPrice: d('101000.5') });
    expect(balance(ledger, feeAccount)).toBe(d('352.10105'));
    // The pool paid a's 2,001 and took b's: it is back to nothing.
    expect(ledger.house.has(pnlPoolOf('BTCUSDT'))).toBe(false);
  });

  it('an inverse fill realises harmonic PnL in the coin, against the pool', () => {
    const ledger = books();
    run(ledger, fill('BTCUSD', 'a', 'buy', '300', '100000', 'b', { taker: '0', maker: '0' }));
    run(ledger, fill('BTCUSD', 'a', 'sell', '300', '120000', 'b', { taker: '0', maker: '0' }));
    // 300 × 100 USD × (1/100,000 − 1/120,000) = 0.05 BTC to a, from b.
    expect(balance(ledger, 'a', 'BTC')).toBe(d('1.05'));
    expect(balance(ledger, 'b', 'BTC')).toBe(d('0.95'));
    expect(ledger.house.has(pnlPoolOf('BTCUSD'))).toBe(false);
  });

  it.each([
    ['an unknown instrument', { instrument: 'ETHUSDT' }, 'instrument_not_found', 'instrument'],
    [
      'an unknown taker',
      { taker: { account: 'z', feeRate: 0n } },
      'account_not_found',
      'taker.account',
    ],
    [
      'an unknown maker',
      { maker: { account: 'z', feeRate: 0n } },
      'account_not_found',
      'maker.account',
    ],
    [
      'a venue account as maker',
      { maker: { account: feeAccount, feeRate: 0n } },
      'account_not_found',
      'maker.account',
    ],
    ['a self-trade', { maker: { account: 'a', feeRate: 0n } }, 'self_trade', 'maker.account'],
    ['a size off the step', { size: d('0.0001') }, 'size_off_step', 'size'],
    ['a price off the tick', { price: d('100000.001') }, 'price_off_tick', 'price'],
    ['a zero size', { size: 0n }, 'size_not_positive', 'size'],
  ])('refuses %s, changing nothing', (_name, change, code, field) => {
    const ledger = books();
    const command = { ...fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b'), ...change } as Command;
    expect(run(ledger, command)).toEqual({ kind: 'rejected', rejection: { code, field } });
  });

  it('an external counterparty holds the other side, paying no fee here', () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'hedge', poolMode: 'cross' });
    const command = {
      ...fill('BTCUSDT', 'a', 'buy', '1', '100000', 'hedge', { taker: '0.0005', maker: '0' }),
      external: 'maker',
    } as Command;
    expect(run(ledger, command).kind).toBe('accepted');
    expect(position(ledger, 'hedge')).toMatchObject({ size: d('-1') });
    expect(balance(ledger, feeAccount)).toBe(d('50'));
  });

  it('the same fill sent twice trades once', () => {
    const ledger = books();
    const command = fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b');
    run(ledger, command);
    const hash = stateHash(ledger);
    expect(run(ledger, command).kind).toBe('duplicate');
    expect(stateHash(ledger)).toBe(hash);
    const changed = { ...command, size: d('2') } as Command;
    expect(run(ledger, changed)).toMatchObject({ rejection: { code: 'command_id_reused' } });
  });

  it('refuses to open an account under a venue id', () => {
    const ledger = books();
    const command: Command = {
      id: id(),
      type: 'open_account',
      account: '@fees',
      poolMode: 'cross',
    };
    expect(run(ledger, command)).toMatchObject({ rejection: { code: 'account_reserved' } });
  });

  it('a withdrawal counts the positions fills opened: their margin, and no paper profit', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '5', '100000', 'b', { taker: '0', maker: '0' }));
    run(ledger, tick('mark:BTCUSDT', '110000'));
    // a holds 10,000 USDT and 1 BTC at 0.95 (95,000); 550,000 of notional needs 11,000 of IM
    // (50× in the table's third bracket). Without the BTC, 10,000 is left: the +50,000 of paper
    // profit would cover the rest, and is not counted.
    const all = { id: id(), type: 'withdraw', account: 'a', asset: 'BTC', amount: d('1') } as const;
    expect(run(ledger, all)).toMatchObject({ rejection: { code: 'initial_margin_insufficient' } });
    const some = {
      id: id(),
      type: 'withdraw',
      account: 'a',
      asset: 'USDT',
      amount: d('9000'),
    } as const;
    expect(run(ledger, some).kind).toBe('accepted');
  });
});

describe('funding through the engine', () => {
  const first = Date.UTC(2026, 11, 1, 8);
  const second = first + 8 * 3_600_000;

  it('pays each interval once, rounded to the cent against the trader, the cent kept by the venue', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    run(ledger, tick('mark:BTCUSDT', '101000.5'));
    expect(run(ledger, funding(first, '0.0001'), at(first)).kind).toBe('accepted');
    // 1 × 101,000.5 × 0.01 % = 10.10005: a pays 10.11 (up), b receives 10.10 (down).
    expect(balance(ledger, 'a')).toBe(d('9989.89'));
    expect(balance(ledger, 'b')).toBe(d('10010.1'));
    expect(balance(ledger, roundingAccount)).toBe(d('0.01'));
    // The same interval again is refused; so is one that skips the next.
    expect(run(ledger, funding(first, '0.0001'), at(second))).toMatchObject({
      rejection: { code: 'funding_interval_already_accrued', field: 'fundingMs' },
    });
    expect(run(ledger, funding(second + 8 * 3_600_000, '0.0001'), at(second * 2))).toMatchObject({
      rejection: { code: 'funding_interval_skipped', field: 'fundingMs' },
    });
    // Not before its time on the log's clock.
    expect(run(ledger, funding(second, '0.0001'), at(second - 1))).toMatchObject({
      rejection: { code: 'funding_time_not_reached' },
    });
    // The second interval: a's carry (0.00995 owed to it) and b's (0.00005) are counted.
    // a: 0.00995 − 10.10005 = −10.0901 → pays 10.10; b: 0.00005 + 10.10005 = 10.1001 → 10.10.
    expect(run(ledger, funding(second, '0.0001'), at(second)).kind).toBe('accepted');
    expect(balance(ledger, 'a')).toBe(d('9979.79'));
    expect(balance(ledger, 'b')).toBe(d('10020.2'));
    expect(balance(ledger, roundingAccount)).toBe(d('0.01'));
  });

  it('an isolated position pays from its own margin', () => {
    const ledger = books();
    const command = fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' });
    if (command.type !== 'fill') throw new Error('a fill');
    run(ledger, { ...command, taker: { ...command.taker, marginMode: 'isolated' } });
    run(ledger, funding(first, '-0.0002'), at(first));
    // A negative rate: the short pays 20 exactly, the isolated long receives it in its margin.
    expect(position(ledger, 'a')).toMatchObject({
      marginMode: 'isolated',
      isolatedMargin: d('20'),
    });
    expect(balance(ledger, 'b')).toBe(d('9980'));
  });

  it.each([
    [
      'a dated future',
      funding(first, '0.0001', 'BTC-FUT'),
      'instrument_not_perpetual',
      'instrument',
    ],
    [
      'an unknown instrument',
      funding(first, '0.0001', 'ETHUSDT'),
      'instrument_not_found',
      'instrument',
    ],
    ['a rate beyond 100 %', funding(first, '1.5'), 'funding_rate_above_max', 'rate'],
    [
      'an interval under a minute',
      { ...funding(first, '0.0001'), intervalMs: 1_000 } as Command,
      'funding_interval_invalid',
      'intervalMs',
    ],
  ])('refuses %s', (_name, command, code, field) => {
    const ledger = books();
    expect(run(ledger, command, at(first))).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });
});

describe('expiry settlement through the engine', () => {
  const settle = (instrument: string, price: string): Command => ({
    id: id(),
    type: 'settle_expiry',
    instrument,
    price: d(price),
  });

  it('closes a dated future at the settlement price, then takes no more fills', () => {
    const ledger = books();
    run(ledger, fill('BTC-FUT', 'a', 'buy', '1.5', '100000', 'b', { taker: '0', maker: '0' }));
    expect(run(ledger, settle('BTC-FUT', '105000.123'))).toMatchObject({
      rejection: { code: 'instrument_not_expired', field: 'instrument' },
    });
    expect(run(ledger, settle('BTC-FUT', '105000.123'), at(expiryMs)).kind).toBe('accepted');
    // 1.5 × 5,000.123 = 7,500.1845 from b to a, through the pool.
    expect(balance(ledger, 'a')).toBe(d('17500.1845'));
    expect(balance(ledger, 'b')).toBe(d('2499.8155'));
    expect(position(ledger, 'a', 'BTC-FUT')).toBeUndefined();
    expect(run(ledger, settle('BTC-FUT', '1'), at(expiryMs))).toMatchObject({
      rejection: { code: 'instrument_settled', field: 'instrument' },
    });
    expect(
      run(ledger, fill('BTC-FUT', 'a', 'buy', '1', '100000', 'b'), at(expiryMs)),
    ).toMatchObject({
      rejection: { code: 'instrument_settled', field: 'instrument' },
    });
  });

  it("pays an option's value from the writer to the holder, the odd unit to the venue", () => {
    const ledger = books();
    run(ledger, fill('BTC-C', 'a', 'buy', '0.3', '0.25', 'b', { taker: '0', maker: '0' }));
    // The premium: 0.3 × 0.25 = 0.075 BTC from a to b.
    expect(balance(ledger, 'a', 'BTC')).toBe(d('0.925'));
    run(ledger, settle('BTC-C', '0.012345678901234567'), at(expiryMs));
    // 0.3 × 0.012345678901234567 = 0.0037037036703703701: a receives it rounded down, b pays up.
    expect(balance(ledger, 'a', 'BTC')).toBe(d('0.92870370367037037'));
    expect(balance(ledger, 'b', 'BTC')).toBe(d('1.071296296329629629'));
    expect(balance(ledger, roundingAccount, 'BTC')).toBe(d('0.000000000000000001'));
  });

  it.each([
    ['a perpetual', 'BTCUSDT', '1', 'instrument_not_dated', 'instrument'],
    ['a future at zero', 'BTC-FUT', '0', 'price_not_positive', 'price'],
    ['an option below zero', 'BTC-C', '-0.1', 'price_negative', 'price'],
    ['an unknown instrument', 'DOGE-FUT', '1', 'instrument_not_found', 'instrument'],
    ['a price beyond the limit', 'BTC-FUT', '1000000000000.1', 'price_above_max', 'price'],
  ])('refuses %s', (_name, instrument, price, code, field) => {
    const ledger = books();
    expect(run(ledger, settle(instrument, price), at(expiryMs))).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });
});

describe('the records of trading replay to the same books', () => {
  it('a fresh ledger applying the accepted records reaches the same state hash', () => {
    const ledger = newLedger();
    const records = [];
    const commands: [Command, DecideContext][] = [
      ...['index:USDT', 'index:BTC', 'mark:BTCUSDT'].map(
        (feed) =>
          [tick(feed as PriceFeed, feed === 'index:USDT' ? '1' : '100000'), context] as [
            Command,
            DecideContext,
          ],
      ),
      [{ id: id(), type: 'open_account', account: 'a', poolMode: 'cross' }, context],
      [{ id: id(), type: 'open_account', account: 'b', poolMode: 'cross' }, context],
      [fill('BTCUSDT', 'a', 'buy', '0.3', '100000.01', 'b'), context],
      [funding(Date.UTC(2026, 11, 1, 8), '0.000123'), context],
      [fill('BTCUSDT', 'b', 'buy', '0.7', '99999.99', 'a'), context],
    ];
    for (const [command, ctx] of commands) {
      const { answer, record } = judgeCommand(ledger, command, ctx);
      expect(answer.kind).toBe('accepted');
      applyRecord(ledger, record!);
      records.push(record!);
    }
    const replayed = newLedger();
    for (const record of records) applyRecord(replayed, record);
    expect(stateHash(replayed)).toBe(stateHash(ledger));
    expect(position(replayed, 'a')).toMatchObject({ size: d('-0.4'), entryPrice: d('99999.99') });
  });
});

describe('margin states as events', () => {
  it('a price that takes an account below initial, then maintenance, and back, is recorded each time', () => {
    const ledger = books();
    // c: 1,500 USDT, long 1 BTC at 100,000: in Binance's second bracket (to 250,000), IM at 100×
    // is 1 % of the notional, MM 0.5 % less the bracket's maintenance amount of 50.
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' });
    run(ledger, { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('1500') });
    const opened = run(
      ledger,
      fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }),
    );
    expect(opened.kind).toBe('accepted');
    expect(ledger.marginStates.has('c')).toBe(false);
    // At 99,400: equity 900 < IM 994, > MM 497 − 50.
    const call = run(ledger, tick('mark:BTCUSDT', '99400'));
    expect(call.kind === 'accepted' && call.events.slice(1)).toEqual([
      {
        type: 'margin_state_changed',
        account: 'c',
        state: 'margin_call',
        equity: d('900'),
        initialMargin: d('994'),
        maintenanceMargin: d('447'),
      },
    ]);
    // At 98,900: equity 400 < MM 494.5 − 50.
    const liquidatable = run(ledger, tick('mark:BTCUSDT', '98900'));
    expect(liquidatable.kind === 'accepted' && liquidatable.events.slice(1)).toMatchObject([
      { type: 'margin_state_changed', account: 'c', state: 'liquidatable', equity: d('400') },
    ]);
    expect(ledger.marginStates.get('c')).toBe('liquidatable');
    // The same state again is no event; a deposit that restores it is.
    const still = run(ledger, tick('mark:BTCUSDT', '98800'));
    expect(still.kind === 'accepted' && still.events.map((e) => e.type)).toEqual([
      'price_accepted',
    ]);
    const restored = run(ledger, {
      id: id(),
      type: 'deposit',
      account: 'c',
      asset: 'USDT',
      amount: d('1000'),
    });
    expect(restored.kind === 'accepted' && restored.events.slice(1)).toMatchObject([
      { type: 'margin_state_changed', account: 'c', state: 'healthy' },
    ]);
    expect(ledger.marginStates.has('c')).toBe(false);
  });
});

describe('isolated margin, leverage and margin mode through the engine', () => {
  const isolatedLong = (ledger: Ledger) => {
    run(ledger, {
      id: id(),
      type: 'set_margin_mode',
      account: 'a',
      instrument: 'BTCUSDT',
      marginMode: 'isolated',
    });
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
  };
  const move = (amount: string): Command => ({
    id: id(),
    type: 'move_isolated_margin',
    account: 'a',
    instrument: 'BTCUSDT',
    amount: d(amount),
  });

  it('a position opens in the mode the account set, and margin moves in and out of it', () => {
    const ledger = books();
    isolatedLong(ledger);
    expect(position(ledger, 'a')).toMatchObject({ marginMode: 'isolated', isolatedMargin: 0n });
    expect(ledger.marginStates.get('a')).toBe('liquidatable');
    const moved = run(ledger, move('1500.25'));
    // The position's margin is back above maintenance and initial (1,000 at 100×): healthy again.
    expect(moved.kind === 'accepted' && moved.events.map((e) => e.type)).toEqual([
      'isolated_margin_moved',
      'margin_state_changed',
    ]);
    expect(position(ledger, 'a')).toMatchObject({ isolatedMargin: d('1500.25') });
    expect(balance(ledger, 'a')).toBe(d('8499.75'));
    // Out again down to initial margin exactly (1,000), not a cent (the unit) further.
    expect(run(ledger, move('-500.26'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'amount' },
    });
    expect(run(ledger, move('-500.25')).kind).toBe('accepted');
    expect(position(ledger, 'a')).toMatchObject({ isolatedMargin: d('1000') });
  });

  it('margin moved out of a winning isolated position leaves its paper profit behind', () => {
    const ledger = books();
    isolatedLong(ledger);
    run(ledger, move('1000'));
    run(ledger, tick('mark:BTCUSDT', '110000'));
    // 10,000 of unrealised profit, IM 1,100: none of the 1,000 may leave (it would need the profit).
    expect(run(ledger, move('-1'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient' },
    });
  });

  it.each([
    ['no position there', { instrument: 'BTCUSD' }, 'position_not_found', 'instrument'],
    ['a cross position', { account: 'b' }, 'position_not_isolated', 'instrument'],
    ['a zero amount', { amount: 0n }, 'amount_zero', 'amount'],
    ['more than the cross balance', { amount: d('10000.01') }, 'insufficient_balance', 'amount'],
    ['more than the position holds', { amount: d('-0.01') }, 'insufficient_balance', 'amount'],
    ['an amount off the cent', { amount: d('0.001') }, 'amount_off_unit', 'amount'],
    ['an unknown instrument', { instrument: 'DOGE' }, 'instrument_not_found', 'instrument'],
  ])('refuses to move margin with %s', (_name, change, code, field) => {
    const ledger = books();
    isolatedLong(ledger);
    expect(run(ledger, { ...move('1'), ...change } as Command)).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });

  it('refuses a margin mode change while a position or an order is open', () => {
    const ledger = books();
    isolatedLong(ledger);
    const change: Command = {
      id: id(),
      type: 'set_margin_mode',
      account: 'a',
      instrument: 'BTCUSDT',
      marginMode: 'cross',
    };
    expect(run(ledger, change)).toMatchObject({ rejection: { code: 'position_open' } });
  });

  it('a lower leverage is refused where the margin does not cover it, a higher one taken', () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' });
    run(ledger, { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('3000') });
    run(ledger, fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    const leverage = (value: string): Command => ({
      id: id(),
      type: 'set_leverage',
      account: 'c',
      instrument: 'BTCUSDT',
      leverage: d(value),
    });
    // At 20×, IM is 5,000 > 3,000: refused. At 50×, 2,000: taken.
    expect(run(ledger, leverage('20'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'leverage' },
    });
    expect(run(ledger, leverage('50')).kind).toBe('accepted');
    expect(ledger.accounts.get('c')!.leverage?.get('BTCUSDT')).toBe(d('50'));
    expect(run(ledger, leverage('0.5'))).toMatchObject({ rejection: { code: 'leverage_invalid' } });
  });
});

describe('orders through the engine', () => {
  const place = (orderId: string, side: 'buy' | 'sell', size: string, price: string) =>
    placeOrder('c', orderId, side, size, price);
  const withC = () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' });
    run(ledger, { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('2000') });
    return ledger;
  };

  it('rests orders while initial margin covers them all, at their worst together', () => {
    const ledger = withC();
    // 1 BTC bid at 99,000: IM 990 at 100×. A second: together 1,980; a third is too much.
    expect(run(ledger, place('o1', 'buy', '1', '99000')).kind).toBe('accepted');
    expect(run(ledger, place('o2', 'buy', '1', '99000')).kind).toBe('accepted');
    expect(run(ledger, place('o3', 'buy', '0.1', '99000'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'size' },
    });
    expect(run(ledger, place('o1', 'sell', '1', '101000'))).toMatchObject({
      rejection: { code: 'order_exists', field: 'orderId' },
    });
    expect(ledger.accounts.get('c')!.openOrders.map((o) => o.id)).toEqual(['o1', 'o2']);
  });

  it('a fill takes from the order it names; an amendment and a cancel change the book', () => {
    const ledger = withC();
    run(ledger, place('o1', 'buy', '1', '99000'));
    const maker = fill('BTCUSDT', 'b', 'sell', '0.4', '99000', 'c', { taker: '0', maker: '0' });
    if (maker.type !== 'fill') throw new Error('a fill');
    const filled = run(ledger, { ...maker, maker: { ...maker.maker, orderId: 'o1' } });
    expect(filled.kind === 'accepted' && filled.events.map((e) => e.type)).toEqual([
      'filled',
      'order_amended',
    ]);
    expect(ledger.accounts.get('c')!.openOrders).toEqual([
      { id: 'o1', instrument: 'BTCUSDT', side: 'buy', size: d('0.6'), price: d('99000') },
    ]);
    const tooBig = { ...maker, id: id(), size: d('0.7'), maker: { ...maker.maker, orderId: 'o1' } };
    expect(run(ledger, tooBig)).toMatchObject({ rejection: { code: 'order_size_exceeded' } });
    const wrongSide = {
      ...maker,
      id: id(),
      takerSide: 'buy' as const,
      maker: { ...maker.maker, orderId: 'o1' },
    };
    expect(run(ledger, wrongSide)).toMatchObject({
      rejection: { code: 'order_not_found', field: 'maker.orderId' },
    });
    const amend: Command = {
      id: id(),
      type: 'amend_order',
      account: 'c',
      orderId: 'o1',
      size: d('0.5'),
      price: d('98000'),
    };
    expect(run(ledger, amend).kind).toBe('accepted');
    expect(ledger.accounts.get('c')!.openOrders[0]).toMatchObject({
      size: d('0.5'),
      price: d('98000'),
    });
    const cancel: Command = { id: id(), type: 'cancel_order', account: 'c', orderId: 'o1' };
    expect(run(ledger, cancel).kind).toBe('accepted');
    expect(ledger.accounts.get('c')!.openOrders).toEqual([]);
    expect(run(ledger, { ...cancel, id: id() })).toMatchObject({
      rejection: { code: 'order_not_found' },
    });
  });

  it('amends within what initial margin covers, the order amended counted once', () => {
    const ledger = withC();
    const amend = (orderId: string, size: string, price: string): Command => ({
      id: id(),
      type: 'amend_order',
      account: 'c',
      orderId,
      size: d(size),
      price: d(price),
    });
    // Two bids of 1 at 99,000 use all but 20 of c's 2,000: a third of 0.1 is refused (above).
    // Moving one to 99,001 is checked with the order it replaces taken off, so it fits.
    run(ledger, place('o1', 'buy', '1', '99000'));
    run(ledger, place('o2', 'buy', '1', '99000'));
    expect(run(ledger, amend('o1', '1', '99001')).kind).toBe('accepted');
    expect(run(ledger, amend('o1', '1.1', '99000'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'size' },
    });
    run(ledger, amend('o1', '1', '99000'));
    // Below initial margin after a fall, the same order again, or a smaller one at its price,
    // keeps its place without a check; a larger one, or a new price, is checked and refused.
    run(ledger, tick('mark:BTCUSDT', '98000'));
    expect(run(ledger, amend('o1', '1', '99000')).kind).toBe('accepted');
    expect(run(ledger, amend('o1', '0.9', '99000')).kind).toBe('accepted');
    expect(run(ledger, amend('o1', '0.95', '99000'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient' },
    });
    expect(run(ledger, amend('o1', '0.9', '98500'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient' },
    });
  });

  it('takes an order id of 1 to 200 characters, and no order on an instrument at its expiry', () => {
    const ledger = withC();
    // The engine answers an id out of bounds as it answers one in use (order_exists).
    expect(run(ledger, place('', 'buy', '0.01', '99000'))).toMatchObject({
      rejection: { code: 'order_exists', field: 'orderId' },
    });
    expect(run(ledger, place('x'.repeat(201), 'buy', '0.01', '99000'))).toMatchObject({
      rejection: { code: 'order_exists', field: 'orderId' },
    });
    expect(run(ledger, place('x'.repeat(200), 'buy', '0.01', '99000')).kind).toBe('accepted');
    const onFuture = (nowMs: number) =>
      placeOrder('c', `f${nowMs}`, 'buy', '0.01', '99000', 'BTC-FUT');
    expect(run(ledger, onFuture(expiryMs - 1), at(expiryMs - 1)).kind).toBe('accepted');
    expect(run(ledger, onFuture(expiryMs), at(expiryMs))).toMatchObject({
      rejection: { code: 'instrument_expired', field: 'instrument' },
    });
  });

  it('a pre-trade check answers with the verdict and the report after, changing nothing', () => {
    const ledger = withC();
    const hash = stateHash(ledger);
    const ok = checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('0.1') },
      context,
    );
    expect(ok).toMatchObject({
      kind: 'checked',
      placement: 'filled',
      judgement: { verdict: 'accepted' },
    });
    expect(ok.kind === 'checked' && ok.after.positions[0]).toMatchObject({ size: d('0.1') });
    // 0.1 at the mark 100,000 is 10,000 of notional: IM 100. 3 BTC (300,000, 50×: 6,000) is too much.
    const big = checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('3') },
      context,
    );
    expect(big).toMatchObject({
      kind: 'checked',
      judgement: { verdict: 'initial_margin_insufficient' },
    });
    const rests = checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('0.1'), price: d('90000') },
      context,
    );
    expect(rests).toMatchObject({ kind: 'checked', placement: 'rested' });
    expect(
      checkOrder(
        ledger,
        { account: 'z', instrument: 'BTCUSDT', side: 'buy', size: d('1') },
        context,
      ),
    ).toEqual({ kind: 'refused', rejection: { code: 'account_not_found', field: 'account' } });
    expect(stateHash(ledger)).toBe(hash);
  });
});

describe('open interest and its limit', () => {
  // A limit of 0.5 BTCUSDT open, venue-wide (S16): a and b trade with each other under it.
  const limited: DecideContext = {
    ...context,
    venue: {
      ...context.venue,
      rulebook: { ...trading, openInterestLimits: new Map([['BTCUSDT', d('0.5')]]) },
    },
  };
  const open = (ledger: Ledger) => ledger.openInterest.get('BTCUSDT');

  it('is the contracts held long, kept through opens, flips and closes', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '0.3', '100000', 'b'));
    expect(open(ledger)).toBe(d('0.3'));
    // a sells 0.5: long 0.3 closed, short 0.2 opened; b, short 0.3, ends long 0.2.
    run(ledger, fill('BTCUSDT', 'a', 'sell', '0.5', '100000', 'b'));
    expect(open(ledger)).toBe(d('0.2'));
    run(ledger, fill('BTCUSDT', 'b', 'sell', '0.2', '100000', 'a'));
    expect(open(ledger)).toBeUndefined();
  });

  it('refuses an order or check that could take the market past it, never one that only closes', () => {
    const ledger = books();
    // b holds a long on another market first: only its BTCUSDT position closes a BTCUSDT order.
    run(ledger, fill('BTC-FUT', 'b', 'buy', '0.3', '100000', 'a'), limited);
    run(ledger, fill('BTCUSDT', 'a', 'buy', '0.4', '100000', 'b'), limited);
    const check = (account: string, side: 'buy' | 'sell', size: string) =>
      checkOrder(ledger, { account, instrument: 'BTCUSDT', side, size: d(size) }, limited);
    // 0.4 open: another 0.1 reaches the limit, 0.101 passes it.
    expect(check('a', 'buy', '0.1').kind).toBe('checked');
    expect(check('a', 'buy', '0.101')).toEqual({
      kind: 'refused',
      rejection: { code: 'open_interest_limit', field: 'size' },
    });
    // b, short 0.4, buys back 0.4 and 0.1 more: 0.1 new, within the limit; 0.2 more is not.
    expect(check('b', 'buy', '0.5').kind).toBe('checked');
    expect(check('b', 'buy', '0.601').kind).toBe('refused');
    // a sells its 0.4 and opens 0.101 short: refused; closing alone, taken whatever the limit.
    expect(check('a', 'sell', '0.501').kind).toBe('refused');
    const limitedTo = (limit: string): DecideContext => ({
      ...limited,
      venue: {
        ...limited.venue,
        rulebook: { ...trading, openInterestLimits: new Map([['BTCUSDT', d(limit)]]) },
      },
    });
    expect(
      checkOrder(
        ledger,
        { account: 'a', instrument: 'BTCUSDT', side: 'sell', size: d('0.4') },
        limitedTo('0.1'),
      ).kind,
    ).toBe('checked');
    expect(run(ledger, placeOrder('a', 'o1', 'buy', '0.101', '99000'), limited)).toMatchObject({
      rejection: { code: 'open_interest_limit', field: 'size' },
    });
    expect(run(ledger, placeOrder('a', 'o1', 'buy', '0.1', '99000'), limited).kind).toBe(
      'accepted',
    );
    expect(
      run(
        ledger,
        {
          id: id(),
          type: 'amend_order',
          account: 'a',
          orderId: 'o1',
          size: d('0.2'),
          price: d('99000'),
        },
        limited,
      ),
    ).toMatchObject({
      rejection: { code: 'open_interest_limit', field: 'size' },
    });
  });
});

describe('collateral held in several places', () => {
  const places: DecideContext = {
    ...context,
    locations: {
      elsewhere: new Map([
        ['arbitrum', { weight: d('0.9'), transferDelayMs: 600_000 }],
        ['custodian', { weight: d('0.5'), transferDelayMs: 3_600_000 }],
      ]),
      pendingCounts: 'neither',
    },
  };
  const later = (ms: number): DecideContext => ({ ...places, nowMs: context.nowMs + ms });
  const deposit = (amount: string, location?: string): Command => ({
    id: id(),
    type: 'deposit',
    account: 'c',
    asset: 'USDT',
    amount: d(amount),
    ...(location === undefined ? {} : { location }),
  });
  const withdraw = (amount: string, location?: string): Command => ({
    id: id(),
    type: 'withdraw',
    account: 'c',
    asset: 'USDT',
    amount: d(amount),
    ...(location === undefined ? {} : { location }),
  });
  /** c: 1,000 USDT at home, 2,000 on arbitrum (1,800 of collateral), long 1 BTC at 100,000. */
  const spread = () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' }, places);
    run(ledger, deposit('1000'), places);
    run(ledger, deposit('2000', 'arbitrum'), places);
    run(
      ledger,
      fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }),
      places,
    );
    return ledger;
  };
  const check = (ledger: Ledger) =>
    checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('0.001') },
      places,
    );

  it('counts what is held elsewhere at its place’s weight, and takes it out only from there', () => {
    const ledger = spread();
    // 1,000 + 2,000 × 0.9 = 2,800 of equity before the check's tiny order (IM 1,000 at 100×).
    const before = check(ledger);
    expect(before.kind === 'checked' && before.after.equity).toBe(d('2800'));
    // Home holds 1,000: 1,500 from home is more than it holds, whatever arbitrum has.
    expect(run(ledger, withdraw('1500'), places)).toMatchObject({
      rejection: { code: 'insufficient_balance', field: 'amount' },
    });
    // And so is a transfer out of home: what arbitrum holds does not leave from home.
    const transfer = {
      id: 'move-1500',
      type: 'transfer',
      from: 'c',
      to: 'b',
      asset: 'USDT',
      amount: d('1500'),
    } as const;
    expect(run(ledger, transfer, places)).toMatchObject({
      rejection: { code: 'insufficient_balance', field: 'amount' },
    });
    // From arbitrum: 1,999 out would leave 1,000 + 0.9 = 1,000.9 ≥ IM 1,000; 2,000.01 is not there.
    expect(run(ledger, withdraw('2000.01', 'arbitrum'), places)).toMatchObject({
      rejection: { code: 'insufficient_balance' },
    });
    expect(run(ledger, withdraw('1999', 'arbitrum'), places).kind).toBe('accepted');
    expect(ledger.holdings.get('c\u0000arbitrum')?.get('USDT')).toBe(d('1'));
    // Then home's 1,000 + arbitrum's 0.9 is all there is: nothing more leaves home.
    expect(run(ledger, withdraw('1'), places)).toMatchObject({
      rejection: { code: 'initial_margin_insufficient' },
    });
  });

  it('a move between places is pending, counted at neither, until the venue confirms it when due', () => {
    const ledger = spread();
    const move: Command = {
      id: 'move-1',
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('1500'),
      from: 'arbitrum',
      to: 'custodian',
    };
    // In flight, 1,500 of arbitrum's 2,000 counts nowhere: 1,000 + 450 = 1,450 ≥ IM 1,000.
    expect(run(ledger, move, places).kind).toBe('accepted');
    expect(ledger.pendingMoves.get('move-1')).toMatchObject({
      settlesAtMs: context.nowMs + 3_600_000,
    });
    const pending = check(ledger);
    expect(pending.kind === 'checked' && pending.after.equity).toBe(d('1450'));
    const settle: Command = { id: id(), type: 'settle_collateral_move', move: 'move-1' };
    expect(run(ledger, settle, later(3_599_999))).toMatchObject({
      rejection: { code: 'move_not_due' },
    });
    expect(run(ledger, settle, later(3_600_000)).kind).toBe('accepted');
    // At the custodian, 1,500 counts at half: 1,000 + 450 + 750 = 2,200.
    const settled = check(ledger);
    expect(settled.kind === 'checked' && settled.after.equity).toBe(d('2200'));
    expect(run(ledger, { ...settle, id: id() }, later(3_600_000))).toMatchObject({
      rejection: { code: 'move_not_found' },
    });
  });

  it('a move that would leave the account below initial margin while in flight is refused', () => {
    const ledger = spread();
    const move: Command = {
      id: id(),
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('1000'),
      from: 'venue',
      to: 'arbitrum',
    };
    // Home's 1,000 in flight leaves arbitrum's 1,800 of collateral against IM 1,000: taken.
    // Then 1,000 more from arbitrum would leave 900 against 1,000: refused.
    expect(run(ledger, move, places).kind).toBe('accepted');
    const more = { ...move, id: id(), from: 'arbitrum', to: 'custodian' } as Command;
    expect(run(ledger, more, places)).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'amount' },
    });
  });

  it.each([['an unknown place', { location: 'mars' }, 'location_not_found', 'location']])(
    'refuses a deposit at %s',
    (_name, change, code, field) => {
      const ledger = spread();
      expect(run(ledger, { ...deposit('1'), ...change } as Command, places)).toEqual({
        kind: 'rejected',
        rejection: { code, field },
      });
    },
  );

  it('refuses a move to the same place or to one the venue does not list', () => {
    const ledger = spread();
    const move = (from: string, to: string): Command => ({
      id: id(),
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('1'),
      from,
      to,
    });
    expect(run(ledger, move('arbitrum', 'arbitrum'), places)).toMatchObject({
      rejection: { code: 'same_location', field: 'to' },
    });
    expect(run(ledger, move('venue', 'mars'), places)).toMatchObject({
      rejection: { code: 'location_not_found', field: 'to' },
    });
  });

  it('counts a pending move at its source’s weight where the venue says so', () => {
    const ledger = spread();
    const source: DecideContext = {
      ...places,
      locations: { ...places.locations!, pendingCounts: 'source' },
    };
    const move: Command = {
      id: id(),
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('1500'),
      from: 'arbitrum',
      to: 'custodian',
    };
    run(ledger, move, source);
    const pending = checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('0.001') },
      source,
    );
    // Still at arbitrum's 0.9 while in flight: 1,000 + 450 + 1,350 = 2,800.
    expect(pending.kind === 'checked' && pending.after.equity).toBe(d('2800'));
  });
});

describe('a halted instrument', () => {
  it('takes no fill and no new order until trading resumes', () => {
    const ledger = books();
    const halt: Command = { id: id(), type: 'halt_instrument', instrument: 'BTCUSDT' };
    expect(run(ledger, halt).kind).toBe('accepted');
    expect(run(ledger, { ...halt, id: id() })).toMatchObject({
      rejection: { code: 'instrument_halted', field: 'instrument' },
    });
    expect(run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b'))).toMatchObject({
      rejection: { code: 'instrument_halted', field: 'instrument' },
    });
    const order = placeOrder('a', 'h1', 'buy', '0.1', '99000');
    expect(run(ledger, order)).toMatchObject({ rejection: { code: 'instrument_halted' } });
    // Other instruments trade on.
    expect(run(ledger, fill('BTCUSD', 'a', 'buy', '1', '100000', 'b')).kind).toBe('accepted');
    const resume: Command = { id: id(), type: 'resume_instrument', instrument: 'BTCUSDT' };
    expect(run(ledger, resume).kind).toBe('accepted');
    expect(run(ledger, { ...resume, id: id() })).toMatchObject({
      rejection: { code: 'instrument_not_halted' },
    });
    expect(run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b')).kind).toBe('accepted');
    expect(run(ledger, { ...halt, id: id(), instrument: 'DOGE' } as Command)).toMatchObject({
      rejection: { code: 'instrument_not_found' },
    });
  });
});

describe('what re-margins an account', () => {
  const states = (answer: Answer) =>
    answer.kind === 'accepted'
      ? answer.events.flatMap((e) =>
          e.type === 'margin_state_changed' ? [[e.account, e.state] as const] : [],
        )
      : [];
  const open = (ledger: Ledger, account: string, usdt: string, ctx = context) => {
    run(ledger, { id: id(), type: 'open_account', account, poolMode: 'cross' }, ctx);
    run(ledger, { id: id(), type: 'deposit', account, asset: 'USDT', amount: d(usdt) }, ctx);
  };
  /** c long 1 BTCUSDT at 100,000 with `usdt`: IM 1,000 at 100×, MM 450. */
  const long = (usdt: string, ctx = context) => {
    const ledger = books();
    open(ledger, 'c', usdt, ctx);
    run(ledger, fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }), ctx);
    return ledger;
  };

  it('a funding payment that takes an account below initial margin', () => {
    const ledger = long('1500');
    // 0.6 % of 100,000: c pays 600, is left 900 against IM 1,000.
    const paid = run(ledger, funding(Date.UTC(2026, 11, 1, 8), '0.006'));
    expect(states(paid)).toEqual([['c', 'margin_call']]);
  });

  it('money transferred into a liquidatable account', () => {
    const ledger = long('1500');
    expect(states(run(ledger, tick('mark:BTCUSDT', '98900')))).toEqual([['c', 'liquidatable']]);
    const help: Command = {
      id: id(),
      type: 'transfer',
      from: 'a',
      to: 'c',
      asset: 'USDT',
      amount: d('1000'),
    };
    expect(states(run(ledger, help))).toEqual([['c', 'healthy']]);
  });

  it('an order cancelled or shrunk that brings it back above initial', () => {
    for (const relief of ['cancel', 'amend'] as const) {
      const ledger = long('1500');
      // A bid of 0.4 more at 100,000 (IM 400 more) rests: 1,400 ≤ 1,500.
      const bid = placeOrder('c', 'more', 'buy', '0.4', '100000');
      expect(run(ledger, bid).kind).toBe('accepted');
      // At 99,800: equity 1,300 against IM 998 + 400.
      expect(states(run(ledger, tick('mark:BTCUSDT', '99800')))).toEqual([['c', 'margin_call']]);
      const command: Command =
        relief === 'cancel'
          ? { id: id(), type: 'cancel_order', account: 'c', orderId: 'more' }
          : {
              id: id(),
              type: 'amend_order',
              account: 'c',
              orderId: 'more',
              size: d('0.1'),
              price: d('100000'),
            };
      expect([relief, states(run(ledger, command))]).toEqual([relief, [['c', 'healthy']]]);
    }
  });

  it('a higher leverage that brings it back above initial', () => {
    const ledger = long('1500');
    const leverage = (value: string): Command => ({
      id: id(),
      type: 'set_leverage',
      account: 'c',
      instrument: 'BTCUSDT',
      leverage: d(value),
    });
    // At 75×, IM 1,333.33… ≤ 1,500; at 99,800 equity 1,300 < 1,330.67; at 100× IM 998.
    expect(run(ledger, leverage('75')).kind).toBe('accepted');
    expect(states(run(ledger, tick('mark:BTCUSDT', '99800')))).toEqual([['c', 'margin_call']]);
    // Below initial, a setting may leave it no lower: the same 75× again, or 76× (IM 1,313.16,
    // still above the equity of 1,300); 60× (IM 1,663.33) takes it lower and is refused.
    expect(run(ledger, leverage('75')).kind).toBe('accepted');
    expect(run(ledger, leverage('76')).kind).toBe('accepted');
    expect(run(ledger, leverage('60'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'leverage' },
    });
    expect(states(run(ledger, leverage('100')))).toEqual([['c', 'healthy']]);
  });

  it('an index tick on a collateral asset, and on the coin an inverse position settles in', () => {
    const ledger = books();
    open(ledger, 'c', '100');
    run(ledger, { id: id(), type: 'deposit', account: 'c', asset: 'BTC', amount: d('0.0095') });
    run(ledger, fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    // 100 + 0.0095 × 100,000 × 0.95 = 1,002.5 ≥ 1,000; at 99,000 the BTC counts 893.475.
    expect(states(run(ledger, tick('index:BTC', '99000')))).toEqual([['c', 'margin_call']]);

    const coin = books();
    open(coin, 'e', '3500');
    run(coin, fill('BTCUSD', 'e', 'buy', '300', '100000', 'b', { taker: '0', maker: '0' }));
    run(coin, tick('mark:BTCUSD', '90000'));
    run(coin, tick('index:BTC', '90000'));
    // Its loss is 300 × 100 × (1/100,000 − 1/90,000) BTC: 3,000 USD at 90,000, 3,300 at 99,000.
    expect(states(run(coin, tick('index:BTC', '99000')))).toContainEqual(['e', 'margin_call']);
  });

  it('collateral arriving at its place when a move settles', () => {
    const places: DecideContext = {
      ...context,
      locations: {
        elsewhere: new Map([['custodian', { weight: d('0.5'), transferDelayMs: 60_000 }]]),
        pendingCounts: 'neither',
      },
    };
    const ledger = long('1500', places);
    const move: Command = {
      id: 'to-custody',
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('400'),
      from: 'venue',
      to: 'custodian',
    };
    // In flight: 1,100 ≥ IM 1,000. At 99,880 equity 980 < IM 998.8: a margin call, until the 200
    // the 400 is worth at the custodian arrives.
    expect(run(ledger, move, places).kind).toBe('accepted');
    expect(states(run(ledger, tick('mark:BTCUSDT', '99880'), places))).toEqual([
      ['c', 'margin_call'],
    ]);
    const settle: Command = { id: id(), type: 'settle_collateral_move', move: 'to-custody' };
    const later = { ...places, nowMs: context.nowMs + 60_000 };
    expect(states(run(ledger, settle, later))).toEqual([['c', 'healthy']]);
  });

  it('an option that expires worthless settles at 0, its buyer paid nothing', () => {
    const ledger = books();
    run(ledger, fill('BTC-C', 'a', 'buy', '0.3', '0.25', 'b', { taker: '0', maker: '0' }));
    const settled = run(
      ledger,
      { id: id(), type: 'settle_expiry', instrument: 'BTC-C', price: 0n },
      at(expiryMs),
    );
    expect(settled.kind).toBe('accepted');
    expect(balance(ledger, 'a', 'BTC')).toBe(d('0.925'));
    expect(position(ledger, 'a', 'BTC-C')).toBeUndefined();
  });
});

describe('expiry and funding in hedge mode, beside other positions', () => {
  const hedged = (
    instrument: string,
    account: string,
    side: 'buy' | 'sell',
    positionSide: 'long' | 'short',
    size: string,
    price: string,
  ): Command => ({
    id: id(),
    type: 'fill',
    instrument,
    takerSide: side,
    size: d(size),
    price: d(price),
    taker: { account, feeRate: 0n, positionSide },
    maker: { account: 'b', feeRate: 0n },
  });

  it('settles each side of a hedged account at expiry and leaves its perpetual alone', () => {
    const ledger = books();
    run(ledger, hedged('BTC-FUT', 'a', 'buy', 'long', '2', '100000'));
    run(ledger, hedged('BTC-FUT', 'a', 'sell', 'short', '0.5', '101000'));
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    const settled = run(
      ledger,
      { id: id(), type: 'settle_expiry', instrument: 'BTC-FUT', price: d('100500') },
      at(expiryMs),
    );
    // a: long 2 from 100,000 (+1,000), short 0.5 from 101,000 (+250); b, one-way, closed 0.5 of
    // its short 2 at the second fill (−500) and settles its short 1.5 from 100,000 (−750).
    expect(balance(ledger, 'a')).toBe(d('11250'));
    expect(balance(ledger, 'b')).toBe(d('8750'));
    expect(ledger.accounts.get('a')!.positions.map((p) => p.instrument)).toEqual(['BTCUSDT']);
    const event = settled.kind === 'accepted' ? settled.events[0] : undefined;
    expect(event?.type === 'expiry_settled' && event.positions).toEqual([
      { account: 'a', instrument: 'BTC-FUT', side: 'long' },
      { account: 'a', instrument: 'BTC-FUT', side: 'short' },
      { account: 'b', instrument: 'BTC-FUT' },
    ]);
    // Every realised PnL passes through the market's pool, which ends where it began.
    const pool = pnlPoolOf('BTC-FUT');
    expect(
      event?.type === 'expiry_settled' &&
        event.movements.filter((m) => m.account === pool).map((m) => m.amount),
    ).toEqual([d('-1000'), d('-250'), d('750')]);
  });

  it('pays both sides of a hedged account their funding, each with its own carry', () => {
    const ledger = books();
    run(ledger, hedged('BTCUSDT', 'a', 'buy', 'long', '1', '100000'));
    run(ledger, hedged('BTCUSDT', 'a', 'sell', 'short', '0.3', '100000'));
    run(ledger, tick('mark:BTCUSDT', '100000.5'));
    const first = Date.UTC(2026, 11, 1, 8);
    expect(run(ledger, funding(first, '0.0001'), at(first)).kind).toBe('accepted');
    // The long pays 10.00005 → 10.01; the short receives 3.000015 → 3.00; b (short 0.7) 7.000035 → 7.
    expect(balance(ledger, 'a')).toBe(d('9992.99'));
    expect(balance(ledger, 'b')).toBe(d('10007'));
    expect([...ledger.fundingCarry.values()].sort()).toEqual(
      [d('0.00995'), d('0.000015'), d('0.000035')].map((v) => v * 10n ** 54n).sort(),
    );
  });
});

describe('a funding interval changed, and its bounds', () => {
  const first = Date.UTC(2026, 11, 1, 8);
  const hour = 3_600_000;
  const withInterval = (fundingMs: number, intervalMs: number): Command => ({
    id: id(),
    type: 'funding',
    instrument: 'BTCUSDT',
    fundingMs,
    intervalMs,
    rate: d('0.0001'),
  });

  it('an hourly interval after an 8-hourly one starts from the last funding time', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    expect(run(ledger, withInterval(first, 8 * hour), at(first)).kind).toBe('accepted');
    // 8 hours on is the old schedule's next; an hour on is the new one's.
    expect(run(ledger, withInterval(first + 8 * hour, hour), at(first + 8 * hour))).toMatchObject({
      rejection: { code: 'funding_interval_skipped', field: 'fundingMs' },
    });
    expect(run(ledger, withInterval(first + hour, hour), at(first + hour)).kind).toBe('accepted');
    expect(ledger.funding.get('BTCUSDT')).toMatchObject({
      intervalMs: hour,
      lastFundingMs: first + hour,
    });
  });

  it.each([
    ['a minute', 60_000, 'accepted'],
    ['under a minute', 59_999, 'funding_interval_invalid'],
    ['a week', 7 * 24 * hour, 'accepted'],
    ['over a week', 7 * 24 * hour + 1, 'funding_interval_invalid'],
  ])('an interval of %s', (_name, intervalMs, outcome) => {
    const ledger = books();
    const answer = run(ledger, withInterval(first, intervalMs), at(first));
    expect('rejection' in answer ? answer.rejection.code : answer.kind).toBe(outcome);
  });

  it('refuses a funding time before the epoch', () => {
    const ledger = books();
    expect(run(ledger, withInterval(-1, hour))).toEqual({
      kind: 'rejected',
      rejection: { code: 'funding_interval_invalid', field: 'fundingMs' },
    });
  });
});

describe('money out of another place, at the edges', () => {
  const places: DecideContext = {
    ...context,
    locations: {
      elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 0 }]]),
      pendingCounts: 'neither',
    },
  };
  const out = (account: string, asset: string, amount: string): Command => ({
    id: id(),
    type: 'withdraw',
    account,
    asset,
    amount: d(amount),
    location: 'arbitrum',
  });

  it('is refused while a price its margin reads is missing', () => {
    const ledger = newLedger();
    run(ledger, tick('index:USDT', '1'), places);
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' }, places);
    for (const asset of ['USDT', 'BTC']) {
      const deposit: Command = {
        id: id(),
        type: 'deposit',
        account: 'c',
        asset,
        amount: d('1'),
        location: 'arbitrum',
      };
      run(ledger, deposit, places);
    }
    expect(run(ledger, out('c', 'USDT', '0.5'), places)).toEqual({
      kind: 'rejected',
      rejection: { code: 'price_unavailable', field: 'asset' },
    });
  });

  it('counts the cross pools only: an isolated position short of its margin does not hold it back', () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' }, places);
    const deposit: Command = {
      id: id(),
      type: 'deposit',
      account: 'c',
      asset: 'USDT',
      amount: d('500'),
      location: 'arbitrum',
    };
    run(ledger, deposit, places);
    const isolated = fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' });
    if (isolated.type !== 'fill') throw new Error('a fill');
    run(ledger, { ...isolated, taker: { ...isolated.taker, marginMode: 'isolated' } }, places);
    // The position's bucket has no margin at all; the cross pool holds no position.
    expect(run(ledger, out('c', 'USDT', '500'), places).kind).toBe('accepted');
  });
});

describe('an index tick on collateral held at another place', () => {
  it('re-margins the accounts holding it there, whatever they trade', () => {
    const eth = linearPerp('ETHUSDT', 'ETH');
    const places: DecideContext = {
      ...context,
      venue: venue([eth], rulebook({ ETHUSDT: binanceLikeBrackets }, book.collateral)),
      locations: {
        elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 0 }]]),
        pendingCounts: 'neither',
      },
    };
    const ledger = newLedger();
    const setup: Command[] = [
      tick('index:USDT', '1'),
      tick('index:BTC', '100000'),
      tick('index:ETH', '4000'),
      tick('mark:ETHUSDT', '4000'),
      { id: id(), type: 'open_account', account: 'b', poolMode: 'cross' },
      { id: id(), type: 'deposit', account: 'b', asset: 'USDT', amount: d('100000') },
      { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' },
      { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('100') },
      {
        id: id(),
        type: 'deposit',
        account: 'c',
        asset: 'BTC',
        amount: d('0.0106'),
        location: 'arbitrum',
      },
    ];
    for (const command of setup) expect(run(ledger, command, places).kind).toBe('accepted');
    run(ledger, fill('ETHUSDT', 'c', 'buy', '25', '4000', 'b', { taker: '0', maker: '0' }), places);
    // 100 + 0.0106 × 100,000 × 0.95 × 0.9 = 1,006.3 ≥ IM 1,000 (100,000 of ETH at 100×); at
    // 99,000 the BTC on arbitrum counts 897.237: below initial margin.
    const answer = run(ledger, tick('index:BTC', '99000'), places);
    expect(
      answer.kind === 'accepted' &&
        answer.events.filter((e) => e.type === 'margin_state_changed').map((e) => e.account),
    ).toEqual(['c']);
  });
});

describe('more of what a price, a funding and a move in flight reach', () => {
  const eth = linearPerp('ETHUSDT', 'ETH');
  const ethVenue: DecideContext = {
    ...context,
    venue: venue([eth], rulebook({ ETHUSDT: binanceLikeBrackets }, book.collateral)),
  };

  it('an index tick re-margins an account holding the asset at home, whatever it trades', () => {
    const ledger = newLedger();
    const setup: Command[] = [
      tick('index:USDT', '1'),
      tick('index:BTC', '100000'),
      tick('index:ETH', '4000'),
      tick('mark:ETHUSDT', '4000'),
      { id: id(), type: 'open_account', account: 'b', poolMode: 'cross' },
      { id: id(), type: 'deposit', account: 'b', asset: 'USDT', amount: d('100000') },
      { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' },
      { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('100') },
      { id: id(), type: 'deposit', account: 'c', asset: 'BTC', amount: d('0.0095') },
    ];
    for (const command of setup) expect(run(ledger, command, ethVenue).kind).toBe('accepted');
    run(
      ledger,
      fill('ETHUSDT', 'c', 'buy', '25', '4000', 'b', { taker: '0', maker: '0' }),
      ethVenue,
    );
    // 100 + 0.0095 × 100,000 × 0.95 = 1,002.5 ≥ IM 1,000; at 99,000: 993.475.
    const answer = run(ledger, tick('index:BTC', '99000'), ethVenue);
    expect(
      answer.kind === 'accepted' &&
        answer.events.filter((e) => e.type === 'margin_state_changed').map((e) => e.account),
    ).toEqual(['c']);
  });

  it('funding waits for the instrument’s mark', () => {
    const ledger = newLedger();
    run(ledger, tick('index:USDT', '1'));
    const first = Date.UTC(2026, 11, 1, 8);
    expect(run(ledger, funding(first, '0.0001'), at(first))).toEqual({
      kind: 'rejected',
      rejection: { code: 'price_unavailable', field: 'instrument' },
    });
  });

  it('a hedged position’s carry is its own in the next interval', () => {
    const ledger = books();
    const side = (
      takerSide: 'buy' | 'sell',
      positionSide: 'long' | 'short',
      size: string,
    ): Command => ({
      id: id(),
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide,
      size: d(size),
      price: d('100000'),
      taker: { account: 'a', feeRate: 0n, positionSide },
      maker: { account: 'b', feeRate: 0n },
    });
    run(ledger, side('buy', 'long', '1'));
    run(ledger, side('sell', 'short', '0.3'));
    run(ledger, tick('mark:BTCUSDT', '100000.5'));
    const first = Date.UTC(2026, 11, 1, 8);
    run(ledger, funding(first, '0.0001'), at(first));
    run(ledger, funding(first + 8 * 3_600_000, '0.0001'), at(first + 8 * 3_600_000));
    // Long: 0.00995 − 10.00005 = −9.9901 → pays 10.00 (carry 0.0099); short: 0.000015 + 3.000015
    // → 3.00 (carry 0.00003); b: 0.000035 + 7.000035 → 7.00. a: 9,992.99 − 10 + 3.
    expect(balance(ledger, 'a')).toBe(d('9985.99'));
    expect(balance(ledger, 'b')).toBe(d('10014'));
    expect(balance(ledger, roundingAccount)).toBe(d('0.01'));
  });

  it('a move in flight from the venue counts in full where the policy counts its source', () => {
    const source: DecideContext = {
      ...context,
      locations: {
        elsewhere: new Map([['custodian', { weight: d('0.5'), transferDelayMs: 60_000 }]]),
        pendingCounts: 'source',
      },
    };
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'c', poolMode: 'cross' }, source);
    run(
      ledger,
      { id: id(), type: 'deposit', account: 'c', asset: 'USDT', amount: d('1500') },
      source,
    );
    run(
      ledger,
      fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }),
      source,
    );
    const move: Command = {
      id: id(),
      type: 'move_collateral',
      account: 'c',
      asset: 'USDT',
      amount: d('1000'),
      from: 'venue',
      to: 'custodian',
    };
    // Counted at the venue's weight, 1, while in flight: 500 + 1,000 ≥ IM 1,000.
    expect(run(ledger, move, source).kind).toBe('accepted');
    const view = checkOrder(
      ledger,
      { account: 'c', instrument: 'BTCUSDT', side: 'buy', size: d('0.001') },
      source,
    );
    expect(view.kind === 'checked' && view.after.equity).toBe(d('1500'));
  });
});

describe('funding at a rate computed from premium samples', () => {
  const first = Date.UTC(2026, 11, 1, 8);
  const eightHours = 8 * 3_600_000;
  const sample = (bid: string, ask: string, index = '100000') => ({
    impactBid: d(bid),
    impactAsk: d(ask),
    index: d(index),
  });
  // Binance's formula since 2025-09-18: F = [P + clamp(I − P, ±0.05 %)] / (8 / N), I = 0.01 % per 8 h.
  const binance = {
    weighting: 'equal' as const,
    terms: {
      referencePeriodMs: eightHours,
      interestRate: d('0.0001'),
      dampener: d('0.0005'),
      proration: 'rate' as const,
    },
    bounds: { cap: d('0.0075'), floor: d('-0.0075'), rateDecimals: 8 },
  };
  const funding = (samples: ReturnType<typeof sample>[], overrides = {}): Command => ({
    id: id(),
    type: 'funding',
    instrument: 'BTCUSDT',
    fundingMs: first,
    intervalMs: eightHours,
    premium: { ...binance, samples, ...overrides },
  });

  it('pays the rate the formula gives, and records it', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    // Each sample's premium is 30 / 100,000 = 0.03 %; I − P = −0.02 % is within the clamp, so
    // F = 0.03 % − 0.02 % = 0.01 %: the long pays 10 at the mark of 100,000.
    const paid = run(
      ledger,
      funding([sample('100030', '100030'), sample('100030', '100031')]),
      at(first),
    );
    expect(paid.kind === 'accepted' && paid.events[0]).toMatchObject({
      type: 'funding_paid',
      rate: d('0.0001'),
    });
    expect(balance(ledger, 'a')).toBe(d('9990'));
    expect(balance(ledger, 'b')).toBe(d('10010'));
  });

  it.each([
    [
      'a crossed book in the second sample',
      [sample('1', '1'), sample('100010', '100000')],
      {},
      'impact_prices_crossed',
      'premium.samples[1]',
    ],
    ['no samples', [], {}, 'premium_samples_empty', 'premium.samples'],
    [
      'an index of 0 in the second sample',
      [sample('1', '1'), sample('1', '1', '0')],
      {},
      'index_price_not_positive',
      'premium.samples[1].index',
    ],
    [
      'an impact bid of 0 in the first sample',
      [sample('0', '1')],
      {},
      'impact_price_not_positive',
      'premium.samples[0].impactBid',
    ],
    [
      'a cap below zero',
      [sample('1', '1')],
      { bounds: { ...binance.bounds, cap: d('-0.001') } },
      'funding_terms_invalid',
      'premium.bounds.cap',
    ],
    [
      'a negative dampener',
      [sample('1', '1')],
      { terms: { ...binance.terms, dampener: d('-0.1') } },
      'funding_terms_invalid',
      'premium.terms.dampener',
    ],
    [
      'a reference period of a second',
      [sample('1', '1')],
      { terms: { ...binance.terms, referencePeriodMs: 1000 } },
      'funding_interval_invalid',
      'premium.terms.referencePeriodMs',
    ],
  ])('refuses %s', (_name, samples, overrides, code, field) => {
    const ledger = books();
    expect(run(ledger, funding(samples, overrides), at(first))).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });

  // The formula's terms at each edge of what is allowed, and one step past it (limits.ts: a
  // reference period of a minute to a week, |floor| and cap within 1, 0 to 18 decimals).
  const terms = (change: Partial<typeof binance.terms>) => ({
    terms: { ...binance.terms, ...change },
  });
  const bounds = (change: Partial<typeof binance.bounds>) => ({
    bounds: { ...binance.bounds, ...change },
  });
  it.each([
    ['a reference period of a minute', terms({ referencePeriodMs: fundingIntervalMsMin })],
    ['a reference period of a week', terms({ referencePeriodMs: fundingIntervalMsMax })],
    ['no dampener', terms({ dampener: 0n })],
    ['a floor of 0', bounds({ floor: 0n })],
    ['a floor of −1', bounds({ floor: -SCALE })],
    ['a cap of 0', bounds({ cap: 0n })],
    ['a cap of 1', bounds({ cap: SCALE })],
    ['rates to 0 decimals', bounds({ rateDecimals: 0 })],
    ['rates to 18 decimals', bounds({ rateDecimals: 18 })],
  ])('takes %s', (_name, overrides) => {
    const ledger = books();
    const answer = run(ledger, funding([sample('100030', '100030')], overrides), at(first));
    expect(answer.kind).toBe('accepted');
  });

  it.each([
    [
      'a reference period a millisecond over a week',
      terms({ referencePeriodMs: fundingIntervalMsMax + 1 }),
      'funding_interval_invalid',
      'premium.terms.referencePeriodMs',
    ],
    [
      'a reference period a millisecond under a minute',
      terms({ referencePeriodMs: fundingIntervalMsMin - 1 }),
      'funding_interval_invalid',
      'premium.terms.referencePeriodMs',
    ],
    ['a floor above 0', bounds({ floor: 1n }), 'funding_terms_invalid', 'premium.bounds.floor'],
    [
      'a floor below −1',
      bounds({ floor: -SCALE - 1n }),
      'funding_terms_invalid',
      'premium.bounds.floor',
    ],
    ['a cap above 1', bounds({ cap: SCALE + 1n }), 'funding_terms_invalid', 'premium.bounds.cap'],
    [
      'rates to −1 decimals',
      bounds({ rateDecimals: -1 }),
      'funding_terms_invalid',
      'premium.bounds.rateDecimals',
    ],
    [
      'rates to 19 decimals',
      bounds({ rateDecimals: 19 }),
      'funding_terms_invalid',
      'premium.bounds.rateDecimals',
    ],
    [
      'rates to 1.5 decimals',
      bounds({ rateDecimals: 1.5 }),
      'funding_terms_invalid',
      'premium.bounds.rateDecimals',
    ],
  ])('refuses %s, naming the term', (_name, overrides, code, field) => {
    const ledger = books();
    expect(run(ledger, funding([sample('100030', '100030')], overrides), at(first))).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });
});

describe('the edges a mutation run found unpinned', () => {
  // SCENARIOS.md C2: an unknown account or instrument, named, on every command about a position
  // or an order, before anything else is read.
  const cases: [string, Command, string, string][] = [
    [
      'a margin move',
      { id: '', type: 'move_isolated_margin', account: 'z', instrument: 'BTCUSDT', amount: d('1') },
      'account_not_found',
      'account',
    ],
    [
      'a margin move',
      { id: '', type: 'move_isolated_margin', account: 'a', instrument: 'NOPE', amount: d('1') },
      'instrument_not_found',
      'instrument',
    ],
    [
      'a leverage setting',
      { id: '', type: 'set_leverage', account: 'z', instrument: 'BTCUSDT', leverage: d('10') },
      'account_not_found',
      'account',
    ],
    [
      'a leverage setting',
      { id: '', type: 'set_leverage', account: 'a', instrument: 'NOPE', leverage: d('10') },
      'instrument_not_found',
      'instrument',
    ],
    [
      'a margin mode',
      {
        id: '',
        type: 'set_margin_mode',
        account: 'z',
        instrument: 'BTCUSDT',
        marginMode: 'isolated',
      },
      'account_not_found',
      'account',
    ],
    [
      'a margin mode',
      { id: '', type: 'set_margin_mode', account: 'a', instrument: 'NOPE', marginMode: 'isolated' },
      'instrument_not_found',
      'instrument',
    ],
    ['an order', placeOrder('z', 'o', 'buy', '0.1', '99000'), 'account_not_found', 'account'],
    [
      'an order',
      placeOrder('a', 'o', 'buy', '0.1', '99000', 'NOPE'),
      'instrument_not_found',
      'instrument',
    ],
    [
      'an amendment',
      { id: '', type: 'amend_order', account: 'z', orderId: 'o', size: d('1'), price: d('1') },
      'account_not_found',
      'account',
    ],
    [
      'a cancel',
      { id: '', type: 'cancel_order', account: 'z', orderId: 'o' },
      'account_not_found',
      'account',
    ],
  ];
  it.each(cases)('refuses %s naming what is unknown', (_name, command, code, field) => {
    const ledger = books();
    const before = stateHash(ledger);
    expect(run(ledger, { ...command, id: id() } as Command)).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
    expect(stateHash(ledger)).toBe(before);
  });

  const places: DecideContext = {
    ...context,
    locations: {
      elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 60_000 }]]),
      pendingCounts: 'neither',
    },
  };
  const move = (change: object): Command =>
    ({
      id: id(),
      type: 'move_collateral',
      account: 'a',
      asset: 'USDT',
      amount: d('1'),
      from: 'venue',
      to: 'arbitrum',
      ...change,
    }) as Command;

  it.each([
    ['an unknown account', { account: 'z' }, 'account_not_found', 'account'],
    ['an unknown source', { from: 'mars' }, 'location_not_found', 'from'],
    ['more than the source holds', { amount: d('10000.01') }, 'insufficient_balance', 'amount'],
  ])('a move from %s is refused, naming the field', (_name, change, code, field) => {
    expect(run(books(), move(change), places)).toEqual({
      kind: 'rejected',
      rejection: { code, field },
    });
  });

  it('a move is confirmed only when due, and only once, naming the move', () => {
    const ledger = books();
    run(ledger, move({ id: 'm' }), places);
    const settle: Command = { id: id(), type: 'settle_collateral_move', move: 'm' };
    expect(run(ledger, settle, places)).toEqual({
      kind: 'rejected',
      rejection: { code: 'move_not_due', field: 'move' },
    });
    expect(run(ledger, { ...settle, move: 'n' }, places)).toEqual({
      kind: 'rejected',
      rejection: { code: 'move_not_found', field: 'move' },
    });
  });

  it('a settlement price exactly at the limit is taken, and an option’s odd unit goes to rounding', () => {
    const ledger = books();
    const atLimit: Command = {
      id: id(),
      type: 'settle_expiry',
      instrument: 'BTC-FUT',
      price: priceMax,
    };
    expect(run(ledger, atLimit, at(expiryMs)).kind).toBe('accepted');
    run(ledger, fill('BTC-C', 'a', 'buy', '0.3', '0.25', 'b', { taker: '0', maker: '0' }));
    const option: Command = {
      id: id(),
      type: 'settle_expiry',
      instrument: 'BTC-C',
      price: d('0.012345678901234567'),
    };
    const settled = run(ledger, option, at(expiryMs));
    const event = settled.kind === 'accepted' ? settled.events[0] : undefined;
    expect(event?.type === 'expiry_settled' && event.movements.at(-1)).toEqual({
      account: roundingAccount,
      asset: 'BTC',
      amount: 1n,
      reason: 'rounding',
    });
  });

  it('a funding time of 0 is a time', () => {
    const ledger = books();
    run(ledger, fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    expect(run(ledger, funding(0, '0.0001'), at(0)).kind).toBe('accepted');
  });
});

describe('thresholds a second mutation run found unpinned', () => {
  const open = (ledger: Ledger, account: string, usdt: string, ctx = context) => {
    run(ledger, { id: id(), type: 'open_account', account, poolMode: 'cross' }, ctx);
    run(ledger, { id: id(), type: 'deposit', account, asset: 'USDT', amount: d(usdt) }, ctx);
  };
  const move = (account: string, amount: string | bigint, instrument = 'BTCUSDT'): Command => ({
    id: id(),
    type: 'move_isolated_margin',
    account,
    instrument,
    amount: typeof amount === 'bigint' ? amount : d(amount),
  });
  const isolated = (ledger: Ledger, account: string, size: string) => {
    run(ledger, {
      id: id(),
      type: 'set_margin_mode',
      account,
      instrument: 'BTCUSDT',
      marginMode: 'isolated',
    });
    run(ledger, fill('BTCUSDT', account, 'buy', size, '100000', 'b', { taker: '0', maker: '0' }));
  };

  it('moves exactly the whole cross balance in, refuses one past the amount limit', () => {
    const ledger = books();
    open(ledger, 'c', '2000');
    isolated(ledger, 'c', '0.01');
    expect(run(ledger, move('c', amountMax + 1n))).toMatchObject({
      rejection: { code: 'amount_too_large', field: 'amount' },
    });
    // The limit itself is an amount: refused only because c does not hold it.
    expect(run(ledger, move('c', amountMax))).toMatchObject({
      rejection: { code: 'insufficient_balance', field: 'amount' },
    });
    expect(run(ledger, move('c', '2000')).kind).toBe('accepted');
    expect(balance(ledger, 'c')).toBeUndefined();
  });

  it('refuses margin moved in that would leave the cross pool below initial margin', () => {
    const ledger = books();
    open(ledger, 'c', '1500');
    // Cross: the future, long 1 at 100,000, IM 1,000. Isolated: 0.01 BTCUSDT.
    run(ledger, fill('BTC-FUT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    isolated(ledger, 'c', '0.01');
    expect(run(ledger, move('c', '600'))).toMatchObject({
      rejection: { code: 'initial_margin_insufficient', field: 'amount' },
    });
    expect(run(ledger, move('c', '500')).kind).toBe('accepted');
  });

  it('takes a leverage from 1 to the limit, and one that leaves free collateral exactly 0', () => {
    const ledger = books();
    open(ledger, 'c', '2000');
    const leverage = (value: bigint): Command => ({
      id: id(),
      type: 'set_leverage',
      account: 'c',
      instrument: 'BTCUSDT',
      leverage: value,
    });
    expect(run(ledger, leverage(SCALE)).kind).toBe('accepted');
    expect(run(ledger, leverage(leverageMax * SCALE)).kind).toBe('accepted');
    expect(run(ledger, leverage(leverageMax * SCALE + 1n))).toMatchObject({
      rejection: { code: 'leverage_invalid' },
    });
    expect(run(ledger, leverage(SCALE - 1n))).toMatchObject({
      rejection: { code: 'leverage_invalid' },
    });
    run(ledger, fill('BTCUSDT', 'c', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' }));
    // At 50×, IM is 2,000: exactly the equity.
    expect(run(ledger, leverage(d('50'))).kind).toBe('accepted');
  });

  it('refuses a margin mode change while an order rests on the instrument', () => {
    const ledger = books();
    const order = placeOrder('a', 'o', 'buy', '0.1', '99000');
    run(ledger, order);
    const change: Command = {
      id: id(),
      type: 'set_margin_mode',
      account: 'a',
      instrument: 'BTCUSDT',
      marginMode: 'isolated',
    };
    expect(run(ledger, change)).toEqual({
      kind: 'rejected',
      rejection: { code: 'orders_open', field: 'instrument' },
    });
    expect(run(ledger, { ...change, id: id(), instrument: 'BTCUSD' } as Command).kind).toBe(
      'accepted',
    );
  });

  it('a fill of exactly an order’s size takes it off the book; an order of another instrument is not it', () => {
    const ledger = books();
    const order = placeOrder('a', 'o', 'buy', '0.1', '99000');
    run(ledger, order);
    const taking = fill('BTCUSDT', 'b', 'sell', '0.1', '99000', 'a', { taker: '0', maker: '0' });
    if (taking.type !== 'fill') throw new Error('a fill');
    const other = {
      ...taking,
      id: id(),
      instrument: 'BTC-FUT',
      maker: { ...taking.maker, orderId: 'o' },
    };
    expect(run(ledger, other)).toMatchObject({
      rejection: { code: 'order_not_found', field: 'maker.orderId' },
    });
    const exact = run(ledger, { ...taking, maker: { ...taking.maker, orderId: 'o' } });
    expect(exact.kind === 'accepted' && exact.events.map((e) => e.type)).toEqual([
      'filled',
      'order_removed',
    ]);
  });

  it('a fill side naming its margin mode keeps it over the account’s setting', () => {
    const ledger = books();
    run(ledger, {
      id: id(),
      type: 'set_margin_mode',
      account: 'a',
      instrument: 'BTCUSDT',
      marginMode: 'isolated',
    });
    const cross = fill('BTCUSDT', 'a', 'buy', '1', '100000', 'b', { taker: '0', maker: '0' });
    if (cross.type !== 'fill') throw new Error('a fill');
    run(ledger, { ...cross, taker: { ...cross.taker, marginMode: 'cross' } });
    expect(position(ledger, 'a')).toMatchObject({ marginMode: 'cross' });
  });

  it('money at the venue named as a place is the home balance, and leaves it to the last unit', () => {
    const places: DecideContext = {
      ...context,
      locations: {
        elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 0 }]]),
        pendingCounts: 'neither',
      },
    };
    const ledger = books();
    run(
      ledger,
      { id: id(), type: 'deposit', account: 'a', asset: 'USDT', amount: d('5'), location: 'venue' },
      places,
    );
    expect(balance(ledger, 'a')).toBe(d('10005'));
    run(
      ledger,
      {
        id: id(),
        type: 'deposit',
        account: 'a',
        asset: 'USDT',
        amount: d('5'),
        location: 'arbitrum',
      },
      places,
    );
    // Home's 10,005 leaves whole, whatever arbitrum holds.
    const out: Command = {
      id: id(),
      type: 'withdraw',
      account: 'a',
      asset: 'USDT',
      amount: d('10005'),
    };
    expect(run(ledger, out, places).kind).toBe('accepted');
    const zero: Command = {
      id: id(),
      type: 'move_collateral',
      account: 'a',
      asset: 'USDT',
      amount: 0n,
      from: 'arbitrum',
      to: 'venue',
    };
    expect(run(ledger, zero, places)).toMatchObject({
      rejection: { code: 'amount_not_positive', field: 'amount' },
    });
  });
});
