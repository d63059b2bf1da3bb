import { eventChecksum, genesisChecksum, snapshotChecksum } from './event-checksum.ts';
import {
  eventTypePattern,
  isLogTime,
  isSchemaVersion,
  type LogHead,
  stateHashPattern,
} from './event-seal.ts';
import type { Snapshot, StoredEvent } from './event-store.ts';
import { type CorruptionProblem, LogCorruptionError } from './log-corruption.ts';
import type { LogStorage, RawEventRow, RawHead, RawSnapshotRow } from './log-storage.ts';
import { readPageEvents } from './store-limits.ts';

/**
 * Reading a stored log back as trusted values: each row checked for its kind, its place in the
 * sequence and its checksum against the one before it. The first fault throws a
 * `LogCorruptionError` naming the sequence: nothing after it is handed out.
 */

export const genesisHead: LogHead = Object.freeze({
  sequence: 0,
  checksum: genesisChecksum,
  logTimeMs: 0,
});

const checksumPattern = /^[0-9a-f]{64}$/;

function fault(
  target: 'event' | 'snapshot' | 'log',
  problem: CorruptionProblem,
  sequence: number,
  detail: string,
): LogCorruptionError {
  return new LogCorruptionError({ target, problem, sequence, detail });
}

const shown = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    : String(value);

/** The event after `previous`, or the fault that keeps it from being one. */
export function checkedRow(row: RawEventRow, previous: LogHead): StoredEvent {
  const expected = previous.sequence + 1;
  const { sequence, type, schemaVersion, logTimeMs, body, checksum } = row;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < expected) {
    throw fault(
      'event',
      'row_malformed',
      expected,
      `the row after event ${previous.sequence} has sequence ${shown(sequence)}`,
    );
  }
  if (sequence > expected) {
    throw fault(
      'event',
      'sequence_gap',
      expected,
      `event ${expected} is missing: the next stored is ${sequence}`,
    );
  }
  const malformed = (field: string, value: unknown, kind: string) =>
    fault(
      'event',
      'row_malformed',
      expected,
      `event ${expected}: its ${field} ${shown(value)} is not ${kind}`,
    );
  if (typeof type !== 'string' || !eventTypePattern.test(type))
    throw malformed('type', type, 'snake_case text');
  if (!isSchemaVersion(schemaVersion))
    throw malformed('schema version', schemaVersion, 'a version');
  if (!isLogTime(logTimeMs)) throw malformed('log time', logTimeMs, 'whole milliseconds');
  if (typeof body !== 'string') throw malformed('body', body, 'text');
  if (typeof checksum !== 'string' || !checksumPattern.test(checksum)) {
    throw malformed('checksum', checksum, '64 hex digits');
  }
  const computed = eventChecksum(previous.checksum, sequence, type, schemaVersion, logTimeMs, body);
  if (computed !== checksum) {
    throw fault(
      'event',
      'checksum_mismatch',
      sequence,
      `event ${sequence}: stored checksum ${checksum.slice(0, 12)}… but its contents after ` +
        `event ${previous.sequence} give ${computed.slice(0, 12)}…: its type, version, time or ` +
        `body changed, or it is not the event that followed ${previous.sequence}`,
    );
  }
  if (logTimeMs < previous.logTimeMs) {
    throw fault(
      'event',
      'log_time_backwards',
      sequence,
      `event ${sequence}: log time ${logTimeMs} is before ${previous.logTimeMs}, ` +
        `the time of event ${previous.sequence}`,
    );
  }
  return Object.freeze({ sequence, type, schemaVersion, logTimeMs, body, checksum });
}

/** Events after `start` up to `end`, checked, a page at a time. */
export function* verifiedEvents(
  storage: LogStorage,
  start: LogHead,
  end: number,
): Generator<StoredEvent, LogHead> {
  let previous = start;
  while (previous.sequence < end) {
    const rows = storage.rowsAfter(
      previous.sequence,
      Math.min(readPageEvents, end - previous.sequence),
    );
    if (rows.length === 0) {
      throw fault(
        'event',
        'events_missing_at_end',
        previous.sequence + 1,
        `the log ends at event ${previous.sequence}, but its head records ${end}: ` +
          `${end - previous.sequence} events cut from the end`,
      );
    }
    for (const row of rows) {
      const event = checkedRow(row, previous);
      previous = event;
      yield event;
    }
  }
  return previous;
}

export function checkedHead(raw: RawHead | undefined): LogHead {
  const bad = (what: string) => fault('log', 'head_malformed', 0, `the log's head ${what}`);
  if (raw === undefined) throw bad('is missing');
  const { sequence, checksum, logTimeMs } = raw;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw bad(`has sequence ${shown(sequence)}`);
  }
  if (typeof checksum !== 'string' || !checksumPattern.test(checksum)) {
    throw bad(`has checksum ${shown(checksum)}`);
  }
  if (!isLogTime(logTimeMs)) throw bad(`has log time ${shown(logTimeMs)}`);
  if (sequence === 0 && checksum !== genesisChecksum)
    throw bad('of an empty log is not the genesis checksum');
  return Object.freeze({ sequence, checksum, logTimeMs });
}

export function checkedSnapshot(raw: RawSnapshotRow): Snapshot {
  const { sequence, eventChecksum, stateHash, state, checksum } = raw;
  const at = typeof sequence === 'number' && Number.isSafeInteger(sequence) ? sequence : 0;
  const malformed = (field: string, value: unknown) =>
    fault(
      'snapshot',
      'row_malformed',
      at,
      `the snapshot's ${field} ${shown(value)} is not of its kind`,
    );
  if (at < 1) throw malformed('sequence', sequence);
  if (typeof eventChecksum !== 'string' || !checksumPattern.test(eventChecksum)) {
    throw malformed('event checksum', eventChecksum);
  }
  if (typeof stateHash !== 'string' || !stateHashPattern.test(stateHash))
    throw malformed('state hash', stateHash);
  if (typeof state !== 'string') throw malformed('state', state);
  if (typeof checksum !== 'string' || !checksumPattern.test(checksum))
    throw malformed('checksum', checksum);
  const computed = snapshotChecksum(at, eventChecksum, stateHash, state);
  if (computed !== checksum) {
    throw fault(
      'snapshot',
      'snapshot_checksum_mismatch',
      at,
      `the snapshot at event ${at}: stored checksum ${checksum.slice(0, 12)}… ` +
        `but its contents give ${computed.slice(0, 12)}…`,
    );
  }
  return Object.freeze({ sequence: at, state, stateHash, eventChecksum, checksum });
}

/** The head as it stood after the event at `sequence`, from that stored row, checked. */
export function headAt(storage: LogStorage, sequence: number): LogHead {
  if (sequence === 0) return genesisHead;
  const row = storage.rowAt(sequence);
  if (row === undefined) {
    throw fault('event', 'sequence_gap', sequence, `event ${sequence} is missing`);
  }
  const before = sequence === 1 ? genesisHead : storage.rowAt(sequence - 1);
  const previousChecksum = before?.checksum;
  if (typeof previousChecksum !== 'string' || !checksumPattern.test(previousChecksum)) {
    throw fault(
      'event',
      'row_malformed',
      sequence - 1,
      `event ${sequence - 1} is missing or has no checksum`,
    );
  }
  const previousTime = before!.logTimeMs;
  return checkedRow(row, {
    sequence: sequence - 1,
    checksum: previousChecksum,
    logTimeMs: isLogTime(previousTime) ? previousTime : 0,
  });
}
