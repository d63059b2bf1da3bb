import Database from 'better-sqlite3';
import { openLog } from './chained-event-store.ts';
import { genesisChecksum } from './event-checksum.ts';
import type { LogHead } from './event-seal.ts';
import type { Opened, OpenOptions, Snapshot, StoredEvent } from './event-store.ts';
import type { LogCorruption } from './log-corruption.ts';
import type { LogStorage, RawEventRow, RawHead, RawSnapshotRow } from './log-storage.ts';

/**
 * The SQLite adapter (better-sqlite3 12): a file, or `:memory:`. WAL with synchronous=FULL, so a
 * committed batch is on disk when `append` returns (the WAL is synced at every commit) and a batch
 * torn by a crash is discarded whole by SQLite on the next open; one transaction per batch; every
 * statement prepared once. Readers in other processes (`xmargin events DB`) may read while the
 * engine writes; a second writer is refused (the head is checked inside each write transaction).
 *
 * The file holds: `log_format` (which store format, version 1), `events` (one row per event),
 * `log_head` (the last sequence, checksum and log time, written with every batch, so a log cut
 * short is caught), `snapshots` (the latest few), and `quarantined_events` /
 * `quarantined_snapshots` (what recovery moved aside; never read as the log).
 */
export const storeFormat = 'xmargin-event-log';
export const storeFormatVersion = 1;

export interface SqliteOpenOptions extends OpenOptions {
  /** Refuse a path with no file rather than create an empty log there (to replay a log). */
  readonly mustExist?: boolean;
}

export function openSqliteEventStore(path: string, options: SqliteOpenOptions = {}): Opened {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: options.mustExist ?? false });
  } catch (error) {
    throw new Error(`cannot open the event log ${path}: ${(error as Error).message}`);
  }
  return openLog(new SqliteLogStorage(db), options);
}

const schema = `
  CREATE TABLE log_format (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE events (
    sequence INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    log_time_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    checksum TEXT NOT NULL
  );
  CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    log_time_ms INTEGER NOT NULL
  );
  CREATE TABLE snapshots (
    sequence INTEGER PRIMARY KEY,
    event_checksum TEXT NOT NULL,
    state_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    checksum TEXT NOT NULL
  );
  CREATE TABLE quarantined_events (
    reason TEXT NOT NULL,
    sequence, type, schema_version, log_time_ms, body, checksum
  );
  CREATE TABLE quarantined_snapshots (
    reason TEXT NOT NULL,
    sequence, event_checksum, state_hash, state, checksum
  );
`;

const eventColumns =
  'sequence, type, schema_version AS schemaVersion, log_time_ms AS logTimeMs, body, checksum';
const snapshotColumns =
  'sequence, event_checksum AS eventChecksum, state_hash AS stateHash, state, checksum';

const isSqliteFault = (error: unknown): boolean =>
  error instanceof Database.SqliteError &&
  (error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT'));

type Statement = Database.Statement<unknown[], unknown>;

class SqliteLogStorage implements LogStorage {
  private statements: Record<string, Statement> = {};
  private writeBatch!: (rows: readonly StoredEvent[], expected: LogHead, head: LogHead) => void;

  constructor(private readonly db: Database.Database) {}

  prepare(): LogCorruption | undefined {
    try {
      return this.prepareTables();
    } catch (error) {
      if (!isSqliteFault(error)) throw error;
      return {
        target: 'log',
        problem: 'file_unreadable',
        sequence: 0,
        detail: `SQLite cannot read the file: ${(error as Error).message}`,
      };
    }
  }

  private prepareTables(): LogCorruption | undefined {
    const db = this.db;
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    db.pragma('synchronous = FULL');
    // Durability rests on these two: a file that cannot take WAL is refused, not used weaker.
    // (`:memory:` keeps its own journal: it has no durability to lose.)
    if (journal !== 'wal' && !(db.memory && journal === 'memory')) {
      throw new Error(`the event log ${db.name} cannot use WAL (journal mode ${String(journal)})`);
    }
    if (db.pragma('synchronous', { simple: true }) !== 2) {
      throw new Error(`the event log ${db.name} did not take synchronous = FULL`);
    }
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    if (tables.length === 0) {
      db.transaction(() => {
        db.exec(schema);
        const put = db.prepare('INSERT INTO log_format (key, value) VALUES (?, ?)');
        put.run('format', storeFormat);
        put.run('version', String(storeFormatVersion));
        db.prepare('INSERT INTO log_head VALUES (1, 0, ?, 0)').run(genesisChecksum);
      }).immediate();
    }
    const fault = this.formatFault(tables.length === 0 ? ['log_format'] : (tables as string[]));
    if (fault !== undefined) return fault;
    this.prepareStatements();
    return undefined;
  }

  private formatFault(tables: readonly string[]): LogCorruption | undefined {
    const notOurs = (detail: string): LogCorruption => ({
      target: 'log',
      problem: 'not_an_event_log',
      sequence: 0,
      detail,
    });
    if (!tables.includes('log_format'))
      return notOurs('a SQLite database without a log_format table');
    const rows = this.db.prepare('SELECT key, value FROM log_format').all() as {
      key: string;
      value: string;
    }[];
    const value = (key: string) => rows.find((row) => row.key === key)?.value;
    if (value('format') !== storeFormat) {
      return notOurs(`log_format says ${JSON.stringify(value('format'))}, not ${storeFormat}`);
    }
    if (value('version') !== String(storeFormatVersion)) {
      return {
        target: 'log',
        problem: 'format_version_unknown',
        sequence: 0,
        detail:
          `store format version ${JSON.stringify(value('version'))}; ` +
          `this build reads ${storeFormatVersion}`,
      };
    }
    return undefined;
  }

  private prepareStatements(): void {
    const db = this.db;
    const s = (sql: string) => db.prepare(sql);
    this.statements = {
      head: s('SELECT sequence, checksum, log_time_ms AS logTimeMs FROM log_head WHERE id = 1'),
      rowsAfter: s(
        `SELECT ${eventColumns} FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?`,
      ),
      rowAt: s(`SELECT ${eventColumns} FROM events WHERE sequence = ?`),
      insert: s('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)'),
      setHead: s('UPDATE log_head SET sequence = ?, checksum = ?, log_time_ms = ? WHERE id = 1'),
      latestSnapshot: s(`SELECT ${snapshotColumns} FROM snapshots ORDER BY sequence DESC LIMIT 1`),
      putSnapshot: s('INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)'),
      keepSnapshots: s(
        'DELETE FROM snapshots WHERE sequence NOT IN ' +
          '(SELECT sequence FROM snapshots ORDER BY sequence DESC LIMIT ?)',
      ),
    };
    const { head, insert, setHead } = this.statements as Record<string, Statement>;
    const batch = db.transaction(
      (rows: readonly StoredEvent[], expected: LogHead, next: LogHead) => {
        const stored = head!.get() as { sequence: number; checksum: string } | undefined;
        if (stored?.sequence !== expected.sequence || stored.checksum !== expected.checksum) {
          throw new Error(`the log's head moved to ${String(stored?.sequence)}: another writer`);
        }
        for (const row of rows) {
          insert!.run(
            row.sequence,
            row.type,
            row.schemaVersion,
            row.logTimeMs,
            row.body,
            row.checksum,
          );
        }
        setHead!.run(next.sequence, next.checksum, next.logTimeMs);
      },
    );
    this.writeBatch = (rows, expected, next) => batch.immediate(rows, expected, next);
  }

  private run<T>(name: string, ...params: unknown[]): T {
    return this.statements[name]!.get(...params) as T;
  }

  readHead(): RawHead | undefined {
    return this.run<RawHead | undefined>('head');
  }

  rowsAfter(sequence: number, limit: number): readonly RawEventRow[] {
    return this.statements.rowsAfter!.all(sequence, limit) as RawEventRow[];
  }

  rowAt(sequence: number): RawEventRow | undefined {
    return this.run<RawEventRow | undefined>('rowAt', sequence);
  }

  append(rows: readonly StoredEvent[], expected: LogHead, head: LogHead): void {
    this.writeBatch(rows, expected, head);
  }

  latestSnapshot(): RawSnapshotRow | undefined {
    return this.run<RawSnapshotRow | undefined>('latestSnapshot');
  }

  putSnapshot(snapshot: Snapshot, kept: number): void {
    const { sequence, eventChecksum, stateHash, state, checksum } = snapshot;
    this.db
      .transaction(() => {
        this.statements.putSnapshot!.run(sequence, eventChecksum, stateHash, state, checksum);
        this.statements.keepSnapshots!.run(kept);
      })
      .immediate();
  }

  quarantine(
    eventsFrom: number | undefined,
    snapshotsFrom: number,
    head: LogHead,
    reason: string,
  ): { readonly events: number; readonly snapshots: number } {
    const db = this.db;
    return db
      .transaction(() => {
        let events = 0;
        if (eventsFrom !== undefined) {
          db.prepare(
            'INSERT INTO quarantined_events ' +
              'SELECT ?, * FROM events WHERE sequence >= ? ORDER BY sequence',
          ).run(reason, eventsFrom);
          events = db.prepare('DELETE FROM events WHERE sequence >= ?').run(eventsFrom).changes;
        }
        db.prepare(
          'INSERT INTO quarantined_snapshots SELECT ?, * FROM snapshots WHERE sequence >= ?',
        ).run(reason, snapshotsFrom);
        const snapshots = db
          .prepare('DELETE FROM snapshots WHERE sequence >= ?')
          .run(snapshotsFrom).changes;
        this.statements.setHead!.run(head.sequence, head.checksum, head.logTimeMs);
        return { events, snapshots };
      })
      .immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
