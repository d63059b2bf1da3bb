import type { LogCorruption } from './log-corruption.ts';

/**
 * The event log as the engine sees it: appended in batches, read back in order, with the latest
 * snapshot beside it. Adapters: SQLite (`sqlite-event-store.ts`, the default) and memory
 * (`memory-event-store.ts`); both pass `event-store-contract.ts`. The interface is asynchronous so
 * that a networked adapter (PostgreSQL, with scale-out) fits it; the two here do their work before
 * the promise is returned.
 *
 * The store knows nothing of what an event means. It keeps, per event: a sequence (gapless, from
 * 1), a type, a schema version, the log time and a JSON body, and seals each with a checksum
 * chained to the one before (`event-checksum.ts`), so a changed, dropped or reordered row is
 * caught, and a log cut short is caught by the head recorded with every batch.
 */

/** An event as the engine hands it over. */
export interface EventToAppend {
  /** snake_case, as the ledger names its events (`deposited`, `fill_applied`). */
  readonly type: string;
  /** Version of this type's body: a reader of an old log upgrades a body by (type, version). */
  readonly schemaVersion: number;
  /**
   * Milliseconds on the log's clock (never the host's: SCENARIOS.md S28), never earlier than the
   * event before it.
   */
  readonly logTimeMs: number;
  /**
   * The text of a JSON object, as JSON.stringify writes it. Amounts as decimal strings: JSON has
   * no bigint.
   */
  readonly body: string;
}

/** An event as stored: what was appended, with its place in the log and its seal. */
export interface StoredEvent extends EventToAppend {
  readonly sequence: number;
  /** SHA-256 (hex) over the event and the checksum of the event before it. */
  readonly checksum: string;
}

/** The engine's state at a sequence, as the engine wrote it out. */
export interface SnapshotToWrite {
  /** The last event the state includes: at least 1, at most the last sequence. */
  readonly sequence: number;
  /** The state, serialised by the engine (JSON text): opaque to the store. */
  readonly state: string;
  /** The state hash the engine computed: a replay from here must reach it again. */
  readonly stateHash: string;
}

export interface Snapshot extends SnapshotToWrite {
  /** The checksum of the event at `sequence`: ties the snapshot to this log. */
  readonly eventChecksum: string;
  /** SHA-256 (hex) over the fields above. */
  readonly checksum: string;
}

export interface EventStore {
  /**
   * Appends the batch atomically (all or nothing) and returns it as stored. The events are durable
   * when the promise is returned: acknowledge a command only after it. A malformed event refuses
   * the whole batch (`EventRefusedError`) and changes nothing.
   */
  append(events: readonly EventToAppend[]): Promise<readonly StoredEvent[]>;
  /**
   * The events from `fromSequence` (default 1) to the last one at the time of the call, in order,
   * read in pages (never the whole log in memory) and checked against their checksums as they are
   * read: a bad one throws `LogCorruptionError`.
   */
  read(fromSequence?: number): AsyncIterable<StoredEvent>;
  /** 0 for an empty log. */
  lastSequence(): Promise<number>;
  /** Durable when returned; keeps the latest few (`snapshotsKept`). */
  writeSnapshot(snapshot: SnapshotToWrite): Promise<Snapshot>;
  latestSnapshot(): Promise<Snapshot | undefined>;
  close(): Promise<void>;
}

/** How much of the log opening checks. */
export type Verification =
  /** Every event from 1 (the default): start-up checks the whole chain. */
  | 'whole_log'
  /**
   * From the latest snapshot on: the snapshot's own checksum, the event it names, and every event
   * after it. Events before it are not read; `read(1)` still checks them as it goes.
   */
  | 'since_snapshot';

export interface OpenOptions {
  readonly verification?: Verification;
  /**
   * Recovery, only when asked: pass the corruption a previous open reported, and the store moves
   * what it names aside (`quarantine`) if it is still the first fault found. Nothing else is ever
   * dropped, and nothing is deleted: the rows go to quarantine tables in the same file.
   */
  readonly recover?: LogCorruption;
}

/** What recovery moved aside. */
export interface Recovery {
  readonly corruption: LogCorruption;
  /** Events moved to quarantine: the tail from `corruption.sequence` on. */
  readonly eventsQuarantined: number;
  /**
   * Events the log no longer has, counted from the head recorded before recovery: the
   * quarantined ones plus any already missing from the end.
   */
  readonly eventsDropped: number;
  readonly snapshotsQuarantined: number;
  /** The last sequence after recovery. */
  readonly lastSequence: number;
}

/**
 * The answer to opening a log: a store, or the first fault found, which the caller must handle
 * (stop, or reopen with `recover`). A faulty log is never opened for use.
 */
export type Opened =
  | { readonly ok: true; readonly store: EventStore; readonly recovery?: Recovery }
  | { readonly ok: false; readonly corruption: LogCorruption; readonly recovery?: Recovery };

/** The store with its append wrapped (timed, failed on purpose in a test); the rest as it is. */
export function withAppend(store: EventStore, append: EventStore['append']): EventStore {
  return {
    append,
    read: (from) => store.read(from),
    lastSequence: () => store.lastSequence(),
    writeSnapshot: (snapshot) => store.writeSnapshot(snapshot),
    latestSnapshot: () => store.latestSnapshot(),
    close: () => store.close(),
  };
}
