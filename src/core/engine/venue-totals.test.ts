import { describe, expect, it } from 'vitest';
import { checkedEngine, fillCommand } from '../../../test/engine-kit.ts';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';

// Mango's deposit-weight scaling and bank deposit limit fed the engine's own totals: once the
// venue's ETH deposits are worth more than the scale start, every holder's initial ETH weight
// scales by start / deposits value, so one account's deposit moves the others' margin; a bank's
// deposit limit counts every account's deposits, not the one deposit alone.

const eth: CollateralRule = {
  ...flatCollateral('0.8', '0.9'),
  depositWeightScaleStart: d('30000'),
  depositLimit: d('150'),
};
const context: DecideContext = {
  nowMs: Date.UTC(2026, 11, 6, 12),
  venue: venue(
    [linearPerp('BTCUSDT', 'BTC')],
    rulebook(
      { BTCUSDT: binanceLikeBrackets },
      new Map<string, CollateralRule>([
        ['USDT', flatCollateral('1')],
        ['ETH', eth],
      ]),
    ),
  ),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};

describe('collateral weights scaled by the engine’s own totals', () => {
  it('fall for every holder as another deposits, and a bank’s limit counts every deposit', () => {
    const { ledger, id, run, prices } = checkedEngine(context, 'vt');
    prices([
      ['index:USDT', '1'],
      ['index:ETH', '3000'],
      ['index:BTC', '100000'],
      ['mark:BTCUSDT', '100000'],
    ]);
    const deposit = (account: string, asset: string, amount: string): Command => ({
      id: id(),
      type: 'deposit',
      account,
      asset,
      amount: d(amount),
    });
    for (const account of ['a', 'b', 'mm'])
      run({ id: id(), type: 'open_account', account, poolMode: 'cross' });
    run(deposit('mm', 'USDT', '10000000'));
    // a: 1 ETH, counted 0.8 × 3,000 = 2,400 for initial margin, against long 0.5 BTC (IM
    // 50,000 / 125 = 400): healthy. With D ETH on deposit (3,000 D USD, above the 30,000 start),
    // a's counts 2,400 × 30,000 / 3,000 D = 24,000 / D: below 400 once D is above 60.
    run(deposit('a', 'ETH', '1'));
    run(fillCommand(id(), 'BTCUSDT', 'a', 'buy', '0.5', '100000', 'mm'));
    expect(ledger.venueTotals.get('ETH')).toEqual({ deposits: d('1'), borrows: 0n });
    const statesOf = (events: readonly LedgerEvent[]) =>
      events.flatMap((e) => (e.type === 'margin_state_changed' ? [[e.account, e.state]] : []));
    // b deposits 50 (D = 51: 470.59 for a), then 20 (D = 71: 338.03): a, who took no part, is in
    // margin call in the record of b's second deposit.
    expect(statesOf(run(deposit('b', 'ETH', '50')))).toEqual([]);
    expect(statesOf(run(deposit('b', 'ETH', '20')))).toEqual([['a', 'margin_call']]);
    expect(ledger.venueTotals.get('ETH')).toEqual({ deposits: d('71'), borrows: 0n });
    // The bank's limit of 150 counts every account's deposits: 79 more is refused, 78 taken.
    run(deposit('b', 'ETH', '79'), 'bank_limit_exceeded');
    run(deposit('b', 'ETH', '78'));
    // b takes 100 out (D = 49: 489.80): a is healthy again, in b's record.
    const out: Command = {
      id: id(),
      type: 'withdraw',
      account: 'b',
      asset: 'ETH',
      amount: d('100'),
    };
    expect(statesOf(run(out))).toEqual([['a', 'healthy']]);
    expect(ledger.venueTotals.get('ETH')).toEqual({ deposits: d('49'), borrows: 0n });
  });
});

describe('a borrow cap over every account’s borrows (S17)', () => {
  it('refuses the borrowing that would pass it, and takes it once a repayment makes room', () => {
    const usdc: CollateralRule = {
      ...flatCollateral('1'),
      liabilityInitialWeight: d('1.1'),
      liabilityMaintenanceWeight: d('1.05'),
      borrowLimit: d('1000'),
    };
    const lending: DecideContext = {
      ...context,
      venue: venue(
        [],
        rulebook(
          {},
          new Map<string, CollateralRule>([
            ['USDC', usdc],
            ['ETH', flatCollateral('0.8', '0.9')],
          ]),
        ),
      ),
    };
    const { ledger, id, run, prices } = checkedEngine(lending, 'bc');
    prices([
      ['index:USDC', '1'],
      ['index:ETH', '3000'],
    ]);
    const money = (
      type: 'deposit' | 'withdraw',
      account: string,
      asset: string,
      amount: string,
    ): Command => ({
      id: id(),
      type,
      account,
      asset,
      amount: d(amount),
    });
    for (const account of ['a', 'b']) {
      run({ id: id(), type: 'open_account', account, poolMode: 'cross' });
      run(money('deposit', account, 'ETH', '1'));
    }
    // a borrows 600, b 500 more would be 1,100: past the cap of 1,000; 400 reaches it.
    run(money('withdraw', 'a', 'USDC', '600'));
    run(money('withdraw', 'b', 'USDC', '500'), 'bank_limit_exceeded');
    run(money('withdraw', 'b', 'USDC', '400'));
    expect(ledger.venueTotals.get('USDC')).toEqual({ deposits: 0n, borrows: d('1000') });
    run(money('withdraw', 'b', 'USDC', '0.000001'), 'bank_limit_exceeded');
    // a repays 100: b may borrow them.
    run(money('deposit', 'a', 'USDC', '100'));
    run(money('withdraw', 'b', 'USDC', '100'));
    expect(ledger.venueTotals.get('USDC')).toEqual({ deposits: 0n, borrows: d('1000') });
  });
});

describe('venue totals moved by a fill', () => {
  it('re-margin every holder of the scaled asset when a fill’s fee takes it out of the accounts', () => {
    // USDT itself scaled: above 1,000,000 USD on deposit, its initial weight × 1,000,000 /
    // deposits. a holds 1,000 USDT and long 0.5 BTC at 100,000 (IM 50,000 / 125 = 400); mm holds
    // 2,500,000: 2,501,000 on deposit, a's USDT counts 1,000,000,000 / 2,501,000 = 399.84, short.
    const usdtScaled: DecideContext = {
      ...context,
      venue: venue(
        [linearPerp('BTCUSDT', 'BTC')],
        rulebook(
          { BTCUSDT: binanceLikeBrackets },
          new Map<string, CollateralRule>([
            ['USDT', { ...flatCollateral('1'), depositWeightScaleStart: d('1000000') }],
          ]),
        ),
      ),
    };
    const { ledger, id, run, prices } = checkedEngine(usdtScaled, 'tf');
    prices([
      ['index:USDT', '1'],
      ['index:BTC', '100000'],
      ['mark:BTCUSDT', '100000'],
    ]);
    for (const account of ['a', 'mm', 'b']) {
      run({ id: id(), type: 'open_account', account, poolMode: 'cross' });
    }
    run({ id: id(), type: 'deposit', account: 'a', asset: 'USDT', amount: d('1000') });
    run({ id: id(), type: 'deposit', account: 'mm', asset: 'USDT', amount: d('2500000') });
    run(fillCommand(id(), 'BTCUSDT', 'a', 'buy', '0.5', '100000', 'mm'));
    expect(ledger.marginStates.get('a')).toBe('margin_call');
    // mm takes 20 BTC from b at 0.1 %: 2,000 USDT of fee to the venue's fee account, out of the
    // accounts' deposits (2,499,000): a's USDT counts 400.16, and a, no party to the fill, is
    // healthy again in its record.
    const fill = fillCommand(id(), 'BTCUSDT', 'mm', 'buy', '20', '100000', 'b', {
      taker: '0.001',
      maker: '0',
    });
    const events = run(fill);
    expect(ledger.venueTotals.get('USDT')?.deposits).toBe(d('2499000'));
    const states = events.flatMap((e) => (e.type === 'margin_state_changed' ? [e.account] : []));
    expect(states).toContain('a');
    expect(ledger.marginStates.get('a')).toBeUndefined();
  });
});
