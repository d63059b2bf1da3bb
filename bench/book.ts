/**
 * A risk desk's book from a file: how long `margin` takes to margin and summarise it, and how much
 * memory it holds at its peak, as ratios of parsing the same file (issue 8's target: under 10× the
 * time and 3× the memory). Each stage runs alone in a fresh process (bench/book-child.ts), on a
 * generated book (bench/book-file.ts) written to a scratch file, rounds interleaved, the median
 * reported.
 *
 * The baseline is JSON.parse of the file's text (the text already read). "The file's parsed size"
 * is the heap its tree holds (collected before and after: the stricter figure), shown too as the
 * resident memory JSON.parse adds; and, as a floor, JSON.parse's own peak measured as a command's
 * is (from before the file is read: its text and its tree at once). The validating reader's own
 * time (read + parse + duplicate keys + every check), which every command pays, is shown beside
 * it. A command's memory is its peak resident memory above the process's before it read the file
 * (the runtime and the modules are in both, and in neither figure), the text of the file included.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bookFile } from './book-file.ts';

const here = dirname(fileURLToPath(import.meta.url));
const child = resolve(here, 'book-child.ts');

interface Stage {
  readonly ms: number;
  readonly rssBefore: number;
  readonly rssAfterRead: number;
  readonly rssAfter: number;
  readonly peak: number;
  readonly parsedHeap: number;
  readonly bytesOut: number;
  readonly code: number;
}

function stage(args: readonly string[]): Stage {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 24,
  });
  const last = result.stderr.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(last) as Stage;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Contender {
  readonly name: string;
  readonly args: readonly string[];
  readonly memory: boolean;
}

function measure(file: string, rounds: number, contenders: readonly Contender[]) {
  const samples = new Map<string, Stage[]>();
  for (let r = 0; r < rounds; r += 1) {
    for (const c of [
      { name: 'parse', args: ['parse', file], memory: false },
      { name: 'reader', args: ['reader', file], memory: false },
      ...contenders,
    ]) {
      const result = stage(c.args);
      if (result.code !== 0) throw new Error(`${c.args.join(' ')} exited ${result.code}`);
      samples.set(c.name, [...(samples.get(c.name) ?? []), result]);
    }
  }
  const parse = samples.get('parse')!;
  const parseMs = median(parse.map((s) => s.ms));
  // The parsed tree's size: the heap it holds (collected before and after), and the resident
  // memory JSON.parse adds; a command's peak is held to the larger, and shown against both.
  const parsedHeap = median(parse.map((s) => s.parsedHeap));
  const parsedRss = median(parse.map((s) => s.rssAfter - s.rssAfterRead));
  // Reading and parsing the file, measured as a command is (its text and its tree at once): the
  // floor under any command that parses the file whole.
  const parsePeak = median(parse.map((s) => s.peak - s.rssBefore));
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const ms = (value: number) => `${value.toFixed(0).padStart(7)} ms`;
  console.log(
    `    JSON.parse of the text (baseline)           ${ms(parseMs)}   ×1      parsed: heap ` +
      `${mb(parsedHeap)}, resident +${mb(parsedRss)}; text and tree: peak +${mb(parsePeak)} ` +
      `(×${(parsePeak / parsedHeap).toFixed(1)} heap)`,
  );
  const reader = median(samples.get('reader')!.map((s) => s.ms));
  console.log(
    `    validating reader (read, parse, check)      ${ms(reader)}   ×${(reader / parseMs).toFixed(1)}`,
  );
  for (const c of contenders) {
    const runs = samples.get(c.name)!;
    const time = median(runs.map((s) => s.ms));
    const growth = median(runs.map((s) => s.peak - s.rssBefore));
    const memory = c.memory
      ? `peak +${mb(growth)} (×${(growth / parsedHeap).toFixed(1)} heap, ` +
        `×${(growth / parsedRss).toFixed(1)} resident)`
      : '';
    console.log(
      `    ${c.name.padEnd(44)}${ms(time)}   ×${(time / parseMs).toFixed(1).padEnd(5)} ${memory}`,
    );
  }
}

export function bookBench(quick: boolean): void {
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-bench-'));
  try {
    const rounds = quick ? 1 : 3;
    const big = quick ? 20_000 : 100_000;
    const bigFile = join(folder, 'book.json');
    const bigText = bookFile({ accounts: big, seed: 7 });
    writeFileSync(bigFile, bigText);
    console.log(
      `\n6. A book from a file, each stage in a fresh process (median of ${rounds}; target: ` +
        'margin under ×10 the time of JSON.parse and ×3 its memory)',
    );
    console.log(
      `  margin, ${big.toLocaleString('en-US')} accounts, ${(bigText.length / 1e6).toFixed(1)} MB`,
    );
    measure(bigFile, rounds, [
      {
        name: 'margin FILE (summary, 5 riskiest in full)',
        args: ['cli', 'margin', bigFile],
        memory: true,
      },
      ...(quick
        ? []
        : [
            {
              name: 'margin FILE --jsonl (every report, exact)',
              args: ['cli', 'margin', bigFile, '--jsonl'],
              memory: true,
            },
          ]),
    ]);
    const small = 10_000;
    const smallFile = join(folder, 'book-10k.json');
    const smallText = bookFile({ accounts: small, seed: 11 });
    writeFileSync(smallFile, smallText);
    console.log(
      `  whatif, ${small.toLocaleString('en-US')} accounts, ${(smallText.length / 1e6).toFixed(1)} MB`,
    );
    measure(smallFile, rounds, [
      {
        name: 'whatif FILE --order "buy 0.01 BTCUSDT"',
        args: ['cli', 'whatif', smallFile, '--order', 'buy 0.01 BTCUSDT'],
        memory: true,
      },
      {
        name: 'whatif FILE --transfer "USDT -500"',
        args: ['cli', 'whatif', smallFile, '--transfer', 'USDT -500'],
        memory: true,
      },
      {
        name: 'whatif FILE (limits of the 5 riskiest)',
        args: ['cli', 'whatif', smallFile],
        memory: true,
      },
    ]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) bookBench(process.argv.includes('--quick'));
