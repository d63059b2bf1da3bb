import { describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  flatCollateral,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { newLedger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { FeedState } from '../ledger/price-feed.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { indexAccepted, redeemedCap } from './redemption-cap.ts';

// A wrapped token valued at no more than it redeems for (S2). The rate has 18 decimals so that
// its product with a price does not end at the unit: 1.070000000000000007 × 3,800.33 =
// 4,066.35310000000002660231, and 1.070000000000000007 × 3,700.01 = 3,959.01070000000002590007.

const rate = d('1.070000000000000007');
const wrapped: CollateralRule = { ...flatCollateral('0.9'), redemption: { asset: 'ETH', rate } };
const book = rulebook(
  { ETHUSDT: binanceLikeBrackets },
  new Map<string, CollateralRule>([
    ['USDT', flatCollateral('1')],
    ['ETH', flatCollateral('0.95')],
    ['wBETH', wrapped],
  ]),
);
const lido = venue([linearPerp('ETHUSDT', 'ETH')], book);
const feed = (price: string, sequence = 1): FeedState => ({
  last: { sequence, timeMs: 0, price: d(price) },
  held: [],
  sequence,
});

describe('a wrapped token’s price', () => {
  it('is the lower of its own and what it redeems for, rounded down', () => {
    const eth = (asset: string) => (asset === 'ETH' ? d('3800.33') : undefined);
    expect(redeemedCap(lido, 'wBETH', d('5000'), eth)).toBe(d('4066.353100000000026602'));
    expect(redeemedCap(lido, 'wBETH', d('4000'), eth)).toBe(d('4000'));
    // No ETH price yet, or no redemption: its own.
    expect(redeemedCap(lido, 'wBETH', d('5000'), () => undefined)).toBe(d('5000'));
    expect(redeemedCap(lido, 'ETH', d('5000'), eth)).toBe(d('5000'));
  });

  it('moves with its underlying only while the cap binds', () => {
    const ledger = newLedger();
    ledger.assetPrices.set('ETH', d('3800.33'));
    // Its own tick at 4,100, above 4,066.35…: applied at the cap, the feed keeping 4,100.
    const own = indexAccepted(ledger, lido, 'wBETH', feed('4100'));
    expect(own).toEqual([
      {
        type: 'price_accepted',
        feed: 'index:wBETH',
        state: feed('4100'),
        applied: d('4066.353100000000026602'),
      },
    ]);
    ledger.feeds.set('index:wBETH', feed('4100'));
    ledger.assetPrices.set('wBETH', d('4066.353100000000026602'));
    // ETH falls to 3,700.01: the cap falls with it, and wBETH's price follows in the same record.
    const eth: LedgerEvent[] = indexAccepted(ledger, lido, 'ETH', feed('3700.01', 2));
    expect(eth).toEqual([
      { type: 'price_accepted', feed: 'index:ETH', state: feed('3700.01', 2) },
      {
        type: 'price_accepted',
        feed: 'index:wBETH',
        state: feed('4100'),
        applied: d('3959.010700000000025900'),
      },
    ]);
    // ETH back up to 3,900: the cap (4,173.00…) no longer binds, and wBETH is at its own 4,100,
    // with no applied price of its own.
    expect(indexAccepted(ledger, lido, 'ETH', feed('3900', 3))).toEqual([
      { type: 'price_accepted', feed: 'index:ETH', state: feed('3900', 3) },
      { type: 'price_accepted', feed: 'index:wBETH', state: feed('4100') },
    ]);
    // Trading below what it redeems for, its price is its own: ETH's move leaves it; so does it
    // leave an asset that redeems for nothing (USDT, its feed there) and a token whose feed has
    // no price yet.
    ledger.feeds.set('index:wBETH', feed('3900'));
    ledger.assetPrices.set('wBETH', d('3900'));
    ledger.feeds.set('index:USDT', feed('1'));
    expect(indexAccepted(ledger, lido, 'ETH', feed('3800.33', 4))).toHaveLength(1);
    ledger.feeds.set('index:wBETH', { held: [feed('5000').last!], sequence: 2 });
    ledger.assetPrices.delete('wBETH');
    expect(indexAccepted(ledger, lido, 'ETH', feed('3700.01', 5))).toHaveLength(1);
  });
});
