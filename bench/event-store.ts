import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, EventToAppend } from '../src/shell/store/event-store.ts';
import { openSqliteEventStore } from '../src/shell/store/sqlite-event-store.ts';

/**
 * Issue 9, Performance (a): durable events per second through the SQLite EventStore, batched,
 * against a raw better-sqlite3 insert of the same rows into the same table in the same run
 * (target: at least half its speed). Both write files in one temporary folder, in WAL mode with
 * synchronous=FULL, one transaction per batch; their batches are interleaved round by round, so
 * the disk's and the machine's moods hit both alike; the median round is reported.
 *
 * Inside each timing, per batch:
 * - EventStore: `await store.append(batch)`: every event checked (type, version, log time, body
 *   the text of a JSON object), sealed (SHA-256 chained to the one before), then one
 *   BEGIN IMMEDIATE transaction: the head read and compared, the rows inserted through a
 *   prepared statement, the head updated, COMMIT (the WAL synced).
 * - raw insert: the same rows, checksums computed beforehand, inserted through a prepared
 *   statement in one better-sqlite3 transaction, COMMIT (the WAL synced). No checks, no head.
 */
const schema = `CREATE TABLE events (
  sequence INTEGER PRIMARY KEY, type TEXT NOT NULL, schema_version INTEGER NOT NULL,
  log_time_ms INTEGER NOT NULL, body TEXT NOT NULL, checksum TEXT NOT NULL)`;

/** A fill as the engine might write it: ~250 characters of JSON. */
function fillEvent(i: number): EventToAppend {
  return {
    type: 'fill_applied',
    schemaVersion: 1,
    logTimeMs: 1_796_083_200_000,
    body: JSON.stringify({
      command: `cmd-${i}`,
      instrument: 'BTCUSDT',
      maker: { account: `acct-${i % 997}`, size: '0.125', fee: '-0.42290437500000000' },
      taker: { account: `acct-${(i * 7) % 991}`, size: '-0.125', fee: '5.63872500000000000' },
      price: '112774.5',
      realisedPnl: '-1059.9375',
    }),
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function eventStoreBench(quick: boolean): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-store-bench-'));
  try {
    console.log(
      '\n7. Durable events through the EventStore (SQLite, WAL, synchronous=FULL), against a raw ' +
        'better-sqlite3 insert of the same rows (target ≥ 0.5)',
    );
    for (const batchSize of quick ? [100, 1_000] : [10, 100, 1_000]) {
      await measure(folder, batchSize, quick, true);
    }
    // The same in SQLite's memory: no disk, so the store's own work against the insert's alone.
    await measure(folder, 1_000, quick, false);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function measure(
  folder: string,
  batchSize: number,
  quick: boolean,
  onDisk: boolean,
): Promise<void> {
  const path = (name: string) =>
    onDisk ? join(folder, `${name}-${batchSize}.sqlite`) : ':memory:';
  const rounds = quick ? 5 : 11;
  const batchesPerRound = Math.min(
    200,
    Math.max(3, Math.round((quick ? 2_000 : 8_000) / batchSize)),
  );
  const batch = Array.from({ length: batchSize }, (_, i) => fillEvent(i));
  const checksum = 'c237d66c074cb0a05e7cbd1c01808889829a0e957072076180c3ed49a6d473ec';

  const opened = openSqliteEventStore(path('store'));
  if (!opened.ok) throw new Error(opened.corruption.detail);
  const store: EventStore = opened.store;

  const raw = new Database(path('raw'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(schema);
  const insert = raw.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)');
  let rawSequence = 0;
  const rawBatch = raw.transaction(() => {
    for (const event of batch) {
      rawSequence += 1;
      insert.run(
        rawSequence,
        event.type,
        event.schemaVersion,
        event.logTimeMs,
        event.body,
        checksum,
      );
    }
  });

  const clock = () => Number(process.hrtime.bigint()) / 1e9;
  const storeRate: number[] = [];
  const rawRate: number[] = [];
  // One warm-up round each, not counted; the order alternates from round to round.
  const timed = async (write: () => unknown): Promise<number> => {
    const start = clock();
    for (let b = 0; b < batchesPerRound; b++) await write();
    return (batchesPerRound * batchSize) / (clock() - start);
  };
  const storeWrite = () => store.append(batch);
  for (let round = -1; round < rounds; round++) {
    const storeFirst = round % 2 === 0;
    const first = await timed(storeFirst ? storeWrite : rawBatch);
    const second = await timed(storeFirst ? rawBatch : storeWrite);
    if (round < 0) continue;
    storeRate.push(storeFirst ? first : second);
    rawRate.push(storeFirst ? second : first);
  }
  await store.close();
  raw.close();

  const ratios = storeRate.map((rate, i) => rate / rawRate[i]!);
  const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US').padStart(9)}/s`;
  const where = onDisk ? '' : ', in :memory: (no disk)';
  console.log(
    `  batches of ${batchSize.toLocaleString('en-US')} events${where} ` +
      `(${batchesPerRound} batches per round, median of ${rounds} rounds)`,
  );
  console.log(
    `    raw better-sqlite3 insert                  ${perSecond(median(rawRate))}   baseline`,
  );
  console.log(
    `    EventStore.append (checked, chained)       ${perSecond(median(storeRate))}   ` +
      `×${median(ratios).toFixed(2)} (rounds ${Math.min(...ratios).toFixed(2)}–` +
      `${Math.max(...ratios).toFixed(2)})`,
  );
}
