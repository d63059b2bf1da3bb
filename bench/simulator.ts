import { simulate } from '../src/shell/sim/simulation.ts';

/**
 * Issue 11: the simulator's commands per second with every invariant checked after every step,
 * against the same runs with no check (the engine alone on the in-memory log, crashes and restarts
 * included): the checks' cost, as a ratio. The runs are the CI budget's (test/sim/budget.ts):
 * seeds from 1, interleaved checked and unchecked, so a pause hits both; the median run of each.
 * Inside each timing: the workload's drawing (its pre-trade checks included), the engine judging,
 * appending and applying every command, snapshots, crashes and restarts from the log; and for the
 * checked run every invariant after every step, and the replay from the first event at the end.
 */
export async function simulatorBench(quick: boolean): Promise<void> {
  const events = quick ? 1500 : 5000;
  const rounds = quick ? 3 : 7;
  const perCommand = { checked: [] as number[], unchecked: [] as number[] };
  let delivered = 0;
  for (let seed = 1; seed <= rounds; seed++) {
    for (const checks of [true, false]) {
      const started = performance.now();
      const run = await simulate({ seed, events, checks });
      const us = ((performance.now() - started) * 1000) / run.delivered;
      (checks ? perCommand.checked : perCommand.unchecked).push(us);
      if (checks) delivered += run.delivered;
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const unchecked = median(perCommand.unchecked);
  const checked = median(perCommand.checked);
  const rate = (us: number) =>
    Math.round(1e6 / us)
      .toLocaleString('en-US')
      .padStart(8);
  console.log(
    `\n11. The simulator (issue 11): ${rounds} seeds × ${events} commands, ${delivered} checked, median run`,
  );
  console.log(
    `    the engine alone, no check                 ${rate(unchecked)} commands/s   baseline`,
  );
  console.log(
    `    every invariant after every step           ${rate(checked)} commands/s   ×${(checked / unchecked).toFixed(2)} the time`,
  );
}
