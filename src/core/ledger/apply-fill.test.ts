import { describe, expect, it } from 'vitest';
import { account, d, inversePerp, linearPerp, option, position } from '../../../test/kit.ts';
import type { Account } from '../model/account.ts';
import type { Instrument } from '../model/instrument.ts';
import { formatFixed } from '../num/fixed.ts';
import { applyFill } from './apply-fill.ts';
import type { Fill, FillApplied, FillOutcome, FillParty, VenueAccounts } from './fill.ts';
import { fillRejectionCodes } from './fill.ts';
import type { Movement } from './movement.ts';

const venueAccounts: VenueAccounts = { fees: 'fees', rounding: 'rounding', pnlPool: 'pool' };
const btc = linearPerp('BTCUSDT', 'BTC');
const btcUsd = inversePerp('BTCUSD', 'BTC', { contractSize: d('1'), tickSize: d('0.5') });

function party(id: string, feeRate = '0', extra: Partial<FillParty> = {}): FillParty {
  return { account: id, feeRate: d(feeRate), ...extra };
}

type FillDraft = Omit<Partial<Fill>, 'size' | 'price'> & { size: string; price: string };

function fillOf(overrides: FillDraft): Fill {
  const { size, price, ...rest } = overrides;
  return {
    instrument: 'BTCUSDT',
    takerSide: 'buy',
    taker: party('taker'),
    maker: party('maker'),
    timeMs: 0,
    ...rest,
    size: d(size),
    price: d(price),
  };
}

function applied(outcome: FillOutcome): FillApplied {
  if (outcome.kind !== 'filled') throw new Error(`rejected: ${outcome.code} at ${outcome.field}`);
  return outcome;
}

/** Movements as [account, amount, reason] with amounts in decimals: easy to read and compare. */
function moves(outcome: FillApplied): [string, string, string][] {
  return outcome.movements.map((m: Movement) => [
    m.bucket === undefined ? m.account : `${m.account}/${m.bucket}`,
    formatFixed(m.amount),
    m.reason,
  ]);
}

function fillBetween(
  fill: Fill,
  taker: Account,
  maker: Account,
  instrument: Instrument = btc,
): FillOutcome {
  return applyFill(fill, instrument, taker, maker, venueAccounts);
}

const flatTaker = account({ USDT: '10000' }, [], 'taker');
const flatMaker = account({ USDT: '10000' }, [], 'maker');

describe('applyFill on a linear perpetual', () => {
  it('opens both sides at the price and charges each its fee, to the fee account', () => {
    // Bybit's 0.055 % taker fee on 0.4 BTC at 6,000 = 1.32 USDT; a 0.02 % maker fee = 0.48.
    const fill = fillOf({
      size: '0.4',
      price: '6000',
      takerSide: 'sell',
      taker: party('taker', '0.00055'),
      maker: party('maker', '0.0002'),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker));
    expect(outcome.taker.after).toMatchObject({ size: d('-0.4'), entryPrice: d('6000') });
    expect(outcome.maker.after).toMatchObject({ size: d('0.4'), entryPrice: d('6000') });
    expect(moves(outcome)).toEqual([
      ['taker', '-1.32', 'fee'],
      ['fees', '1.32', 'fee'],
      ['maker', '-0.48', 'fee'],
      ['fees', '0.48', 'fee'],
    ]);
    expect(outcome.taker.account.balances.get('USDT')).toBe(d('9998.68'));
    expect(outcome.taker.open).toEqual({ size: d('-0.4'), fee: d('1.32') });
    expect(outcome.taker.close).toBeUndefined();
  });

  it('realises the closed part from the PnL pool, at the average entry', () => {
    const long = account({ USDT: '100' }, [position('BTCUSDT', '0.8', '5375')], 'taker');
    const fill = fillOf({ size: '0.3', price: '6000', takerSide: 'sell' });
    const outcome = applied(fillBetween(fill, long, flatMaker));
    // 0.3 × (6,000 − 5,375) = 187.5, the entry unchanged by a reduction.
    expect(outcome.taker.close).toEqual({ size: d('-0.3'), fee: 0n, realisedPnl: d('187.5') });
    expect(outcome.taker.after).toMatchObject({ size: d('0.5'), entryPrice: d('5375') });
    expect(moves(outcome)).toEqual([
      ['taker', '187.5', 'realised-pnl'],
      ['pool', '-187.5', 'realised-pnl'],
    ]);
    expect(outcome.taker.account.balances.get('USDT')).toBe(d('287.5'));
  });

  it('pays a maker rebate out of the taker fee (BitMEX: 0.075 % taker, −0.025 % maker)', () => {
    const fill = fillOf({
      size: '2',
      price: '10000',
      taker: party('taker', '0.00075'),
      maker: party('maker', '-0.00025'),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker));
    expect(moves(outcome)).toEqual([
      ['taker', '-15', 'fee'],
      ['fees', '15', 'fee'],
      ['maker', '5', 'rebate'],
      ['fees', '-5', 'rebate'],
    ]);
    expect(outcome.maker.fee).toBe(d('-5'));
    expect(outcome.maker.account.balances.get('USDT')).toBe(d('10005'));
  });

  it('rounds a fee up and a rebate down, against the trader', () => {
    // 3e-18 × 1 × 3 % = 9e-20: the fee rounds up to 1e-18, the rebate down to 0.
    const tiny = linearPerp('TINY', 'T', { sizeStep: 1n, tickSize: 1n });
    const fill = fillOf({
      instrument: 'TINY',
      size: '0.000000000000000003',
      price: '1',
      taker: party('taker', '0.03'),
      maker: party('maker', '-0.03'),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker, tiny));
    expect(outcome.taker.fee).toBe(1n);
    expect(outcome.maker.fee).toBe(0n);
  });

  it('splits a flip into a close and an open, the fee apportioned by size', () => {
    const long = account({ USDT: '1000' }, [position('BTCUSDT', '3', '100')], 'taker');
    const fill = fillOf({
      size: '10',
      price: '110',
      takerSide: 'sell',
      taker: party('taker', '0.001'),
    });
    const outcome = applied(fillBetween(fill, long, flatMaker));
    // Fee 10 × 110 × 0.1 % = 1.1: 0.33 on the 3 closed, 0.77 on the 7 opened.
    expect(outcome.taker.close).toEqual({ size: d('-3'), fee: d('0.33'), realisedPnl: d('30') });
    expect(outcome.taker.open).toEqual({ size: d('-7'), fee: d('0.77') });
    expect(outcome.taker.after).toMatchObject({ size: d('-7'), entryPrice: d('110') });
    expect(moves(outcome)).toEqual([
      ['taker', '30', 'realised-pnl'],
      ['pool', '-30', 'realised-pnl'],
      ['taker', '-0.33', 'fee'],
      ['fees', '0.33', 'fee'],
      ['taker', '-0.77', 'fee'],
      ['fees', '0.77', 'fee'],
    ]);
  });

  it('hands a closed isolated position its margin and PnL back to the cross pool', () => {
    const isolated = position('BTCUSDT', '1', '100', {
      marginMode: 'isolated',
      isolatedMargin: d('20'),
    });
    const long = account({ USDT: '5' }, [isolated], 'taker');
    const fill = fillOf({
      size: '1',
      price: '90',
      takerSide: 'sell',
      taker: party('taker', '0.001'),
    });
    const outcome = applied(fillBetween(fill, long, flatMaker));
    expect(moves(outcome)).toEqual([
      ['taker/BTCUSDT', '-10', 'realised-pnl'],
      ['taker/BTCUSDT', '-10', 'isolated-margin-release'],
      ['taker', '10', 'isolated-margin-release'],
      ['pool', '10', 'realised-pnl'],
      ['taker', '-0.09', 'fee'],
      ['fees', '0.09', 'fee'],
    ]);
    expect(outcome.taker.after).toBeUndefined();
    expect(outcome.taker.account.positions).toEqual([]);
    expect(outcome.taker.account.balances.get('USDT')).toBe(d('14.91'));
  });

  it('opens a new position in the margin mode the party names', () => {
    const fill = fillOf({
      size: '1',
      price: '100',
      maker: party('maker', '0', { marginMode: 'isolated' }),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker));
    expect(outcome.maker.after).toMatchObject({ marginMode: 'isolated', isolatedMargin: 0n });
    expect(outcome.taker.after).toMatchObject({ marginMode: 'cross' });
  });
});

describe('applyFill on an inverse perpetual', () => {
  it('realises in the coin: 10,000 contracts long from 50,000 closed at 60,000', () => {
    const long = account({ BTC: '1' }, [position('BTCUSD', '10000', '50000')], 'taker');
    const fill = fillOf({ instrument: 'BTCUSD', size: '10000', price: '60000', takerSide: 'sell' });
    const outcome = applied(fillBetween(fill, long, account({ BTC: '1' }, [], 'maker'), btcUsd));
    // 10,000 × (1/50,000 − 1/60,000) = 1/30 BTC, rounded down.
    expect(outcome.taker.close?.realisedPnl).toBe(d('0.033333333333333333'));
    expect(outcome.movements.every((m) => m.asset === 'BTC')).toBe(true);
  });

  it('charges the fee on the coin value: quantity / price × rate', () => {
    const fill = fillOf({
      instrument: 'BTCUSD',
      size: '30000',
      price: '60000',
      taker: party('taker', '0.00075'),
    });
    const outcome = applied(fillBetween(fill, account({}, [], 'taker'), flatMaker, btcUsd));
    // 30,000 / 60,000 × 0.075 % = 0.000375 BTC.
    expect(outcome.taker.fee).toBe(d('0.000375'));
  });
});

describe('applyFill on options', () => {
  const call = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
  const put = { ...option('ETH-P', 'ETH', 'put', '3000', 'linear'), sizeStep: 1n, tickSize: 1n };

  it('the buyer pays the premium to the seller; the fee is on the underlying covered', () => {
    const fill = fillOf({
      instrument: 'BTC-C',
      size: '2',
      price: '0.05',
      taker: party('taker', '0.0003'),
      timeMs: Date.UTC(2027, 0, 1),
    });
    const outcome = applied(
      fillBetween(
        fill,
        account({ BTC: '1' }, [], 'taker'),
        account({ BTC: '1' }, [], 'maker'),
        call,
      ),
    );
    // Deribit's 0.03 % of the underlying: 2 BTC × 0.0003 = 0.0006 BTC.
    expect(moves(outcome)).toEqual([
      ['taker', '-0.1', 'premium'],
      ['taker', '-0.0006', 'fee'],
      ['fees', '0.0006', 'fee'],
      ['maker', '0.1', 'premium'],
    ]);
    expect(outcome.taker.after).toMatchObject({ size: d('2'), entryPrice: d('0.05') });
  });

  it('keeps the unit of premium that does not divide evenly in the rounding account', () => {
    const fill = fillOf({
      instrument: 'ETH-P',
      size: '0.000000000000000001',
      price: '0.5',
      indexPrice: d('3000'),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker, put));
    // 1e-18 × 0.5 = 5e-19: the buyer pays 1e-18, the seller receives 0.
    expect(outcome.taker.premium).toBe(-1n);
    expect(outcome.maker.premium).toBe(0n);
    expect(outcome.movements.at(-1)).toEqual({
      account: 'rounding',
      asset: 'USDT',
      amount: 1n,
      reason: 'rounding',
    });
  });

  it('caps a fee and a rebate at a share of the premium, the rebate rounded down', () => {
    // Premium 3 × 0.0000001 = 0.0000003 BTC; 12.5 % of it is 0.0000000375. The taker's 0.03 % of
    // 3 BTC (0.0009) is capped to it; the maker's −0.01 % (−0.0003) too.
    const cheap = { ...call, tickSize: 1n };
    const fill = fillOf({
      instrument: 'BTC-C',
      size: '3',
      price: '0.0000001',
      taker: party('taker', '0.0003'),
      maker: party('maker', '-0.0001'),
      optionFeeCap: d('0.125'),
    });
    const outcome = applied(fillBetween(fill, flatTaker, flatMaker, cheap));
    expect(outcome.taker.fee).toBe(d('0.0000000375'));
    expect(outcome.maker.fee).toBe(d('-0.0000000375'));
    // 1e-18 × 1e-18 premium: the cap is 1.25e-37, so a fee caps up to 1 unit, a rebate down to 0.
    const dust = { ...call, tickSize: 1n, sizeStep: 1n };
    const tiny = fillOf({
      instrument: 'BTC-C',
      size: '0.000000000000000001',
      price: '0.000000000000000001',
      taker: party('taker', '0.0003'),
      maker: party('maker', '-0.0001'),
      optionFeeCap: d('0.125'),
    });
    const dusty = applied(fillBetween(tiny, flatTaker, flatMaker, dust));
    expect([dusty.taker.fee, dusty.maker.fee]).toEqual([1n, 0n]);
  });

  it.each([
    ['0', 'option_fee_cap_not_positive'],
    ['1.000000000000000001', 'option_fee_cap_above_one'],
  ])('refuses an option fee cap of %s', (cap, code) => {
    const fill = fillOf({ instrument: 'BTC-C', size: '1', price: '0.05', optionFeeCap: d(cap) });
    expect(fillBetween(fill, flatTaker, flatMaker, call)).toEqual({
      kind: 'rejected',
      code,
      field: 'optionFeeCap',
    });
  });

  it('charges a linear option fee on the index: 1.5 ETH × 3,000 × 0.03 % = 1.35 USDT', () => {
    const fill = fillOf({
      instrument: 'ETH-P',
      size: '1.5',
      price: '120',
      indexPrice: d('3000'),
      taker: party('taker', '0.0003'),
    });
    expect(applied(fillBetween(fill, flatTaker, flatMaker, put)).taker.fee).toBe(d('1.35'));
  });
});

describe('applyFill in hedge mode and with an external counterparty', () => {
  const hedged = account(
    { USDT: '1000' },
    [
      position('BTCUSDT', '2', '100', { side: 'long' }),
      position('BTCUSDT', '-1', '120', { side: 'short' }),
    ],
    'taker',
  );

  it('a sell against the long reduces the long, leaving the short alone', () => {
    const fill = fillOf({
      size: '1.5',
      price: '110',
      takerSide: 'sell',
      taker: party('taker', '0', { positionSide: 'long' }),
    });
    const outcome = applied(fillBetween(fill, hedged, flatMaker));
    expect(outcome.taker.close?.realisedPnl).toBe(d('15'));
    const sizes = outcome.taker.account.positions.map((p) => [p.side, formatFixed(p.size)]);
    expect(sizes).toEqual([
      ['short', '-1'],
      ['long', '0.5'],
    ]);
  });

  it('refuses a fill that would take a hedge-mode long through zero', () => {
    const fill = fillOf({
      size: '3',
      price: '110',
      takerSide: 'sell',
      taker: party('taker', '0', { positionSide: 'long' }),
    });
    expect(fillBetween(fill, hedged, flatMaker)).toEqual({
      kind: 'rejected',
      code: 'position_side_crossed',
      field: 'taker.positionSide',
    });
  });

  it('an external maker holds the other side and pays no fee here', () => {
    const fill = fillOf({
      size: '1',
      price: '100',
      external: 'maker',
      taker: party('taker', '0.0005'),
      maker: party('outside'),
    });
    const outside = account({}, [], 'outside');
    const outcome = applied(fillBetween(fill, flatTaker, outside));
    expect(outcome.maker.after).toMatchObject({ size: d('-1'), entryPrice: d('100') });
    expect(moves(outcome)).toEqual([
      ['taker', '-0.05', 'fee'],
      ['fees', '0.05', 'fee'],
    ]);
  });
});

describe('applyFill refuses, first failing check first, changing nothing', () => {
  const cases: [string, FillDraft, string, string][] = [
    ['a zero size', { size: '0', price: '100' }, 'size_not_positive', 'size'],
    ['a negative size', { size: '-1', price: '100' }, 'size_not_positive', 'size'],
    ['a size past sizeMax', { size: '1000000000000001', price: '100' }, 'size_above_max', 'size'],
    ['a size off the step', { size: '0.0001', price: '100' }, 'size_off_step', 'size'],
    ['a zero price', { size: '1', price: '0' }, 'price_not_positive', 'price'],
    ['a price past priceMax', { size: '1', price: '1000000000001' }, 'price_above_max', 'price'],
    ['a price off the tick', { size: '1', price: '100.001' }, 'price_off_tick', 'price'],
    [
      'a fee rate above feeRateMax',
      { size: '1', price: '100', maker: party('maker', '0.11') },
      'fee_rate_above_max',
      'maker.feeRate',
    ],
    [
      'a fee on the external side',
      { size: '1', price: '100', external: 'taker', taker: party('taker', '0.0001') },
      'external_fee_rate_not_zero',
      'taker.feeRate',
    ],
    [
      'a rebate above the other side’s fee',
      {
        size: '1',
        price: '100',
        taker: party('taker', '0.0002'),
        maker: party('maker', '-0.0003'),
      },
      'rebate_above_fee',
      'maker.feeRate',
    ],
    [
      'an option fee cap on a future',
      { size: '1', price: '100', optionFeeCap: d('0.125') },
      'option_fee_cap_not_option',
      'optionFeeCap',
    ],
    [
      'a side in one-way mode',
      { size: '1', price: '100', maker: party('maker', '0', { positionSide: 'short' }) },
      'position_side_in_one_way_mode',
      'maker.positionSide',
    ],
  ];
  const oneWayMaker = account({}, [position('BTCUSDT', '1', '100')], 'maker');

  it.each(cases)('%s', (_name, fill, code, field) => {
    expect(fillBetween(fillOf(fill), flatTaker, oneWayMaker)).toEqual({
      kind: 'rejected',
      code,
      field,
    });
  });

  it('refuses a self-trade, after the size and the price', () => {
    const self = fillOf({ size: '1', price: '100', maker: party('taker') });
    expect(fillBetween(self, flatTaker, flatTaker)).toEqual({
      kind: 'rejected',
      code: 'self_trade',
      field: 'maker.account',
    });
    const unsized = fillOf({ size: '0', price: '0', maker: party('taker') });
    expect(fillBetween(unsized, flatTaker, flatTaker)).toMatchObject({ code: 'size_not_positive' });
    const unpriced = fillOf({ size: '1', price: '0', maker: party('taker') });
    expect(fillBetween(unpriced, flatTaker, flatTaker)).toMatchObject({
      code: 'price_not_positive',
    });
  });

  it('refuses an expired instrument, a linear option without index, a hedged side unnamed', () => {
    const put = option('ETH-P', 'ETH', 'put', '3000', 'linear');
    const atExpiry = fillOf({ instrument: 'ETH-P', size: '1', price: '10', timeMs: put.expiryMs! });
    expect(fillBetween(atExpiry, flatTaker, flatMaker, put)).toMatchObject({
      code: 'instrument_expired',
      field: 'timeMs',
    });
    const noIndex = fillOf({ instrument: 'ETH-P', size: '1', price: '10' });
    expect(fillBetween(noIndex, flatTaker, flatMaker, put)).toMatchObject({
      code: 'index_price_missing',
      field: 'indexPrice',
    });
    const hedgedMaker = account({}, [position('BTCUSDT', '1', '100', { side: 'long' })], 'maker');
    expect(fillBetween(fillOf({ size: '1', price: '100' }), flatTaker, hedgedMaker)).toMatchObject({
      code: 'position_side_required',
      field: 'maker.positionSide',
    });
  });

  it('lists its codes once each, in the order it checks them', () => {
    expect(new Set(fillRejectionCodes).size).toBe(fillRejectionCodes.length);
    expect(fillRejectionCodes.indexOf('size_not_positive')).toBe(0);
    expect(fillRejectionCodes.at(-1)).toBe('positions_per_account_max');
  });

  it('leaves the accounts given untouched when it applies', () => {
    const long = account({ USDT: '100' }, [position('BTCUSDT', '1', '100')], 'taker');
    const copy = structuredClone(long);
    applied(fillBetween(fillOf({ size: '2', price: '105', takerSide: 'sell' }), long, flatMaker));
    expect(long).toEqual(copy);
  });
});
