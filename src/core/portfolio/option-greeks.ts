import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Quantity } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import {
  blackGreeks,
  greekCount,
  greekDelta,
  greekGamma,
  greekTheta,
  greekVega,
  inverseGreeks,
} from '../pricing/greeks.ts';
import { surfaceVolatility } from '../pricing/vol-surface.ts';
import { yearsToExpiry } from './option-premium.ts';

/**
 * A position's greeks, from its model on the market's surface (float64, for the trader's eyes):
 * delta in coins of the underlying, gamma in coins per 1 USD move, vega per volatility point and
 * theta per day, both in the premium currency (quote for linear options, coin for inverse ones).
 */
export interface PositionGreeks {
  readonly delta: number;
  readonly gamma: number;
  readonly vega: number;
  readonly theta: number;
}

export function positionGreeks(
  instrument: Instrument,
  size: Quantity,
  prices: PriceView,
): PositionGreeks {
  const terms = instrument.option!;
  const index = toNumber(prices.assetPrice(instrument.underlying));
  const strike = toNumber(terms.strike);
  const years = yearsToExpiry(instrument, prices.asOfMs);
  const units = toNumber(size) * toNumber(instrument.contractSize);
  // An underlying at zero stays there: a put moves one for one with it, a call not at all.
  if (index === 0) {
    return { delta: terms.right === 'put' ? -units : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const volatility = surfaceVolatility(
    prices.volatility(instrument.underlying),
    Math.log(strike / index),
    years,
  );
  const out = new Float64Array(greekCount);
  if (instrument.settlement === 'inverse') {
    inverseGreeks(terms.right, index, strike, years, volatility, 0, index, out);
  } else {
    blackGreeks(terms.right, index, strike, years, volatility, 0, out);
  }
  return {
    delta: units * out[greekDelta]!,
    gamma: units * out[greekGamma]!,
    vega: (units * out[greekVega]!) / 100,
    theta: (units * out[greekTheta]!) / 365,
  };
}
