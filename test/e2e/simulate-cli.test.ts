import { describe, expect, it } from 'vitest';
import { runCliAsync } from './cli-harness.ts';

// `xmargin simulate` as a user runs it: a seeded run's summary (the same seed, the same run), and
// bad flags refused with exit 2, naming the flag, before anything runs.

describe('xmargin simulate', () => {
  it('runs a seed with every invariant checked and prints its summary; the same seed, the same state', async () => {
    const first = await runCliAsync(['simulate', '--events', '600', '--seed', '11', '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    // Numbers print as strings in xmargin's JSON (exact figures never pass through a float).
    expect(summary.seed).toBe('11');
    expect(Number(summary.delivered)).toBeGreaterThanOrEqual(600);
    expect(summary.violation).toBeUndefined();
    const again = await runCliAsync(['simulate', '--events', '600', '--seed', '11', '--json']);
    expect((JSON.parse(again.stdout) as Record<string, unknown>).stateHash).toBe(summary.stateHash);
    const other = await runCliAsync(['simulate', '--events', '600', '--seed', '12', '--json']);
    expect((JSON.parse(other.stdout) as Record<string, unknown>).stateHash).not.toBe(
      summary.stateHash,
    );
  }, 60_000);

  it.each([
    [['--events', '0'], '--events'],
    [['--seed', '-1'], '--seed'],
    [['--traders', '1.5'], '--traders'],
    [['--crash-rate', '2'], '--crash-rate'],
  ])('refuses %j with exit 2, naming the flag', async (flags, named) => {
    const result = await runCliAsync(['simulate', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(named);
  });
});
