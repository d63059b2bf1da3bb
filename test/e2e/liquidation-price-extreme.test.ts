import { describe, expect, it } from 'vitest';
import { mutated, pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * A sweep's find (issue 8): `compare` on the calendar spread with BTC at 10^-18 USD, the smallest
 * positive price a file can write, stopped with "a bucket that falls at every tick toward the
 * mark" (exit 1). At that price every figure in USD is a few units of 10^-18: a leg's PnL is
 * floored to whole BTC and its requirement rounded up to 10^-18 USD. The long March future (50,000
 * USD of face from 96,120) can gain at most 0.52 BTC, so its requirement outweighs it at every
 * price, while the closed form, solved in BTC, still finds a root near its entry. The short's PnL
 * must cover the pool's other legs: 3 whole BTC in cross (below 14,184.7), 1 BTC isolated with its
 * 0.5 BTC, worth nothing in USD (below 32,780.0).
 */
pinClock();
const scratch = scratchFolder();

const tinyBtc = () =>
  scratch.write(
    'calendar-spread-tiny-btc.json',
    mutated('calendar-spread.json', (doc) => {
      doc.market.assetPrices.BTC = '0.000000000000000001';
    }),
  );

const row = (text: string, id: string) =>
  text.split('\n').find((line) => line.startsWith(`${id} `));

describe('liquidation prices with the settle coin at 10^-18 USD', () => {
  it('compare answers (exit 0): every price for the long, a price for the short', () => {
    const result = runCli(['compare', tinyBtc()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // position, price in, isolated liq., distance, cross liq., distance (once per account)
    const longs = result.stdout.split('\n').filter((line) => line.startsWith('BTC-26MAR27 '));
    expect(longs).toEqual([
      'BTC-26MAR27           USD         every price         -  every price         -',
      'BTC-26MAR27           USD         every price         -  every price         -',
    ]);
    expect(row(result.stdout, 'BTC-25DEC26')).toBe(
      'BTC-25DEC26           USD            32,777.5     0.00%     14,182.5     0.00%',
    );
  });

  it('margin gives the same cross prices, and --json says why the long has none', () => {
    const result = runCli(['margin', tinyBtc()]);
    expect(result.code).toBe(0);
    const standard = result.stdout.slice(result.stdout.indexOf('Account standard'));
    expect(row(standard, 'BTC-26MAR27')).toMatch(/ 96,840\.0 +every price +- /);
    expect(row(standard, 'BTC-25DEC26')).toMatch(/ 95,610\.0 +14,182\.5 +0\.00% /);
    const reports = JSON.parse(runCli(['margin', tinyBtc(), '--json']).stdout);
    const standardReport = reports.find(
      (report: { account: string }) => report.account === 'standard',
    );
    const [long, short] = standardReport.positions;
    expect(long.liquidationPrice).toBeNull();
    expect(long.liquidatedAtEveryPrice).toBe(true);
    expect(short.liquidationPrice).toBe('14182.5');
    expect(standardReport.liquidatable).toBe(true);
  });

  it('whatif answers too (exit 0)', () => {
    const result = runCli(['whatif', tinyBtc()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
