import { InputError } from '../import/reader.ts';
import { shrink } from '../sim/shrink.ts';
import {
  type SimulationOptions,
  type SimulationResult,
  simDefaults,
  simulate,
} from '../sim/simulation.ts';
import { countText, toJson } from './figures.ts';
import { progressOn } from './progress.ts';

export interface SimulateFlags {
  readonly events?: string;
  readonly seed?: string;
  readonly traders?: string;
  readonly crashRate?: string;
  readonly json?: boolean;
}

/** The crash points a run has by default, at most (its crash rate lowered to keep to it). */
export const crashesMax = 200;

/** A run that broke an invariant: exit 1, its reproducer on stderr (main.ts). */
export class SimulationFailed extends Error {}

/**
 * `xmargin simulate --events N --seed S`: one deterministic run of the simulator (sim/), every
 * invariant checked after every step, with a progress bar on a terminal. A violation prints the
 * line that reproduces it and the run shrunk to its shortest failing steps, and exits 1.
 */
export async function simulateCommand(
  flags: SimulateFlags,
  print: (text: string) => void,
): Promise<void> {
  const events = whole(flags.events ?? '100000', '--events', 1, 1e9);
  const options = {
    seed: whole(flags.seed ?? '1', '--seed', 0, 2 ** 32 - 1),
    events,
    traders: whole(flags.traders ?? String(simDefaults.traders), '--traders', 1, 200),
    // Each crash verifies the whole log as a restart does, hashes the whole state twice and reads
    // it back, and both grow with the run: by default a long run crashes at most `crashesMax` times.
    crashRate:
      flags.crashRate === undefined
        ? Math.min(simDefaults.crashRate, crashesMax / events)
        : share(flags.crashRate, '--crash-rate'),
  };
  const progress = progressOn(process.stderr);
  progress.stage(`simulating seed ${options.seed}`, options.events);
  const started = performance.now();
  const result = await simulate({ ...options, progress: (done) => progress.update(done) });
  const seconds = (performance.now() - started) / 1000;
  progress.end();
  const summary = summaryOf(options, result, seconds);
  if (result.failure !== undefined) {
    progress.stage('shrinking the failing run');
    const shrunk = await shrink(options, result);
    progress.end();
    const { violation, step } = result.failure;
    const failure = {
      ...summary,
      violation: { ...violation, step },
      reproduce: reproducer(options),
      shrunk: { steps: shrunk.steps.length, replays: shrunk.replays },
    };
    print(flags.json ? toJson(failure) : summaryText(summary));
    throw new SimulationFailed(
      `${violation.invariant} broken at step ${step}: ${violation.detail}\n` +
        `  reproduce: ${reproducer(options)}\n` +
        `  shrunk to ${shrunk.steps.length} of ${step} steps (${shrunk.replays} replays)`,
    );
  }
  print(flags.json ? toJson(summary) : summaryText(summary));
}

/** The one line that runs the same simulation again. */
export function reproducer(
  options: Required<
    Omit<SimulationOptions, 'steps' | 'tamper' | 'progress' | 'checks' | 'snapshotEvery'>
  >,
): string {
  return (
    `xmargin simulate --seed ${options.seed} --events ${options.events} ` +
    `--traders ${options.traders} --crash-rate ${options.crashRate}`
  );
}

function summaryOf(
  options: { readonly seed: number; readonly events: number },
  result: SimulationResult,
  seconds: number,
) {
  return {
    seed: options.seed,
    delivered: result.delivered,
    accepted: result.accepted,
    ledgerEvents: result.ledgerEvents,
    crashes: result.crashes,
    tornAppends: result.tornAppends,
    rejections: Object.fromEntries([...result.rejections].sort(([a], [b]) => (a < b ? -1 : 1))),
    liquidation: Object.fromEntries([...result.liquidation].sort(([a], [b]) => (a < b ? -1 : 1))),
    oracle: Object.fromEntries([...result.oracle].sort(([a], [b]) => (a < b ? -1 : 1))),
    eventsPerSecond: Math.round(result.delivered / Math.max(seconds, 1e-9)),
    stateHash: result.stateHash,
  };
}

function summaryText(summary: ReturnType<typeof summaryOf>): string {
  const lines = [
    `seed ${summary.seed}: ${countText(summary.delivered)} commands delivered (${countText(summary.accepted)} accepted), ${countText(summary.ledgerEvents)} events in the log`,
    `crashes ${countText(summary.crashes)} (${countText(summary.tornAppends)} torn appends), every invariant checked after every step`,
    `liquidation: ${entries(summary.liquidation)}`,
    `index: ${entries(summary.oracle)}`,
    `refused: ${entries(summary.rejections)}`,
    `${countText(summary.eventsPerSecond)} commands a second; state hash ${summary.stateHash.slice(0, 16)}…`,
  ];
  return lines.join('\n');
}

function entries(counts: Record<string, number>): string {
  const listed = Object.entries(counts).map(([key, n]) => `${key} ${countText(n)}`);
  return listed.length === 0 ? 'none' : listed.join(', ');
}

function whole(text: string, name: string, low: number, high: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < low || value > high) {
    throw new InputError([
      `${name}: must be a whole number from ${low} to ${high} (got "${text}")`,
    ]);
  }
  return value;
}

function share(text: string, name: string): number {
  const value = Number(text);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(text) || !(value >= 0 && value <= 0.5)) {
    throw new InputError([`${name}: must be a share from 0 to 0.5 (got "${text}")`]);
  }
  return value;
}
