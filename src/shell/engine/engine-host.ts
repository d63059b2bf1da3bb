import type { Command } from '../../core/engine/command.ts';
import type { DecideContext } from '../../core/engine/decide.ts';
import { type Answer, judgeCommand } from '../../core/engine/execute.ts';
import { applyRecord, type Ledger, newLedger } from '../../core/ledger/ledger.ts';
import type { EventStore } from '../store/event-store.ts';
import { decodeRecords, encodeRecord } from '../store/ledger-codec.ts';

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
  private constructor(
    private readonly store: EventStore,
    private readonly settings: EngineSettings,
    private readonly clock: () => number,
    readonly ledger: Ledger,
    private logTimeMs: number,
  ) {}

  static async open(
    store: EventStore,
    settings: EngineSettings,
    clock: () => number,
  ): Promise<EngineHost> {
    const { ledger, logTimeMs } = await replay(store);
    return new EngineHost(store, settings, clock, ledger, logTimeMs);
  }

  async submit(command: Command): Promise<Answer> {
    const nowMs = Math.max(this.logTimeMs, this.clock());
    const { answer, record } = judgeCommand(this.ledger, command, { ...this.settings, nowMs });
    if (record === undefined) return answer;
    await this.store.append(encodeRecord(record, nowMs));
    applyRecord(this.ledger, record);
    this.logTimeMs = nowMs;
    return answer;
  }
}

/** The ledger the log holds: every record applied in order (the store checks each as it reads). */
export async function replay(store: EventStore): Promise<{ ledger: Ledger; logTimeMs: number }> {
  const ledger = newLedger();
  let logTimeMs = 0;
  for await (const { record, logTimeMs: at } of decodeRecords(store.read(1))) {
    applyRecord(ledger, record);
    logTimeMs = at;
  }
  return { ledger, logTimeMs };
}
