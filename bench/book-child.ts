/**
 * One stage of the big-book benchmark (bench/book.ts), alone in its own process so its peak
 * memory is its own: prints one line of JSON with its time (ms; `cpuMs`, the process's CPU time
 * over the stage, GC and compiler threads included, for a machine busy with other work) and its
 * resident memory (bytes) before it started, after reading and at its peak.
 *
 *   parse FILE          read the text, then JSON.parse it: the baseline
 *   reader FILE         the validating reader (loadPortfolio: read, parse, duplicate keys, checks)
 *   cli ARGS…           the CLI in this process (run()), its stdout counted and dropped
 */
import { readFileSync } from 'node:fs';
import { run } from '../src/shell/cli/main.ts';
import { loadPortfolio } from '../src/shell/import/load-portfolio.ts';

const [mode, ...args] = process.argv.slice(2);
const rss = () => process.memoryUsage.rss();
const peak = () => process.resourceUsage().maxRSS * 1024;
/** What a stage read, kept alive so the work is not optimised away. */
export let kept: unknown;

const rssBefore = rss();
const cpuBefore = process.cpuUsage();
let rssAfterRead = rssBefore;
let ms = 0;
let bytesOut = 0;
let code = 0;
/** The heap the parsed tree holds, collected before and after (the child runs with --expose-gc). */
let parsedHeap = 0;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
if (mode === 'parse') {
  const text = readFileSync(args[0]!, 'utf8');
  rssAfterRead = rss();
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  kept = JSON.parse(text);
  ms = performance.now() - start;
  collect();
  parsedHeap = process.memoryUsage().heapUsed - heapBefore;
} else if (mode === 'reader') {
  const start = performance.now();
  kept = loadPortfolio(args[0]!, { from: 'xmargin', nowMs: Date.now() });
  ms = performance.now() - start;
} else if (mode === 'cli') {
  const write = (chunk: string | Uint8Array): boolean => {
    bytesOut += chunk.length;
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  const start = performance.now();
  code = run(args);
  ms = performance.now() - start;
} else throw new Error(`unknown mode ${mode}`);
const rssAfter = rss();
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stderr.write(
  `${JSON.stringify({ mode, ms, cpuMs, rssBefore, rssAfterRead, rssAfter, peak: peak(), parsedHeap, bytesOut, code })}\n`,
);
kept = undefined;
