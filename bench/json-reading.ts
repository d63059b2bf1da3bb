/**
 * Reading a big book's JSON: the duplicate-key pass (src/shell/import/duplicate-key.ts) that runs
 * after JSON.parse, as a ratio of JSON.parse itself on the same text, in the same run. The target
 * is at most ×1: the pass must not be what makes a 100,000-account file slow to read.
 *
 * Each read takes a second or so, so rather than timing.ts's batches (twenty warm-up calls each)
 * the two alternate, one call each per round, and the median round is reported.
 */
import { firstDuplicateKey } from '../src/shell/import/duplicate-key.ts';
import { bookFile } from './book-file.ts';

export function jsonReadingBench(quick: boolean): void {
  const accounts = quick ? 20_000 : 100_000;
  const rounds = quick ? 3 : 7;
  const compact = bookFile({ accounts });
  // The same book as an editor or `jq .` would write it, where most characters are indentation.
  const indented = JSON.stringify(JSON.parse(compact), null, 2);
  console.log(`\n5. Reading a book of ${accounts} accounts (ms per read, median of ${rounds})`);
  for (const [name, text] of [
    ['as generated', compact],
    ['indented', indented],
  ] as const) {
    const [parse, duplicates] = alternating(rounds, [
      () => JSON.parse(text),
      () => firstDuplicateKey(text),
    ]);
    const ms = (value: number) => `${value.toFixed(1).padStart(10)} ms`;
    console.log(`  ${name}, ${(text.length / 1e6).toFixed(1)} MB`);
    console.log(`    JSON.parse                                 ${ms(parse!)}   baseline`);
    console.log(
      `    duplicate-key pass                         ${ms(duplicates!)}   ×${(duplicates! / parse!).toFixed(4)}`,
    );
  }
}

/** The last result, kept alive so the optimiser cannot drop the work. */
export let lastRead: unknown;

/** Median ms of each contender over `rounds` rounds, one call each per round, warmed up once. */
function alternating(rounds: number, contenders: ReadonlyArray<() => unknown>): number[] {
  for (const fn of contenders) lastRead = fn();
  const samples: number[][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((fn, c) => {
      const start = performance.now();
      lastRead = fn();
      samples[c]!.push(performance.now() - start);
    });
  }
  return samples.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!);
}
