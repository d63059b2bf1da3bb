import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import { shrink } from '../../src/shell/sim/shrink.ts';
import { simulate } from '../../src/shell/sim/simulation.ts';

// The simulator's checks can fail: a fault planted in the engine's ledger between two steps is
// caught by the invariant it breaks, at the step it is planted, and the run shrinks to the few
// steps that still break it. And a run is a function of its seed.

/**
 * Plants `fault` once a run, the first time `when` holds of the ledger (a run's first step arms
 * it again: the shrinker's replays are runs of their own).
 */
function plant(when: (ledger: Ledger) => boolean, fault: (ledger: Ledger) => void) {
  let planted = false;
  return (ledger: Ledger, step: number) => {
    if (step === 1) planted = false;
    if (planted || !when(ledger)) return;
    planted = true;
    fault(ledger);
  };
}

const holdsEth = (ledger: Ledger) =>
  ledger.accounts.get('t1')?.positions.some((p) => p.instrument === 'ETH-PERPETUAL') === true;

describe('a fault planted in the ledger is caught and shrunk', () => {
  it('a unit of USDC from nowhere breaks conservation (INV-CONS), shrunk to the few steps that reach it', async () => {
    const options = {
      seed: 5,
      events: 4000,
      tamper: plant(holdsEth, (ledger) => {
        const account = ledger.accounts.get('t1')!;
        const balances = new Map(account.balances);
        balances.set('USDC', (balances.get('USDC') ?? 0n) + 1n);
        ledger.accounts.set('t1', { ...account, balances });
      }),
    };
    const result = await simulate(options);
    expect(result.failure?.violation).toEqual({
      invariant: 'INV-CONS',
      detail: 'USDC: held − owed = 0.000000000000000001',
    });
    const shrunk = await shrink(options, result, 60);
    expect(shrunk.result.failure?.violation.invariant).toBe('INV-CONS');
    // What it needs: t1 opened, the street opened, and the fill that gives t1 its position.
    expect(shrunk.steps.length).toBeLessThanOrEqual(5);
    expect(shrunk.steps.length).toBeLessThan(result.failure!.step);
  }, 120_000);

  it('a margin state the books do not give (the fast path’s record) is caught: FAST-EXACT', async () => {
    const result = await simulate({
      seed: 6,
      events: 2000,
      tamper: plant(holdsEth, (ledger) => ledger.marginStates.set('t1', 'liquidatable')),
    });
    expect(result.failure?.violation).toEqual({
      invariant: 'FAST-EXACT',
      detail: 't1: the ledger records liquidatable, the exact path gives healthy',
    });
  }, 120_000);

  it('state the log does not hold (a command forgotten in memory) is caught at the next restart: INV-DET', async () => {
    const result = await simulate({
      seed: 7,
      events: 3000,
      crashRate: 0.05,
      tamper: plant(
        (ledger) => ledger.answered.size > 50,
        (ledger) => ledger.answered.delete([...ledger.answered.keys()][10]!),
      ),
    });
    expect(result.failure?.violation.invariant).toBe('INV-DET');
    expect(result.failure?.violation.detail).toMatch(/^restart gave state /);
  }, 120_000);
});

describe('a run is a function of its seed', () => {
  it('the same seed gives the same steps and the same state; the checks change nothing', async () => {
    const [first, again, unchecked] = await Promise.all([
      simulate({ seed: 11, events: 1500 }),
      simulate({ seed: 11, events: 1500 }),
      simulate({ seed: 11, events: 1500, checks: false }),
    ]);
    expect(first.failure).toBeUndefined();
    expect(again.stateHash).toBe(first.stateHash);
    expect(unchecked.stateHash).toBe(first.stateHash);
    expect(again.delivered).toBe(first.delivered);
    const other = await simulate({ seed: 12, events: 1500 });
    expect(other.stateHash).not.toBe(first.stateHash);
  }, 120_000);
});
