import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import type { Account, OpenOrder, Position } from '../model/account.ts';
import { compileAccounts } from './account-columns.ts';

const rowsOf = {
  asset: (id: string) => ['USDT', 'BTC'].indexOf(id),
  instrument: (id: string) => ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].indexOf(id),
  exactOnly: (account: Account) => (account.id === 'exact' ? 1 : 0) as 0 | 1,
};

const held = (instrument: string, size: string, extra: Partial<Position> = {}): Position => ({
  instrument,
  size: d(size),
  entryPrice: d('100.5'),
  marginMode: 'cross',
  isolatedMargin: 0n,
  ...extra,
});
const order = (instrument: string, side: 'buy' | 'sell', size: string): OpenOrder => ({
  instrument,
  side,
  size: d(size),
  price: d('99.25'),
});

describe('the rows of a book of accounts', () => {
  it("a hedge-mode long and short are two legs, and their instrument's orders a third", () => {
    const hedged: Account = {
      id: 'h',
      balances: new Map([['USDT', d('1000.125')]]),
      positions: [
        held('BTCUSDT', '2', { side: 'long' }),
        held('BTCUSDT', '-1.5', { side: 'short' }),
      ],
      openOrders: [order('BTCUSDT', 'buy', '0.25'), order('BTCUSDT', 'sell', '0.75')],
      leverage: new Map([['BTCUSDT', d('8')]]),
    };
    const c = compileAccounts([hedged], rowsOf);
    expect([...c.legStart]).toEqual([0, 3]);
    expect([...c.legSize]).toEqual([2, -1.5, 0]);
    expect([...c.legInstrument]).toEqual([0, 0, 0]);
    // The setting is the account's: the orders' own leg is held to it as well.
    expect([...c.legLeverageFloor]).toEqual([0.125, 0.125, 0.125]);
    expect([...c.legOrderStart]).toEqual([0, 0, 0, 2]);
    expect([...c.orderSize]).toEqual([0.25, -0.75]);
    expect([...c.legIsolatedMargin]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it("orders join their instrument's one-way leg; orders alone on one instrument are one leg", () => {
    const a: Account = {
      id: 'exact',
      balances: new Map([
        ['BTC', d('0.3')],
        ['USDT', d('-20')],
      ]),
      positions: [
        held('ETHUSDT', '3', { marginMode: 'isolated', isolatedMargin: d('40.5') }),
        held('BTCUSDT', '-1'),
      ],
      openOrders: [
        order('SOLUSDT', 'buy', '5'),
        order('BTCUSDT', 'buy', '1'),
        order('SOLUSDT', 'sell', '2'),
      ],
    };
    const b: Account = {
      id: 'b',
      balances: new Map([['USDT', d('5')]]),
      positions: [],
      openOrders: [],
    };
    const c = compileAccounts([a, b], rowsOf);
    expect([...c.exactOnly]).toEqual([1, 0]);
    expect([...c.balanceStart]).toEqual([0, 2, 3]);
    expect([...c.balanceAsset]).toEqual([1, 0, 0]);
    expect([...c.balanceAmount]).toEqual([0.3, -20, 5]);
    expect([...c.legStart]).toEqual([0, 3, 3]);
    expect([...c.legInstrument]).toEqual([1, 0, 2]);
    expect([...c.legSize]).toEqual([3, -1, 0]);
    expect([...c.legEntry]).toEqual([100.5, 100.5, 0]);
    expect([...c.legIsolatedMargin]).toEqual([40.5, Number.NaN, Number.NaN]);
    expect([...c.legLeverageFloor]).toEqual([0, 0, 0]);
    // ETH no orders, BTC the buy of 1, SOL both of its own.
    expect([...c.legOrderStart]).toEqual([0, 0, 1, 3]);
    expect([...c.orderSize]).toEqual([1, 5, -2]);
    expect([...c.orderPrice]).toEqual([99.25, 99.25, 99.25]);
  });
});
