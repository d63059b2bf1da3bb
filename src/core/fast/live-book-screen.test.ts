import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  deribitOptionRule,
  flatCollateral,
  inversePerp,
  linearPerp,
  option,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { Account, Position } from '../model/account.ts';
import type { MarginRule, Rulebook } from '../model/rulebook.ts';
import { LiveBook } from './live-book.ts';

// Which accounts a mark tick may screen (live-book.ts `anchor`): those whose every leg is a
// future or perpetual under brackets, in cross, without open orders, on a rulebook without a
// closing fee or a profit weight. Every other kind moves with the mark in ways the screen's bound
// does not cover, and must be re-margined on every tick.

const linear = linearPerp('L', 'BTC');
const inverse = inversePerp('I', 'BTC');
const call = option('C', 'BTC', 'call', '90000', 'inverse');
const rules = (rule: MarginRule = binanceLikeBrackets, extra: Partial<Rulebook> = {}): Rulebook => {
  const book = rulebook(
    { L: rule, I: binanceLikeBrackets },
    new Map([
      ['USDT', flatCollateral('1')],
      ['BTC', flatCollateral('0.95')],
    ]),
  );
  return {
    ...book,
    instruments: new Map([...book.instruments, ['C', deribitOptionRule]]),
    ...extra,
  };
};
const market = {
  assetPrices: new Map([
    ['USDT', d('1')],
    ['BTC', d('100000')],
  ]),
  markPrices: new Map([
    ['L', d('100000')],
    ['I', d('100000')],
    ['C', d('0.1')],
  ]),
};
const position = (instrument: string, size: string, extra: Partial<Position> = {}): Position => ({
  instrument,
  size: d(size),
  entryPrice: instrument === 'C' ? d('0.1') : d('100000'),
  marginMode: 'cross',
  isolatedMargin: 0n,
  ...extra,
});
const account = (positions: Position[], extra: Partial<Account> = {}): Account => ({
  id: 'a',
  balances: new Map([
    ['USDT', d('100000')],
    ['BTC', d('1')],
  ]),
  positions,
  openOrders: [],
  ...extra,
});

/** The budget an anchor of 1,000 leaves the account's row: 1,000 where it is screened, else 0. */
function anchored(holder: Account, book: Rulebook = rules()): number {
  const live = new LiveBook([holder], venue([linear, inverse, call], book), market);
  live.anchor(0, 1_000);
  return live.budget[0]!;
}

describe('the accounts a mark tick screens', () => {
  it('are those with linear and inverse legs under brackets, in cross, without orders', () => {
    expect(anchored(account([position('L', '1')]))).toBe(1_000);
    expect(anchored(account([position('L', '-1'), position('I', '300')]))).toBe(1_000);
    // No room, no screen.
    const live = new LiveBook(
      [account([position('L', '1')])],
      venue([linear, inverse, call], rules()),
      market,
    );
    live.anchor(0, 0);
    expect(live.budget[0]).toBe(0);
  });

  it.each<[string, Account, Rulebook?]>([
    ['an option', account([position('L', '1'), position('C', '-1')])],
    [
      'an option, whatever its rule',
      account([position('C', '-1')]),
      {
        ...rules(),
        instruments: new Map([...rules().instruments, ['C', binanceLikeBrackets]]),
      },
    ],
    [
      'an isolated position',
      account([
        position('L', '1'),
        position('I', '100', { marginMode: 'isolated', isolatedMargin: d('0.01') }),
      ]),
    ],
    [
      'an open order',
      account([position('L', '1')], {
        openOrders: [
          { id: 'o', instrument: 'L', side: 'sell', size: d('0.5'), price: d('110000') },
        ],
      }),
    ],
    [
      'a rule margined at the index',
      account([position('L', '1')]),
      rules({ ...binanceLikeBrackets, marginPrice: 'index' } as MarginRule),
    ],
    [
      'a rule margined at the entry',
      account([position('L', '1')]),
      rules({ ...binanceLikeBrackets, marginPrice: 'entry' } as MarginRule),
    ],
    [
      'a size premium',
      account([position('L', '1')]),
      rules({
        kind: 'size-premium',
        initialRate: d('0.02'),
        maintenanceRate: d('0.01'),
        premium: { curve: 'linear', ratePerUnit: d('0.0000001'), appliesTo: 'both' },
      } as MarginRule),
    ],
    [
      'a closing fee',
      account([position('L', '1')]),
      rules(undefined, {
        closingFee: {
          takerRate: d('0.0005'),
          valuedAt: 'notional',
          inMaintenance: true,
          inInitial: false,
        },
      }),
    ],
    [
      'a weight on profit',
      account([position('L', '1')]),
      rules(undefined, {
        unrealisedProfit: {
          initialWeight: d('0.5'),
          maintenanceWeight: d('1'),
          instruments: new Map(),
        },
      }),
    ],
  ])('are not those with %s', (_name, holder, book) => {
    expect(anchored(holder, book)).toBe(0);
  });
});
