import {
  type SimulationOptions,
  type SimulationResult,
  simulate,
  type TimedStep,
} from './simulation.ts';

/** A failing run made shorter: the steps left, and the replays it took. */
export interface Shrunk {
  readonly steps: readonly TimedStep[];
  readonly result: SimulationResult;
  readonly replays: number;
}

/**
 * The shortest failing run found from a failed one: first its prefix up to the failing step (the
 * checks run after every step, so nothing after it matters), then chunks of it removed, halving
 * the chunk each pass (delta debugging), each kept out where the run still breaks the same
 * invariant. Deterministic: the same failure shrinks to the same steps. At most `replays` runs.
 */
export async function shrink(
  options: SimulationOptions,
  failed: SimulationResult,
  replays = 200,
): Promise<Shrunk> {
  const failure = failed.failure;
  if (failure === undefined) throw new Error('only a failed run shrinks');
  const invariant = failure.violation.invariant;
  let steps = failed.steps.slice(0, failure.step);
  let result = failed;
  let runs = 0;
  const { progress: _progress, ...quiet } = options;
  const breaks = async (candidate: readonly TimedStep[]) => {
    runs++;
    const run = await simulate({ ...quiet, steps: candidate });
    return run.failure?.violation.invariant === invariant ? run : undefined;
  };
  for (let chunk = Math.ceil(steps.length / 2); chunk >= 1 && runs < replays; ) {
    let removed = false;
    for (let start = 0; start < steps.length && runs < replays; start += chunk) {
      const candidate = [...steps.slice(0, start), ...steps.slice(start + chunk)];
      if (candidate.length === 0) continue;
      const run = await breaks(candidate);
      if (run === undefined) continue;
      steps = candidate.slice(0, run.failure!.step);
      result = run;
      removed = true;
      start -= chunk;
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return { steps, result, replays: runs };
}
