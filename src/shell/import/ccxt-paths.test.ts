import { describe, expect, it } from 'vitest';
import { PathMap } from './ccxt-paths.ts';

describe('the way back from the portfolio form to the ccxt file', () => {
  const paths = new PathMap()
    .renamed('market.assetPrices', 'assetPrices')
    .whole('accounts[0].positions', 'positions')
    .whole('accounts[0].positions[0]', 'positions[2]')
    .whole('accounts[0].positions[0].size', 'positions[2].contracts')
    .whole('instruments[0]', 'positions[2].symbol')
    .whole('accounts[0].leverage.BTCUSDT', 'positions[2].leverage');

  it('an exact path, the longest prefix, and a renamed one keeping its rest', () => {
    expect(paths.issue('accounts[0].positions[0].size: must not be zero')).toBe(
      'positions[2].contracts: must not be zero',
    );
    expect(paths.issue('accounts[0].positions[0].entryPrice.x: bad')).toBe('positions[2]: bad');
    expect(paths.issue('instruments[0].expiry: has already passed')).toBe(
      'positions[2].symbol: has already passed',
    );
    expect(paths.issue('market.assetPrices.BTC: must be a decimal')).toBe(
      'assetPrices.BTC: must be a decimal',
    );
    expect(paths.issue('accounts[0].positions[1]: duplicate')).toBe('positions: duplicate');
  });

  it('paths inside a message are turned back too, words are not', () => {
    expect(
      paths.issue('accounts[0].balances.BTC: asset "BTC" has no price in market.assetPrices'),
    ).toBe('accounts[0].balances.BTC: asset "BTC" has no price in assetPrices');
    expect(
      paths.issue('rulebook: instruments is a word, accounts[0].leverage.BTCUSDT a path'),
    ).toBe('rulebook: instruments is a word, positions[2].leverage a path');
  });
});
