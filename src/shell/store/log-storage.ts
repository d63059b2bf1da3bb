import type { LogHead } from './event-seal.ts';
import type { Snapshot, StoredEvent } from './event-store.ts';
import type { LogCorruption } from './log-corruption.ts';

/**
 * What an adapter provides: rows in and out, synchronously, with no judgement. The checks, the
 * chain and recovery are written once, over this, in `chained-event-store.ts`, so every adapter
 * behaves alike. Rows read back are typed `unknown` field by field: a stored row may be anything.
 */
export interface RawEventRow {
  readonly sequence: unknown;
  readonly type: unknown;
  readonly schemaVersion: unknown;
  readonly logTimeMs: unknown;
  readonly body: unknown;
  readonly checksum: unknown;
}

export interface RawSnapshotRow {
  readonly sequence: unknown;
  readonly eventChecksum: unknown;
  readonly stateHash: unknown;
  readonly state: unknown;
  readonly checksum: unknown;
}

export interface RawHead {
  readonly sequence: unknown;
  readonly checksum: unknown;
  readonly logTimeMs: unknown;
}

export interface LogStorage {
  /** Creates the tables of an empty log; a fault if the place holds something else. */
  prepare(): LogCorruption | undefined;
  readHead(): RawHead | undefined;
  /** Up to `limit` rows with a sequence above `sequence`, by sequence. */
  rowsAfter(sequence: number, limit: number): readonly RawEventRow[];
  rowAt(sequence: number): RawEventRow | undefined;
  /**
   * Writes the rows and the new head in one durable transaction, only if the stored head is still
   * `expected` (one writer per log: a second one would fork the chain).
   */
  append(rows: readonly StoredEvent[], expected: LogHead, head: LogHead): void;
  latestSnapshot(): RawSnapshotRow | undefined;
  /** Writes it durably and deletes all but the latest `kept`. */
  putSnapshot(snapshot: Snapshot, kept: number): void;
  /**
   * One transaction: events from `eventsFrom` on (none if undefined) and snapshots from
   * `snapshotsFrom` on move to quarantine with the reason; the head becomes `head`. Counts moved.
   */
  quarantine(
    eventsFrom: number | undefined,
    snapshotsFrom: number,
    head: LogHead,
    reason: string,
  ): { readonly events: number; readonly snapshots: number };
  close(): void;
}
