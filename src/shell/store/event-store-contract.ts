import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventChecksum, genesisChecksum } from './event-checksum.ts';
import type { EventStore, EventToAppend, Opened, OpenOptions, StoredEvent } from './event-store.ts';
import { EventRefusedError, type LogCorruption, LogCorruptionError } from './log-corruption.ts';
import { appendBatchMax } from './store-limits.ts';

/**
 * The one behaviour every EventStore adapter has, written once and run against each
 * (event-store.test.ts), as hono runs one router suite against all its routers (STYLE.md 9).
 * An adapter supplies places to keep a log in and the damage a disk, an editor or a bug can do to
 * a stored log, each done by the adapter's own means (SQL on a second connection for SQLite).
 */
export interface LogPlace {
  open(options?: OpenOptions): Opened;
  /** Damage to stored rows, keeping the sequence: the row's other fields as given. */
  damageEvent(sequence: number, fields: Partial<Record<keyof StoredEvent, unknown>>): void;
  deleteEvent(sequence: number): void;
  /** The two rows' contents exchanged, each keeping its sequence. */
  swapEvents(a: number, b: number): void;
  /** A row written around the store, after its head. */
  insertAround(event: StoredEvent): void;
  damageSnapshotState(sequence: number, state: string): void;
  /** Rows in the quarantine tables, and snapshots kept. */
  counts(): { quarantinedEvents: number; quarantinedSnapshots: number; snapshots: number };
}

export interface StoreAdapter {
  readonly name: string;
  /** A new place for an empty log. */
  place(): LogPlace;
}

export function opened(place: LogPlace, options?: OpenOptions): EventStore {
  const answer = place.open(options);
  if (!answer.ok) throw new Error(`expected the log to open: ${answer.corruption.detail}`);
  return answer.store;
}

export function corruptionOf(place: LogPlace, options?: OpenOptions): LogCorruption {
  const answer = place.open(options);
  if (answer.ok) throw new Error('expected the log to be refused');
  return answer.corruption;
}

export async function readAll(store: EventStore, from?: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.read(from)) events.push(event);
  return events;
}

export const deposit = (n: number, logTimeMs = 1_000 + n): EventToAppend => ({
  type: 'deposited',
  schemaVersion: 1,
  logTimeMs,
  body: JSON.stringify({ account: `acct-${n}`, asset: 'USDT', amount: `${n}.5` }),
});

/** A log of `count` deposits, appended in batches of three, and closed. */
async function written(place: LogPlace, count: number): Promise<void> {
  const store = opened(place);
  for (let n = 1; n <= count; n += 3) {
    const batch = [];
    for (let k = n; k < Math.min(n + 3, count + 1); k++) batch.push(deposit(k));
    await store.append(batch);
  }
  await store.close();
}

const eventArbitrary = fc.record({
  type: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
  schemaVersion: fc.integer({ min: 1, max: 1_000 }),
  logTimeStepMs: fc.integer({ min: 0, max: 10_000_000 }),
  body: fc.dictionary(fc.string(), fc.jsonValue()).map((value) => JSON.stringify(value)),
});

export function eventStoreContract(adapter: StoreAdapter): void {
  describe(`EventStore contract: ${adapter.name}`, () => {
    it('an empty log: sequence 0, nothing to read, no snapshot', async () => {
      const store = opened(adapter.place());
      expect(await store.lastSequence()).toBe(0);
      expect(await readAll(store)).toEqual([]);
      expect(await store.latestSnapshot()).toBeUndefined();
      await store.close();
    });

    it('appends and reads back every field, sequences gapless from 1 across batches', async () => {
      const store = opened(adapter.place());
      const first = await store.append([deposit(1), deposit(2)]);
      const second = await store.append([deposit(3)]);
      const third = await store.append([deposit(4), deposit(5), deposit(6)]);
      expect([...first, ...second, ...third].map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      const back = await readAll(store);
      expect(back).toEqual([...first, ...second, ...third]);
      expect(back[2]).toEqual({
        ...deposit(3),
        sequence: 3,
        checksum: eventChecksum(
          first[1]!.checksum,
          3,
          'deposited',
          1,
          1_003,
          '{"account":"acct-3","asset":"USDT","amount":"3.5"}',
        ),
      });
      expect(first[0]!.checksum).toBe(
        eventChecksum(genesisChecksum, 1, 'deposited', 1, 1_001, deposit(1).body),
      );
      expect(await store.lastSequence()).toBe(6);
      await store.close();
    });

    it('carries each schema version as given', async () => {
      const store = opened(adapter.place());
      await store.append([1, 2, 7].map((v) => ({ ...deposit(v), schemaVersion: v })));
      expect((await readAll(store)).map((e) => [e.sequence, e.schemaVersion])).toEqual([
        [1, 1],
        [2, 2],
        [3, 7],
      ]);
      await store.close();
    });

    it('reads from a sequence on; past the end reads nothing; below 1 is refused', async () => {
      const store = opened(adapter.place());
      await store.append([1, 2, 3, 4, 5].map((n) => deposit(n)));
      expect((await readAll(store, 3)).map((e) => e.sequence)).toEqual([3, 4, 5]);
      expect((await readAll(store, 5)).map((e) => e.body)).toEqual([deposit(5).body]);
      expect(await readAll(store, 6)).toEqual([]);
      expect(() => store.read(0)).toThrow('fromSequence: 0 is not a sequence (1 or more)');
      await store.close();
    });

    it('a batch with one bad event writes none of it, and the log goes on after it', async () => {
      const place = adapter.place();
      const store = opened(place);
      await store.append([deposit(1)]);
      const refusals: [EventToAppend[], string][] = [
        [[deposit(2), deposit(3), { ...deposit(4), type: 'Deposited' }], 'events[2].type'],
        [
          [deposit(2), { ...deposit(3), body: '{"amount":' }],
          'events[1].body: is not the text of a JSON object ({…})',
        ],
        [[deposit(2), { ...deposit(3), body: '42' }], 'events[1].body: is not the text'],
        [[{ ...deposit(2), body: undefined as unknown as string }], 'events[0].body: must be JSON'],
        [[deposit(2), { ...deposit(3), schemaVersion: 0 }], 'events[1].schemaVersion'],
        [[deposit(2), { ...deposit(3), logTimeMs: 1.5 }], 'events[1].logTimeMs'],
        [
          [deposit(5), deposit(2)],
          "events[1].logTimeMs: 1002 is before the event before it (1005): the log's clock never goes back",
        ],
        [[{ ...deposit(2), logTimeMs: 999 }], 'events[0].logTimeMs: 999 is before'],
      ];
      for (const [batch, message] of refusals) {
        await expect(store.append(batch)).rejects.toThrow(EventRefusedError);
        await expect(store.append(batch)).rejects.toThrow(message);
        expect(await store.lastSequence()).toBe(1);
      }
      expect((await readAll(store)).map((e) => e.body)).toEqual([deposit(1).body]);
      await expect(store.append(new Array(appendBatchMax + 1).fill(deposit(2)))).rejects.toThrow(
        `events: ${appendBatchMax + 1} events, above the ${appendBatchMax} allowed per batch`,
      );
      expect(await store.append([])).toEqual([]);
      expect(await store.lastSequence()).toBe(1);
      const next = await store.append([deposit(2)]);
      expect(next.map((e) => e.sequence)).toEqual([2]);
      await store.close();
      const again = opened(place);
      expect((await readAll(again)).map((e) => e.sequence)).toEqual([1, 2]);
      await again.close();
    });

    it('reopened, reads everything back and goes on with the chain', async () => {
      const place = adapter.place();
      await written(place, 7);
      const store = opened(place);
      expect(await store.lastSequence()).toBe(7);
      const back = await readAll(store);
      expect(back.map((e) => e.body)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => deposit(n).body));
      const [eighth] = await store.append([deposit(8)]);
      expect(eighth!.checksum).toBe(
        eventChecksum(back[6]!.checksum, 8, 'deposited', 1, 1_008, deposit(8).body),
      );
      await store.close();
      const again = opened(place);
      expect((await readAll(again)).length).toBe(8);
      await again.close();
    });

    it('snapshots: the latest kept, read back reopened, only forward, within the log', async () => {
      const place = adapter.place();
      const store = opened(place);
      await store.append([1, 2, 3, 4, 5, 6].map((n) => deposit(n)));
      const events = await readAll(store);
      const written = await store.writeSnapshot({ sequence: 2, state: '{"a":1}', stateHash: 'ab' });
      expect(written.eventChecksum).toBe(events[1]!.checksum);
      expect(await store.latestSnapshot()).toEqual(written);
      await expect(
        store.writeSnapshot({ sequence: 2, state: '{}', stateHash: 'ab' }),
      ).rejects.toThrow('snapshot.sequence: 2 is not after the latest snapshot (2)');
      await expect(
        store.writeSnapshot({ sequence: 7, state: '{}', stateHash: 'ab' }),
      ).rejects.toThrow('snapshot.sequence: must be a sequence in the log, from 1 to 6');
      await expect(
        store.writeSnapshot({ sequence: 3, state: '{}', stateHash: 'a b' }),
      ).rejects.toThrow('snapshot.stateHash');
      for (const sequence of [3, 4, 5, 6]) {
        await store.writeSnapshot({
          sequence,
          state: `{"at":${sequence}}`,
          stateHash: `h${sequence}`,
        });
      }
      await store.close();
      expect(place.counts().snapshots).toBe(3);
      const again = opened(place);
      expect(await again.latestSnapshot()).toMatchObject({
        sequence: 6,
        state: '{"at":6}',
        stateHash: 'h6',
        eventChecksum: events[5]!.checksum,
      });
      await again.close();
    });

    it('a changed body is caught at its event, on opening and while reading', async () => {
      const place = adapter.place();
      await written(place, 6);
      const store = opened(place);
      place.damageEvent(4, { body: deposit(4).body.replace('4.5', '4000.5') });
      await expect(readAll(store, 2)).rejects.toThrow(LogCorruptionError);
      await expect(readAll(store)).rejects.toThrow(
        /checksum_mismatch at event 4: event 4: stored checksum/,
      );
      await store.close();
      expect(corruptionOf(place)).toMatchObject({
        target: 'event',
        problem: 'checksum_mismatch',
        sequence: 4,
      });
    });

    it('a changed type or version is caught like a changed body', async () => {
      for (const fields of [{ type: 'withdrawn' }, { schemaVersion: 2 }, { logTimeMs: 1_004 }]) {
        const place = adapter.place();
        await written(place, 4);
        place.damageEvent(2, fields);
        expect(corruptionOf(place)).toMatchObject({ problem: 'checksum_mismatch', sequence: 2 });
      }
    });

    it('a row of the wrong kind is named', async () => {
      const place = adapter.place();
      await written(place, 4);
      place.damageEvent(3, { type: 'Deposited' });
      expect(corruptionOf(place)).toEqual({
        target: 'event',
        problem: 'row_malformed',
        sequence: 3,
        detail: 'event 3: its type "Deposited" is not snake_case text',
      });
    });

    it('a deleted row is a gap at its sequence', async () => {
      const place = adapter.place();
      await written(place, 6);
      place.deleteEvent(3);
      expect(corruptionOf(place)).toEqual({
        target: 'event',
        problem: 'sequence_gap',
        sequence: 3,
        detail: 'event 3 is missing: the next stored is 4',
      });
    });

    it('a deleted last row is caught by the head: events missing at the end', async () => {
      const place = adapter.place();
      await written(place, 6);
      place.deleteEvent(6);
      expect(corruptionOf(place)).toEqual({
        target: 'event',
        problem: 'events_missing_at_end',
        sequence: 6,
        detail: 'the log ends at event 5, but its head records 6: 1 events cut from the end',
      });
    });

    it('the last event replaced and sealed again is caught by the head it recorded', async () => {
      const place = adapter.place();
      await written(place, 4);
      const store = opened(place);
      const [third] = (await readAll(store, 3)) as [StoredEvent];
      await store.close();
      const forged = '{"account":"acct-4","asset":"USDT","amount":"4000000"}';
      place.damageEvent(4, {
        body: forged,
        checksum: eventChecksum(third.checksum, 4, 'deposited', 1, 1_004, forged),
      });
      const corruption = corruptionOf(place);
      expect(corruption).toMatchObject({
        target: 'event',
        problem: 'checksum_mismatch',
        sequence: 4,
      });
      expect(corruption.detail).toMatch(
        /^event 4: its checksum is not the one the log's head recorded/,
      );
      const answer = place.open({ recover: corruption });
      expect(answer.recovery).toMatchObject({
        eventsQuarantined: 1,
        eventsDropped: 1,
        lastSequence: 3,
      });
      if (answer.ok) await answer.store.close();
    });

    it('two rows exchanged fail at the first of them', async () => {
      const place = adapter.place();
      await written(place, 6);
      place.swapEvents(2, 3);
      expect(corruptionOf(place)).toMatchObject({ problem: 'checksum_mismatch', sequence: 2 });
    });

    it('a row written around the store, after its head, is caught', async () => {
      const place = adapter.place();
      await written(place, 3);
      const store = opened(place);
      const [last] = (await readAll(store, 3)) as [StoredEvent];
      await store.close();
      const body = deposit(4).body;
      place.insertAround({
        ...deposit(4),
        sequence: 4,
        checksum: eventChecksum(last.checksum, 4, 'deposited', 1, 1_004, body),
      });
      const corruption = corruptionOf(place);
      expect(corruption).toMatchObject({ problem: 'events_beyond_head', sequence: 4 });
      const recovered = place.open({ recover: corruption });
      expect(recovered.ok).toBe(true);
      expect(recovered.recovery).toMatchObject({
        eventsQuarantined: 1,
        eventsDropped: 0,
        lastSequence: 3,
      });
      if (recovered.ok) await recovered.store.close();
    });

    it('recovery, when asked, moves the tail from the fault aside and counts it', async () => {
      const place = adapter.place();
      await written(place, 6);
      const store = opened(place);
      await store.writeSnapshot({ sequence: 2, state: '{}', stateHash: 's2' });
      await store.writeSnapshot({ sequence: 5, state: '{}', stateHash: 's5' });
      await store.close();
      place.damageEvent(4, { body: '{"forged":true}' });
      const corruption = corruptionOf(place);
      // Another fault than the one found is not recovered: nothing moves.
      const wrong = place.open({ recover: { ...corruption, sequence: 5 } });
      expect(wrong).toEqual({ ok: false, corruption });
      expect(place.counts().quarantinedEvents).toBe(0);
      const answer = place.open({ recover: corruption });
      if (!answer.ok) throw new Error(answer.corruption.detail);
      expect(answer.recovery).toEqual({
        corruption,
        eventsQuarantined: 3,
        eventsDropped: 3,
        snapshotsQuarantined: 1,
        lastSequence: 3,
      });
      expect((await readAll(answer.store)).map((e) => e.sequence)).toEqual([1, 2, 3]);
      expect((await answer.store.latestSnapshot())?.stateHash).toBe('s2');
      expect((await answer.store.append([deposit(4)]))[0]!.sequence).toBe(4);
      await answer.store.close();
      expect(place.counts()).toEqual({
        quarantinedEvents: 3,
        quarantinedSnapshots: 1,
        snapshots: 1,
      });
      expect((await readAll(opened(place))).length).toBe(4);
    });

    it('recovery of events cut from the end counts those already gone', async () => {
      const place = adapter.place();
      await written(place, 6);
      place.deleteEvent(6);
      place.deleteEvent(5);
      const corruption = corruptionOf(place);
      expect(corruption).toMatchObject({ problem: 'events_missing_at_end', sequence: 5 });
      const answer = place.open({ recover: corruption });
      expect(answer.recovery).toMatchObject({
        eventsQuarantined: 0,
        eventsDropped: 2,
        lastSequence: 4,
      });
      if (answer.ok) await answer.store.close();
    });

    it('a damaged snapshot is caught; recovery sets it aside, the one before serves', async () => {
      const place = adapter.place();
      await written(place, 4);
      const store = opened(place);
      await store.writeSnapshot({ sequence: 2, state: '{"at":2}', stateHash: 's2' });
      await store.writeSnapshot({ sequence: 4, state: '{"at":4}', stateHash: 's4' });
      await store.close();
      place.damageSnapshotState(4, '{"at":5}');
      for (const verification of ['whole_log', 'since_snapshot'] as const) {
        expect(corruptionOf(place, { verification })).toMatchObject({
          target: 'snapshot',
          problem: 'snapshot_checksum_mismatch',
          sequence: 4,
        });
      }
      const answer = place.open({ recover: corruptionOf(place) });
      if (!answer.ok) throw new Error(answer.corruption.detail);
      expect(answer.recovery).toMatchObject({ snapshotsQuarantined: 1, eventsDropped: 0 });
      expect(await answer.store.latestSnapshot()).toMatchObject({ sequence: 2, state: '{"at":2}' });
      await answer.store.close();
    });

    it('since the snapshot: events before it unchecked on opening, checked when read', async () => {
      const place = adapter.place();
      await written(place, 6);
      const store = opened(place);
      await store.writeSnapshot({ sequence: 4, state: '{}', stateHash: 's4' });
      await store.close();
      place.damageEvent(2, { body: '{}' });
      expect(corruptionOf(place)).toMatchObject({ problem: 'checksum_mismatch', sequence: 2 });
      const quick = opened(place, { verification: 'since_snapshot' });
      expect((await readAll(quick, 5)).map((e) => e.sequence)).toEqual([5, 6]);
      await expect(readAll(quick)).rejects.toThrow('checksum_mismatch at event 2');
      await quick.close();
      place.damageEvent(5, { body: '{}' });
      expect(corruptionOf(place, { verification: 'since_snapshot' })).toMatchObject({
        problem: 'checksum_mismatch',
        sequence: 5,
      });
    });

    it('one writer per log: a second store on the same log is refused when it writes', async () => {
      const place = adapter.place();
      const one = opened(place);
      const two = opened(place);
      await one.append([deposit(1)]);
      await expect(two.append([deposit(2)])).rejects.toThrow(
        "the log's head moved to 1: another writer",
      );
      await one.close();
      await two.close();
      expect((await readAll(opened(place))).length).toBe(1);
    });

    it('a closed store refuses to be used', async () => {
      const store = opened(adapter.place());
      await store.close();
      await expect(store.append([deposit(1)])).rejects.toThrow('the event store is closed');
    });

    it('any sequence of batches reads back exactly, before and after reopening', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(eventArbitrary, { maxLength: 6 }), { maxLength: 6 }),
          async (batches) => {
            const place = adapter.place();
            const store = opened(place);
            let logTimeMs = 0;
            const sent: EventToAppend[] = [];
            for (const batch of batches) {
              const events = batch.map(({ logTimeStepMs, ...event }) => {
                logTimeMs += logTimeStepMs;
                return { ...event, logTimeMs };
              });
              const stored = await store.append(events);
              expect(stored.map((e) => e.sequence)).toEqual(
                events.map((_, i) => sent.length + i + 1),
              );
              sent.push(...events);
            }
            const strip = (events: StoredEvent[]) =>
              events.map(({ type, schemaVersion, logTimeMs, body }) => ({
                type,
                schemaVersion,
                logTimeMs,
                body,
              }));
            expect(strip(await readAll(store))).toEqual(sent);
            await store.close();
            const again = opened(place);
            expect(await again.lastSequence()).toBe(sent.length);
            expect(strip(await readAll(again))).toEqual(sent);
            await again.close();
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
