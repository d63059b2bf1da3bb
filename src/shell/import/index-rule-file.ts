import { assetsMax, indexSourcesMax } from '../../core/limits.ts';
import type { AssetId } from '../../core/model/ids.ts';
import type { IndexRule } from '../../core/model/rulebook.ts';
import { ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';
import { readWholeMs } from './whole-ms-field.ts';

/**
 * The rulebook's `index` section (core/model/rulebook.ts `IndexRule`): per asset, the sources its
 * index is the median of and when it is unreliable. A rule that could never be reliable (needing
 * more healthy sources than it lists) is refused, as is a source named twice (it would count twice
 * towards the minimum) and a cut-off of nothing (every source but the median would deviate).
 */
export function readIndexRules(reader: Reader): ReadonlyMap<AssetId, IndexRule> {
  const rules = new Map<AssetId, IndexRule>();
  for (const [asset, entry] of reader.entries(assetsMax)) {
    if (!entry.object()) continue;
    entry.only([
      ...['sources', 'minHealthy', 'maxDeviation', 'staleAfterMs', 'pauseMaxMs'],
      ...['floor', 'ceiling'],
    ]);
    const sources: string[] = [];
    for (const item of entry.field('sources').items(indexSourcesMax)) {
      const source = item.string();
      if (source.length === 0) item.fail('must not be empty');
      else if (sources.includes(source)) item.fail(`"${source}" is listed already`);
      sources.push(source);
    }
    if (sources.length === 0) entry.field('sources').fail('must list at least one source');
    const count = sources.length;
    const least = entry.field('minHealthy').decimal({
      positive: true,
      max: atMost(BigInt(count) * ONE, `${count} (the sources listed)`),
    });
    if (least % ONE !== 0n) entry.field('minHealthy').fail('must be a whole number of sources');
    const floor = entry.field('floor').optionalDecimal({ min: nonNegative });
    const ceiling = entry.field('ceiling').optionalDecimal({ positive: true });
    if (floor !== undefined && ceiling !== undefined && ceiling <= floor) {
      entry.field('ceiling').fail('must be above the floor');
    }
    rules.set(asset, {
      sources,
      minHealthy: Number(least / ONE),
      maxDeviation: entry.field('maxDeviation').decimal({ positive: true, max: atMost(ONE, '1') }),
      staleAfterMs: required(entry, 'staleAfterMs', true),
      pauseMaxMs: required(entry, 'pauseMaxMs', false),
      ...(floor === undefined ? {} : { floor }),
      ...(ceiling === undefined ? {} : { ceiling }),
    });
  }
  return rules;
}

function required(reader: Reader, field: string, positive: boolean): number {
  const ms = readWholeMs(reader, field, positive);
  if (ms === undefined && !reader.has(field)) reader.field(field).fail('is required');
  return ms ?? 0;
}
