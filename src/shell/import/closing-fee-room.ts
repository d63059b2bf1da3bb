import type { ClosingFeeRule, MarginRule } from '../../core/model/rulebook.ts';
import type { Ratio } from '../../core/num/fixed.ts';
import { formatFixed, ONE } from '../../core/num/fixed.ts';
import { mulCeil, ratioCeil } from '../../core/num/rounding.ts';
import type { Reader } from './reader.ts';
import { checkRuleFeeRoom } from './rule-fee-room.ts';

/**
 * A closing fee counted in maintenance margin but not in initial margin must leave room between
 * them, bracket by bracket, or an order the initial check accepts is liquidatable at once (issue
 * 8). Per unit of notional, maintenance is the rate plus the fee: `takerRate` on the notional, or
 * on the value at the bankruptcy price, which for a short is the notional plus the equity, itself
 * at least the initial margin when the order passed, so there the fee counts against the initial
 * rate as `ir × (1 − takerRate)`. `instruments` is the rulebook's `instruments` field.
 */
export function checkClosingFeeRoom(
  instruments: Reader,
  rules: ReadonlyMap<string, MarginRule>,
  fee: ClosingFeeRule,
): void {
  if (!fee.inMaintenance || fee.inInitial) return;
  for (const [id, rule] of rules) {
    if (rule.kind !== 'brackets') {
      checkRuleFeeRoom(instruments, id, rule, fee);
      continue;
    }
    rule.brackets.forEach((bracket, index) => {
      const initial = bracket.initialRate ?? ratioCeil(ONE, bracket.maxLeverage);
      const room =
        fee.valuedAt === 'notional' ? initial : initial - mulCeil(initial, fee.takerRate);
      if (bracket.maintenanceRate + fee.takerRate < room) return;
      // A tier the venue's rule continues has no listed entry: name the rule's step.
      const listed = rule.continued === undefined || index < rule.continued.listedTiers;
      const path = listed
        ? `${instruments.path}.${id}.brackets[${index}].maintenanceRate`
        : `${instruments.path}.${id}.continued.maintenanceRateStep`;
      instruments.fail(
        `bracket ${index + 1}: ${formatFixed(bracket.maintenanceRate)} plus the closing fee ` +
          `${formatFixed(fee.takerRate)} (closingFee.takerRate, in maintenance only, on the ` +
          `${fee.valuedAt === 'notional' ? 'notional' : 'value at the bankruptcy price'}) ` +
          `reaches the initial rate ${formatFixed(initial)}${roomNote(fee, room)}: ` +
          'maintenance must stay below initial margin',
        path,
      );
    });
  }
}

function roomNote(fee: ClosingFeeRule, room: Ratio): string {
  return fee.valuedAt === 'notional' ? '' : ` (${formatFixed(room)} net of the fee on it)`;
}
