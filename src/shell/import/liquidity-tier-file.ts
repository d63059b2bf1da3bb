import { amountMax } from '../../core/limits.ts';
import { isWholePpm } from '../../core/margin/liquidity-tier.ts';
import type { LiquidityTierRule, MarginPrice } from '../../core/model/rulebook.ts';
import type { Amount, Ratio } from '../../core/num/fixed.ts';
import { formatFixed, ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';

const fraction = { min: nonNegative, max: atMost(ONE, '1') };
const cap = { min: nonNegative, max: atMost(amountMax, 'the amount limit') };

/**
 * dYdX v4's liquidity tier (docs/rulebook-format.md): `initialRate` and `maintenanceFraction` as
 * decimals of whole ppm (the chain's `initial_margin_ppm`, `maintenance_fraction_ppm`), and
 * optionally both open-interest caps, in the settle asset (`open_interest_lower_cap`,
 * `open_interest_upper_cap`, quote quantums on chain), lower ≤ upper.
 */
export function readLiquidityTier(
  reader: Reader,
  marginPrice: MarginPrice | undefined,
): LiquidityTierRule {
  reader.only([
    'kind',
    'initialRate',
    'maintenanceFraction',
    'openInterestLowerCap',
    'openInterestUpperCap',
    'marginPrice',
  ]);
  const issues = reader.issues.length;
  const initialRate = wholePpm(reader, 'initialRate');
  const maintenanceFraction = wholePpm(reader, 'maintenanceFraction');
  // A rate that did not read is 0: comparing it would add a false issue.
  if (reader.issues.length === issues) {
    checkMaintenanceRoom(reader, initialRate, maintenanceFraction);
  }
  const lower = reader.field('openInterestLowerCap').optionalDecimal(cap);
  const upper = reader.field('openInterestUpperCap').optionalDecimal(cap);
  const caps = openInterestCaps(reader, lower, upper);
  return {
    kind: 'liquidity-tier',
    initialRate,
    maintenanceFraction,
    ...(caps === undefined ? {} : { openInterestCaps: caps }),
    ...(marginPrice === undefined ? {} : { marginPrice }),
  };
}

/**
 * Maintenance (initial × fraction) below initial margin (at least initial × 1): a fraction of 1,
 * or an initial rate of 0 (both nothing), makes them equal (issue 8). Within the chain's rounding
 * a position whose base initial margin is a quantum or two may still round to equal margins, as
 * on the chain itself: that is dust, and left as dYdX computes it.
 */
function checkMaintenanceRoom(reader: Reader, initialRate: Ratio, fraction: Ratio): void {
  const why =
    'maintenance must stay below initial margin, or an order that passes the initial check is ' +
    'liquidatable at once';
  if (fraction >= ONE) {
    reader
      .field('maintenanceFraction')
      .fail(`${formatFixed(fraction)} makes maintenance the whole initial margin; ${why}`);
  }
  if (initialRate === 0n) {
    reader
      .field('initialRate')
      .fail(`0 leaves maintenance and initial margin both nothing, equal; ${why}`);
  }
}

function wholePpm(reader: Reader, name: string): bigint {
  const field = reader.field(name);
  const value = field.decimal(fraction);
  if (!isWholePpm(value)) field.fail('must be a whole number of ppm (at most 6 decimals)');
  return value;
}

function openInterestCaps(
  reader: Reader,
  lower: Amount | undefined,
  upper: Amount | undefined,
): { lower: Amount; upper: Amount } | undefined {
  if (lower === undefined && upper === undefined) return undefined;
  if (lower === undefined || upper === undefined) {
    reader.fail('give both open-interest caps or neither');
    return undefined;
  }
  // dYdX disables the scaling with an upper cap of 0: here, leave both caps out.
  if (upper === 0n) reader.field('openInterestUpperCap').fail('must be greater than zero');
  if (lower > upper)
    reader.field('openInterestLowerCap').fail('must not exceed openInterestUpperCap');
  return { lower, upper };
}
