import { bracketsContinuedMax } from '../../core/limits.ts';
import { type BracketTerms, continueBrackets } from '../../core/margin/brackets.ts';
import type { TierContinuation, TierMeasure } from '../../core/model/rulebook.ts';
import { formatFixed, ONE, SCALE } from '../../core/num/fixed.ts';
import { ratioCeil } from '../../core/num/rounding.ts';
import { atMost, type Reader } from './reader.ts';

const step = { positive: true, max: atMost(ONE, '1') };

/** The key of a continued tier's cap step, beside the table's own cap key. */
export function capStepKey(tierBy: TierMeasure): string {
  return tierBy === 'contracts' ? 'contractsStep' : 'notionalStep';
}

/**
 * A brackets rule's `continued` (OKX's "Increase by N conts from the previous tier"): a positive
 * cap step, positive rate steps, and optionally `tiersMax`, the venue's last tier number, above
 * the number of listed tiers and at most `bracketsContinuedMax`.
 */
export function readTierContinuation(reader: Reader, tierBy: TierMeasure): TierContinuation {
  const capKey = capStepKey(tierBy);
  if (!reader.object()) return { capStep: 0n, maintenanceRateStep: 0n, initialRateStep: 0n };
  reader.only([capKey, 'maintenanceRateStep', 'initialRateStep', 'tiersMax']);
  const capStep = reader.field(capKey).decimal({ positive: true });
  const maintenanceRateStep = reader.field('maintenanceRateStep').decimal(step);
  const initialRateStep = reader.field('initialRateStep').decimal(step);
  if (!reader.has('tiersMax')) return { capStep, maintenanceRateStep, initialRateStep };
  const field = reader.field('tiersMax');
  const tiers = field.decimal({
    positive: true,
    max: atMost(BigInt(bracketsContinuedMax) * SCALE, `${bracketsContinuedMax}`),
  });
  if (tiers % SCALE !== 0n) field.fail('must be a whole number of tiers');
  return { capStep, maintenanceRateStep, initialRateStep, tiersMax: Number(tiers / SCALE) };
}

/**
 * The listed tiers and those the continuation adds; a continuation that cannot go on is an issue
 * naming its field and the tier where it fails. `rule` is the brackets rule's reader.
 */
export function continuedTerms(
  rule: Reader,
  listed: readonly BracketTerms[],
  continuation: TierContinuation,
  tierBy: TierMeasure,
): BracketTerms[] {
  const here = rule.field('continued');
  const last = listed.at(-1)!;
  if (last.cap === null) {
    const capKey = tierBy === 'contracts' ? 'contractsCap' : 'notionalCap';
    rule
      .field('brackets')
      .fail(
        `the last listed tier's ${capKey} must be bounded: the tiers after it follow "continued"`,
      );
    return [...listed];
  }
  const { tiersMax } = continuation;
  if (tiersMax !== undefined && tiersMax <= listed.length) {
    here
      .field('tiersMax')
      .fail(`${tiersMax} must be above the ${listed.length} listed tiers it continues`);
    return [...listed];
  }
  const terms = continueBrackets(listed, continuation);
  if (Array.isArray(terms)) return terms;
  const tier = `tier ${terms.tier}`;
  const initial = last.initialRate ?? ratioCeil(ONE, last.maxLeverage);
  switch (terms.failure) {
    case 'maintenance-reaches-initial':
      here
        .field('maintenanceRateStep')
        .fail(
          `${tier}: the maintenance rate reaches the initial rate (steps ` +
            `${formatFixed(continuation.maintenanceRateStep)} and ` +
            `${formatFixed(continuation.initialRateStep)}); maintenance must stay below ` +
            'initial margin, or an order that passes the initial check is liquidatable at once',
        );
      break;
    case 'initial-above-one':
      here
        .field('tiersMax')
        .fail(
          `${tier}: the initial rate passes 1 (from ${formatFixed(initial)} by ` +
            `${formatFixed(continuation.initialRateStep)} a tier); the last tier must margin ` +
            'at 1× leverage or more',
        );
      break;
    case 'too-many-tiers':
      here.fail(
        `continues past ${bracketsContinuedMax} tiers before its initial rate reaches 1: ` +
          'give larger steps or a tiersMax',
      );
      break;
  }
  return [...listed];
}
