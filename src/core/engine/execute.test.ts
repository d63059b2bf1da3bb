import fc from 'fast-check';
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
import { conservationGaps } from '../ledger/conservation.ts';
import { applyRecord, type Ledger, newLedger } from '../ledger/ledger.ts';
import type { PriceFeed } from '../ledger/ledger-event.ts';
import { stateHash } from '../ledger/state-hash.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Command } from './command.ts';
import type { DecideContext } from './decide.ts';
import { execute } from './execute.ts';

const btc = linearPerp('BTCUSDT', 'BTC');
const book = rulebook(
  { BTCUSDT: binanceLikeBrackets },
  new Map<string, CollateralRule>([
    ['USDT', flatCollateral('1')],
    // A smallest unit, so an amount can be off it.
    ['USDC', { ...flatCollateral('0.95'), unit: d('0.000001') }],
  ]),
);
const context: DecideContext = {
  nowMs: 1_000_000,
  venue: venue([btc], book),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};

let next = 0;
const id = () => {
  next += 1;
  return `c${next}`;
};
const open = (account: string): Command => ({
  id: id(),
  type: 'open_account',
  account,
  poolMode: 'cross',
});
const deposit = (account: string, amount: string, asset = 'USDT'): Command => ({
  id: id(),
  type: 'deposit',
  account,
  asset,
  amount: d(amount),
});

const tick = (feed: PriceFeed, price: string, sequence = 1, timeMs = 999_000): Command => ({
  id: id(),
  type: 'price_tick',
  feed,
  sequence,
  timeMs,
  price: d(price),
});
/** The prices of the examples: USDT and USDC at 1, BTC and its perpetual at 100,000. */
const prices = (): Command[] => [
  tick('index:USDT', '1'),
  tick('index:USDC', '1'),
  tick('index:BTC', '100000'),
  tick('mark:BTCUSDT', '100000'),
];

function ledgerWith(...commands: Command[]): Ledger {
  const ledger = newLedger();
  for (const command of [...prices(), ...commands]) {
    expect(execute(ledger, command, context).kind).toBe('accepted');
  }
  return ledger;
}

describe('money in, out and between accounts', () => {
  it('a deposit, a withdrawal and a transfer move exactly their amounts, and the books balance', () => {
    const ledger = ledgerWith(open('a'), open('b'), deposit('a', '1000.000001', 'USDC'));
    const out = execute(
      ledger,
      { id: id(), type: 'withdraw', account: 'a', asset: 'USDC', amount: d('0.333333') },
      context,
    );
    expect(out).toMatchObject({ kind: 'accepted', first: 8 });
    execute(
      ledger,
      { id: id(), type: 'transfer', from: 'a', to: 'b', asset: 'USDC', amount: d('600') },
      context,
    );
    expect(ledger.accounts.get('a')!.balances.get('USDC')).toBe(d('399.666668'));
    expect(ledger.accounts.get('b')!.balances.get('USDC')).toBe(d('600'));
    expect(ledger.withdrawn.get('USDC')).toBe(d('0.333333'));
    expect(conservationGaps(ledger, context.venue.instruments).size).toBe(0);
  });

  it.each([
    ['open an account twice', open('a'), 'account_exists', 'account'],
    [
      'open a portfolio account under a rulebook with no portfolio section',
      { id: 'x0', type: 'open_account', account: 'p', poolMode: 'portfolio' },
      'pool_mode_unavailable',
      'poolMode',
    ],
    [
      'deposit to an unknown account',
      { id: 'x1', type: 'deposit', account: 'z', asset: 'USDT', amount: d('1') },
      'account_not_found',
      'account',
    ],
    [
      'transfer from an unknown account',
      { id: 'x2', type: 'transfer', from: 'z', to: 'a', asset: 'USDT', amount: d('1') },
      'account_not_found',
      'from',
    ],
    [
      'transfer to an unknown account',
      { id: 'x3', type: 'transfer', from: 'a', to: 'z', asset: 'USDT', amount: d('1') },
      'account_not_found',
      'to',
    ],
    [
      'transfer to itself',
      { id: 'x4', type: 'transfer', from: 'a', to: 'a', asset: 'USDT', amount: d('1') },
      'transfer_to_self',
      'to',
    ],
    [
      'an asset the venue takes no collateral rule for',
      { id: 'x5', type: 'deposit', account: 'a', asset: 'DOGE', amount: d('1') },
      'asset_not_accepted',
      'asset',
    ],
    [
      'a zero amount',
      { id: 'x6', type: 'deposit', account: 'a', asset: 'USDT', amount: 0n },
      'amount_not_positive',
      'amount',
    ],
    [
      'an amount past the limit',
      { id: 'x7', type: 'deposit', account: 'a', asset: 'USDT', amount: 10n ** 34n },
      'amount_too_large',
      'amount',
    ],
    [
      'an amount finer than the asset unit',
      { id: 'x8', type: 'deposit', account: 'a', asset: 'USDC', amount: d('0.0000015') },
      'amount_off_unit',
      'amount',
    ],
    [
      'a withdrawal of more than is held',
      {
        id: 'x9',
        type: 'withdraw',
        account: 'a',
        asset: 'USDT',
        amount: d('100.000000000000000001'),
      },
      'insufficient_balance',
      'amount',
    ],
    [
      'a command past its time to live',
      {
        id: 'x10',
        type: 'deposit',
        account: 'a',
        asset: 'USDT',
        amount: d('1'),
        issuedAtMs: 990_000,
        timeToLiveMs: 9_999,
      },
      'command_expired',
      'timeToLiveMs',
    ],
  ] as [string, Command, string, string][])(
    'refuses to %s, changing nothing',
    (_name, command, code, field) => {
      const ledger = ledgerWith(open('a'), open('b'), deposit('a', '100'));
      const before = stateHash(ledger);
      expect(execute(ledger, command, context)).toEqual({
        kind: 'rejected',
        rejection: { code, field },
      });
      expect(stateHash(ledger)).toBe(before);
    },
  );

  it('a command exactly at the end of its time to live is still applied', () => {
    const ledger = ledgerWith(open('a'));
    const late = { ...deposit('a', '1'), issuedAtMs: 990_000, timeToLiveMs: 10_000 };
    expect(execute(ledger, late, context).kind).toBe('accepted');
  });
});

describe('a command sent twice', () => {
  it('with the same body is answered as the first time and has no second effect', () => {
    const ledger = ledgerWith(open('a'));
    const command = deposit('a', '5');
    expect(execute(ledger, command, context)).toMatchObject({ kind: 'accepted', first: 6 });
    const hash = stateHash(ledger);
    expect(execute(ledger, { ...command }, context)).toEqual({
      kind: 'duplicate',
      first: 6,
      count: 1,
    });
    expect(stateHash(ledger)).toBe(hash);
    expect(ledger.accounts.get('a')!.balances.get('USDT')).toBe(d('5'));
  });

  it('without an id, or with one past idLengthMax, is refused', () => {
    const ledger = ledgerWith(open('a'));
    for (const bad of ['', 'x'.repeat(201)]) {
      expect(execute(ledger, { ...deposit('a', '1'), id: bad }, context)).toEqual({
        kind: 'rejected',
        rejection: { code: 'command_id_invalid', field: 'id' },
      });
    }
    expect(execute(ledger, { ...deposit('a', '1'), id: 'x'.repeat(200) }, context).kind).toBe(
      'accepted',
    );
  });

  it('with another body under the same id is refused', () => {
    const ledger = ledgerWith(open('a'));
    const command = deposit('a', '5');
    execute(ledger, command, context);
    expect(execute(ledger, { ...command, amount: d('6') } as Command, context)).toEqual({
      kind: 'rejected',
      rejection: { code: 'command_id_reused', field: 'id' },
    });
  });

  it('differing only in a number (a tick’s sequence, its stamp) is another body', () => {
    const ledger = ledgerWith(open('a'));
    const first = { ...tick('index:USDT', '1', 5, 999_000), id: 'same' };
    expect(execute(ledger, first, context).kind).toBe('accepted');
    for (const again of [
      { ...tick('index:USDT', '1', 6, 999_000), id: 'same' },
      { ...tick('index:USDT', '1', 5, 999_001), id: 'same' },
    ]) {
      expect(execute(ledger, again, context)).toEqual({
        kind: 'rejected',
        rejection: { code: 'command_id_reused', field: 'id' },
      });
    }
  });
});

describe('the withdrawal rule (SCENARIOS.md S6)', () => {
  // 1 BTC long from 90,000, marked at 100,000: 10,000 of paper profit beside 2,000 of USDT.
  // Initial margin at 100x, the bracket of a 100,000 notional: 1,000.
  function withProfit(): Ledger {
    const ledger = ledgerWith(open('t'), deposit('t', '2000'));
    const account = ledger.accounts.get('t')!;
    ledger.accounts.set('t', {
      ...account,
      positions: [
        {
          instrument: 'BTCUSDT',
          size: d('1'),
          entryPrice: d('90000'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
    });
    return ledger;
  }
  const withdraw = (amount: string): Command => ({
    id: id(),
    type: 'withdraw',
    account: 't',
    asset: 'USDT',
    amount: d(amount),
  });

  it('takes collateral down to initial margin, never the unrealised profit', () => {
    expect(execute(withProfit(), withdraw('1000'), context).kind).toBe('accepted');
    expect(execute(withProfit(), withdraw('1000.000000000000000001'), context)).toEqual({
      kind: 'rejected',
      rejection: { code: 'initial_margin_insufficient', field: 'amount' },
    });
  });

  it('takes the share of the profit the venue allows', () => {
    const half = { ...context, withdrawableProfitShare: d('0.5') };
    // 2,000 of USDT leaves 1,000 free; half the 10,000 of profit adds 5,000, but only the
    // 2,000 held can leave without borrowing.
    expect(execute(withProfit(), withdraw('2000'), half).kind).toBe('accepted');
    expect(execute(withProfit(), withdraw('2000'), context).kind).toBe('rejected');
  });

  it('counts a loss in full', () => {
    const atLoss = (): Ledger => {
      const ledger = withProfit();
      const account = ledger.accounts.get('t')!;
      ledger.accounts.set('t', {
        ...account,
        positions: [{ ...account.positions[0]!, entryPrice: d('100500') }],
      });
      return ledger;
    };
    // Equity 2,000 − 500 = 1,500; initial margin 1,000: 500 may leave, not a unit more.
    expect(execute(atLoss(), withdraw('500'), context).kind).toBe('accepted');
    expect(execute(atLoss(), withdraw('500.000000000000000001'), context).kind).toBe('rejected');
  });
});

describe('price ticks through the engine', () => {
  it('an accepted tick moves its price, a held one does not until confirmed', () => {
    const ledger = ledgerWith();
    expect(execute(ledger, tick('mark:BTCUSDT', '101000', 2, 999_500), context)).toMatchObject({
      kind: 'accepted',
    });
    expect(ledger.markPrices.get('BTCUSDT')).toBe(d('101000'));
    // 40 % down: beyond the 20 % band, held; confirmed by the next on the same side.
    const before = stateHash(ledger);
    execute(ledger, tick('mark:BTCUSDT', '60600', 3, 999_600), context);
    expect(stateHash(ledger)).not.toBe(before);
    expect(ledger.markPrices.get('BTCUSDT')).toBe(d('101000'));
    expect(ledger.feeds.get('mark:BTCUSDT')!.held).toHaveLength(1);
    const held = stateHash(ledger);
    execute(ledger, tick('mark:BTCUSDT', '60000', 4, 999_700), context);
    expect(ledger.markPrices.get('BTCUSDT')).toBe(d('60000'));
    // The state hash covers prices and feeds: an accepted tick and a held one each change it.
    expect(stateHash(ledger)).not.toBe(held);
    expect(conservationGaps(ledger, context.venue.instruments).size).toBe(0);
  });

  it.each([
    ['no such instrument', tick('mark:ETHUSDT', '1'), 'feed_not_found', 'feed'],
    [
      'an asset the venue neither takes nor lists',
      tick('index:DOGE', '1'),
      'feed_not_found',
      'feed',
    ],
    ['a sequence already seen', tick('index:BTC', '100000', 1), 'tick_duplicate', 'sequence'],
    [
      'a sequence seen with another price',
      tick('index:BTC', '99000', 1),
      'tick_conflicting',
      'sequence',
    ],
    ['a stale tick', tick('index:BTC', '100000', 2, 939_999), 'tick_stale', 'timeMs'],
    ['a zero mark of a perpetual', tick('mark:BTCUSDT', '0', 2), 'price_zero_not_allowed', 'price'],
  ] as [string, Command, string, string][])(
    'refuses %s, changing nothing',
    (_name, command, code, field) => {
      const ledger = ledgerWith();
      const before = stateHash(ledger);
      expect(execute(ledger, command, context)).toEqual({
        kind: 'rejected',
        rejection: { code, field },
      });
      expect(stateHash(ledger)).toBe(before);
    },
  );

  it('an asset may go to zero (S12): its index takes a zero once confirmed', () => {
    const ledger = ledgerWith();
    execute(ledger, tick('index:BTC', '0', 2, 999_100), context);
    execute(ledger, tick('index:BTC', '0', 3, 999_200), context);
    expect(ledger.assetPrices.get('BTC')).toBe(0n);
  });

  it('no withdrawal is checked on a price that is not there', () => {
    const ledger = newLedger();
    execute(ledger, tick('index:USDT', '1'), context);
    execute(ledger, open('a'), context);
    execute(ledger, deposit('a', '10'), context);
    execute(ledger, deposit('a', '10', 'USDC'), context);
    expect(
      execute(
        ledger,
        { id: id(), type: 'withdraw', account: 'a', asset: 'USDT', amount: d('1') },
        context,
      ),
    ).toEqual({ kind: 'rejected', rejection: { code: 'price_unavailable', field: 'asset' } });
  });
});

const accountIds = ['a', 'b', 'c'];
const amountArb = fc.oneof(
  fc.bigInt({ min: -5n, max: 10n ** 22n }),
  fc.constantFrom(0n, 1n, d('0.000001'), d('1000')),
);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    id: fc.constantFrom('p', 'q', 'r', 's'),
    type: fc.constant('open_account' as const),
    account: fc.constantFrom(...accountIds),
    poolMode: fc.constantFrom('cross' as const, 'portfolio' as const),
  }),
  fc.record({
    id: fc.string({ maxLength: 3 }),
    type: fc.constantFrom('deposit' as const, 'withdraw' as const),
    account: fc.constantFrom(...accountIds),
    asset: fc.constantFrom('USDT', 'USDC', 'DOGE'),
    amount: amountArb,
  }),
  fc.record({
    id: fc.string({ maxLength: 3 }),
    type: fc.constant('price_tick' as const),
    feed: fc.constantFrom('index:USDT' as const, 'index:USDC' as const, 'mark:BTCUSDT' as const),
    sequence: fc.integer({ min: 0, max: 8 }),
    timeMs: fc.integer({ min: 900_000, max: 1_002_000 }),
    price: fc.oneof(
      fc.constantFrom(d('1'), d('0.9'), d('1.3'), 0n),
      fc.bigInt({ min: -1n, max: 10n ** 24n }),
    ),
  }),
  fc.record({
    id: fc.string({ maxLength: 3 }),
    type: fc.constant('transfer' as const),
    from: fc.constantFrom(...accountIds),
    to: fc.constantFrom(...accountIds),
    asset: fc.constantFrom('USDT', 'USDC'),
    amount: amountArb,
  }),
);

describe('over any sequence of commands', () => {
  it('the books balance after every one, a rejection changes nothing, and a replay gives the same hash', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const ledger = newLedger();
        const records = [];
        for (const command of [...prices(), ...commands]) {
          const before = stateHash(ledger);
          const answer = execute(ledger, command, context);
          if (answer.kind === 'accepted') {
            records.push({ command: command.id, events: answer.events, body: command });
          } else expect(stateHash(ledger)).toBe(before);
          expect(conservationGaps(ledger, context.venue.instruments).size).toBe(0);
          for (const account of ledger.accounts.values()) {
            // Nothing here borrows: no balance goes below zero.
            for (const balance of account.balances.values()) expect(balance).toBeGreaterThan(0n);
          }
        }
        const replayed = newLedger();
        for (const record of records) {
          const digest = ledger.answered.get(record.command)!.digest;
          applyRecord(replayed, { command: record.command, digest, events: record.events });
        }
        expect(stateHash(replayed)).toBe(stateHash(ledger));
      }),
      { numRuns: 300 },
    );
  });
});
