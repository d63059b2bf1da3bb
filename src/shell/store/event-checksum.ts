import { hash } from 'node:crypto';

/**
 * Each event's seal: SHA-256 over the checksum of the event before it and the event's own fields,
 * one per line, the body last (it is the only field that may hold a newline: the type is
 * snake_case and the others are integers, so the text is unambiguous). Chaining makes a dropped,
 * inserted or reordered row fail at the first row out of place, and the last checksum vouches for
 * the whole log. Changing this text breaks every stored log: test/fixtures/event-log pins it.
 */
export const genesisChecksum = '0'.repeat(64);

export function eventChecksum(
  previousChecksum: string,
  sequence: number,
  type: string,
  schemaVersion: number,
  logTimeMs: number,
  body: string,
): string {
  return hash(
    'sha256',
    `${previousChecksum}\n${sequence}\n${type}\n${schemaVersion}\n${logTimeMs}\n${body}`,
  );
}

export function snapshotChecksum(
  sequence: number,
  eventChecksum: string,
  stateHash: string,
  state: string,
): string {
  return hash('sha256', `snapshot\n${sequence}\n${eventChecksum}\n${stateHash}\n${state}`);
}
