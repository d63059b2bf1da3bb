import { eventChecksum, snapshotChecksum } from './event-checksum.ts';
import type { EventToAppend, Snapshot, SnapshotToWrite, StoredEvent } from './event-store.ts';
import { EventRefusedError } from './log-corruption.ts';
import {
  appendBatchMax,
  bodyCharsMax,
  eventTypeCharsMax,
  schemaVersionMax,
  sequenceMax,
  snapshotCharsMax,
} from './store-limits.ts';

/**
 * Checks a batch before anything is written and seals it: sequences after the head, each event's
 * checksum chained to the one before. The first fault refuses the whole batch, so a batch is
 * written whole or not at all.
 *
 * The body is the engine's (JSON.stringify of the event) and opaque here: the store checks only
 * that it is the text of a JSON object, which catches a value that is not one and a text cut
 * short. Parsing every body would be the full check, but it costs more than the rest of the
 * append's own work together (measured: 7.9 µs per event with it, 2.9 without, for a fill's
 * ~250 characters); replay parses each body and stops loudly at the sequence of one that fails.
 */

/** Where the log ends: the last event's sequence, checksum and log time (0, genesis, 0 if none). */
export interface LogHead {
  readonly sequence: number;
  readonly checksum: string;
  readonly logTimeMs: number;
}

export const eventTypePattern = new RegExp(`^[a-z][a-z0-9_]{0,${eventTypeCharsMax - 1}}$`);
export const stateHashPattern = /^[0-9A-Za-z:_-]{1,128}$/;

export function isLogTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isSchemaVersion(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= 1 &&
    value <= schemaVersionMax
  );
}

/** `{` … `}` with only JSON whitespace outside. */
function isObjectText(body: string): boolean {
  let first = 0;
  let last = body.length - 1;
  while (first < last && isJsonSpace(body.charCodeAt(first))) first++;
  while (last > first && isJsonSpace(body.charCodeAt(last))) last--;
  return first < last && body.charCodeAt(first) === 0x7b && body.charCodeAt(last) === 0x7d;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export function sealBatch(head: LogHead, events: readonly EventToAppend[]): StoredEvent[] {
  if (!Array.isArray(events)) throw new EventRefusedError('events', 'must be an array');
  if (events.length > appendBatchMax) {
    throw new EventRefusedError(
      'events',
      `${events.length} events, above the ${appendBatchMax} allowed per batch`,
    );
  }
  if (head.sequence + events.length > sequenceMax) {
    throw new EventRefusedError('events', `the log would pass sequence ${sequenceMax}`);
  }
  const sealed: StoredEvent[] = new Array(events.length);
  let previous = head;
  for (let i = 0; i < events.length; i++) {
    const event = checkEvent(events[i], `events[${i}]`, previous.logTimeMs);
    const sequence = previous.sequence + 1;
    const checksum = eventChecksum(
      previous.checksum,
      sequence,
      event.type,
      event.schemaVersion,
      event.logTimeMs,
      event.body,
    );
    // A fresh object: the caller's may change after the call; the store's must not.
    sealed[i] = Object.freeze({
      sequence,
      type: event.type,
      schemaVersion: event.schemaVersion,
      logTimeMs: event.logTimeMs,
      body: event.body,
      checksum,
    });
    previous = { sequence, checksum, logTimeMs: event.logTimeMs };
  }
  return sealed;
}

function checkEvent(
  event: EventToAppend | undefined,
  path: string,
  earliestMs: number,
): EventToAppend {
  if (typeof event !== 'object' || event === null)
    throw new EventRefusedError(path, 'must be an event');
  const { type, schemaVersion, logTimeMs, body } = event;
  if (typeof type !== 'string' || !eventTypePattern.test(type)) {
    throw new EventRefusedError(
      `${path}.type`,
      `must be snake_case, at most ${eventTypeCharsMax} characters`,
    );
  }
  if (!isSchemaVersion(schemaVersion)) {
    throw new EventRefusedError(
      `${path}.schemaVersion`,
      `must be a whole number from 1 to ${schemaVersionMax}`,
    );
  }
  if (!isLogTime(logTimeMs)) {
    throw new EventRefusedError(`${path}.logTimeMs`, 'must be a whole number of milliseconds, ≥ 0');
  }
  if (logTimeMs < earliestMs) {
    throw new EventRefusedError(
      `${path}.logTimeMs`,
      `${logTimeMs} is before the event before it (${earliestMs}): the log's clock never goes back`,
    );
  }
  if (typeof body !== 'string' || body.length > bodyCharsMax) {
    throw new EventRefusedError(
      `${path}.body`,
      `must be JSON text of at most ${bodyCharsMax} characters`,
    );
  }
  if (!isObjectText(body)) {
    throw new EventRefusedError(`${path}.body`, 'is not the text of a JSON object ({…})');
  }
  return event;
}

export function sealSnapshot(
  head: LogHead,
  latest: Snapshot | undefined,
  snapshot: SnapshotToWrite,
  checksumAt: (sequence: number) => string,
): Snapshot {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw new EventRefusedError('snapshot', 'must be a snapshot');
  }
  const { sequence, state, stateHash } = snapshot;
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > head.sequence) {
    throw new EventRefusedError(
      'snapshot.sequence',
      `must be a sequence in the log, from 1 to ${head.sequence}`,
    );
  }
  if (latest !== undefined && sequence <= latest.sequence) {
    throw new EventRefusedError(
      'snapshot.sequence',
      `${sequence} is not after the latest snapshot (${latest.sequence})`,
    );
  }
  if (typeof state !== 'string' || state.length > snapshotCharsMax) {
    throw new EventRefusedError(
      'snapshot.state',
      `must be text of at most ${snapshotCharsMax} characters`,
    );
  }
  if (typeof stateHash !== 'string' || !stateHashPattern.test(stateHash)) {
    throw new EventRefusedError('snapshot.stateHash', 'must be 1 to 128 letters, digits, : _ or -');
  }
  const eventChecksum = checksumAt(sequence);
  return Object.freeze({
    sequence,
    state,
    stateHash,
    eventChecksum,
    checksum: snapshotChecksum(sequence, eventChecksum, stateHash, state),
  });
}
