import { describe, expect, it } from 'vitest';
import { account, d, flatCollateral, rulebook, venue } from '../../../test/kit.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { debtCover } from './debt-cover.ts';

// debtCover on its own, each figure worked by hand (the engine's cases: src/core/engine/
// debt-cover.test.ts). USDT to the cent, BTC to the satoshi; SOL has no collateral rule.
const units = venue(
  [],
  rulebook(
    {},
    new Map<string, CollateralRule>([
      ['USDT', { ...flatCollateral('1'), unit: d('0.01') }],
      ['BTC', { ...flatCollateral('0.95'), unit: d('0.00000001') }],
      ['ETH', flatCollateral('0.9')],
    ]),
  ),
);
const prices = marketView({
  assetPrices: new Map([
    ['USDT', d('1')],
    ['BTC', d('90000')],
    ['ETH', d('3000')],
    ['SOL', d('150')],
    ['LUNA', 0n],
  ]),
  markPrices: new Map(),
});
const unlimited = () => d('1000000000');
const bucketOf = (balances: Record<string, string>) => bucketsOf(account(balances, []), units)[0]!;

describe('a debt covered by the fund', () => {
  it('credits the negative balances in asset order, each ⌈what is left / price⌉ to its unit, no more than owed', () => {
    // Listed USDT first; covered BTC first. 100 USD: BTC −0.001 (90 USD) whole, then 10 of USDT's
    // −50; ETH, held, gets nothing.
    const bucket = bucketOf({ USDT: '-50', BTC: '-0.001', ETH: '0.01' });
    expect(debtCover(units, bucket, d('100'), prices, unlimited)).toEqual([
      { asset: 'BTC', amount: d('0.001') },
      { asset: 'USDT', amount: d('10') },
    ]);
  });

  it('rounds each share up to the unit: 45.001 USD is 0.00050002 BTC', () => {
    // 45.001 / 90,000 = 0.000500011…: up to 0.00050002 (45.0018 USD, at least the debt).
    const bucket = bucketOf({ USDT: '0', BTC: '-0.01' });
    expect(debtCover(units, bucket, d('45.001'), prices, unlimited)).toEqual([
      { asset: 'BTC', amount: d('0.00050002') },
    ]);
  });

  it('no more than the fund may pay of an asset, on the unit, rounded down', () => {
    const bucket = bucketOf({ USDT: '-80', BTC: '-0.001' });
    const room = (asset: string) => (asset === 'BTC' ? d('0.000400009') : d('12.345'));
    // BTC: 0.000400009 down to 0.00040000 (36 USD); USDT: 12.345 down to 12.34.
    expect(debtCover(units, bucket, d('100'), prices, room)).toEqual([
      { asset: 'BTC', amount: d('0.0004') },
      { asset: 'USDT', amount: d('12.34') },
    ]);
  });

  it('passes over an asset with no price (a collateral gone to zero) and one with no rule, to the unit 1e-18', () => {
    const bucket = bucketOf({ LUNA: '-1000', SOL: '-1', USDT: '-500' });
    // LUNA has no price: none of it can be valued, none covered. SOL (no unit: 1e-18) covers
    // 150 of the 200; USDT the last 50.
    expect(debtCover(units, bucket, d('200'), prices, unlimited)).toEqual([
      { asset: 'SOL', amount: d('1') },
      { asset: 'USDT', amount: d('50') },
    ]);
  });

  it('covers nothing where the fund can pay nothing, or nothing is owed', () => {
    expect(debtCover(units, bucketOf({ USDT: '-5' }), d('5'), prices, () => 0n)).toEqual([]);
    expect(debtCover(units, bucketOf({ USDT: '5' }), d('5'), prices, unlimited)).toEqual([]);
  });
});
