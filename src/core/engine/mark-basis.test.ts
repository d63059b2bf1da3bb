import { describe, expect, it } from 'vitest';
import { d, linearPerp } from '../../../test/kit.ts';
import { newLedger } from '../ledger/ledger.ts';
import type { Instrument } from '../model/instrument.ts';
import { cappedMark } from './mark-basis.ts';

// A mark held within its basis cap of the index (S30): the band is the underlying's price over
// the quote's, × (1 ± cap), rounded inwards. Figures worked with Python's decimal at 60 digits.

const perp = linearPerp('BTCUSDT', 'BTC');
const ledger = newLedger();
ledger.assetPrices.set('BTC', d('95000.33'));
ledger.assetPrices.set('USDT', d('0.9997'));
const cap = d('0.03');

describe('a mark within its basis cap', () => {
  it('is held at the band’s edge, rounded inwards, where it is beyond it', () => {
    // 95,000.33 × 1.03 / 0.9997 = 97,879.7038111433430029008702…: down to the unit.
    expect(cappedMark(ledger, perp, d('120000'), cap)).toBe(d('97879.7038111433430029'));
    // 95,000.33 × 0.97 / 0.9997 = 92,177.9734920476142842852855…: up to the unit.
    expect(cappedMark(ledger, perp, d('1'), cap)).toBe(d('92177.973492047614284286'));
  });

  it('is as sent within the band, and for an option or a contract whose index is not there', () => {
    expect(cappedMark(ledger, perp, d('97879.7'), cap)).toBe(d('97879.7'));
    const option: Instrument = { ...perp, id: 'BTC-C', kind: 'option' } as Instrument;
    expect(cappedMark(ledger, option, d('120000'), cap)).toBe(d('120000'));
    expect(cappedMark(ledger, linearPerp('ETHUSDT', 'ETH'), d('1'), cap)).toBe(d('1'));
    // Its quote not priced, or at zero: no index in the quote to hold it to.
    expect(cappedMark(ledger, linearPerp('BTCUSDC', 'BTC', { quote: 'USDC' }), d('1'), cap)).toBe(
      d('1'),
    );
    const unpriced = newLedger();
    unpriced.assetPrices.set('BTC', d('95000'));
    unpriced.assetPrices.set('USDT', 0n);
    expect(cappedMark(unpriced, perp, d('1'), cap)).toBe(d('1'));
  });
});
