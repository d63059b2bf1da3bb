import { type Amount, abs, min, type Ratio } from '../num/fixed.ts';
import { floorToStep, mulFloor } from '../num/rounding.ts';

/**
 * What a liquidation fill pays the insurance fund, negative where the fund covers a loss, as
 * dYdX v4 defines it (dydxprotocol/v4-chain protocol/x/clob/keeper/liquidations.go
 * `GetLiquidationInsuranceFundDelta`). The fill is set against a close at the bankruptcy price
 * (both as what the account receives, negative where it pays): worse than that close, the fund
 * covers the difference and no fee is charged; better, the account pays the liquidation fee,
 * `feeRate` of the fill's value rounded down to the settle asset's `unit`, never more than the fill
 * left it above the bankruptcy close (so the fee never makes a deficit).
 */
export function insuranceFundDelta(
  received: Amount,
  receivedAtBankruptcy: Amount,
  feeRate: Ratio,
  unit: Amount,
): Amount {
  const above = received - receivedAtBankruptcy;
  if (above <= 0n) return above;
  return min(floorToStep(mulFloor(abs(received), feeRate), unit), above);
}
