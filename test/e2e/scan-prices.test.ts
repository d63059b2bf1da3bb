import { describe, expect, it } from 'vitest';
import { pinClock, readExample, runCli, scratchFolder } from './cli-harness.ts';

/**
 * Issue 8, defect 3: a command that margins a book as a portfolio the file did not ask for
 * (`compare` under a rulebook with a portfolio section, `--mode portfolio`) needs the price of
 * every underlying its scan moves. Without one it is bad input naming the field (exit 2), not an
 * invariant error (exit 1).
 */
pinClock();
const scratch = scratchFolder();
const ccxt = ['examples/ccxt-binance.json', '--from', 'ccxt', '--rulebook', 'span-16'];
const ethNeedsPrice =
  'accounts[0].positions[1].instrument: "ETHUSDT" is a contract margined as a portfolio: ' +
  'its underlying "ETH" needs a price';
const solNeedsPrice =
  'accounts[0].positions[2].instrument: "SOLUSDT" is a contract margined as a portfolio: ' +
  'its underlying "SOL" needs a price';

describe('an underlying with no price, margined as a portfolio', () => {
  it('compare: exit 2, names the position and the missing price, nothing on stdout', () => {
    const result = runCli(['compare', ...ccxt]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    // compare pools the isolated SOLUSDT too, so its underlying needs a price as well.
    const why = '(compare margins it as a portfolio)';
    expect(result.stderr).toBe(
      `xmargin: bad input\n  ${ethNeedsPrice} ${why}\n  ${solNeedsPrice} ${why}\n`,
    );
  });

  it.each(['margin', 'whatif', 'compare'])('%s --mode portfolio: exit 2 naming it', (command) => {
    const result = runCli([command, ...ccxt, '--mode', 'portfolio']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`  ${ethNeedsPrice} (--mode portfolio scans it)`);
    // The isolated SOLUSDT stays out of the scan: its underlying needs no price.
    expect(result.stderr).not.toContain('"SOL"');
  });

  it('margin in cross mode needs no such price: the same file still margins (exit 0)', () => {
    const result = runCli(['margin', ...ccxt]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Account binance-futures: equity 3,005.65 USD');
  });

  it('compare: the prices given, it compares all three modes', () => {
    const doc = readExample('ccxt-binance.json') as { assetPrices: Record<string, string> };
    doc.assetPrices.ETH = '3830';
    doc.assetPrices.SOL = '188.4';
    const file = scratch.write('ccxt-with-eth.json', doc);
    const result = runCli(['compare', file, '--from', 'ccxt', '--rulebook', 'span-16']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/isolated vs cross vs portfolio margin/);
  });
});
