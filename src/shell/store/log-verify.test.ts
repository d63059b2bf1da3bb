import { describe, expect, it } from 'vitest';
import { eventChecksum, genesisChecksum } from './event-checksum.ts';
import { LogCorruptionError } from './log-corruption.ts';
import { checkedHead, checkedRow, genesisHead } from './log-verify.ts';

/** What the contract cannot reach by damaging rows: faults only a writer could seal. */
describe('checking a stored row', () => {
  const first = {
    sequence: 1,
    type: 'deposited',
    schemaVersion: 1,
    logTimeMs: 5_000,
    body: '{}',
    checksum: eventChecksum(genesisChecksum, 1, 'deposited', 1, 5_000, '{}'),
  };

  it('takes a sound row as a stored event', () => {
    expect(checkedRow(first, genesisHead)).toEqual(first);
  });

  it('refuses a log time before the event before it, even sealed', () => {
    const second = {
      ...first,
      sequence: 2,
      logTimeMs: 4_999,
      checksum: eventChecksum(first.checksum, 2, 'deposited', 1, 4_999, '{}'),
    };
    const fault = () => checkedRow(second, first);
    expect(fault).toThrow(LogCorruptionError);
    expect(fault).toThrow(
      'log_time_backwards at event 2: event 2: log time 4999 is before 5000, the time of event 1',
    );
  });

  it('names a sequence that goes back, and a checksum that is not hex', () => {
    expect(() => checkedRow({ ...first, sequence: 1 }, first)).toThrow(
      'row_malformed at event 2: the row after event 1 has sequence 1',
    );
    expect(() => checkedRow({ ...first, checksum: 'G'.repeat(64) }, genesisHead)).toThrow(
      'row_malformed at event 1: event 1: its checksum "GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG…" is not 64 hex digits',
    );
  });

  it('refuses a head that is missing, negative, or an empty log not at the genesis checksum', () => {
    expect(() => checkedHead(undefined)).toThrow(
      "head_malformed at log 0: the log's head is missing",
    );
    expect(() => checkedHead({ sequence: -1, checksum: genesisChecksum, logTimeMs: 0 })).toThrow(
      "the log's head has sequence -1",
    );
    expect(() => checkedHead({ sequence: 0, checksum: first.checksum, logTimeMs: 0 })).toThrow(
      "the log's head of an empty log is not the genesis checksum",
    );
  });
});
