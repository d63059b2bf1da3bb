import { discountedRate } from '../../core/margin/size-premium.ts';
import type { SizePremium } from '../../core/model/rulebook.ts';
import type { Ratio } from '../../core/num/fixed.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import type { Reader } from './reader.ts';

const why =
  'maintenance must stay below initial margin, or an order that passes the initial check is ' +
  'liquidatable at once';

/**
 * A size-premium rule's maintenance below its initial margin at every size (issue 8). The premium
 * adds the same rate to both (`both`), or to initial alone (`initial`), so a linear or stepped
 * curve keeps the gap of the base rates at every size: maintenanceRate < initialRate is exact.
 * Under the √size curve (size-premium.ts) a rate is max(base, 4/5 base + premium): once the premium
 * outgrows the initial rate, both are their discounted bases plus the same premium, and two bases
 * that discount to one rate (a unit apart, the larger a multiple of 5 units) meet there. The
 * premium grows without bound with size, so that size exists for any imfFactor above 0.
 * `reader` is the rule's; `maintenanceRate` is the field named.
 */
export function checkPremiumRoom(
  reader: Reader,
  initialRate: Ratio,
  maintenanceRate: Ratio,
  premium: SizePremium,
): void {
  const field = reader.field('maintenanceRate');
  if (maintenanceRate >= initialRate) {
    field.fail(
      `${formatFixed(maintenanceRate)} is at or above the initialRate ` +
        `${formatFixed(initialRate)}; ${why}`,
    );
    return;
  }
  if (premium.curve !== 'sqrt' || premium.imfFactor === 0n) return;
  const discounted = discountedRate(initialRate);
  if (discountedRate(maintenanceRate) < discounted) return;
  field.fail(
    `${formatFixed(maintenanceRate)} and the initialRate ${formatFixed(initialRate)} discount to ` +
      `the same ${formatFixed(discounted)} under the √size premium (4/5 of each, the fifth ` +
      'rounded down), so past the size where the premium outgrows the initial rate maintenance ' +
      `reaches initial; ${why}`,
  );
}
