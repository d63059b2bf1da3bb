import { hash } from 'node:crypto';
import type { Command } from '../../core/engine/command.ts';
import type { DecideContext } from '../../core/engine/decide.ts';
import { type CheckAnswer, checkOrder, type OrderCheck } from '../../core/engine/decide-order.ts';
import { type Answer, judgeCommand } from '../../core/engine/execute.ts';
import { MarginBook } from '../../core/engine/margin-book.ts';
import { applyRecord, type Ledger, newLedger } from '../../core/ledger/ledger.ts';
import { InputError } from '../import/reader.ts';
import type { EventStore } from '../store/event-store.ts';
import { decodeRecords, encodeRecord } from '../store/ledger-codec.ts';
import { ledgerOf, snapshotOf } from '../store/ledger-snapshot.ts';

/** Events between two snapshots of the ledger, by default. */
export const snapshotEveryEvents = 10_000;

/** The venue's rules and the engine's settings: `DecideContext` without the log's time. */
export type EngineSettings = Omit<DecideContext, 'nowMs'>;

/**
 * The engine in a process: the ledger rebuilt from the event log at start (start-up and recovery
 * are one path), then each command judged on it, its events appended durably, applied, and only
 * then answered (STYLE.md 6: the shell fetches, the core decides). One command at a time: the
 * ledger is this host's alone.
 *
 * The log's clock: each command is judged at the time `clock` gives, never earlier than the last
 * event's (a host clock that jumps back cannot move the log back: SCENARIOS.md S28).
 */
export class EngineHost {
  /** The fast path's book of margin states, kept from command to command (margin-book.ts). */
  private readonly book = new MarginBook();

  private constructor(
    private readonly store: EventStore,
    readonly settings: EngineSettings,
    private readonly clock: () => number,
    readonly ledger: Ledger,
    private logTimeMs: number,
    private readonly snapshotEvery: number,
    private snapshotAt: number,
  ) {}

  /** `settings` may be read from the ledger the log rebuilds (the venue's rules it records). */
  static async open(
    store: EventStore,
    settings: EngineSettings | ((ledger: Ledger) => EngineSettings),
    clock: () => number,
    snapshotEvery = snapshotEveryEvents,
  ): Promise<EngineHost> {
    const { ledger, logTimeMs, snapshotAt } = await replay(store);
    const chosen = typeof settings === 'function' ? settings(ledger) : settings;
    return new EngineHost(store, chosen, clock, ledger, logTimeMs, snapshotEvery, snapshotAt);
  }

  /**
   * Records the venue's rules the commands after it are decided under (venue-digest.ts), where
   * the log holds none yet or `change` says the venue changed them; a log written under other
   * rules is refused, naming the option. With `rules` (their text: venue-rules.ts), the log
   * records them too, and a log that holds the digest without them gains them.
   */
  async adoptVenue(digest: string, change: boolean, rules?: string): Promise<void> {
    // The same rules recorded already (a file's other text, its description, changes nothing).
    const known = rules === undefined || this.ledger.venueRules !== undefined;
    if (this.ledger.venue === digest && known) return;
    if (this.ledger.venue !== undefined && this.ledger.venue !== digest && !change) {
      throw new InputError([
        `--venue: this log was written under other rules (venue digest ${this.ledger.venue}; ` +
          `these give ${digest}): give the venue and places it ran with, or --venue-change to ` +
          'record new rules from here on',
      ]);
    }
    const nowMs = this.timeMs();
    const record = {
      command: `venue@${this.ledger.events + 1}`,
      digest,
      events: [{ type: 'venue_set' as const, digest, ...(rules === undefined ? {} : { rules }) }],
    };
    await this.store.append(encodeRecord(record, nowMs));
    applyRecord(this.ledger, record);
    this.logTimeMs = nowMs;
  }

  /** The log's time now: the clock's, never earlier than the last event's. */
  timeMs(): number {
    return Math.max(this.logTimeMs, this.clock());
  }

  /** A pre-trade check on the ledger as it is, at the log's time now: nothing changes. */
  check(order: OrderCheck): CheckAnswer {
    this.mustBeWhole();
    return checkOrder(this.ledger, order, { ...this.settings, nowMs: this.timeMs() });
  }

  async submit(command: Command): Promise<Answer> {
    this.mustBeWhole();
    const nowMs = this.timeMs();
    const context = { ...this.settings, nowMs, sha256 };
    const { answer, record } = judgeCommand(this.ledger, command, context, this.book);
    if (record === undefined) return answer;
    await this.store.append(encodeRecord(record, nowMs));
    applyRecord(this.ledger, record);
    this.logTimeMs = nowMs;
    await this.snapshotIfDue();
    return answer;
  }

  /**
   * A batch committed as one: each command judged on the ledger as the ones before it left it,
   * then every accepted record appended in one transaction (one sync of the log for the batch,
   * not one per command), then all answered. The records are applied as they are judged, before
   * the append, so a later command of the batch sees an earlier one; should the append fail,
   * the ledger holds what the log does not, and this host refuses everything from then on: the
   * process must restart, and recovery rebuilds the ledger from the log, which has none of the
   * batch. Nothing unacknowledged is ever answered as done.
   */
  async submitAll(commands: readonly Command[]): Promise<Answer[]> {
    this.mustBeWhole();
    const answers: Answer[] = [];
    const rows: ReturnType<typeof encodeRecord> = [];
    for (const command of commands) {
      const nowMs = this.timeMs();
      const { answer, record } = judgeCommand(
        this.ledger,
        command,
        { ...this.settings, nowMs, sha256 },
        this.book,
      );
      answers.push(answer);
      if (record === undefined) continue;
      rows.push(...encodeRecord(record, nowMs));
      applyRecord(this.ledger, record);
      this.logTimeMs = nowMs;
    }
    if (rows.length === 0) return answers;
    try {
      await this.store.append(rows);
    } catch (error) {
      this.broken = error as Error;
      throw error;
    }
    await this.snapshotIfDue();
    return answers;
  }

  private broken: Error | undefined;

  private mustBeWhole(): void {
    if (this.broken !== undefined) {
      throw new Error(
        `the event log refused a batch the ledger had applied: restart to recover (${this.broken.message})`,
      );
    }
  }

  private async snapshotIfDue(): Promise<void> {
    if (this.ledger.events - this.snapshotAt >= this.snapshotEvery) {
      await this.store.writeSnapshot(snapshotOf(this.ledger));
      this.snapshotAt = this.ledger.events;
    }
  }
}

/**
 * The ledger the log holds: the latest snapshot, checked against its state hash, and every record
 * after it applied in order (the store checks each event as it reads); without a snapshot, every
 * record from the first.
 */
export async function replay(
  store: EventStore,
): Promise<{ ledger: Ledger; logTimeMs: number; snapshotAt: number }> {
  const snapshot = await store.latestSnapshot();
  const ledger = snapshot === undefined ? newLedger() : ledgerOf(snapshot);
  let logTimeMs = 0;
  if (snapshot !== undefined) {
    // The log's time at the snapshot: its last event's.
    for await (const event of store.read(snapshot.sequence)) {
      logTimeMs = event.logTimeMs;
      break;
    }
  }
  for await (const { record, logTimeMs: at } of decodeRecords(store.read(ledger.events + 1))) {
    applyRecord(ledger, record);
    logTimeMs = at;
  }
  return { ledger, logTimeMs, snapshotAt: snapshot?.sequence ?? 0 };
}

/**
 * The ledger from the log's first record on, every snapshot ignored: what `replay` (a snapshot and
 * the records after it) must agree with, hash for hash.
 */
export async function replayFromStart(store: EventStore): Promise<Ledger> {
  const ledger = newLedger();
  for await (const { record } of decodeRecords(store.read(1))) applyRecord(ledger, record);
  return ledger;
}

/** The runtime's SHA-256, as the store's checksums take it (the core's own gives the same, slower). */
function sha256(text: string): string {
  return hash('sha256', text);
}
