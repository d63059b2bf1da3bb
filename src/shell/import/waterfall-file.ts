import { isHouseAccount } from '../../core/ledger/house-accounts.ts';
import {
  type AutoDeleverage,
  autoDeleverageRankings,
  type Backstop,
  type Waterfall,
} from '../../core/model/rulebook.ts';
import { nonNegative, type Reader } from './reader.ts';
import { readWholeMs } from './whole-ms-field.ts';

/**
 * The liquidation rule's loss waterfall (core/model/rulebook.ts `Waterfall`): the fund's floor,
 * the backstops in order, auto-deleveraging. A backstop named twice is refused: the second could
 * take nothing the first did not refuse, and a list that loops back on itself is a configuration
 * error, not an order.
 */
export function readWaterfall(reader: Reader): Waterfall {
  const none: Waterfall = { fundFloor: 0n, backstops: [] };
  if (!reader.object()) return none;
  reader.only(['fundFloor', 'backstops', 'autoDeleverage']);
  const fundFloor = reader.field('fundFloor').optionalDecimal({ min: nonNegative }) ?? 0n;
  const backstops: Backstop[] = [];
  const named = new Set<string>();
  const list = reader.has('backstops') ? reader.field('backstops').items(maxBackstops) : [];
  for (const item of list) {
    if (!item.object()) continue;
    item.only(['account', 'maxValue']);
    const account = item.field('account').string();
    if (isHouseAccount(account)) {
      item.field('account').fail('a house account (its id begins with @) takes no position');
    } else if (named.has(account)) {
      item.field('account').fail(`"${account}" is a backstop already: each is asked once`);
    }
    named.add(account);
    backstops.push({ account, maxValue: item.field('maxValue').decimal({ positive: true }) });
  }
  return {
    fundFloor,
    backstops,
    ...(reader.has('autoDeleverage')
      ? { autoDeleverage: readAutoDeleverage(reader.field('autoDeleverage')) }
      : {}),
  };
}

const maxBackstops = 16;

function readAutoDeleverage(reader: Reader): AutoDeleverage {
  if (!reader.object()) return { ranking: 'profit_times_leverage', graceMs: 0 };
  reader.only(['ranking', 'graceMs']);
  const ranking = reader.has('ranking')
    ? reader.field('ranking').oneOf(autoDeleverageRankings)
    : 'profit_times_leverage';
  return { ranking, graceMs: readWholeMs(reader, 'graceMs', false) ?? 0 };
}
