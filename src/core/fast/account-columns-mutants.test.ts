import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import type { Account, OpenOrder } from '../model/account.ts';
import { compileAccounts } from './account-columns.ts';

const rowsOf = {
  asset: (id: string) => ['USDT'].indexOf(id),
  instrument: (id: string) => ['BTCUSDT', 'ETHUSDT'].indexOf(id),
  exactOnly: () => 0 as const,
};
const order = (instrument: string): OpenOrder => ({
  instrument,
  side: 'buy',
  size: d('1'),
  price: d('99.25'),
});

describe('orders alone on two instruments', () => {
  it('are two legs, one per instrument, the later order not folded into the first', () => {
    const a: Account = {
      id: 'a',
      balances: new Map([['USDT', d('10')]]),
      positions: [],
      openOrders: [order('BTCUSDT'), order('ETHUSDT'), order('BTCUSDT')],
      leverage: new Map(),
    };
    const c = compileAccounts([a], rowsOf);
    expect([...c.legStart]).toEqual([0, 2]);
    expect([...c.legInstrument]).toEqual([0, 1]);
  });
});
