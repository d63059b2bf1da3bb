import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from './event-store-contract.ts';
import { openSqliteEventStore } from './sqlite-event-store.ts';

/**
 * A log written on 2026-12-01 with events of schema version 1 (test/fixtures/event-log): it must
 * go on opening and reading exactly so after any change of the store's format or checksum, and a
 * later schema version of these event types must keep replaying it.
 */
const here = dirname(fileURLToPath(import.meta.url));
const dump = readFileSync(resolve(here, '../../../test/fixtures/event-log/v1-log.sql'), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'xmargin-fixture-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fixtureLog(name: string): string {
  const path = join(folder, name);
  const db = new Database(path);
  db.exec(dump);
  db.close();
  return path;
}

const day = 1_796_083_200_000; // 2026-12-01T00:00:00Z

describe('the version 1 event log fixture', () => {
  it('opens, checks every checksum and reads back every event as written', async () => {
    const answer = openSqliteEventStore(fixtureLog('read.sqlite'), { mustExist: true });
    if (!answer.ok) throw new Error(answer.corruption.detail);
    const events = await readAll(answer.store);
    expect(events.map(({ checksum: _, ...event }) => event)).toEqual([
      {
        sequence: 1,
        type: 'account_opened',
        schemaVersion: 1,
        logTimeMs: day,
        body: '{"account":"alice","poolMode":"cross"}',
      },
      {
        sequence: 2,
        type: 'account_opened',
        schemaVersion: 1,
        logTimeMs: day,
        body: '{"account":"bob","poolMode":"portfolio"}',
      },
      {
        sequence: 3,
        type: 'deposited',
        schemaVersion: 1,
        logTimeMs: day + 60_000,
        body: '{"account":"alice","asset":"USDT","amount":"25000.5"}',
      },
      {
        sequence: 4,
        type: 'deposited',
        schemaVersion: 1,
        logTimeMs: day + 120_000,
        body: '{"account":"bob","asset":"BTC","amount":"0.75"}',
      },
      {
        sequence: 5,
        type: 'transferred',
        schemaVersion: 1,
        logTimeMs: day + 120_000,
        body: '{"from":"alice","to":"bob","asset":"USDT","amount":"1200"}',
      },
      {
        sequence: 6,
        type: 'withdrawn',
        schemaVersion: 1,
        logTimeMs: day + 540_000,
        body: '{"account":"bob","asset":"USDT","amount":"200.000000000000000001"}',
      },
    ]);
    // The chain's end, as written then: a change of the checksum's text fails here.
    expect(events[5]!.checksum).toBe(
      'c237d66c074cb0a05e7cbd1c01808889829a0e957072076180c3ed49a6d473ec',
    );
    expect(await answer.store.latestSnapshot()).toEqual({
      sequence: 4,
      state: '{"balances":{"alice":{"USDT":"25000.5"},"bob":{"BTC":"0.75"}}}',
      stateHash: 'fixture-state-at-4',
      eventChecksum: 'ca907a21692028255139dfe54a4f85d2ae40542ddb290910b8ae7461e5208e0f',
      checksum: '3f334f121116974157fabcb8d0bf016a44e236a27c170438250a154fa6505fa7',
    });
    await answer.store.close();
  });

  it('opens from its snapshot, and takes new events after its own', async () => {
    const path = fixtureLog('append.sqlite');
    const answer = openSqliteEventStore(path, { verification: 'since_snapshot' });
    if (!answer.ok) throw new Error(answer.corruption.detail);
    const [seventh] = await answer.store.append([
      {
        type: 'deposited',
        schemaVersion: 2,
        logTimeMs: day + 600_000,
        body: '{"account":"alice","asset":"USDT","amount":"1","location":"ethereum"}',
      },
    ]);
    expect(seventh!.sequence).toBe(7);
    await answer.store.close();
    const again = openSqliteEventStore(path);
    if (!again.ok) throw new Error(again.corruption.detail);
    expect((await readAll(again.store)).map((e) => [e.sequence, e.schemaVersion])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 2],
    ]);
    await again.store.close();
  });
});
