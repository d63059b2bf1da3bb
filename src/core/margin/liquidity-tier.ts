import type { LiquidityTierRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { max, min, ONE, SCALE } from '../num/fixed.ts';
import {
  ceilToStep,
  divFloor,
  floorToStep,
  mulCeil,
  mulFloor,
  ratioCeil,
} from '../num/rounding.ts';
import type { RequirementKind } from './requirement-kind.ts';

/**
 * dYdX v4's liquidity tiers, with the chain's own arithmetic (dydxprotocol/v4-chain):
 * protocol/x/perpetuals/lib/lib.go `GetMarginRequirementsInQuoteQuantums` and
 * protocol/x/perpetuals/types/liquidity_tier.go `GetInitialMarginQuoteQuantums`,
 * `GetAdjustedInitialMarginPpm`, `GetMaintenanceMarginPpm`. The rates are whole ppm; the chain's
 * quote quantum is the settle asset's `unit` (0.000001 USDC); without a unit the fixed point's own
 * 1e-18 is the step.
 */

/** One part per million at the fixed-point scale: dYdX's rates are whole multiples of it. */
export const ppm: Ratio = SCALE / 1_000_000n;

export function isWholePpm(rate: Ratio): boolean {
  return rate % ppm === 0n;
}

/**
 * The tier's maintenance margin fraction as the chain states it: initial × fraction, floored at
 * ppm (`GetMaintenanceMarginPpm`, used for the funding clamp and for display). A requirement does
 * not use it: it multiplies the rounded-up base initial margin by the fraction instead.
 */
export function maintenanceRateOf(rule: LiquidityTierRule): Ratio {
  return floorToStep(mulFloor(rule.initialRate, rule.maintenanceFraction), ppm);
}

/**
 * The initial margin fraction scaled by the market's open interest (`GetAdjustedInitialMarginPpm`):
 * the base rate at or below the lower cap, 1 at or above the upper, and between them the base plus
 * (1 − base) × (OI − lower) / (upper − lower), that increase rounded down to a whole ppm as the chain
 * rounds it. `openInterestNotional` is the market's open interest valued in the settle asset.
 */
export function openInterestRate(
  rule: LiquidityTierRule,
  openInterestNotional: Amount | undefined,
): Ratio {
  const caps = rule.openInterestCaps;
  if (caps === undefined) return rule.initialRate;
  // Input validation refuses a portfolio that holds such a market without its open interest.
  assert(openInterestNotional !== undefined, 'a rule scaled by open interest needs it');
  if (openInterestNotional <= caps.lower) return rule.initialRate;
  if (openInterestNotional >= caps.upper) return ONE;
  const headroomPpm = divFloor(ONE - rule.initialRate, ppm);
  const increasePpm = divFloor(
    headroomPpm * (openInterestNotional - caps.lower),
    caps.upper - caps.lower,
  );
  return rule.initialRate + increasePpm * ppm;
}

/**
 * The rate a leverage setting asks for: dYdX keeps it as a whole-ppm IMF (`custom_imf_ppm`, at
 * most 100 %), so 1 / leverage is rounded up to a ppm here.
 */
export function leverageRate(leverage: Ratio): Ratio {
  assert(leverage > 0n, 'leverage must be positive');
  return min(ceilToStep(ratioCeil(ONE, leverage), ppm), ONE);
}

/**
 * A position's requirement under a liquidity tier, in the settle asset, at the chain's steps:
 * the notional truncated to the unit; the base initial margin rounded up to it; maintenance the
 * rounded-up product of that base and the fraction (the open interest never scales it); initial
 * margin the notional × max(OI-scaled rate, leverage rate), rounded up.
 */
export function liquidityTierRequirement(
  rule: LiquidityTierRule,
  kind: RequirementKind,
  notional: Amount,
  openInterestNotional: Amount | undefined,
  leverage: Ratio | undefined,
  unit: Amount | undefined,
): Amount {
  const step = unit ?? 1n;
  const quote = floorToStep(notional, step);
  if (kind === 'maintenance') {
    const baseInitial = ceilToStep(mulCeil(quote, rule.initialRate), step);
    return ceilToStep(mulCeil(baseInitial, rule.maintenanceFraction), step);
  }
  let rate = openInterestRate(rule, openInterestNotional);
  if (leverage !== undefined) rate = max(rate, leverageRate(leverage));
  return ceilToStep(mulCeil(quote, rate), step);
}
