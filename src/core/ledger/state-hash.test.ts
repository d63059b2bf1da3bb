import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { Command } from '../engine/command.ts';
import { execute } from '../engine/execute.ts';
import { newLedger } from './ledger.ts';
import { stateHash } from './state-hash.ts';

describe('the state hash across builds', () => {
  it('of a ledger using only version 1 features is the hash the version 1 build gave it', () => {
    const context = {
      nowMs: 1_000_000,
      venue: venue(
        [linearPerp('BTCUSDT', 'BTC')],
        rulebook({ BTCUSDT: binanceLikeBrackets }, new Map([['USDT', flatCollateral('1')]])),
      ),
      withdrawableProfitShare: 0n,
      priceGuard: enginePriceGuard,
    };
    const ledger = newLedger();
    const commands: Command[] = [
      {
        id: 't',
        type: 'price_tick',
        feed: 'index:USDT',
        sequence: 1,
        timeMs: 999_000,
        price: d('1'),
      },
      { id: 'a', type: 'open_account', account: 'alice', poolMode: 'cross' },
      { id: 'b', type: 'open_account', account: 'bob', poolMode: 'cross' },
      { id: 'd', type: 'deposit', account: 'alice', asset: 'USDT', amount: d('1000.123') },
      { id: 'x', type: 'transfer', from: 'alice', to: 'bob', asset: 'USDT', amount: d('10') },
      { id: 'w', type: 'withdraw', account: 'bob', asset: 'USDT', amount: d('3.3') },
    ];
    for (const command of commands) expect(execute(ledger, command, context).kind).toBe('accepted');
    // Computed by the build of 2026-12-01 (commit 17828c8), before the ledger held positions,
    // house accounts, funding, margin states or places: its snapshots must still verify.
    expect(stateHash(ledger)).toBe(
      '38d01f9742cbb024cefad320cc28f36b7b53be767b9c402d37f875d2d7d3bc3a',
    );
  });
});
