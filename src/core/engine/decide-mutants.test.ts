import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  optionVenue,
  pmVenue,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { newLedger } from '../ledger/ledger.ts';
import { amountMax } from '../limits.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import { type DecideContext, decide } from './decide.ts';
import { execute } from './execute.ts';

const btc = linearPerp('BTCUSDT', 'BTC');
const eth = linearPerp('ETHUSDT', 'ETH');
const book = rulebook(
  { BTCUSDT: binanceLikeBrackets, ETHUSDT: binanceLikeBrackets },
  new Map<string, CollateralRule>([['USDT', flatCollateral('1')]]),
);
const context: DecideContext = {
  nowMs: 1_000_000,
  venue: venue([btc, eth], book),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};

describe('decide at its edges', () => {
  it('takes a deposit of exactly amountMax', () => {
    const ledger = newLedger();
    execute(ledger, { id: 'o', type: 'open_account', account: 'a', poolMode: 'cross' }, context);
    const decision = decide(
      ledger,
      { id: 'd', type: 'deposit', account: 'a', asset: 'USDT', amount: amountMax },
      context,
    );
    expect(decision).toEqual({
      events: [{ type: 'deposited', account: 'a', asset: 'USDT', amount: amountMax }],
    });
    const over = decide(
      ledger,
      { id: 'd2', type: 'deposit', account: 'a', asset: 'USDT', amount: amountMax + 1n },
      context,
    );
    expect(over).toMatchObject({ rejection: { code: 'amount_too_large', field: 'amount' } });
  });

  it('names the account field when a deposit names no account', () => {
    const decision = decide(
      newLedger(),
      { id: 'd', type: 'deposit', account: 'nobody', asset: 'USDT', amount: d('1') },
      context,
    );
    expect(decision).toMatchObject({ rejection: { field: 'account' } });
    const withdrawal = decide(
      newLedger(),
      { id: 'w', type: 'withdraw', account: 'nobody', asset: 'USDT', amount: d('1') },
      context,
    );
    expect(withdrawal).toMatchObject({ rejection: { field: 'account' } });
  });

  it('records a tick beyond the band as held, not accepted', () => {
    const ledger = newLedger();
    const tick = (sequence: number, price: string): Command => ({
      id: `t${sequence}`,
      type: 'price_tick',
      feed: 'index:BTC',
      sequence,
      timeMs: 999_000,
      price: d(price),
    });
    execute(ledger, tick(1, '100000'), context);
    const decision = decide(ledger, tick(2, '200000'), context);
    expect(decision).toMatchObject({ events: [{ type: 'price_held', feed: 'index:BTC' }] });
  });

  it('takes an index tick on an asset only some contracts are written on', () => {
    const decision = decide(
      newLedger(),
      {
        id: 't',
        type: 'price_tick',
        feed: 'index:ETH',
        sequence: 1,
        timeMs: 999_000,
        price: d('3000'),
      },
      context,
    );
    expect(decision).toMatchObject({ events: [{ type: 'price_accepted', feed: 'index:ETH' }] });
  });

  it('opens a portfolio account where the venue offers portfolio margin', () => {
    const decision = decide(
      newLedger(),
      { id: 'o', type: 'open_account', account: 'p', poolMode: 'portfolio' },
      { ...context, venue: pmVenue },
    );
    expect(decision).toEqual({
      events: [{ type: 'account_opened', account: 'p', poolMode: 'portfolio' }],
    });
  });

  it("lets an option's mark print zero", () => {
    const decision = decide(
      newLedger(),
      { id: 't', type: 'price_tick', feed: 'mark:BTC-C', sequence: 1, timeMs: 999_000, price: 0n },
      { ...context, venue: optionVenue },
    );
    expect(decision).toMatchObject({ events: [{ type: 'price_accepted', feed: 'mark:BTC-C' }] });
  });
});
