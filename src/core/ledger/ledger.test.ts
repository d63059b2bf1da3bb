import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { feeAccount } from './house-accounts.ts';
import { applyEvent, newLedger } from './ledger.ts';
import type { LedgerEvent } from './ledger-event.ts';

describe('applying a market event', () => {
  const opened = (account: string): LedgerEvent => ({
    type: 'account_opened',
    account,
    poolMode: 'cross',
  });
  const fill = (fee: string, paid: string): LedgerEvent => ({
    type: 'filled',
    instrument: 'BTCUSDT',
    taker: 'a',
    maker: 'b',
    takerSide: 'buy',
    size: d('0.001'),
    price: d('95000.1'),
    positions: [],
    movements: [
      { account: 'a', asset: 'USDT', amount: -d(paid), reason: 'fee' },
      { account: feeAccount, asset: 'USDT', amount: d(fee), reason: 'fee' },
    ],
  });

  it('takes movements that net to zero per asset', () => {
    const ledger = newLedger();
    applyEvent(ledger, opened('a'));
    applyEvent(ledger, opened('b'));
    applyEvent(ledger, fill('0.0475', '0.0475'));
    expect(ledger.accounts.get('a')!.balances.get('USDT')).toBe(-d('0.0475'));
    expect(ledger.house.get(feeAccount)!.get('USDT')).toBe(d('0.0475'));
  });

  it('stops at movements that create money, however little, before moving any', () => {
    const ledger = newLedger();
    applyEvent(ledger, opened('a'));
    applyEvent(ledger, opened('b'));
    expect(() => applyEvent(ledger, fill('0.0475', '0.047499'))).toThrow(/sum to zero/);
    expect(ledger.accounts.get('a')!.balances.size).toBe(0);
    expect(ledger.house.size).toBe(0);
  });
});
