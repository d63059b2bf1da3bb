import type { Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor, divTowardZero, floorToStep } from '../num/rounding.ts';

/**
 * What a contract position is worth, in its settle asset:
 * - linear:  notional = |size| × contractSize × mark;  PnL = size × contractSize × (mark − entry)
 * - inverse: notional = |size| × contractSize / mark;  PnL = size × contractSize × (1/entry − 1/mark)
 * - option:  notional = the underlying covered (|size| × contractSize coins for an inverse option,
 *            × the index for a linear one); PnL = size × contractSize × (mark − entry), premiums
 *            being quoted in the settle asset.
 * Notional is a basis for requirements, so it rounds up; PnL rounds down (a gain counts a little
 * less, a loss a little more). `indexPrice` (the underlying's) is needed for linear options only.
 */
export function notional(
  instrument: Instrument,
  size: Quantity,
  mark: Price,
  indexPrice?: Price,
): Amount {
  const whole = wholeContractSize(instrument);
  if (instrument.kind === 'option') {
    if (whole !== 0n && instrument.settlement === 'inverse') return abs(size) * whole;
    const face = abs(size) * instrument.contractSize;
    if (instrument.settlement === 'inverse') return divCeil(face, SCALE);
    assert(indexPrice !== undefined, 'a linear option needs its index price');
    if (whole !== 0n) return divCeil(abs(size) * whole * indexPrice, SCALE);
    return divCeil(face * indexPrice, SCALE * SCALE);
  }
  if (instrument.settlement === 'linear') {
    if (whole !== 0n) return divCeil(abs(size) * whole * mark, SCALE);
    return divCeil(abs(size) * instrument.contractSize * mark, SCALE * SCALE);
  }
  return divCeil(abs(size) * instrument.contractSize, mark);
}

const wholeSizes = new WeakMap<Instrument, bigint>();

/**
 * The contract size as a whole number where it is one (1, 10, 100 of the underlying: most
 * contracts), else 0n. A product with it then takes one division by 10¹⁸ less, of a number 10¹⁸
 * times smaller, to the same exact result: size × (k × 10¹⁸) × p / 10³⁶ = size × k × p / 10¹⁸.
 * Found once per instrument: the exact path computes a notional for every leg it margins.
 */
function wholeContractSize(instrument: Instrument): bigint {
  let whole = wholeSizes.get(instrument);
  if (whole === undefined) {
    const size = instrument.contractSize;
    whole = size % SCALE === 0n ? size / SCALE : 0n;
    wholeSizes.set(instrument, whole);
  }
  return whole;
}

export function unrealisedPnl(
  instrument: Instrument,
  size: Quantity,
  entryPrice: Price,
  mark: Price,
): Amount {
  if (size === 0n) return 0n;
  if (instrument.settlement === 'linear' || instrument.kind === 'option') {
    const whole = wholeContractSize(instrument);
    if (whole !== 0n) return divFloor(size * whole * (mark - entryPrice), SCALE);
    return divFloor(size * instrument.contractSize * (mark - entryPrice), SCALE * SCALE);
  }
  return divFloor(size * instrument.contractSize * (mark - entryPrice), entryPrice * mark);
}

/** Size in base units (contracts × contract size, or the USD face for inverse), absolute. */
export function baseSize(instrument: Instrument, size: Quantity): Quantity {
  const whole = wholeContractSize(instrument);
  if (whole !== 0n) return abs(size) * whole;
  return divCeil(abs(size) * instrument.contractSize, SCALE);
}

/**
 * What a leg adds to its bucket's equity, in its settle asset: a future its unrealised PnL (the
 * cash settles as it accrues), an option its whole market value (its premium changed hands in cash
 * when it traded, so the balance already holds it).
 */
export function equityValue(
  instrument: Instrument,
  size: Quantity,
  entryPrice: Price,
  mark: Price,
): Amount {
  if (instrument.kind !== 'option') return unrealisedPnl(instrument, size, entryPrice, mark);
  const whole = wholeContractSize(instrument);
  if (whole !== 0n) return divFloor(size * whole * mark, SCALE);
  return divFloor(size * instrument.contractSize * mark, SCALE * SCALE);
}

/** A leg's `equityValue` with its realised but unsettled PnL, in its settle asset. */
export function legValue(instrument: Instrument, leg: Leg, mark: Price): Amount {
  const value = equityValue(instrument, leg.size, leg.entryPrice, mark);
  return leg.unsettledPnl === undefined ? value : value + leg.unsettledPnl;
}

/**
 * A linear contract's signed notional (long positive, short negative) at `mark`, truncated toward
 * zero to `step` from the exact product, as dYdX's `BaseToQuoteQuantums` truncates its exact
 * rational: no rounding at 10⁻¹⁸ comes first, so a product a hair below a whole step stays below.
 */
export function netNotional(instrument: Instrument, size: Quantity, mark: Price, step: Amount) {
  assert(isLinearContract(instrument), "a net notional is a linear contract's");
  return divTowardZero(size * instrument.contractSize * mark, SCALE * SCALE * step) * step;
}

/**
 * `notional` truncated to `step` (a liquidity tier's quote notional, an open interest's), from the
 * exact product where the contract is linear; else from `notional` at 10⁻¹⁸.
 */
export function truncatedNotional(
  instrument: Instrument,
  size: Quantity,
  mark: Price,
  step: Amount,
  indexPrice?: Price,
): Amount {
  if (isLinearContract(instrument)) return netNotional(instrument, abs(size), mark, step);
  return floorToStep(notional(instrument, size, mark, indexPrice), step);
}

/**
 * dYdX's net collateral of a position (the rulebook's `netNotionalValue`), in its settle asset:
 * its quote balance, −size × contractSize × entry plus the unsettled PnL, rounded down to `step`
 * (the chain holds it in whole quanta), plus its signed notional at `mark` truncated toward zero
 * (`GetNetCollateralAndMarginRequirements`: NC = net notional + quote balance).
 */
export function netCollateralValue(
  instrument: Instrument,
  leg: Leg,
  mark: Price,
  step: Amount,
): Amount {
  const quote = divFloor(-leg.size * instrument.contractSize * leg.entryPrice, SCALE * SCALE);
  const balance = floorToStep(quote + (leg.unsettledPnl ?? 0n), step);
  return balance + netNotional(instrument, leg.size, mark, step);
}

/** A future or perpetual settled in its quote asset: what dYdX lists. */
export function isLinearContract(instrument: Instrument): boolean {
  return instrument.kind !== 'option' && instrument.settlement === 'linear';
}
