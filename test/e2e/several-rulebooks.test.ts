import { describe, expect, it } from 'vitest';
import type { Doc } from './bad-inputs.ts';
import { pinClock, readExample, runCli, scratchFolder } from './cli-harness.ts';

pinClock();

/** examples/two-rulebooks.json: one file, a rulebook per account from its "rulebooks". */
describe('several rulebooks in one file', () => {
  const scratch = scratchFolder();
  const reports = (file: string, ...extra: string[]) => {
    const result = runCli(['margin', file, '--json', ...extra]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Doc[];
  };

  it('each account is margined exactly as it would be alone under its own rulebook', () => {
    const both = reports('examples/two-rulebooks.json');
    const doc = readExample('two-rulebooks.json') as Doc;
    for (const [name, preset] of [
      ['binance', 'binance-usdm'],
      ['house', scratch.write('house.json', doc.rulebooks.house)],
    ] as const) {
      const account = doc.accounts.find((a: Doc) => a.rulebook === name);
      const alone = { ...doc, rulebook: preset, accounts: [{ ...account, rulebook: undefined }] };
      delete (alone as Doc).rulebooks;
      const [single] = reports(scratch.write(`alone-${name}.json`, alone));
      const inBoth = both.find((r) => r.account === account.id);
      expect(inBoth).toEqual(single);
    }
  });

  it('the house rulebook charges 10x on both legs; Binance its first brackets', () => {
    const [binance, house] = reports('examples/two-rulebooks.json');
    // House: IM = (0.8 × 112,774.5 + 15 × 3,829.72) / 10 = (90,219.6 + 57,445.8) / 10
    // = 14,766.54; MM at 20x (max-leverage's maintenance is half) = 7,383.27.
    expect(house!.initialMargin).toBe('14766.54');
    expect(house!.maintenanceMargin).toBe('7383.27');
    // Binance: BTCUSDT 90,219.6 × 0.004 = 360.8784 and ETHUSDT 57,445.8 × 0.004 = 229.7832,
    // both in the first bracket: MM = 590.6616.
    expect(binance!.maintenanceMargin).toBe('590.6616');
  });

  it.each([
    [
      'an account naming no rulebook of the file',
      (doc: Doc) => (doc.accounts[1].rulebook = 'bybit'),
      'accounts[1].rulebook: names no rulebook of the file\'s "rulebooks" (binance, house)',
    ],
    [
      'an account naming none when the file has no default',
      (doc: Doc) => delete doc.accounts[0].rulebook,
      'accounts[0].rulebook: is required: the file has rulebooks (binance, house)',
    ],
    [
      'a bad rulebook among them',
      (doc: Doc) => (doc.rulebooks.house.crossPool = 'sideways'),
      'rulebooks.house.crossPool: must be one of: unified, per-settle-asset',
    ],
  ])('%s is refused, naming the field', (_name, change, message) => {
    const doc = readExample('two-rulebooks.json') as Doc;
    change(doc);
    const result = runCli(['margin', scratch.write('bad.json', doc)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it("whatif --order refuses an instrument one account's rulebook has no rule for, a book too", () => {
    const doc = readExample('two-rulebooks.json') as Doc;
    // FOOUSDT: Binance margins it by its default; the house rulebook, without one, cannot.
    doc.instruments.push({ ...doc.instruments[0], id: 'FOOUSDT' });
    doc.market.markPrices.FOOUSDT = '10';
    const house = doc.rulebooks.house.instruments;
    doc.rulebooks.house.instruments = { BTCUSDT: house['*'], ETHUSDT: house['*'] };
    const few = scratch.write('foo.json', doc);
    const book = scratch.write('foo-book.json', {
      ...doc,
      accounts: Array.from({ length: 12 }, (_, i) => ({ ...doc.accounts[i % 2], id: `a${i}` })),
    });
    for (const [file, account] of [
      [few, 'at-house'],
      [book, 'a1'],
    ]) {
      const result = runCli(['whatif', file!, '--order', 'buy 1 FOOUSDT']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'xmargin: bad input\n' +
          `  --order: rulebook "house-10x" of account "${account}" has no rule for "FOOUSDT" ` +
          '(choose another with --account)\n',
      );
    }
  });
});
