import { notional } from '../margin/contract-value.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { type Amount, min, type Price, type Quantity, type Ratio } from '../num/fixed.ts';
import { floorToStep, mulFloor } from '../num/rounding.ts';

/**
 * What a liquidation fill pays the insurance fund, negative where the fund covers a loss, as
 * dYdX v4 defines it (dydxprotocol/v4-chain protocol/x/clob/keeper/liquidations.go
 * `GetLiquidationInsuranceFundDelta`). `above` is what the fill left the account over a close of
 * the same size at the bankruptcy price (null: no price bankrupts the close), `value` the fill's
 * value in the settle asset: below bankruptcy the fund covers the difference and no fee is
 * charged; above it the account pays the liquidation fee (`liquidationFee`), never more than
 * `above` (so the fee never makes a deficit).
 */
export function insuranceFundDelta(
  above: Amount | null,
  value: Amount,
  feeRate: Ratio,
  unit: Amount,
): Amount {
  // Never below zero, so at or below bankruptcy the smaller is the fund's cover.
  const fee = liquidationFee(value, feeRate, unit);
  return above === null ? fee : min(fee, above);
}

/** The liquidation fee on a fill worth `value`: `feeRate` of it, down to the settle `unit`. */
export function liquidationFee(value: Amount, feeRate: Ratio, unit: Amount): Amount {
  return floorToStep(mulFloor(value, feeRate), unit);
}

/** A liquidation fill's value, in its settle asset: what the fee is charged on. */
export function liquidationValue(
  instrument: Instrument,
  size: Quantity,
  price: Price,
  prices: PriceView,
): Amount {
  // An option's value is the underlying it covers, at its index.
  if (instrument.kind !== 'option') return notional(instrument, size, price);
  return notional(instrument, size, price, prices.assetPrice(instrument.underlying));
}

/** The settle asset's smallest unit, where the rulebook gives one; else the ledger's. */
export function settleUnit(venue: Venue, instrument: Instrument): Amount {
  return venue.rulebook.collateral.get(instrument.settle)?.unit ?? 1n;
}
