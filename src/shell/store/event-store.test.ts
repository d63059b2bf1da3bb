import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from './event-store.ts';
import {
  corruptionOf,
  deposit,
  eventStoreContract,
  type LogPlace,
  opened,
  readAll,
} from './event-store-contract.ts';
import { MemoryEventLog, type MemoryEventRow, openMemoryEventStore } from './memory-event-store.ts';
import { openSqliteEventStore } from './sqlite-event-store.ts';

/** The one contract, run against both adapters; then what only the SQLite adapter has. */

eventStoreContract({
  name: 'memory',
  place(): LogPlace {
    const log = new MemoryEventLog();
    const row = (sequence: number): MemoryEventRow => {
      const found = log.events.find((r) => r.sequence === sequence);
      if (found === undefined) throw new Error(`no row ${sequence}`);
      return found;
    };
    return {
      open: (options) => openMemoryEventStore(log, options),
      damageEvent: (sequence, fields) => Object.assign(row(sequence), fields),
      deleteEvent: (sequence) => log.events.splice(log.events.indexOf(row(sequence)), 1),
      swapEvents(a, b) {
        const [first, second] = [row(a), row(b)];
        const kept = { ...first };
        Object.assign(first, second, { sequence: a });
        Object.assign(second, kept, { sequence: b });
      },
      insertAround: (event) => log.events.push({ ...event }),
      damageSnapshotState(sequence, state) {
        log.snapshots.find((s) => s.sequence === sequence)!.state = state;
      },
      counts: () => ({
        quarantinedEvents: log.quarantinedEvents.length,
        quarantinedSnapshots: log.quarantinedSnapshots.length,
        snapshots: log.snapshots.length,
      }),
    };
  },
});

const folder = mkdtempSync(join(tmpdir(), 'xmargin-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

const columns: Record<keyof StoredEvent, string> = {
  sequence: 'sequence',
  type: 'type',
  schemaVersion: 'schema_version',
  logTimeMs: 'log_time_ms',
  body: 'body',
  checksum: 'checksum',
};

/** Damage done with SQL on a second connection, as an editor or a bug would do it. */
function sqlitePlace(path: string): LogPlace {
  const withDb = <T>(change: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return change(db);
    } finally {
      db.close();
    }
  };
  const count = (db: Database.Database, table: string) =>
    db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    open: (options) => openSqliteEventStore(path, options),
    damageEvent(sequence, fields) {
      withDb((db) => {
        for (const [field, value] of Object.entries(fields)) {
          const column = columns[field as keyof StoredEvent];
          db.prepare(`UPDATE events SET ${column} = ? WHERE sequence = ?`).run(value, sequence);
        }
      });
    },
    deleteEvent: (sequence) =>
      withDb((db) => db.prepare('DELETE FROM events WHERE sequence = ?').run(sequence)),
    swapEvents(a, b) {
      withDb((db) => {
        const read = db.prepare(
          'SELECT type, schema_version, log_time_ms, body, checksum FROM events WHERE sequence = ?',
        );
        const write = db.prepare(
          'UPDATE events SET type = ?, schema_version = ?, log_time_ms = ?, body = ?, checksum = ? ' +
            'WHERE sequence = ?',
        );
        const [first, second] = [read.raw().get(a) as unknown[], read.raw().get(b) as unknown[]];
        write.run(...second, a);
        write.run(...first, b);
      });
    },
    insertAround(event) {
      withDb((db) =>
        db
          .prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)')
          .run(
            event.sequence,
            event.type,
            event.schemaVersion,
            event.logTimeMs,
            event.body,
            event.checksum,
          ),
      );
    },
    damageSnapshotState: (sequence, state) =>
      withDb((db) =>
        db.prepare('UPDATE snapshots SET state = ? WHERE sequence = ?').run(state, sequence),
      ),
    counts: () =>
      withDb((db) => ({
        quarantinedEvents: count(db, 'quarantined_events'),
        quarantinedSnapshots: count(db, 'quarantined_snapshots'),
        snapshots: count(db, 'snapshots'),
      })),
  };
}

eventStoreContract({
  name: 'SQLite file',
  place() {
    files += 1;
    return sqlitePlace(join(folder, `log-${files}.sqlite`));
  },
});

/** What only the SQLite adapter has: a file, SQLite's own journal, a process that dies. */

const freshPath = () => {
  files += 1;
  return join(folder, `log-${files}.sqlite`);
};

describe('SQLite event store', () => {
  it('keeps the file in WAL mode', async () => {
    const path = freshPath();
    const store = opened(sqlitePlace(path));
    await store.append([deposit(1)]);
    const reader = new Database(path, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    reader.close();
    await store.close();
  });

  it('a batch that fails inside its transaction leaves nothing, and the log goes on', async () => {
    const path = freshPath();
    const store = opened(sqlitePlace(path));
    await store.append([deposit(1)]);
    const other = new Database(path);
    other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.sequence = 4
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(store.append([deposit(2), deposit(3), deposit(4)])).rejects.toThrow('disk full');
    expect(other.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    expect(other.prepare('SELECT sequence FROM log_head').pluck().get()).toBe(1);
    expect(await store.lastSequence()).toBe(1);
    other.exec('DROP TRIGGER refuse');
    other.close();
    const stored = await store.append([deposit(2), deposit(3), deposit(4)]);
    expect(stored.map((e) => e.sequence)).toEqual([2, 3, 4]);
    await store.close();
    expect((await readAll(opened(sqlitePlace(path)))).length).toBe(4);
  });

  it('a byte changed in the file, past SQLite, is caught by the event checksum', async () => {
    const path = freshPath();
    const store = opened(sqlitePlace(path));
    await store.append([1, 2, 3].map((n) => deposit(n)));
    await store.close();
    const bytes = readFileSync(path);
    const at = bytes.indexOf('"amount":"2.5"');
    expect(at).toBeGreaterThan(0);
    bytes.write('7', at + 10);
    writeFileSync(path, bytes);
    expect(corruptionOf(sqlitePlace(path))).toMatchObject({
      target: 'event',
      problem: 'checksum_mismatch',
      sequence: 2,
    });
  });

  it('a batch torn in the WAL by a crash is discarded whole: the log ends at the one before', async () => {
    const path = freshPath();
    const store = opened(sqlitePlace(path));
    await store.append([1, 2, 3].map((n) => deposit(n)));
    await store.append([4, 5, 6].map((n) => deposit(n)));
    // The files as a crash leaves them (not checkpointed), the last frame written only in part.
    const crashed = freshPath();
    copyFileSync(path, crashed);
    copyFileSync(`${path}-wal`, `${crashed}-wal`);
    await store.close();
    const wal = readFileSync(`${crashed}-wal`);
    truncateSync(`${crashed}-wal`, wal.length - 100);
    const after = opened(sqlitePlace(crashed));
    expect(await after.lastSequence()).toBe(3);
    expect((await readAll(after)).map((e) => e.body)).toEqual(
      [1, 2, 3].map((n) => deposit(n).body),
    );
    await after.close();
  });

  it('refuses a file that is not a SQLite database', () => {
    const path = freshPath();
    writeFileSync(path, 'not a database, but long enough to be read as a header '.repeat(20));
    expect(corruptionOf(sqlitePlace(path))).toMatchObject({
      target: 'log',
      problem: 'file_unreadable',
      sequence: 0,
    });
  });

  it("refuses another program's database and an unknown store format version", () => {
    const path = freshPath();
    const other = new Database(path);
    other.exec('CREATE TABLE orders (id INTEGER)');
    other.close();
    expect(corruptionOf(sqlitePlace(path))).toEqual({
      target: 'log',
      problem: 'not_an_event_log',
      sequence: 0,
      detail: 'a SQLite database without a log_format table',
    });
    const newer = freshPath();
    opened(sqlitePlace(newer)).close();
    const db = new Database(newer);
    db.prepare("UPDATE log_format SET value = '2' WHERE key = 'version'").run();
    db.close();
    expect(corruptionOf(sqlitePlace(newer))).toMatchObject({ problem: 'format_version_unknown' });
  });

  it('a damaged head is reported, not rebuilt', async () => {
    const path = freshPath();
    await opened(sqlitePlace(path)).close();
    const db = new Database(path);
    db.prepare("UPDATE log_head SET checksum = 'zz'").run();
    db.close();
    expect(corruptionOf(sqlitePlace(path))).toEqual({
      target: 'log',
      problem: 'head_malformed',
      sequence: 0,
      detail: `the log's head has checksum "zz"`,
    });
  });

  it('with mustExist, a missing file is an error, not a new empty log', () => {
    expect(() => openSqliteEventStore(join(folder, 'none.sqlite'), { mustExist: true })).toThrow(
      /^cannot open the event log .*none\.sqlite: /,
    );
  });

  it('runs in :memory: too', async () => {
    const answer = openSqliteEventStore(':memory:');
    if (!answer.ok) throw new Error(answer.corruption.detail);
    await answer.store.append([deposit(1), deposit(2)]);
    expect((await readAll(answer.store)).map((e) => e.sequence)).toEqual([1, 2]);
    await answer.store.close();
  });

  it('a writer killed with SIGKILL at random points loses no acknowledged event', async () => {
    const path = freshPath();
    const child = join(folder, 'writer.mts');
    const store = resolve(dirname(fileURLToPath(import.meta.url)), 'sqlite-event-store.ts');
    writeFileSync(
      child,
      `import { openSqliteEventStore } from ${JSON.stringify(store)};
      const answer = openSqliteEventStore(process.argv[2]);
      if (!answer.ok) { console.error(answer.corruption.detail); process.exit(3); }
      let last = await answer.store.lastSequence();
      for (;;) {
        const batch = Array.from({ length: 1 + (last % 5) }, (_, i) => ({
          type: 'deposited', schemaVersion: 1, logTimeMs: last + i + 1,
          body: JSON.stringify({ n: last + i + 1 }),
        }));
        const stored = await answer.store.append(batch);
        last = stored[stored.length - 1].sequence;
        process.stdout.write(last + '\\n');
      }`,
    );
    let acknowledged = 0;
    for (let run = 0; run < 4; run++) {
      const acks = await killedAfter(child, path, 5 + ((run * 37) % 50));
      expect(acks).toBeGreaterThanOrEqual(acknowledged);
      acknowledged = acks;
      const after = opened(sqlitePlace(path));
      const events = await readAll(after);
      expect(events.length).toBeGreaterThanOrEqual(acknowledged);
      events.forEach((event, i) => {
        expect(event.sequence).toBe(i + 1);
        expect(event.body).toBe(JSON.stringify({ n: i + 1 }));
      });
      await after.close();
    }
  });
});

/** Starts the writer, kills it with SIGKILL after `acks` acknowledgements; the last one it gave. */
function killedAfter(script: string, path: string, acks: number): Promise<number> {
  return new Promise((done, fail) => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
    const writer = spawn(process.execPath, ['--import', 'tsx', script, path], { cwd: root });
    let text = '';
    let errors = '';
    writer.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.split('\n').length - 1 >= acks) writer.kill('SIGKILL');
    });
    writer.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    writer.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`the writer stopped by itself: ${errors}`));
      const lines = text.split('\n').filter((line) => line !== '');
      done(Number(lines[lines.length - 1] ?? 0));
    });
  });
}
