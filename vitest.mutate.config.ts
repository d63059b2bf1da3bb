import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The suite as StrykerJS runs it for each mutant (stryker.config.json): the unit, property and
 * golden tests, without the JSON report .ci/run reads (a mutant's run must not overwrite it).
 * Left out: the sandbox itself, and test/e2e, whose whole-CLI runs cover every line of the core
 * and so run in full for every mutant that survives the rest, for the parsing and printing they
 * test rather than the core's arithmetic; and test/sim, the simulator's seconds-long runs, which
 * find what no other test does but would run for every mutant of the core they touch.
 */
export default mergeConfig(
  { ...base, test: { ...base.test, reporters: ['default'] } },
  defineConfig({
    test: {
      exclude: [
        '**/node_modules/**',
        '.stryker-tmp/**',
        'reports/**',
        'test/e2e/**',
        'test/sim/**',
      ],
    },
  }),
);
