import { type LogHead, sealBatch, sealSnapshot } from './event-seal.ts';
import type {
  EventStore,
  EventToAppend,
  Opened,
  OpenOptions,
  Recovery,
  Snapshot,
  SnapshotToWrite,
  StoredEvent,
  Verification,
} from './event-store.ts';
import { type LogCorruption, LogCorruptionError, sameCorruption } from './log-corruption.ts';
import type { LogStorage } from './log-storage.ts';
import { checkedHead, checkedSnapshot, genesisHead, headAt, verifiedEvents } from './log-verify.ts';
import { snapshotsKept } from './store-limits.ts';

/**
 * The one EventStore, over any adapter's `LogStorage`: opening checks the log (the whole chain,
 * or from the latest snapshot on) and hands out a store only if it is sound; recovery moves aside
 * exactly the fault the caller names, nothing else.
 *
 * What recovery offers, and why so little: SQLite in WAL mode with synchronous=FULL already
 * discards a transaction torn by a crash (its frames fail SQLite's own checksums), so a batch
 * either committed whole or is absent. A fault found here is therefore damage to committed, hence
 * possibly acknowledged, events: the store cannot know, so it never decides. The caller may ask
 * to quarantine the tail from the first bad event (with the count of events dropped), or a bad
 * snapshot (start-up then replays from an older one or from 1). Quarantined rows stay in the file,
 * in their own tables, for an operator to inspect; they are never read as the log.
 */

interface Inspection {
  readonly head: LogHead;
  readonly snapshot: Snapshot | undefined;
}

interface Fault {
  readonly corruption: LogCorruption;
  /** The last event checked sound before the fault, when the fault is in the events. */
  readonly lastSound: LogHead | undefined;
  readonly recordedHead: LogHead | undefined;
}

export function openLog(storage: LogStorage, options: OpenOptions = {}): Opened {
  try {
    return checkedOpen(storage, options);
  } catch (error) {
    // Not a fault of the log (a file that cannot take WAL, a full disk): the caller's to handle.
    storage.close();
    throw error;
  }
}

function checkedOpen(storage: LogStorage, options: OpenOptions): Opened {
  const verification = options.verification ?? 'whole_log';
  let first = inspect(storage, verification);
  let recovery: Recovery | undefined;
  if ('corruption' in first && options.recover !== undefined) {
    if (sameCorruption(first.corruption, options.recover)) {
      recovery = recover(storage, first);
      if (recovery !== undefined) first = inspect(storage, verification);
    }
  }
  const withRecovery = recovery === undefined ? {} : { recovery };
  if ('corruption' in first) {
    storage.close();
    return { ok: false, corruption: first.corruption, ...withRecovery };
  }
  return {
    ok: true,
    store: new ChainedEventStore(storage, first.head, first.snapshot),
    ...withRecovery,
  };
}

function inspect(storage: LogStorage, verification: Verification): Inspection | Fault {
  let recordedHead: LogHead | undefined;
  let lastSound: LogHead | undefined;
  try {
    const format = storage.prepare();
    if (format !== undefined) throw new LogCorruptionError(format);
    const head = checkedHead(storage.readHead());
    recordedHead = head;
    const snapshotRow = storage.latestSnapshot();
    // Since the snapshot, the snapshot is the start and is checked first; over the whole log the
    // events are, and the snapshot after them.
    const snapshot =
      snapshotRow === undefined || verification === 'whole_log'
        ? undefined
        : snapshotWithin(checkedSnapshot(snapshotRow), head);
    let start = genesisHead;
    if (snapshot !== undefined) {
      start = headAt(storage, snapshot.sequence);
      offChain(snapshot, start.checksum);
    }
    lastSound = start;
    let beforeLast = start;
    let chainAtSnapshot: string | undefined;
    const wanted = snapshotRow?.sequence;
    const events = verifiedEvents(storage, start, head.sequence);
    for (let next = events.next(); !next.done; next = events.next()) {
      beforeLast = lastSound;
      lastSound = next.value;
      if (next.value.sequence === wanted) chainAtSnapshot = next.value.checksum;
    }
    if (lastSound.checksum !== head.checksum) {
      // Sound on its own, but not the event the head recorded: replaced and sealed again, or the
      // head itself damaged. Either way the last event is not the one acknowledged.
      lastSound = beforeLast;
      throw new LogCorruptionError({
        target: 'event',
        problem: 'checksum_mismatch',
        sequence: head.sequence,
        detail:
          `event ${head.sequence}: its checksum is not the one the log's head recorded ` +
          `(${head.checksum.slice(0, 12)}…): the event was replaced, or the head damaged`,
      });
    }
    if (storage.rowsAfter(head.sequence, 1).length > 0) {
      throw new LogCorruptionError({
        target: 'event',
        problem: 'events_beyond_head',
        sequence: head.sequence + 1,
        detail:
          `rows after event ${head.sequence}, the last the log's head records: ` +
          'written around the store',
      });
    }
    if (snapshotRow !== undefined && verification === 'whole_log') {
      const checked = snapshotWithin(checkedSnapshot(snapshotRow), head);
      offChain(checked, chainAtSnapshot ?? '');
      return { head, snapshot: checked };
    }
    return { head, snapshot };
  } catch (error) {
    if (!(error instanceof LogCorruptionError)) throw error;
    return { corruption: error.corruption, lastSound, recordedHead };
  }
}

function snapshotWithin(snapshot: Snapshot, head: LogHead): Snapshot {
  if (snapshot.sequence > head.sequence) {
    throw new LogCorruptionError({
      target: 'snapshot',
      problem: 'snapshot_beyond_log',
      sequence: snapshot.sequence,
      detail: `the snapshot is at event ${snapshot.sequence}, but the log ends at ${head.sequence}`,
    });
  }
  return snapshot;
}

function offChain(snapshot: Snapshot, chainChecksum: string): void {
  if (snapshot.eventChecksum !== chainChecksum) {
    throw new LogCorruptionError({
      target: 'snapshot',
      problem: 'snapshot_off_chain',
      sequence: snapshot.sequence,
      detail:
        `the snapshot at event ${snapshot.sequence} names event checksum ` +
        `${snapshot.eventChecksum.slice(0, 12)}…, the log has ` +
        `${chainChecksum.slice(0, 12) || 'none'}…: it belongs to another log`,
    });
  }
}

function recover(storage: LogStorage, found: Fault): Recovery | undefined {
  const { corruption } = found;
  const reason = `${corruption.problem}: ${corruption.detail}`;
  if (corruption.target === 'snapshot') {
    const head = found.recordedHead!;
    const moved = storage.quarantine(undefined, corruption.sequence, head, reason);
    return {
      corruption,
      eventsQuarantined: 0,
      eventsDropped: 0,
      snapshotsQuarantined: moved.snapshots,
      lastSequence: head.sequence,
    };
  }
  // A fault in the log as a whole (not a database, unknown format, no head) is not a tail.
  if (corruption.target !== 'event' || found.lastSound === undefined) return undefined;
  if (found.recordedHead === undefined) return undefined;
  const head = found.lastSound;
  if (head.sequence + 1 !== corruption.sequence) return undefined;
  const moved = storage.quarantine(corruption.sequence, corruption.sequence, head, reason);
  return {
    corruption,
    eventsQuarantined: moved.events,
    eventsDropped: Math.max(0, found.recordedHead.sequence - head.sequence),
    snapshotsQuarantined: moved.snapshots,
    lastSequence: head.sequence,
  };
}

class ChainedEventStore implements EventStore {
  private closed = false;

  constructor(
    private readonly storage: LogStorage,
    private head: LogHead,
    private snapshot: Snapshot | undefined,
  ) {}

  private usable(): void {
    if (this.closed) throw new Error('the event store is closed');
  }

  async append(events: readonly EventToAppend[]): Promise<readonly StoredEvent[]> {
    this.usable();
    const sealed = sealBatch(this.head, events);
    const last = sealed[sealed.length - 1];
    if (last === undefined) return sealed;
    const head = { sequence: last.sequence, checksum: last.checksum, logTimeMs: last.logTimeMs };
    this.storage.append(sealed, this.head, head);
    this.head = head;
    return sealed;
  }

  read(fromSequence = 1): AsyncIterable<StoredEvent> {
    this.usable();
    if (!Number.isSafeInteger(fromSequence) || fromSequence < 1) {
      throw new RangeError(`fromSequence: ${fromSequence} is not a sequence (1 or more)`);
    }
    const storage = this.storage;
    const end = this.head.sequence;
    return {
      async *[Symbol.asyncIterator]() {
        if (fromSequence > end) return;
        yield* verifiedEvents(storage, headBefore(storage, fromSequence), end);
      },
    };
  }

  async lastSequence(): Promise<number> {
    this.usable();
    return this.head.sequence;
  }

  async writeSnapshot(snapshot: SnapshotToWrite): Promise<Snapshot> {
    this.usable();
    const sealed = sealSnapshot(this.head, this.snapshot, snapshot, (sequence) =>
      sequence === this.head.sequence
        ? this.head.checksum
        : headAt(this.storage, sequence).checksum,
    );
    this.storage.putSnapshot(sealed, snapshotsKept);
    this.snapshot = sealed;
    return sealed;
  }

  async latestSnapshot(): Promise<Snapshot | undefined> {
    this.usable();
    return this.snapshot;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.storage.close();
  }
}

/** The chain's state just before `sequence`, from the stored row before it (checked itself). */
function headBefore(storage: LogStorage, sequence: number): LogHead {
  return sequence === 1 ? genesisHead : headAt(storage, sequence - 1);
}
