import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../../src/index.ts';
import { runCli, scratchFolder } from './cli-harness.ts';

/**
 * What users run is the JavaScript in dist/ (`npm run build`, run by `npm test` and on install),
 * not the TypeScript: the bin and the library must give what the sources give.
 */
const bin = resolve('dist/shell/cli/main.js');
const example = 'examples/cross-and-isolated.json';
const scratch = scratchFolder();

describe('the built package', () => {
  it('has been built', () => {
    expect(existsSync(bin), 'run `npm run build` first').toBe(true);
  });

  it('the xmargin bin prints what the sources print, run as npm links it (through a symlink)', () => {
    const link = scratch.path('xmargin');
    symlinkSync(bin, link);
    const child = spawnSync(process.execPath, [link, 'margin', example, '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual(
      JSON.parse(runCli(['margin', example, '--json']).stdout),
    );
  });

  it('the bin refuses bad input with exit 2 and names the field', () => {
    const child = spawnSync(process.execPath, [bin, 'margin', 'no-such-file.json'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain('no-such-file.json');
  });

  it('the library assesses a portfolio as the sources do', async () => {
    const built = (await import(pathToFileURL(resolve('dist/index.js')).href)) as typeof source;
    const nowMs = Date.UTC(2026, 10, 24, 12);
    const reportOf = (lib: typeof source) => {
      const portfolio = lib.loadPortfolio(example, { from: 'xmargin', nowMs });
      const prices = lib.marketView(portfolio.market);
      return portfolio.accounts.map((account) =>
        lib.assessWith(account, lib.venueOf(portfolio, account), prices),
      );
    };
    const fromDist = reportOf(built);
    expect(fromDist.length).toBeGreaterThan(0);
    expect(fromDist.map((r) => r.maintenanceMargin)).toEqual(
      reportOf(source).map((r) => r.maintenanceMargin),
    );
    expect(fromDist[0]!.equity).toBeGreaterThan(0n);
  });
});
