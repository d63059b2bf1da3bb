import { openLog } from './chained-event-store.ts';
import { genesisChecksum } from './event-checksum.ts';
import type { LogHead } from './event-seal.ts';
import type { Opened, OpenOptions, Snapshot, StoredEvent } from './event-store.ts';
import type { LogCorruption } from './log-corruption.ts';
import type { LogStorage, RawEventRow, RawHead, RawSnapshotRow } from './log-storage.ts';

/**
 * The in-memory adapter: the same store over arrays, for tests and for a run that needs no file.
 * A `MemoryEventLog` plays the file: it outlives the store, so closing and opening again reads the
 * same log, checked the same way. Its rows are plain objects that a test may damage, as a test
 * of the SQLite adapter damages the file's rows with SQL.
 */

export interface MemoryEventRow {
  sequence: unknown;
  type: unknown;
  schemaVersion: unknown;
  logTimeMs: unknown;
  body: unknown;
  checksum: unknown;
}

export interface MemorySnapshotRow {
  sequence: unknown;
  eventChecksum: unknown;
  stateHash: unknown;
  state: unknown;
  checksum: unknown;
}

export class MemoryEventLog {
  /** By sequence, as the SQLite table's key keeps them. */
  readonly events: MemoryEventRow[] = [];
  readonly snapshots: MemorySnapshotRow[] = [];
  head: { sequence: unknown; checksum: unknown; logTimeMs: unknown } | undefined;
  readonly quarantinedEvents: { readonly reason: string; readonly row: MemoryEventRow }[] = [];
  readonly quarantinedSnapshots: { readonly reason: string; readonly row: MemorySnapshotRow }[] =
    [];
  created = false;
}

export function openMemoryEventStore(log: MemoryEventLog, options?: OpenOptions): Opened {
  return openLog(new MemoryLogStorage(log), options);
}

const bySequence = (row: { sequence: unknown }): number => Number(row.sequence);

/** The index of the first row with a sequence above `sequence`. */
function firstAfter(rows: readonly { sequence: unknown }[], sequence: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (bySequence(rows[middle]!) <= sequence) low = middle + 1;
    else high = middle;
  }
  return low;
}

class MemoryLogStorage implements LogStorage {
  constructor(private readonly log: MemoryEventLog) {}

  prepare(): LogCorruption | undefined {
    if (!this.log.created) {
      this.log.created = true;
      this.log.head = { sequence: 0, checksum: genesisChecksum, logTimeMs: 0 };
    }
    return undefined;
  }

  readHead(): RawHead | undefined {
    return this.log.head === undefined ? undefined : { ...this.log.head };
  }

  rowsAfter(sequence: number, limit: number): readonly RawEventRow[] {
    const from = firstAfter(this.log.events, sequence);
    return this.log.events.slice(from, from + limit).map((row) => ({ ...row }));
  }

  rowAt(sequence: number): RawEventRow | undefined {
    const index = firstAfter(this.log.events, sequence - 1);
    const row = this.log.events[index];
    return row !== undefined && row.sequence === sequence ? { ...row } : undefined;
  }

  append(rows: readonly StoredEvent[], expected: LogHead, head: LogHead): void {
    const stored = this.log.head;
    if (stored?.sequence !== expected.sequence || stored.checksum !== expected.checksum) {
      throw new Error(`the log's head moved to ${String(stored?.sequence)}: another writer`);
    }
    for (const row of rows) this.log.events.push({ ...row });
    this.log.head = { ...head };
  }

  latestSnapshot(): RawSnapshotRow | undefined {
    const last = this.log.snapshots[this.log.snapshots.length - 1];
    return last === undefined ? undefined : { ...last };
  }

  putSnapshot(snapshot: Snapshot, kept: number): void {
    const { sequence, eventChecksum, stateHash, state, checksum } = snapshot;
    this.log.snapshots.push({ sequence, eventChecksum, stateHash, state, checksum });
    this.log.snapshots.sort((a, b) => bySequence(a) - bySequence(b));
    this.log.snapshots.splice(0, Math.max(0, this.log.snapshots.length - kept));
  }

  quarantine(
    eventsFrom: number | undefined,
    snapshotsFrom: number,
    head: LogHead,
    reason: string,
  ): { readonly events: number; readonly snapshots: number } {
    const events =
      eventsFrom === undefined
        ? []
        : this.log.events.splice(firstAfter(this.log.events, eventsFrom - 1));
    const snapshots = this.log.snapshots.splice(firstAfter(this.log.snapshots, snapshotsFrom - 1));
    for (const row of events) this.log.quarantinedEvents.push({ reason, row });
    for (const row of snapshots) this.log.quarantinedSnapshots.push({ reason, row });
    this.log.head = { ...head };
    return { events: events.length, snapshots: snapshots.length };
  }

  close(): void {}
}
