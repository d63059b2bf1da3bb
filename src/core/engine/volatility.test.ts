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
import { stateHash } from '../ledger/state-hash.ts';
import type { DatedSlice } from '../ledger/volatility-feed.ts';
import { sviParameterMax, volatilityMax } from '../limits.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { yearMs } from '../pricing/year.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import { checkOrder } from './decide-order.ts';
import { type Answer, execute } from './execute.ts';
import { ledgerPrices } from './ledger-prices.ts';

// The volatility feed: an underlying's surface set through the engine, so accounts holding
// options are margined (their greeks, their scenarios), and every surface it refuses named.

const expiryMs = Date.UTC(2027, 2, 26, 8);
const nowMs = Date.UTC(2026, 11, 1, 8);
const call = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
const book = rulebook(
  { BTCUSDT: binanceLikeBrackets, ETHUSDT: binanceLikeBrackets },
  new Map<string, CollateralRule>([
    ['USDT', flatCollateral('1')],
    ['BTC', flatCollateral('0.95')],
  ]),
);
const context: DecideContext = {
  nowMs,
  // ETH has a perpetual and no option: no surface is set for it.
  venue: venue([linearPerp('BTCUSDT', 'BTC'), linearPerp('ETHUSDT', 'ETH'), call], {
    ...book,
    instruments: new Map([...book.instruments, ['BTC-C', deribitOptionRule]]),
  }),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};
const at = (ms: number): DecideContext => ({ ...context, nowMs: ms });

let next = 0;
const id = () => {
  next += 1;
  return `v${next}`;
};
const tick = (feed: PriceFeed, price: string): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence: next,
  timeMs: nowMs,
  price: d(price),
});
/** A quarter's slice at 55 % with a mild put skew; its expiry the option's. */
const quarter: DatedSlice = { expiryMs, atmVolatility: 0.55, b: 0.1, rho: -0.3, m: 0, sigma: 0.1 };
const surface = (
  slices: readonly DatedSlice[],
  sequence = 1,
  timeMs = nowMs,
  underlying = 'BTC',
): Command => ({ id: id(), type: 'volatility_surface', underlying, sequence, timeMs, slices });

/** Executes one command; a refusal must leave the books as they were. */
function run(ledger: Ledger, command: Command, ctx = context): Answer {
  const before = stateHash(ledger);
  const answer = execute(ledger, command, ctx);
  if (answer.kind === 'rejected') expect(stateHash(ledger)).toBe(before);
  return answer;
}

/**
 * Prices set; `writer` has sold 2 calls to `holder` at 0.25 BTC with 0.8 BTC of its own: the
 * Deribit-style requirement (0.15 of the underlying plus the mark, per call) puts it below
 * initial margin once it can be computed.
 */
function books(): Ledger {
  const ledger = newLedger();
  const setup: Command[] = [
    tick('index:USDT', '1'),
    tick('index:BTC', '100000'),
    tick('mark:BTCUSDT', '100000'),
    tick('mark:BTC-C', '0.25'),
  ];
  for (const [account, btc] of [
    ['writer', '0.8'],
    ['holder', '2'],
  ] as const) {
    setup.push({ id: id(), type: 'open_account', account, poolMode: 'cross' });
    setup.push({ id: id(), type: 'deposit', account, asset: 'BTC', amount: d(btc) });
    setup.push({ id: id(), type: 'deposit', account, asset: 'USDT', amount: d('1000') });
  }
  setup.push({
    id: id(),
    type: 'fill',
    instrument: 'BTC-C',
    takerSide: 'buy',
    size: d('2'),
    price: d('0.25'),
    taker: { account: 'holder', feeRate: 0n },
    maker: { account: 'writer', feeRate: 0n },
  });
  for (const command of setup) expect(run(ledger, command).kind).toBe('accepted');
  return ledger;
}

const withdraw = (account: string, amount: string): Command => ({
  id: id(),
  type: 'withdraw',
  account,
  asset: 'USDT',
  amount: d(amount),
});
const events = (answer: Answer): readonly LedgerEvent[] =>
  answer.kind === 'accepted' ? answer.events : [];

describe('an underlying’s volatility surface through the engine', () => {
  it('prices the options on it: an account holding one is margined once the surface is set', () => {
    const ledger = books();
    // No surface: the option's greeks cannot be priced, so no check is made on it.
    expect(run(ledger, withdraw('holder', '1'))).toMatchObject({
      rejection: { code: 'price_unavailable' },
    });
    const set = run(ledger, surface([quarter]));
    expect(set.kind).toBe('accepted');
    // The writer's state is now known: below initial margin, which the same command records.
    expect(events(set).map((e) => e.type)).toEqual(['volatility_set', 'margin_state_changed']);
    // By hand: equity (0.8 + 0.5 premium) × 100,000 × 0.95 + 1,000 − 2 × 0.25 × 100,000 (the
    // calls it owes, at their mark) = 74,500; initial margin 2 × (0.15 + 0.25) × 100,000 =
    // 80,000; maintenance 2 × (0.075 + 0.25) × 100,000 = 65,000.
    expect(events(set)[1]).toEqual({
      type: 'margin_state_changed',
      account: 'writer',
      state: 'margin_call',
      equity: d('74500'),
      initialMargin: d('80000'),
      maintenanceMargin: d('65000'),
    });
    expect(ledger.marginStates.get('writer')).toBe('margin_call');
    // The holder, long calls and well funded, may now take money out.
    expect(run(ledger, withdraw('holder', '1')).kind).toBe('accepted');
    expect(ledger.volatility.get('BTC')).toEqual({ sequence: 1, timeMs: nowMs, slices: [quarter] });
  });

  it('a pre-trade check of an option reports its greeks from the surface, and none without one', () => {
    const ledger = books();
    run(ledger, { id: id(), type: 'open_account', account: 'flat', poolMode: 'cross' });
    run(ledger, { id: id(), type: 'deposit', account: 'flat', asset: 'BTC', amount: d('2') });
    const order = { account: 'flat', instrument: 'BTC-C', side: 'buy' as const, size: d('3') };
    // The account holds nothing whose price is missing: the order's own instrument is what is.
    expect(checkOrder(ledger, order, context)).toMatchObject({
      kind: 'refused',
      rejection: { code: 'price_unavailable', field: 'instrument' },
    });
    run(ledger, surface([quarter]));
    const calm = checkOrder(ledger, order, context);
    run(ledger, surface([{ ...quarter, atmVolatility: 1.1 }], 2));
    const wild = checkOrder(ledger, order, context);
    const delta = (answer: ReturnType<typeof checkOrder>) => {
      if (answer.kind === 'refused') throw new Error('refused');
      const leg = answer.after.positions.find((p) => p.instrument === 'BTC-C')!;
      return leg.greeks!.delta;
    };
    // 3 calls 20 % in the money: delta between 0 and 3 coins, and lower as volatility doubles
    // (the chance of ending out of the money grows).
    expect(delta(calm)).toBeGreaterThan(0);
    expect(delta(calm)).toBeLessThan(3);
    expect(delta(wild)).toBeLessThan(delta(calm));
  });

  it('a surface whose every expiry has passed prices nothing: the options go unpriced again', () => {
    const ledger = books();
    const week = { ...quarter, expiryMs: nowMs + 7 * 86_400_000 };
    run(ledger, surface([week]));
    expect(run(ledger, withdraw('holder', '1')).kind).toBe('accepted');
    expect(run(ledger, withdraw('holder', '1'), at(week.expiryMs))).toMatchObject({
      rejection: { code: 'price_unavailable' },
    });
  });

  it('replays: the same records on a new ledger give the same state and hash', () => {
    const ledger = newLedger();
    const replayed = newLedger();
    const record = (command: Command) => {
      const answer = execute(ledger, command, context);
      expect(answer.kind).toBe('accepted');
      applyRecord(replayed, { command: command.id, digest: 'x', events: events(answer) });
    };
    record(surface([quarter]));
    expect(replayed.volatility).toEqual(ledger.volatility);
  });
});

describe('a surface the engine refuses, naming the field, the books unchanged', () => {
  const later = { ...quarter, expiryMs: expiryMs + 86_400_000 };
  it.each<[string, Command, string, string]>([
    [
      'an asset no option is written on',
      surface([quarter], 1, nowMs, 'ETH'),
      'underlying_not_found',
      'underlying',
    ],
    [
      'an asset never listed',
      surface([quarter], 1, nowMs, 'DOGE'),
      'underlying_not_found',
      'underlying',
    ],
    [
      'a settle-only asset',
      surface([quarter], 1, nowMs, 'USDT'),
      'underlying_not_found',
      'underlying',
    ],
    [
      'stamped too long before the log',
      surface([quarter], 1, nowMs - 60_001),
      'tick_stale',
      'timeMs',
    ],
    [
      'stamped ahead of the log',
      surface([quarter], 1, nowMs + 1_001),
      'tick_from_future',
      'timeMs',
    ],
    ['no slice', surface([]), 'surface_invalid', 'slices'],
    [
      'an expiry at the log time',
      surface([{ ...quarter, expiryMs: nowMs }]),
      'slice_expired',
      'slices[0].expiryMs',
    ],
    [
      'a second slice already past',
      surface([quarter, { ...quarter, expiryMs: nowMs - 1 }]),
      'slice_expired',
      'slices[1].expiryMs',
    ],
    ['expiries out of order', surface([later, quarter]), 'surface_invalid', 'slices[1].expiryMs'],
    ['one expiry twice', surface([quarter, quarter]), 'surface_invalid', 'slices[1].expiryMs'],
    [
      'a volatility of zero',
      surface([{ ...quarter, atmVolatility: 0 }]),
      'surface_invalid',
      'slices[0].atmVolatility',
    ],
    [
      'a volatility beyond the limit',
      surface([{ ...quarter, atmVolatility: volatilityMax + 1e-9 }]),
      'surface_invalid',
      'slices[0].atmVolatility',
    ],
    [
      'a volatility of NaN',
      surface([{ ...quarter, atmVolatility: Number.NaN }]),
      'surface_invalid',
      'slices[0].atmVolatility',
    ],
    [
      'a parameter beyond its limit',
      surface([{ ...quarter, m: -sviParameterMax - 1e-9 }]),
      'surface_invalid',
      'slices[0].m',
    ],
    [
      'an infinite slope',
      surface([{ ...quarter, b: Number.POSITIVE_INFINITY }]),
      'surface_invalid',
      'slices[0].b',
    ],
    ['a skew of 1', surface([{ ...quarter, rho: 1 }]), 'surface_invalid', 'slices[0].rho'],
    ['a negative slope', surface([{ ...quarter, b: -0.1 }]), 'surface_invalid', 'slices[0].b'],
    [
      'a smile below zero variance',
      surface([{ ...quarter, atmVolatility: 0.01, b: 2, m: 1 }]),
      'surface_invalid',
      'slices[0]',
    ],
  ])('%s: %s on %s', (_name, command, code, field) => {
    const ledger = books();
    expect(run(ledger, command)).toMatchObject({ kind: 'rejected', rejection: { code, field } });
  });

  it('takes a stamp at the edges of the window, a volatility and parameters at their limits', () => {
    const edge = { ...quarter, atmVolatility: volatilityMax, sigma: sviParameterMax };
    for (const [sequence, timeMs] of [
      [1, nowMs - enginePriceGuard.staleAfterMs],
      [2, nowMs + enginePriceGuard.futureSkewMs],
    ] as const) {
      const ledger = books();
      expect(run(ledger, surface([edge], sequence, timeMs)).kind).toBe('accepted');
    }
    // 128 expiries, a day apart, is the most a surface holds; one more is refused.
    const days = (count: number) =>
      Array.from({ length: count }, (_, k) => ({
        ...quarter,
        expiryMs: expiryMs + k * 86_400_000,
      }));
    expect(run(books(), surface(days(128))).kind).toBe('accepted');
    expect(run(books(), surface(days(129)))).toMatchObject({
      rejection: { code: 'surface_invalid', field: 'slices' },
    });
  });

  it.each([
    ['expiryMs', { expiryMs: expiryMs + 1 }],
    ['atmVolatility', { atmVolatility: 0.56 }],
    ['b', { b: 0.11 }],
    ['m', { m: 0.01 }],
    ['sigma', { sigma: 0.11 }],
  ])('a surface of the last sequence with another %s conflicts', (_field, change) => {
    const ledger = books();
    run(ledger, surface([quarter], 3));
    expect(run(ledger, surface([{ ...quarter, ...change }], 3))).toMatchObject({
      rejection: { code: 'tick_conflicting' },
    });
    // And one slice more.
    const two = [quarter, { ...quarter, expiryMs: expiryMs + 1 }];
    expect(run(ledger, surface(two, 3))).toMatchObject({ rejection: { code: 'tick_conflicting' } });
  });

  it('judges the sequence as a price feed does: the same surface again, another, an older one', () => {
    const ledger = books();
    run(ledger, surface([quarter], 5));
    expect(run(ledger, surface([quarter], 5))).toMatchObject({
      rejection: { code: 'tick_duplicate', field: 'sequence' },
    });
    expect(run(ledger, surface([{ ...quarter, rho: -0.29 }], 5))).toMatchObject({
      rejection: { code: 'tick_conflicting', field: 'sequence' },
    });
    expect(run(ledger, surface([quarter], 5, nowMs - 1))).toMatchObject({
      rejection: { code: 'tick_conflicting', field: 'sequence' },
    });
    expect(run(ledger, surface([quarter], 4))).toMatchObject({
      rejection: { code: 'tick_out_of_order', field: 'sequence' },
    });
    expect(run(ledger, surface([{ ...quarter, atmVolatility: 0.6 }], 6)).kind).toBe('accepted');
    expect(ledger.volatility.get('BTC')?.slices[0]?.atmVolatility).toBe(0.6);
  });
});

describe('the ledger’s prices at the log’s time', () => {
  it('date each slice from the log’s time, and have no surface where none is set', () => {
    const ledger = books();
    run(ledger, surface([quarter, { ...quarter, expiryMs: expiryMs + 86_400_000 }]));
    const later = nowMs + 30 * 86_400_000;
    const prices = ledgerPrices(ledger, later);
    expect(prices.volatility('BTC').slices.map((slice) => slice.yearsToExpiry)).toEqual([
      (expiryMs - later) / yearMs,
      (expiryMs + 86_400_000 - later) / yearMs,
    ]);
    // At the first expiry, only the second is left.
    expect(ledgerPrices(ledger, expiryMs).volatility('BTC').slices).toHaveLength(1);
    expect(() => prices.volatility('ETH')).toThrow(/no volatility surface for ETH/);
  });

  it('leave unpriced what reads an asset or a settle asset without a price', () => {
    const ledger = newLedger();
    for (const command of [
      tick('index:BTC', '100000'),
      tick('mark:BTCUSDT', '100000'),
      { id: id(), type: 'open_account', account: 'a', poolMode: 'cross' },
      { id: id(), type: 'open_account', account: 'b', poolMode: 'cross' },
      { id: id(), type: 'deposit', account: 'a', asset: 'BTC', amount: d('1') },
      { id: id(), type: 'deposit', account: 'b', asset: 'BTC', amount: d('1') },
    ] as Command[]) {
      expect(run(ledger, command).kind).toBe('accepted');
    }
    // No USDT price: a withdrawal of it reads one.
    expect(run(ledger, withdraw('a', '1'))).toMatchObject({
      rejection: { code: 'price_unavailable', field: 'asset' },
    });
    const out = (): Command => ({
      id: id(),
      type: 'withdraw',
      account: 'a',
      asset: 'BTC',
      amount: d('0.1'),
    });
    expect(run(ledger, out()).kind).toBe('accepted');
    // A position settled in USDT, whose price is missing: BTC no longer leaves either.
    run(ledger, {
      id: id(),
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'buy',
      size: d('0.1'),
      price: d('100000'),
      taker: { account: 'a', feeRate: 0n },
      maker: { account: 'b', feeRate: 0n },
    });
    expect(run(ledger, out())).toMatchObject({ rejection: { code: 'price_unavailable' } });
  });
});

describe('commands on an option whose surface is missing', () => {
  const check = (answer: Answer) =>
    expect(answer).toMatchObject({
      kind: 'rejected',
      rejection: { code: 'price_unavailable', field: 'instrument' },
    });
  const place = (account: string, orderId: string, size = '1'): Command => ({
    id: id(),
    type: 'place_order',
    account,
    orderId,
    instrument: 'BTC-C',
    side: 'buy',
    size: d(size),
    price: d('0.1'),
  });

  it('refuse an order, its amendment up and a leverage setting, naming the instrument', () => {
    const ledger = books();
    // No surface yet: an order on the option, and the holder's leverage on it.
    check(run(ledger, place('holder', 'o1')));
    check(
      run(ledger, {
        id: id(),
        type: 'set_leverage',
        account: 'holder',
        instrument: 'BTC-C',
        leverage: d('10'),
      }),
    );
    // With a week's surface an order rests; once the week is out, growing it is refused, and
    // shrinking it (which only lowers margin) is still taken.
    run(ledger, surface([{ ...quarter, expiryMs: nowMs + 7 * 86_400_000 }]));
    expect(run(ledger, place('holder', 'o2')).kind).toBe('accepted');
    const later = at(nowMs + 8 * 86_400_000);
    const amend = (size: string): Command => ({
      id: id(),
      type: 'amend_order',
      account: 'holder',
      orderId: 'o2',
      size: d(size),
      price: d('0.1'),
    });
    check(run(ledger, amend('2'), later));
    expect(run(ledger, amend('0.5'), later).kind).toBe('accepted');
  });
});
