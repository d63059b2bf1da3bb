import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { run, runAsync } from '../../src/shell/cli/main.ts';
import type { Doc } from './bad-inputs.ts';

/**
 * Running the xmargin CLI in this process, the way a user runs it, with what it writes captured.
 * Shared by the end-to-end tests.
 */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The instant the tests run at. The reader refuses a future whose expiry has passed by the
 * shell's clock, so without a fixed clock the dated future in examples/hedged-book.json would
 * make the suite fail on 2027-12-31.
 */
export const pinnedNow = new Date('2026-11-24T12:00:00Z');

/** Fixes `Date` (only) at `pinnedNow` for the test file that calls it. */
export function pinClock(): void {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(pinnedNow);
  });
  afterAll(() => {
    vi.useRealTimers();
  });
}

export function runCli(argv: readonly string[]): CliResult {
  const output = capture();
  try {
    return { code: run(argv), ...output.text() };
  } finally {
    output.restore();
  }
}

/** `runCli` for the commands that wait on the event log (`run`), as the bin runs every command. */
export async function runCliAsync(argv: readonly string[]): Promise<CliResult> {
  const output = capture();
  try {
    const code = await runAsync(argv);
    return { code, ...output.text() };
  } finally {
    output.restore();
  }
}

/** What the process writes to stdout and stderr from now on, kept instead of written. */
function capture() {
  let stdout = '';
  let stderr = '';
  const into =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(
    into((text) => {
      stdout += text;
    }) as typeof process.stdout.write,
  );
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(
    into((text) => {
      stderr += text;
    }) as typeof process.stderr.write,
  );
  return {
    text: () => ({ stdout, stderr }),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

export const examplesFolder = 'examples';

export interface Example {
  readonly file: string;
  readonly path: string;
  /** `--from ccxt` for a ccxt wrapper, nothing for a portfolio file. */
  readonly fromArgs: readonly string[];
}

/** Every example shipped, each with the flag its format needs. */
export function examples(): Example[] {
  return readdirSync(examplesFolder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      path: join(examplesFolder, file),
      fromArgs: isCcxt(file) ? ['--from', 'ccxt'] : [],
    }));
}

export function isCcxt(file: string): boolean {
  return file.startsWith('ccxt');
}

export function readExample(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(examplesFolder, file), 'utf8'));
}

/** A copy of an example with one mutation made. */
export function mutated(base: string, mutate: (doc: Doc) => void): Doc {
  const doc = structuredClone(readExample(base)) as Doc;
  mutate(doc);
  return doc;
}

/** Refused at the boundary: exit 2, nothing on stdout, and an issue at `path` saying `message`. */
export function expectRefused(argv: readonly string[], path: string, message: RegExp): void {
  const result = runCli(argv);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^xmargin: bad input\n/);
  const line = result.stderr.split('\n').find((issue) => issue.startsWith(`  ${path}: `));
  expect(line, `no issue names ${path} in:\n${result.stderr}`).toBeDefined();
  expect(line).toMatch(message);
}

/** A scratch folder for mutated inputs, removed when the test file ends. */
export function scratchFolder(): { path: (name: string) => string; write: WriteJson } {
  let folder = '';
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'xmargin-e2e-'));
  });
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });
  const path = (name: string) => join(folder, name);
  const write: WriteJson = (name, content) => {
    const file = path(name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };
  return { path, write };
}

export type WriteJson = (name: string, content: unknown) => string;

/**
 * A recorded day of commands (`examples/engine/…jsonl`) through `xmargin run --clock commands`
 * on its venue, into a new log `db`: the log, and the answers' lines. Fails the test where the run
 * says anything on stderr or exits other than 0.
 */
export async function runDay(
  db: string,
  commands: string,
  venue: string,
): Promise<{ db: string; lines: string[] }> {
  const run = await runCliAsync([
    'run',
    db,
    '--commands',
    commands,
    '--venue',
    venue,
    '--clock',
    'commands',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { db, lines: run.stdout.trim().split('\n') };
}

/** The answer line of command `id` in `run`'s output. */
export const answerLine = (lines: readonly string[], id: string) =>
  lines.find((l) => l.startsWith(`${id}  `));

/** A decimal string as the formats write every amount, price and size. */
export const decimalPattern = /^-?\d+(\.\d{1,18})?$/;
