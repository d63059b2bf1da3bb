/**
 * A fault found in a stored log (SCENARIOS.md S27): where it is and what is wrong, precisely
 * enough to decide what to do. Opening returns it as a value; reading throws it inside a
 * `LogCorruptionError`. Never applied, never dropped without being asked (`OpenOptions.recover`).
 */
export type CorruptionProblem =
  /** The file is not a readable SQLite database (torn or overwritten at the page level). */
  | 'file_unreadable'
  /** A database without this store's tables, or of an unknown store format version. */
  | 'not_an_event_log'
  | 'format_version_unknown'
  /** The head row (last sequence and checksum, written with every batch) is missing or bad. */
  | 'head_malformed'
  /** A row's fields are not of their kind (a type that is not snake_case, a body not text…). */
  | 'row_malformed'
  /** The event at `sequence` is missing: the next stored row is later. */
  | 'sequence_gap'
  /** The stored checksum is not the one its contents and the event before it give. */
  | 'checksum_mismatch'
  /** The event's log time is earlier than the event before it. */
  | 'log_time_backwards'
  /** The log ends before the head it recorded: events were cut from the end. */
  | 'events_missing_at_end'
  /** Rows after the recorded head: written around the store, or a batch half-recorded. */
  | 'events_beyond_head'
  /** The snapshot's own checksum does not match its contents. */
  | 'snapshot_checksum_mismatch'
  /** The snapshot is at a sequence the log does not reach. */
  | 'snapshot_beyond_log'
  /** The snapshot names an event checksum that is not the log's at its sequence. */
  | 'snapshot_off_chain';

export interface LogCorruption {
  /** What the fault is in: an event (and the tail after it), a snapshot, or the log as a whole. */
  readonly target: 'event' | 'snapshot' | 'log';
  readonly problem: CorruptionProblem;
  /** The event (or snapshot) sequence at fault; 0 for the log as a whole. */
  readonly sequence: number;
  /** In words, with the figures: "event 7: stored checksum 3f2a… but its contents give 91bc…". */
  readonly detail: string;
}

export class LogCorruptionError extends Error {
  override readonly name = 'LogCorruptionError';
  constructor(readonly corruption: LogCorruption) {
    super(
      `${corruption.problem} at ${corruption.target} ${corruption.sequence}: ${corruption.detail}`,
    );
  }
}

/** A batch or snapshot the store refuses to write: a bug in its caller, named by field. */
export class EventRefusedError extends Error {
  override readonly name = 'EventRefusedError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export function sameCorruption(a: LogCorruption, b: LogCorruption): boolean {
  return a.target === b.target && a.problem === b.problem && a.sequence === b.sequence;
}
