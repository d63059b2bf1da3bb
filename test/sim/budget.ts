import { expect } from 'vitest';
import { reproducer } from '../../src/shell/cli/simulate-command.ts';
import { shrink } from '../../src/shell/sim/shrink.ts';
import { simDefaults, simulate } from '../../src/shell/sim/simulation.ts';

/** Commands per run: long enough to trade through the future's expiry, short enough to shrink. */
export const eventsPerRun = 5000;

/**
 * A share of the simulator's CI budget (the liquidation issue: at least 1,000,000 simulated events
 * and 1,000 crash points in all, split across files so both cores run it): every seed from
 * `from` to `to`, every invariant checked after every step. A violation fails the test with the
 * line that reproduces it and the run shrunk to its shortest failing steps.
 */
export async function runBudget(
  from: number,
  to: number,
  minimum: { events: number; crashes: number },
) {
  let delivered = 0;
  let crashes = 0;
  const liquidation = new Map<string, number>();
  for (let seed = from; seed < to; seed++) {
    const options = { seed, events: eventsPerRun };
    const result = await simulate(options);
    if (result.failure !== undefined) {
      const shrunk = await shrink(options, result, 40);
      const { violation, step } = result.failure;
      const line = reproducer({
        ...options,
        traders: simDefaults.traders,
        crashRate: simDefaults.crashRate,
      });
      expect.fail(
        `${violation.invariant} at step ${step}: ${violation.detail}\n  ${line}\n  shrunk to ${shrunk.steps.length} steps`,
      );
    }
    delivered += result.delivered;
    crashes += result.crashes;
    for (const [kind, n] of result.liquidation)
      liquidation.set(kind, (liquidation.get(kind) ?? 0) + n);
  }
  expect(delivered).toBeGreaterThanOrEqual(minimum.events);
  expect(crashes).toBeGreaterThanOrEqual(minimum.crashes);
  // The runs reached every stage of the waterfall, not only the book.
  for (const kind of ['liquidation_ordered', 'backstop', 'auto_deleverage', 'debt_covered']) {
    expect([kind, liquidation.get(kind) ?? 0]).not.toEqual([kind, 0]);
  }
  return { delivered, crashes };
}
