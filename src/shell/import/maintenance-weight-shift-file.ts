import type { MaintenanceWeightShift } from '../../core/model/rulebook.ts';
import { ONE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';
import { readUtcTime } from './utc-time.ts';

/**
 * A collateral entry's `maintenanceWeightShift` (docs/rulebook-format.md): Mango's bank
 * `maint_weight_shift_start`, `_end`, `_asset_target`, `_liab_target`, with the times as ISO-8601
 * UTC strings, the start before the end, the asset target 0 to 1 and the liability target at
 * least 1. Undefined on an issue (the reader holds it).
 */
export function readMaintenanceWeightShift(reader: Reader): MaintenanceWeightShift | undefined {
  if (!reader.object()) return undefined;
  reader.only(['start', 'end', 'assetTarget', 'liabilityTarget']);
  const example = '2026-12-01T00:00:00Z';
  const startMs = readUtcTime(reader.field('start'), example);
  const endMs = readUtcTime(reader.field('end'), example);
  const assetTarget = reader
    .field('assetTarget')
    .decimal({ min: nonNegative, max: atMost(ONE, '1') });
  const liabilityTarget = reader
    .field('liabilityTarget')
    .decimal({ min: { value: ONE, message: 'must be at least 1' } });
  if (startMs === undefined || endMs === undefined) return undefined;
  // The chain counts whole seconds: a shift shorter than one has no duration there.
  if (Math.floor(endMs / 1000) <= Math.floor(startMs / 1000)) {
    reader.field('end').fail('must be at least a second after start');
    return undefined;
  }
  return { startMs, endMs, assetTarget, liabilityTarget };
}
