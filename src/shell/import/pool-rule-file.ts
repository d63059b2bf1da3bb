import { amountMax, instrumentsMax } from '../../core/limits.ts';
import type { ProfitWeight, UnrealisedProfitRule } from '../../core/model/rulebook.ts';
import { ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';

const weight = { min: nonNegative, max: atMost(ONE, '1') };
const start = { positive: true, max: atMost(amountMax, 'the amount limit') };

/**
 * A collateral rule's size and venue-total weights (docs/rulebook-format.md): `imfFactor` (Drift's
 * spot IMF, 0 to 1), `depositWeightScaleStart` and `borrowWeightScaleStart` (USD, above zero).
 */
export function readCollateralScaling(reader: Reader) {
  const imfFactor = reader.field('imfFactor').optionalDecimal(weight);
  const deposits = reader.field('depositWeightScaleStart').optionalDecimal(start);
  const borrows = reader.field('borrowWeightScaleStart').optionalDecimal(start);
  return {
    ...(imfFactor === undefined ? {} : { imfFactor }),
    ...(deposits === undefined ? {} : { depositWeightScaleStart: deposits }),
    ...(borrows === undefined ? {} : { borrowWeightScaleStart: borrows }),
  };
}

export const collateralScalingFields = [
  'imfFactor',
  'depositWeightScaleStart',
  'borrowWeightScaleStart',
];

/** `unrealisedProfit`: the weight on positive PnL, the rulebook's and per instrument. */
export function readUnrealisedProfit(reader: Reader): UnrealisedProfitRule {
  reader.object();
  reader.only(['initialWeight', 'maintenanceWeight', 'imfFactor', 'instruments']);
  const instruments = new Map<string, ProfitWeight>();
  if (reader.has('instruments')) {
    for (const [id, entry] of reader.field('instruments').entries(instrumentsMax)) {
      entry.object();
      entry.only(['initialWeight', 'maintenanceWeight', 'imfFactor']);
      instruments.set(id, readProfitWeight(entry));
    }
  }
  return { ...readProfitWeight(reader), instruments };
}

/** Initial counts no more than maintenance: an initial check is never the laxer one. */
function readProfitWeight(reader: Reader): ProfitWeight {
  const initialWeight = reader.field('initialWeight').decimal(weight);
  const maintenanceWeight = reader.field('maintenanceWeight').decimal(weight);
  if (initialWeight > maintenanceWeight) {
    reader.field('initialWeight').fail('must not exceed maintenanceWeight');
  }
  const imfFactor = reader.field('imfFactor').optionalDecimal(weight);
  return { initialWeight, maintenanceWeight, ...(imfFactor === undefined ? {} : { imfFactor }) };
}

/** `contractHealthInSettleAsset`: true or false; Mango's health has no portfolio mode. */
export function readContractHealthInSettleAsset(reader: Reader): boolean {
  const field = reader.field('contractHealthInSettleAsset');
  if (field.value === undefined) return false;
  if (typeof field.value !== 'boolean') {
    field.fail('must be true or false');
    return false;
  }
  if (field.value && reader.has('portfolio')) {
    field.fail('cannot be true with a portfolio section (a scan is not a sum of contracts)');
  }
  return field.value;
}
