import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pinClock, readExample, runCli, scratchFolder } from './cli-harness.ts';

/**
 * Whatever a file holds, the CLI answers 0 (a report) or 2 (bad input, naming the field): an
 * input must never reach an assertion in the core (exit 1). Random leaves of every example are
 * replaced by random values, decimal-looking ones included, and each command is run on the result.
 */
pinClock();
const scratch = scratchFolder();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [path];
}

function replaced(document: Json, path: (string | number)[], value: Json): Json {
  const copy = structuredClone(document) as Record<string | number, Json>;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path.at(-1)!] = value;
  return copy as Json;
}

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    '0',
    '-1',
    '0.000000000000000001',
    '1000000000000000000',
    '999999999999999',
    '1e3',
    '',
    'call',
    'put',
    'cross',
    'isolated',
    'portfolio',
    null,
    true,
    0,
    -5,
    [],
    {},
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => String(n) as Json),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => n.toFixed(6) as Json),
  fc.string({ maxLength: 8 }),
);

const files = [
  'cross-and-isolated.json',
  'coin-margined.json',
  'covered-call.json',
  'straddle.json',
  'hedged-book.json',
  'multi-venue-rules.json',
];

describe('no input reaches an internal error', () => {
  it.each(files)('%s with one leaf replaced: exit 0 or 2', (file) => {
    const document = readExample(file) as Json;
    const paths = leaves(document);
    let run = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), oddValue, (index, value) => {
        run += 1;
        const path = scratch.write(`fuzz-${run}.json`, replaced(document, paths[index]!, value));
        for (const command of ['margin', 'whatif', 'compare']) {
          const result = runCli([command, path]);
          if (result.code === 1)
            throw new Error(
              `${command} ${paths[index]!.join('.')} = ${JSON.stringify(value)}:\n${result.stderr}`,
            );
          expect([0, 2]).toContain(result.code);
        }
      }),
      { numRuns: 40 },
    );
  });
});
