/**
 * The store's bounds. They bound a storage format in the shell, not a figure of the core, so they
 * live here rather than in src/core/limits.ts.
 */

/** Events in one append: one transaction, and one array the caller built. */
export const appendBatchMax = 100_000;
/** Characters of one event's JSON body. */
export const bodyCharsMax = 1_000_000;
/** Characters of an event type. */
export const eventTypeCharsMax = 64;
export const schemaVersionMax = 1_000;
/** Characters of a snapshot's state: below V8's string length bound (2^29 − 24). */
export const snapshotCharsMax = 500_000_000;
/** Events read per page: what `read` holds in memory at once. */
export const readPageEvents = 1_000;
/** Snapshots kept: the latest, and older ones to fall back on if it is found corrupt. */
export const snapshotsKept = 3;
/** Sequences stay exact as JS numbers. */
export const sequenceMax = Number.MAX_SAFE_INTEGER;

if (!(readPageEvents >= 1 && snapshotsKept >= 1 && appendBatchMax >= 1)) {
  throw new Error('store-limits: a bound below 1');
}
