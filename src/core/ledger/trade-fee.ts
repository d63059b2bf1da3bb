import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { abs, max, min, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';

/**
 * A trading fee, in the instrument's settle asset: `rate` × the trade's value, where the value is
 * what venues charge on —
 * - linear futures: |size| × contractSize × price in the quote (Binance USDⓈ-M, Bybit: "order
 *   value × fee rate"), e.g. 0.4 BTC × 6,000 × 0.055 % = 1.32 USDT;
 * - inverse futures: |size| × contractSize / price in the coin (Binance COIN-M, Bybit, BitMEX:
 *   "quantity / price × fee rate");
 * - options: the underlying the contracts cover (Deribit, Binance and OKX options charge on the
 *   underlying, not the premium): |size| × contractSize coins for an inverse option, × the index
 *   for a linear one; capped, where the venue caps it, at a share of the premium (Deribit: "can
 *   never be higher than 12.5% of the options price": an option traded at 0.0001 BTC pays
 *   0.0000125 BTC, not 0.0003).
 * A positive rate is a fee the trader pays, a negative one a rebate the trader receives. Either
 * way the amount is rounded up from the exact product — a fee a little more, a rebate a little
 * less — against the trader: `divCeil(value × rate)`.
 */
export function tradeFee(
  instrument: Instrument,
  size: Quantity,
  price: Price,
  rate: Ratio,
  option: { readonly indexPrice?: Price; readonly premiumCap?: Ratio } = {},
): Amount {
  const face = abs(size) * instrument.contractSize;
  if (instrument.kind === 'option') {
    const { indexPrice, premiumCap } = option;
    let fee: Amount;
    if (instrument.settlement === 'inverse') fee = divCeil(face * rate, SCALE * SCALE);
    else {
      assert(indexPrice !== undefined && indexPrice > 0n, "a linear option's fee needs its index");
      fee = divCeil(face * indexPrice * rate, SCALE * SCALE * SCALE);
    }
    if (premiumCap === undefined) return fee;
    // The cap is the trader's protection: a fee's cap rounds up, a rebate's down (the venue's way).
    const cap = face * price * premiumCap;
    return fee >= 0n
      ? min(fee, divCeil(cap, SCALE * SCALE * SCALE))
      : max(fee, -divFloor(cap, SCALE * SCALE * SCALE));
  }
  if (instrument.settlement === 'linear')
    return divCeil(face * price * rate, SCALE * SCALE * SCALE);
  assert(price > 0n, 'an inverse fee needs a positive price');
  return divCeil(face * rate, price * SCALE);
}

/**
 * The share of `fee` that falls on `part` of `whole` contracts (a flip's close), rounded up; the
 * rest is the other part's, so the two parts sum to the whole fee exactly and no rounding leaves
 * the venue: the trader pays the one fee of the whole fill, as the fee account receives it.
 */
export function apportionedFee(fee: Amount, part: Quantity, whole: Quantity): Amount {
  assert(whole !== 0n, 'a fee is apportioned over a traded size');
  assert(abs(part) <= abs(whole), 'a part is at most the whole');
  return divCeil(fee * abs(part), abs(whole));
}
