import type { LocationPolicy } from '../ledger/location.ts';
import { sha256 } from '../ledger/sha256.ts';
import type { Venue } from '../model/venue.ts';
import { formatFixed } from '../num/fixed.ts';

/**
 * The SHA-256 of the venue's rules as the engine decides under them: its instruments, its
 * rulebook (a preset resolved to its content, so a preset that changes between builds changes the
 * digest) and its places, in a canonical form (maps as entries sorted by key, amounts as decimals).
 * The log records it (`venue_set`); a run under other rules is refused unless it says it changes
 * them.
 */
export function venueDigest(venue: Venue, locations: LocationPolicy | undefined): string {
  return sha256(JSON.stringify({ venue, locations: locations ?? null }, canonical));
}

function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return formatFixed(value);
  if (value instanceof Map) {
    return [...value].sort(([a], [b]) =>
      String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
    );
  }
  if (value instanceof Set) return [...value].map(String).sort();
  return value;
}
