import { describe, expect, it } from 'vitest';
import { mutated, pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * The covered-call fuzz's find (issue 8): at the smallest positive USDC price, every figure in
 * USD is a few units of 10^-18, health is flat at zero over most of a bracket, and the joint-move
 * search used to creep one resolution a step until it gave up (exit 1). Every USDC figure scales
 * with the price alike, so the moves are those at a price of 1.
 */
pinClock();
const scratch = scratchFolder();

describe('a joint move at the smallest positive settle-coin price', () => {
  const tiny = () =>
    scratch.write(
      'covered-call-tiny-usdc.json',
      mutated('covered-call.json', (doc) => {
        doc.market.assetPrices.USDC = '0.000000000000000001';
      }),
    );

  it('margin answers (exit 0) with the moves of a price of 1', () => {
    const result = runCli(['margin', tiny()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const standard = result.stdout.slice(result.stdout.indexOf('Account standard'));
    expect(standard).toContain('\ncross   BTC         -15.65%  +28.93%\n');
    const at1 = runCli(['margin', 'examples/covered-call.json']).stdout;
    expect(at1.slice(at1.indexOf('Account standard'))).toContain(
      '\ncross   BTC         -15.65%  +28.93%\n',
    );
  });

  it.each(['whatif', 'compare'])('%s answers too (exit 0)', (command) => {
    const result = runCli([command, tiny()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

/**
 * An inverse contract's value divides by its mark, so a joint move of a mark of 10^-15 by the
 * search's −99.99 % (to 10^-19, floored to 0) divided by zero (exit 1). The search goes down only
 * as far as every price stays at or above 10^-18, the smallest a file can write.
 */
describe('a joint move on an inverse contract at a tiny mark', () => {
  const at = (mark: string) =>
    scratch.write(
      `coin-margined-${mark}.json`,
      mutated('coin-margined.json', (doc) => {
        doc.market.markPrices.ETHUSD_PERP = mark;
        // At such a mark the notional is huge: margin at the rule's own maximum leverage.
        for (const position of doc.accounts[0].positions) delete position.leverage;
      }),
    );

  it('a short at a mark of 10^-15: no fall down to 10^-18 nor rise liquidates it', () => {
    const result = runCli(['margin', at('0.000000000000001')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nETHUSD_PERP  ETH            none  none\n');
    expect(result.stdout).toContain('\ncross:BTC    BTC         -10.06%  none\n');
  });

  it('at a mark of 10^-18 no move down is searched at all, and every command answers', () => {
    const file = at('0.000000000000000001');
    const result = runCli(['margin', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nETHUSD_PERP {2}ETH +none +none\n/);
    for (const command of ['whatif', 'compare']) expect(runCli([command, file]).code).toBe(0);
  });
});
