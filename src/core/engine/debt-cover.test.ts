import { describe, expect, it } from 'vitest';
import { executeChecked, fillCommand } from '../../../test/engine-kit.ts';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { insuranceFund } from '../ledger/house-accounts.ts';
import { type Ledger, newLedger } from '../ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../ledger/ledger-event.ts';
import { type CollateralRule, defaultLiquidationRule, type Waterfall } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import type { Answer } from './execute.ts';

// A debt with nothing left to liquidate, covered by the insurance fund (debt-cover.ts): a dated
// future settles at expiry past the account's collateral, so it ends with no position, a USDT
// balance below zero, and 0.1 ETH. Each figure worked by hand.

const expiryMs = Date.UTC(2026, 11, 4, 8);
const future = linearPerp('BTC-FUT', 'BTC', { kind: 'future', expiryMs });
// USDT on a unit of 0.01 at 0.9997, ETH at full weight: figures that do not divide evenly.
const collateral = new Map<string, CollateralRule>([
  ['USDT', { ...flatCollateral('1'), unit: d('0.01') }],
  ['ETH', flatCollateral('1')],
]);
// The book is set up before the expiry, and settled just after it.
const nowMs = expiryMs - 30_000;
const settleMs = expiryMs + 10_000;

function contextWith(waterfall?: Waterfall): DecideContext {
  const liquidation = { ...defaultLiquidationRule, feeRate: d('0.001') };
  return {
    nowMs,
    venue: venue([future], {
      ...rulebook({ 'BTC-FUT': binanceLikeBrackets }, collateral),
      liquidation: waterfall === undefined ? liquidation : { ...liquidation, waterfall },
    }),
    withdrawableProfitShare: 0n,
    priceGuard: enginePriceGuard,
  };
}

let next = 0;
const id = () => `c${++next}`;
const tick = (feed: PriceFeed, price: string): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence: next,
  timeMs: nowMs,
  price: d(price),
});
const deposit = (account: string, asset: string, amount: string): Command => ({
  id: id(),
  type: 'deposit',
  account,
  asset,
  amount: d(amount),
});
const events = (answer: Answer): readonly LedgerEvent[] =>
  answer.kind === 'accepted' ? answer.events : [];

/**
 * Alice: 1,000 USDT and 0.1 ETH, long 1 BTC-FUT at 40,000 from mm; the fund seeded with `fund`
 * USDT. Settled at 38,000.5 the future realises −1,999.5: Alice's USDT is −999.5, worth
 * −999.5 × 0.9997 = −999.20015 USD, her ETH 0.1 × 2,000.37 = 200.037: equity −799.16315.
 */
function settled(
  ctx: DecideContext,
  fund: string,
  debtors = ['alice'],
): { ledger: Ledger; answer: Answer } {
  const ledger = newLedger();
  const run = (command: Command) => executeChecked(ledger, command, ctx);
  for (const account of [...debtors, 'mm']) {
    run({ id: id(), type: 'open_account', account, poolMode: 'cross' });
  }
  run(tick('index:USDT', '0.9997'));
  run(tick('index:ETH', '2000.37'));
  run(tick('index:BTC', '40000'));
  run(tick('mark:BTC-FUT', '40000'));
  run(deposit('mm', 'USDT', '1000000'));
  if (fund !== '0') expect(run(deposit(insuranceFund, 'USDT', fund)).kind).toBe('accepted');
  for (const debtor of debtors) {
    run(deposit(debtor, 'USDT', '1000'));
    run(deposit(debtor, 'ETH', '0.1'));
    run(fillCommand(id(), 'BTC-FUT', debtor, 'buy', '1', '40000', 'mm'));
  }
  const answer = executeChecked(
    ledger,
    { id: id(), type: 'settle_expiry', instrument: 'BTC-FUT', price: d('38000.5') },
    { ...ctx, nowMs: settleMs },
  );
  return { ledger, answer };
}

const covers = (answer: Answer) =>
  events(answer).flatMap((e) => (e.type === 'debt_covered' ? [e] : []));

describe('the insurance fund covers a debt with nothing left to liquidate', () => {
  it('to the unit that leaves the account at no less than zero: 799.16315 / 0.9997 → 799.41 USDT', () => {
    const { ledger, answer } = settled(contextWith(), '5000');
    // ⌈799.16315 / 0.9997⌉ = ⌈799.40302…⌉ on the 0.01 unit: 799.41.
    expect(covers(answer)).toEqual([
      {
        type: 'debt_covered',
        account: 'alice',
        bucket: 'cross',
        movements: [
          {
            account: insuranceFund,
            asset: 'USDT',
            amount: -d('799.41'),
            reason: 'insurance-cover',
          },
          { account: 'alice', asset: 'USDT', amount: d('799.41'), reason: 'insurance-cover' },
        ],
      },
    ]);
    // −200.09 × 0.9997 = −200.029973, with 200.037 of ETH: equity 0.007027 ≥ 0, so healthy.
    expect(ledger.accounts.get('alice')!.balances.get('USDT')).toBe(-d('200.09'));
    expect(ledger.house.get(insuranceFund)!.get('USDT')).toBe(d('4200.59'));
    expect(ledger.marginStates.has('alice')).toBe(false);
    const states = events(answer).flatMap((e) =>
      e.type === 'margin_state_changed' ? [[e.account, e.state]] : [],
    );
    expect(states).toEqual([
      ['alice', 'liquidatable'],
      ['alice', 'healthy'],
    ]);
  });

  it('under a waterfall only from what the fund holds above its floor, on the unit, rounded down', () => {
    // 1,000 USDT held, a floor of 500 USD = ⌈500 / 0.9997⌉ = 500.150045… USDT: 499.849954… of
    // room, 499.84 on the unit. The rest of the debt stays, shown as it is.
    const waterfall = { fundFloor: d('500'), backstops: [] };
    const { ledger, answer } = settled(contextWith(waterfall), '1000');
    expect(covers(answer).map((e) => e.movements[1]!.amount)).toEqual([d('499.84')]);
    expect(ledger.accounts.get('alice')!.balances.get('USDT')).toBe(-d('499.66'));
    expect(ledger.house.get(insuranceFund)!.get('USDT')).toBe(d('500.16'));
    expect(ledger.marginStates.get('alice')).toBe('liquidatable');
  });

  it('of two debts in one record, the second only from what the first left above the floor', () => {
    // 1,000 USDT held, a floor of 500.150045… USDT: 499.84 of room in all. Alice, first in the
    // record, takes it; Bob's debt finds none left and stays.
    const waterfall = { fundFloor: d('500'), backstops: [] };
    const { ledger, answer } = settled(contextWith(waterfall), '1000', ['alice', 'bob']);
    expect(covers(answer).map((e) => [e.account, e.movements[1]!.amount])).toEqual([
      ['alice', d('499.84')],
    ]);
    expect(ledger.house.get(insuranceFund)!.get('USDT')).toBe(d('500.16'));
    expect(ledger.accounts.get('bob')!.balances.get('USDT')).toBe(-d('999.5'));
  });

  it('a fund at its floor covers nothing: no event', () => {
    const waterfall = { fundFloor: d('500'), backstops: [] };
    const { answer } = settled(contextWith(waterfall), '500');
    expect(covers(answer)).toEqual([]);
  });

  it('without a waterfall the fund covers it all, and may go below zero', () => {
    const { ledger, answer } = settled(contextWith(), '0');
    expect(covers(answer)).toHaveLength(1);
    expect(ledger.house.get(insuranceFund)!.get('USDT')).toBe(-d('799.41'));
  });
});

describe('the venue seeds its insurance fund', () => {
  it('by a deposit at home; never elsewhere, and nothing leaves it by a withdrawal', () => {
    const ctx = {
      ...contextWith(),
      locations: {
        elsewhere: new Map([['arbitrum', { weight: d('0.9'), transferDelayMs: 1 }]]),
        pendingCounts: 'neither' as const,
      },
    };
    const ledger = newLedger();
    expect(executeChecked(ledger, deposit(insuranceFund, 'USDT', '12.34'), ctx).kind).toBe(
      'accepted',
    );
    expect(ledger.house.get(insuranceFund)!.get('USDT')).toBe(d('12.34'));
    expect(ledger.deposited.get('USDT')).toBe(d('12.34'));
    const elsewhere = { ...deposit(insuranceFund, 'USDT', '1'), location: 'arbitrum' } as Command;
    const out: Command = { ...deposit(insuranceFund, 'USDT', '1'), type: 'withdraw' } as Command;
    for (const command of [elsewhere, out]) {
      const answer = executeChecked(ledger, command, ctx);
      expect(answer).toEqual({
        kind: 'rejected',
        rejection: { code: 'account_not_found', field: 'account' },
      });
    }
  });
});
