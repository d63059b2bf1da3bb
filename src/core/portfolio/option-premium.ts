import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import { toNumber } from '../num/fixed.ts';
import { blackPrice } from '../pricing/black.ts';
import { shockedSurfaceVolatility, type VolShock } from '../pricing/vol-shock.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';
import { yearMs } from '../pricing/year.ts';

/**
 * An option's model premium per unit of underlying, in its premium currency (the quote for a
 * linear option, the coin for an inverse one), with the underlying at `indexPrice`, its surface
 * shocked by `shock`, and `lookaheadYears` of time value gone. The float64 zone: risk arrays and
 * scenario searches take differences of these, never a ledger amount.
 *
 * The forward is the index (rates are 0 for crypto options settled against the index, and the
 * basis between a dated future and the index is charged separately).
 */
export function optionPremium(
  instrument: Instrument,
  indexPrice: number,
  surface: VolSurface,
  asOfMs: number,
  shock: VolShock,
  lookaheadYears: number,
): number {
  const terms = instrument.option;
  assert(terms !== undefined, 'a premium needs an option');
  const strike = toNumber(terms.strike);
  const years = Math.max(0, yearsToExpiry(instrument, asOfMs) - lookaheadYears);
  // An underlying at zero stays there: the option is worth its intrinsic value (rates are 0).
  if (indexPrice === 0) return intrinsicAtZero(instrument);
  const volatility = shockedSurfaceVolatility(surface, Math.log(strike / indexPrice), years, shock);
  const usd = blackPrice(terms.right, indexPrice, strike, years, volatility, 0);
  return instrument.settlement === 'inverse' ? usd / indexPrice : usd;
}

/**
 * A linear option's value with its underlying at zero: a call nothing, a put its strike. (An
 * inverse option's coin at zero is refused at input: its premium in coin has no value.)
 */
export function intrinsicAtZero(instrument: Instrument): number {
  assert(instrument.settlement === 'linear', 'an inverse option needs its coin above zero');
  return instrument.option!.right === 'call' ? 0 : toNumber(instrument.option!.strike);
}

/** An option's time to expiry from the valuation instant, in years of 365.25 days (≥ 0). */
export function yearsToExpiry(instrument: Instrument, asOfMs: number): number {
  assert(instrument.expiryMs !== undefined, 'an option has an expiry');
  return Math.max(0, (instrument.expiryMs - asOfMs) / yearMs);
}
