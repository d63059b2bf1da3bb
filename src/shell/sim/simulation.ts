import type { Command } from '../../core/engine/command.ts';
import type { Answer } from '../../core/engine/execute.ts';
import type { Ledger } from '../../core/ledger/ledger.ts';
import { EngineHost, type EngineSettings, replayFromStart } from '../engine/engine-host.ts';
import { rulesOfVenueFile, settingsOf } from '../engine/venue-rules.ts';
import { seededRandom } from '../seeded-random.ts';
import type { EventStore } from '../store/event-store.ts';
import { ledgerHash } from '../store/ledger-snapshot.ts';
import { MemoryEventLog, openMemoryEventStore } from '../store/memory-event-store.ts';
import { type Before, InvariantChecker, type Violation } from './invariants.ts';
import { deleverageGraceMs, simPlaces, simStartMs, simVenueFile } from './sim-venue.ts';
import { type Step, Workload } from './workload.ts';

export interface SimulationOptions {
  readonly seed: number;
  /** Commands to deliver (each price in a batch counts one), the opening's included. */
  readonly events: number;
  readonly traders?: number;
  /** Share of steps that crash the process. */
  readonly crashRate?: number;
  /**
   * Events between the host's snapshots: small, so restarts read snapshots and their tails.
   * Absent: `simDefaults.snapshotEvery`, or a hundredth of the run where that is more (each
   * snapshot writes the whole state, which grows with the commands answered).
   */
  readonly snapshotEvery?: number;
  /** False: no invariant checked (the engine alone, for the checks' cost). */
  readonly checks?: boolean;
  /** A run's steps to deliver instead of drawing them (a reproduction, or a shrunk one). */
  readonly steps?: readonly TimedStep[];
  /** Called after each step with the engine's ledger: a test's way to plant a fault. */
  readonly tamper?: (ledger: Ledger, step: number) => void;
  /** Called every thousand commands delivered: a progress bar's feed. */
  readonly progress?: (delivered: number) => void;
}

/** A step and the log-clock time it was delivered at: what a run is, replayable from the list. */
export interface TimedStep {
  readonly step: Step;
  readonly atMs: number;
}

export interface SimulationResult {
  /** Commands delivered, duplicates and refusals included. */
  readonly delivered: number;
  /** Events in the log at the end. */
  readonly ledgerEvents: number;
  readonly crashes: number;
  readonly tornAppends: number;
  readonly accepted: number;
  readonly rejections: ReadonlyMap<string, number>;
  /** Counts of the events of the liquidation pipeline, by type or waterfall step. */
  readonly liquidation: ReadonlyMap<string, number>;
  /** Sources an index left out, by why, and the times an index was marked unreliable. */
  readonly oracle: ReadonlyMap<string, number>;
  readonly steps: readonly TimedStep[];
  readonly failure?: { readonly step: number; readonly violation: Violation };
  readonly stateHash: string;
}

export const simDefaults = { traders: 8, crashRate: 0.006, snapshotEvery: 500 } as const;

/**
 * One deterministic run (SCENARIOS.md C0; the liquidation issue's VOPR): the engine on an
 * in-memory log, a seeded workload delivered to it one step at a time on a simulated clock, and
 * after every step every invariant checked; a crash restarts the engine from the log (its latest
 * snapshot and the tail) and the state must hash the same, a torn append loses only what was
 * never acknowledged. The run stops at the first violation, with the steps that led to it.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const rules = rulesOfVenueFile(simVenueFile(), process.cwd(), simPlaces, simStartMs, 'sim venue');
  const settings: EngineSettings = settingsOf(rules);
  const traders = options.traders ?? simDefaults.traders;
  const workload = new Workload({
    seed: options.seed,
    traders,
    crashRate: options.crashRate ?? simDefaults.crashRate,
  });
  const random = seededRandom(options.seed ^ 0x5eed);
  const log = new MemoryEventLog();
  let clockMs = simStartMs;
  const snapshotEvery =
    options.snapshotEvery ?? Math.max(simDefaults.snapshotEvery, Math.ceil(options.events / 100));
  const open = async (store: EventStore) =>
    EngineHost.open(store, settings, () => clockMs, snapshotEvery);
  let host = await open(storeOf(openMemoryEventStore(log)));
  await host.adoptVenue(rules.digest, false, rules.text);
  const checks = options.checks !== false;
  const checker = new InvariantChecker(settings, {
    liveWithinCommands: 200,
    liveWithinMs: 60_000 + deleverageGraceMs,
  });

  const tally = {
    delivered: 0,
    crashes: 0,
    tornAppends: 0,
    accepted: 0,
    rejections: new Map<string, number>(),
    liquidation: new Map<string, number>(),
    oracle: new Map<string, number>(),
  };
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const done: TimedStep[] = [];
  const made = new Set<string>();
  // Moved on every price or surface accepted: the checker computes margins again after it.
  let pricesEpoch = 0;

  const noted = (command: Command, answer: Answer) => {
    tally.delivered++;
    if (tally.delivered % 1000 === 0) options.progress?.(tally.delivered);
    if (answer.kind === 'rejected') count(tally.rejections, answer.rejection.code);
    if (answer.kind !== 'accepted') return;
    tally.accepted++;
    workload.accepted(command);
    for (const event of answer.events) {
      if (event.type === 'price_accepted' || event.type === 'volatility_set') pricesEpoch++;
      if (event.type === 'liquidation_ordered') made.add(event.order.id);
      if (event.type === 'price_held') {
        for (const { reason } of event.excluded ?? []) count(tally.oracle, `source_${reason}`);
        if (event.state.unreliableSinceMs !== undefined) count(tally.oracle, 'index_unreliable');
      }
      if (event.type === 'waterfall_step') count(tally.liquidation, event.step);
      else if (event.type.startsWith('liquidation_') || event.type === 'debt_covered') {
        count(tally.liquidation, event.type);
      }
    }
  };

  /** One command delivered and checked; a violation, or undefined. */
  const deliver = async (
    command: Command,
    expect: { duplicate?: boolean; reused?: boolean } = {},
  ): Promise<Violation | undefined> => {
    const before: Before | undefined = checks ? checker.before(host.ledger, command) : undefined;
    const answer = await host.submit(command);
    noted(command, answer);
    if (before === undefined) return undefined;
    return checker.afterCommand(host.ledger, command, answer, before, host.timeMs(), expect);
  };

  /**
   * A batch delivered in one transaction; `again`: sent before and durable, so every command of
   * it the log answered must be answered as a repeat.
   */
  const deliverAll = async (
    commands: readonly Command[],
    again: boolean,
  ): Promise<Violation | undefined> => {
    const before = host.ledger.events;
    const answers = await host.submitAll(commands);
    let grew = 0;
    for (const [i, answer] of answers.entries()) {
      noted(commands[i]!, answer);
      if (answer.kind === 'accepted') grew += answer.events.length;
      if (checks && again && answer.kind === 'accepted') {
        return {
          invariant: 'INV-IDEM',
          detail: `${commands[i]!.id}, durable before the crash, took effect again`,
        };
      }
    }
    if (checks && host.ledger.events - before !== grew) {
      return {
        invariant: 'INV-IDEM',
        detail: `a batch answered ${grew} events, the log grew ${host.ledger.events - before}`,
      };
    }
    return undefined;
  };

  /** The host dies and starts again from the log: what it acknowledged must all be there. */
  const restart = async (hash: string): Promise<Violation | undefined> => {
    tally.crashes++;
    let opened = openMemoryEventStore(log);
    if (!opened.ok && opened.corruption.problem === 'events_beyond_head') {
      opened = openMemoryEventStore(log, { recover: opened.corruption });
    }
    if (!opened.ok) {
      return {
        invariant: 'INV-DET',
        detail: `the log would not open: ${opened.corruption.detail}`,
      };
    }
    host = await open(opened.store);
    const after = ledgerHash(host.ledger);
    if (after !== hash) {
      return {
        invariant: 'INV-DET',
        detail: `restart gave state ${after.slice(0, 12)}…, not ${hash.slice(0, 12)}…`,
      };
    }
    return undefined;
  };

  const run = async (timed: TimedStep): Promise<Violation | undefined> => {
    const { step } = timed;
    clockMs = Math.max(clockMs, timed.atMs);
    made.clear();
    switch (step.kind) {
      case 'command':
        return deliver(step.command, {
          duplicate: step.fault === 'duplicate' && host.ledger.answered.has(step.command.id),
          reused: step.fault === 'id_reused',
        });
      case 'batch':
        return deliverAll(step.commands, false);
      case 'crash':
        return restart(ledgerHash(host.ledger));
      case 'torn_crash': {
        // Acknowledged so far: the state before the batch. Its append is then torn (a prefix of
        // its rows past the head it never recorded) or, one time in three, whole but never
        // acknowledged; the client, with no answer, sends it again after the restart.
        const hash = ledgerHash(host.ledger);
        const head = log.head;
        const rows = log.events.length;
        const snapshot = log.snapshots.at(-1);
        await host.submitAll(step.commands);
        const written = log.events.length - rows;
        // A snapshot is written only once its events are durable: one taken of this batch means
        // the append had committed, so the crash came after it.
        const whole = random() < 1 / 3 || log.snapshots.at(-1) !== snapshot || written === 0;
        if (!whole) {
          log.events.length = rows + Math.floor(random() * written);
          log.head = head;
          tally.tornAppends++;
        }
        const problem = await restart(whole ? ledgerHash(host.ledger) : hash);
        if (problem !== undefined) return problem;
        return deliverAll(step.commands, whole && written > 0);
      }
    }
  };

  const planned = options.steps;
  const steps: TimedStep[] =
    planned === undefined ? workload.opening(clockMs).map((step) => ({ step, atMs: clockMs })) : [];
  let index = 0;
  let failure: SimulationResult['failure'];
  while (failure === undefined) {
    let timed: TimedStep | undefined;
    if (planned !== undefined) timed = planned[index];
    else if (index < steps.length) timed = steps[index];
    else if (tally.delivered < options.events) {
      clockMs += Math.floor(random() * 4000);
      const view = {
        ledger: host.ledger,
        instruments: settings.venue.instruments,
        timeMs: () => host.timeMs(),
        passes: (order: Parameters<EngineHost['check']>[0]) => {
          const answer = host.check(order);
          return answer.kind === 'checked' && answer.judgement.verdict === 'accepted';
        },
      };
      timed = { step: workload.next(view), atMs: clockMs };
    }
    if (timed === undefined) break;
    done.push(timed);
    index++;
    const violation = (await run(timed)) ?? (checks ? checkState() : undefined);
    if (violation !== undefined) failure = { step: done.length, violation };
  }

  function checkState(): Violation | undefined {
    options.tamper?.(host.ledger, done.length);
    return checker.afterStep(host.ledger, tally.delivered, host.timeMs(), made, pricesEpoch);
  }

  const hash = ledgerHash(host.ledger);
  if (failure === undefined && checks) {
    // The whole log from its first event, every snapshot ignored: the same state.
    const replayed = ledgerHash(await replayFromStart(storeOf(openMemoryEventStore(log))));
    if (replayed !== hash) {
      failure = {
        step: done.length,
        violation: {
          invariant: 'INV-DET',
          detail: `replay from the first event gave ${replayed.slice(0, 12)}…`,
        },
      };
    }
  }
  return {
    ...tally,
    ledgerEvents: host.ledger.events,
    steps: done,
    ...(failure === undefined ? {} : { failure }),
    stateHash: hash,
  };
}

function storeOf(opened: ReturnType<typeof openMemoryEventStore>): EventStore {
  if (!opened.ok)
    throw new Error(`the simulator's log would not open: ${opened.corruption.detail}`);
  return opened.store;
}
