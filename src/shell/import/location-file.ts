import type { LocationPolicy, LocationTerms } from '../../core/ledger/location.ts';
import { homeLocation } from '../../core/ledger/location.ts';
import { SCALE } from '../../core/num/fixed.ts';
import { parseJsonText } from './json-text.ts';
import { InputError, Reader } from './reader.ts';

/** Places one file may list. */
export const locationsMax = 1_000;

/** The longest transfer delay a place may have: 30 days of the log's clock. */
export const transferDelayMsMax = 30 * 24 * 3_600_000;

/**
 * The places a venue takes collateral at besides its own (`run --locations FILE`), checked whole:
 *
 *   { "pendingCounts": "neither" | "source",
 *     "locations": { "arbitrum": { "weight": "0.95", "transferDelayMs": 600000 }, … } }
 *
 * A weight is a decimal string in [0, 1] (what a unit held there counts for, on top of the
 * asset's haircut), a delay a whole number of ms up to 30 days. The venue's own place is
 * `venue` and is not listed.
 */
export function readLocationFile(text: string, label: string): LocationPolicy {
  const reader = new Reader(parseJsonText(text, label), '', []);
  const policy = readLocations(reader);
  if (reader.issues.length > 0) throw new InputError(reader.issues.map((i) => `${label}: ${i}`));
  return policy;
}

function readLocations(reader: Reader): LocationPolicy {
  if (!reader.object()) return { elsewhere: new Map(), pendingCounts: 'neither' };
  reader.only(['pendingCounts', 'locations']);
  const pendingCounts = reader.has('pendingCounts')
    ? reader.field('pendingCounts').oneOf(['neither', 'source'] as const)
    : 'neither';
  const elsewhere = new Map<string, LocationTerms>();
  for (const [id, entry] of reader.field('locations').entries(locationsMax)) {
    if (id === homeLocation) entry.fail(`is the venue's own place: it is not listed`);
    if (!entry.object()) continue;
    entry.only(['weight', 'transferDelayMs']);
    const weight = entry.field('weight').decimal({
      min: { value: 0n, message: 'must be 0 or more' },
      max: { value: SCALE, message: 'must be at most 1' },
    });
    const delay = entry.field('transferDelayMs');
    const ms = delay.value;
    if (!Number.isSafeInteger(ms) || (ms as number) < 0 || (ms as number) > transferDelayMsMax) {
      delay.fail(`must be a whole number of milliseconds from 0 to ${transferDelayMsMax}`);
    }
    elsewhere.set(id, { weight, transferDelayMs: Number.isSafeInteger(ms) ? (ms as number) : 0 });
  }
  return { elsewhere, pendingCounts };
}
