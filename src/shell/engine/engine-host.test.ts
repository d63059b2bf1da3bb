import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  binanceLikeBrackets,
  d,
  enginePriceGuard,
  flatCollateral,
  linearPerp,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { Command } from '../../core/engine/command.ts';
import { canonicalState, stateHash } from '../../core/ledger/state-hash.ts';
import { type EventStore, type Opened, withAppend } from '../store/event-store.ts';
import { ledgerOf, snapshotOf } from '../store/ledger-snapshot.ts';
import { MemoryEventLog, openMemoryEventStore } from '../store/memory-event-store.ts';
import { openSqliteEventStore } from '../store/sqlite-event-store.ts';
import { EngineHost, type EngineSettings } from './engine-host.ts';

const settings: EngineSettings = {
  venue: venue(
    [linearPerp('BTCUSDT', 'BTC')],
    rulebook({ BTCUSDT: binanceLikeBrackets }, new Map([['USDT', flatCollateral('1')]])),
  ),
  withdrawableProfitShare: 0n,
  priceGuard: enginePriceGuard,
};

function storeOf(opened: Opened): EventStore {
  if (!opened.ok) throw new Error(`log did not open: ${JSON.stringify(opened.corruption)}`);
  return opened.store;
}

const folder = mkdtempSync(join(tmpdir(), 'xmargin-host-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const commands: Command[] = [
  { id: '1', type: 'price_tick', feed: 'index:USDT', sequence: 1, timeMs: 10_000, price: d('1') },
  { id: '2', type: 'open_account', account: 'a', poolMode: 'cross' },
  { id: '3', type: 'open_account', account: 'b', poolMode: 'cross' },
  { id: '4', type: 'deposit', account: 'a', asset: 'USDT', amount: d('100.000000000000000001') },
  { id: '5', type: 'transfer', from: 'a', to: 'b', asset: 'USDT', amount: d('33.3') },
  { id: '6', type: 'withdraw', account: 'b', asset: 'USDT', amount: d('40') },
  { id: '7', type: 'withdraw', account: 'b', asset: 'USDT', amount: d('3.3') },
];

describe('the engine over an event log', () => {
  it.each([
    [
      'memory',
      () => {
        const log = new MemoryEventLog();
        return () => storeOf(openMemoryEventStore(log));
      },
    ],
    [
      'SQLite',
      () => {
        const path = join(folder, `host-${Math.random().toString(36).slice(2)}.db`);
        return () => storeOf(openSqliteEventStore(path));
      },
    ],
  ])(
    '%s: answers each command, and a restart rebuilds the same ledger from the log',
    async (_name, make) => {
      const reopen = make();
      const first = reopen();
      const host = await EngineHost.open(first, settings, () => 10_000);
      const answers = [];
      for (const command of commands) answers.push(await host.submit(command));
      expect(answers.map((a) => (a.kind === 'rejected' ? a.rejection.code : a.kind))).toEqual([
        'accepted',
        'accepted',
        'accepted',
        'accepted',
        'accepted',
        'insufficient_balance',
        'accepted',
      ]);
      const hash = stateHash(host.ledger);
      await first.close();
      const second = reopen();
      const again = await EngineHost.open(second, settings, () => 5_000);
      expect(stateHash(again.ledger)).toBe(hash);
      expect(again.ledger.accounts.get('b')!.balances.get('USDT')).toBe(d('30'));
      // A command sent again after the restart has no second effect.
      expect(await again.submit(commands[4]!)).toEqual({ kind: 'duplicate', first: 5, count: 1 });
      expect(stateHash(again.ledger)).toBe(hash);
      await second.close();
    },
  );

  it('commits a batch as one: the answers and the ledger of the commands one by one, in one append', async () => {
    const oneByOne = await EngineHost.open(
      storeOf(openMemoryEventStore(new MemoryEventLog())),
      settings,
      () => 10_000,
    );
    const singly = [];
    for (const command of commands) singly.push(await oneByOne.submit(command));
    const log = new MemoryEventLog();
    const store = storeOf(openMemoryEventStore(log));
    let appends = 0;
    const counted = withAppend(store, (rows) => {
      appends++;
      return store.append(rows);
    });
    const batched = await EngineHost.open(counted, settings, () => 10_000);
    // A command given twice in one batch: the second is answered as the first.
    const answers = await batched.submitAll([...commands, commands[4]!]);
    expect(answers.slice(0, -1)).toEqual(singly);
    expect(answers.at(-1)).toEqual({ kind: 'duplicate', first: 5, count: 1 });
    expect(appends).toBe(1);
    expect(stateHash(batched.ledger)).toBe(stateHash(oneByOne.ledger));
    const restarted = await EngineHost.open(
      storeOf(openMemoryEventStore(log)),
      settings,
      () => 10_000,
    );
    expect(stateHash(restarted.ledger)).toBe(stateHash(oneByOne.ledger));
  });

  it('refuses everything once the log refused a batch it had applied: a restart recovers the log’s state', async () => {
    const log = new MemoryEventLog();
    const store = storeOf(openMemoryEventStore(log));
    let failing = false;
    const flaky = withAppend(store, (rows) =>
      failing ? Promise.reject(new Error('disk full')) : store.append(rows),
    );
    const host = await EngineHost.open(flaky, settings, () => 10_000);
    await host.submitAll(commands.slice(0, 3));
    const before = stateHash(host.ledger);
    failing = true;
    await expect(host.submitAll(commands.slice(3))).rejects.toThrow('disk full');
    failing = false;
    await expect(host.submit(commands[5]!)).rejects.toThrow(/restart to recover/);
    expect(() =>
      host.check({ account: 'a', instrument: 'BTCUSDT', side: 'buy', size: d('1') }),
    ).toThrow(/restart/);
    const again = await EngineHost.open(storeOf(openMemoryEventStore(log)), settings, () => 10_000);
    expect(stateHash(again.ledger)).toBe(before);
  });

  it('keeps the log clock from going back when the host clock does (S28)', async () => {
    const store = storeOf(openMemoryEventStore(new MemoryEventLog()));
    let now = 50_000;
    const host = await EngineHost.open(store, settings, () => now);
    await host.submit(commands[1]!);
    now = 20_000;
    await host.submit(commands[2]!);
    const times = [];
    for await (const event of store.read(1)) times.push(event.logTimeMs);
    expect(times).toEqual([50_000, 50_000]);
  });

  it('starts from its latest snapshot and the events after it: the same ledger as a full replay', async () => {
    const run = [commands[0]!, ...commands.slice(1)];
    const plain = new MemoryEventLog();
    const snapped = new MemoryEventLog();
    const a = await EngineHost.open(storeOf(openMemoryEventStore(plain)), settings, () => 10_000);
    const b = await EngineHost.open(
      storeOf(openMemoryEventStore(snapped)),
      settings,
      () => 10_000,
      2,
    );
    for (const command of run) {
      await a.submit(command);
      await b.submit(command);
    }
    const store = storeOf(openMemoryEventStore(snapped));
    expect((await store.latestSnapshot())?.sequence).toBe(6);
    const again = await EngineHost.open(store, settings, () => 0);
    expect(stateHash(again.ledger)).toBe(stateHash(a.ledger));
    // After the snapshot the log goes on, and a command sent before it is still answered.
    expect(await again.submit(commands[3]!)).toEqual({ kind: 'duplicate', first: 4, count: 1 });
  });

  it('refuses a snapshot whose state does not give the hash stored with it', async () => {
    const log = new MemoryEventLog();
    const host = await EngineHost.open(storeOf(openMemoryEventStore(log)), settings, () => 10_000);
    for (const command of commands.slice(0, 4)) await host.submit(command);
    const store = storeOf(openMemoryEventStore(log));
    await store.writeSnapshot({
      sequence: 4,
      state: canonicalState(host.ledger),
      stateHash: 'f'.repeat(64),
    });
    await expect(EngineHost.open(store, settings, () => 0)).rejects.toThrow(
      'event log: snapshot at event 4: its state does not give the state hash stored with it',
    );
  });

  it('replays any accepted run to the same state hash, from snapshots taken every few events', async () => {
    const amount = fc.constantFrom(d('1'), d('0.000000000000000003'), d('250.5'), d('99999'));
    const commandArb: fc.Arbitrary<Command> = fc.oneof(
      fc.record({
        id: fc.string({ maxLength: 2 }),
        type: fc.constant('open_account' as const),
        account: fc.constantFrom('a', 'b'),
        poolMode: fc.constantFrom('cross' as const, 'portfolio' as const),
      }),
      fc.record({
        id: fc.string({ maxLength: 2 }),
        type: fc.constantFrom('deposit' as const, 'withdraw' as const),
        account: fc.constantFrom('a', 'b'),
        asset: fc.constant('USDT'),
        amount,
      }),
      fc.record({
        id: fc.string({ maxLength: 2 }),
        type: fc.constant('transfer' as const),
        from: fc.constantFrom('a', 'b'),
        to: fc.constantFrom('a', 'b'),
        asset: fc.constant('USDT'),
        amount,
      }),
      fc.record({
        id: fc.string({ maxLength: 2 }),
        type: fc.constant('price_tick' as const),
        feed: fc.constant('index:USDT' as const),
        sequence: fc.integer({ min: 0, max: 5 }),
        timeMs: fc.integer({ min: 9_000, max: 10_500 }),
        price: fc.constantFrom(d('1'), d('0.5'), d('1.05')),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 25 }), async (run) => {
        const log = new MemoryEventLog();
        const host = await EngineHost.open(
          storeOf(openMemoryEventStore(log)),
          settings,
          () => 10_000,
        );
        for (const command of [commands[0]!, ...run]) await host.submit(command);
        const replayed = await EngineHost.open(
          storeOf(openMemoryEventStore(log)),
          settings,
          () => 0,
        );
        expect(stateHash(replayed.ledger)).toBe(stateHash(host.ledger));
      }),
      { numRuns: 100 },
    );
  });
});

describe('the venue’s rules a host records', () => {
  const digest = 'a'.repeat(64);
  const other = 'b'.repeat(64);
  it('records them once, gains them where only the digest is held, and refuses others', async () => {
    const store = storeOf(openMemoryEventStore(new MemoryEventLog()));
    const host = await EngineHost.open(store, settings, () => 1_000);
    await host.adoptVenue(digest, false);
    expect([host.ledger.events, host.ledger.venue, host.ledger.venueRules]).toEqual([
      1,
      digest,
      undefined,
    ]);
    // A log that holds the digest alone gains the rules; then another text of the same rules
    // (a venue file whose description changed) records nothing.
    await host.adoptVenue(digest, false, '{"file":{}}');
    await host.adoptVenue(digest, false, '{"file":{"description":"x"}}');
    expect([host.ledger.events, host.ledger.venueRules]).toEqual([2, '{"file":{}}']);
    await expect(host.adoptVenue(other, false, '{}')).rejects.toThrow(/--venue-change/);
    // A change recorded without rules leaves none: the old ones are not the new digest's.
    await host.adoptVenue(other, true);
    expect([host.ledger.events, host.ledger.venue, host.ledger.venueRules]).toEqual([
      3,
      other,
      undefined,
    ]);
    // The rules are part of the state: a restart from the log (or a snapshot) has them.
    const again = await EngineHost.open(
      store,
      (ledger) => {
        expect(ledger.venue).toBe(other);
        return settings;
      },
      () => 2_000,
    );
    expect(stateHash(again.ledger)).toBe(stateHash(host.ledger));
    // And a snapshot of a ledger holding rules reads back with them, checked by its hash.
    await host.adoptVenue(digest, true, '{"file":{"rules":"yes"}}');
    const snapshot = snapshotOf(host.ledger);
    const read = ledgerOf({ ...snapshot, eventChecksum: '', checksum: '' });
    expect(read.venueRules).toBe('{"file":{"rules":"yes"}}');
    expect(stateHash(read)).toBe(snapshot.stateHash);
    await store.close();
  });
});
