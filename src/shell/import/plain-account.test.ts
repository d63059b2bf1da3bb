import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookFile } from '../../../bench/book-file.ts';
import { readPlainAccount } from './plain-account.ts';
import { readAccount, readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { Reader } from './reader.ts';

/**
 * The plain reader (plain-account.ts) and readAccount are one reader: wherever the plain one
 * reads an account, readAccount reads the same account from the same JSON and reports nothing;
 * wherever readAccount would report an issue, the plain one leaves the account to it.
 */
const doc = JSON.parse(bookFile({ accounts: 40, seed: 3 })) as {
  assets: { id: string }[];
  accounts: Record<string, unknown>[];
};
const portfolio = readPortfolio(doc, () => readPreset('binance-usdm'), Date.UTC(2026, 0, 1));
const instruments = new Map(portfolio.venue.instruments);
const assets = new Set(doc.assets.map((asset) => asset.id));

function slowRead(json: unknown) {
  const issues: string[] = [];
  const ownLeverage: number[] = [];
  const account = readAccount(
    new Reader(json, 'accounts[0]', issues),
    assets,
    instruments,
    new Map(),
    ownLeverage,
  );
  return { account, issues, ownLeverage: ownLeverage[0] };
}

/** Mostly what the reader accepts, now and then what it refuses. */
const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
/** Mostly absent. */
const rarely = (arbitrary: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const decimal = often(
  fc.constantFrom('1', '0.5', '2', '20', '-2.25'),
  fc.constantFrom<unknown>(
    '0',
    '125',
    '126',
    '1e3',
    'abc',
    '0.0000000000000000001',
    '99999999999999999999999',
    '',
    1.5,
    null,
    true,
    [],
    {},
  ),
);
const instrument = often(
  fc.constantFrom('BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'),
  fc.constantFrom<unknown>('NOPE', '', 7, null),
);
const asset = often(fc.constantFrom('USDT', 'BTC', 'ETH'), fc.constant('NOPE'));
const position = fc.record({
  instrument,
  size: decimal,
  entryPrice: decimal,
  marginMode: often(fc.constantFrom('cross', 'isolated', undefined), fc.constant('portfolio')),
  isolatedMargin: fc.oneof(fc.constant(undefined), decimal),
  leverage: fc.oneof(fc.constant(undefined), decimal),
  side: rarely(fc.constantFrom('long', 'short')),
  unsettledPnl: rarely(decimal),
  note: rarely(fc.constant('x')),
});
const order = fc.record({
  instrument,
  side: often(fc.constantFrom('buy', 'sell'), fc.constant('both')),
  size: decimal,
  price: decimal,
  spotMarket: rarely(fc.constant('BTC/USDT')),
});
const account = fc.record({
  id: often(fc.constantFrom('acct-1', 'b'), fc.constantFrom<unknown>('', 'x'.repeat(201), 5)),
  balances: often(fc.dictionary(asset.map(String), decimal, { maxKeys: 3 }), fc.constant(null)),
  positions: often(fc.array(position, { maxLength: 4 }), fc.constant(null)),
  openOrders: rarely(fc.array(order, { maxLength: 3 })),
  leverage: rarely(fc.dictionary(instrument.map(String), decimal, { maxKeys: 2 })),
  rulebook: rarely(fc.constant('house')),
  poolMode: rarely(fc.constantFrom('cross', 'portfolio')),
  note: rarely(fc.constant('x')),
});

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('readPlainAccount', () => {
  it('reads an account only where readAccount reads the same one without an issue', () => {
    let plain = 0;
    fc.assert(
      // As a file gives it: an absent field is no key at all.
      fc.property(account.map(asJson), (json) => {
        const fast = readPlainAccount(json, assets, instruments);
        const slow = slowRead(json);
        if (fast === undefined) return;
        plain += 1;
        expect(slow.issues).toEqual([]);
        expect(fast.account).toEqual(slow.account);
        expect(fast.ownLeverage).toBe(slow.ownLeverage);
      }),
      { numRuns: 3000 },
    );
    // The generator reaches the plain reader's accounts, not only the ones it leaves.
    expect(plain).toBeGreaterThan(30);
  });

  it("reads every account of the benchmark's book, as readAccount does", () => {
    for (const json of doc.accounts) {
      const fast = readPlainAccount(json, assets, instruments);
      expect(fast).toBeDefined();
      expect(fast!.account).toEqual(slowRead(json).account);
    }
    const isolated = doc.accounts.find((json) =>
      (json.positions as { marginMode?: string }[]).some((p) => p.marginMode === 'isolated'),
    );
    expect(readPlainAccount(isolated, assets, instruments)?.account.positions).toContainEqual(
      expect.objectContaining({ marginMode: 'isolated' }),
    );
  });

  it('leaves to readAccount what it would report', () => {
    const json = doc.accounts[0]! as { positions: Record<string, unknown>[] };
    const position = json.positions[0]!;
    // Read by readAccount, issue or none: a named rulebook, a hedge side.
    expect(readPlainAccount({ ...json, rulebook: 'house' }, assets, instruments)).toBeUndefined();
    const side = { ...json, positions: [{ ...position, size: '1', side: 'long' }] };
    expect(readPlainAccount(side, assets, instruments)).toBeUndefined();
    expect(slowRead(side).issues).toEqual([]);
    const cases: unknown[] = [
      { ...json, positions: [position, position] },
      { ...json, positions: [{ ...position, size: '0' }] },
      { ...json, positions: [{ ...position, marginMode: 'isolated' }] },
      { ...json, positions: [{ ...position, isolatedMargin: '5' }] },
      {
        ...json,
        positions: [{ ...position, leverage: '1' }],
        leverage: { [position.instrument as string]: '2' },
      },
      { ...json, balances: { USDT: 1 } },
      null,
    ];
    for (const bad of cases) {
      expect(readPlainAccount(bad, assets, instruments)).toBeUndefined();
      if (bad !== null) expect(slowRead(bad).issues).not.toEqual([]);
    }
  });
});
