import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.ts';

/** `xmargin rulebooks FILE`: a user's rulebook as the engine reads it, or why it is refused. */
describe('xmargin rulebooks FILE', () => {
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-rulebooks-'));
  const write = (name: string, doc: unknown) => {
    const path = join(folder, name);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  };
  const bybit = () => JSON.parse(readFileSync('rulebooks/bybit-linear.json', 'utf8'));

  it('--json shows the brackets completed with their derived maintenance amounts', () => {
    const doc = bybit();
    const result = runCli(['rulebooks', write('mine.json', doc), '--json']);
    expect(result.code).toBe(0);
    const book = JSON.parse(result.stdout);
    expect(book.id).toBe(doc.id);
    const brackets = book.instruments.BTCUSDT.brackets;
    // Each amount is the last one + the floor × the rise in rate (Binance's "maintenance amount"):
    // the first bracket's is 0, the second's its floor × (rate₂ − rate₁).
    expect(brackets[0].maintenanceAmount).toBe('0');
    const floor = Number(brackets[1].floor);
    const rise = Number(brackets[1].maintenanceRate) - Number(brackets[0].maintenanceRate);
    expect(Number(brackets[1].maintenanceAmount)).toBeCloseTo(floor * rise, 6);
  });

  it('a preset id works too; a bad file exits 2 naming the field, nothing on stdout', () => {
    expect(JSON.parse(runCli(['rulebooks', 'span-16', '--json']).stdout).id).toBe('span-16');
    const doc = bybit();
    doc.crossPool = 'sideways';
    const result = runCli(['rulebooks', write('bad.json', doc), '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/crossPool: must be one of/);
  });
});
