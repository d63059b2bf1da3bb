import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixed, ONE } from '../../src/core/num/fixed.ts';
import { ratioCeil } from '../../src/core/num/rounding.ts';
import { presetIds, readPreset } from '../../src/shell/import/presets.ts';
import { expectRefused, pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * `xmargin whatif` end to end (issue 8): a limit order lands as a venue would put it (defect 1), a
 * rulebook whose maintenance reaches its initial margin is refused (defect 6), `--order` and
 * `--transfer` meet the file reader's limits and the size step (defect 7), and the output shows
 * before → after, or the rejection and the limit it hit.
 *
 * Figures on examples/cross-and-isolated.json (binance-usdm, 20x chosen on BTCUSDT and ETHUSDT):
 * equity 22,601.525, IM 10,208.3025 (cross 7,947.1425: BTCUSDT 0.9 BTC with the 0.1 bid ×
 * 5,638.725, ETHUSDT 2,872.29), MM 703.7196, cross initial equity 18,911.925, free 10,964.7825.
 */
pinClock();
const scratch = scratchFolder();
const main = 'examples/cross-and-isolated.json';

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON, each field asserted where read.
type Json = Record<string, any>;

function whatIfJson(...args: string[]): Json {
  const result = runCli(['whatif', main, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const [outcome] = JSON.parse(result.stdout) as Json[];
  return outcome!;
}

function whatIfText(...args: string[]): string {
  const result = runCli(['whatif', main, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Exact, or within `units` × 10^-18 where an averaged entry price rounds against the trader. */
function expectNear(actual: unknown, expected: string, units = 0n): void {
  const gap = fixed(String(actual)) - fixed(expected);
  expect(gap <= units && gap >= -units, `${String(actual)} ≈ ${expected}`).toBe(true);
}

describe('defect 1: a limit order rests or fills, never at a price better than the mark', () => {
  it("README's buy 0.5 BTCUSDT@61000 (mark 112,774.5) rests as an open order: equity unchanged", () => {
    const outcome = whatIfJson('--order', 'buy 0.5 BTCUSDT@61000');
    expect(outcome.placement).toEqual({ kind: 'rested', price: '61000', markPrice: '112774.5' });
    expect(outcome.change).toEqual({
      kind: 'order',
      side: 'buy',
      size: '0.5',
      instrument: 'BTCUSDT',
      limit: '61000',
      settle: 'USDT',
    });
    // Margined at its worst, as if it filled (at the mark's requirement, no credit for the
    // better price): + 0.5 × 5,638.725 = 2,819.3625 of initial margin.
    expect(outcome.verdict).toBe('accepted');
    expect(outcome.reason).toEqual({
      check: 'initial_margin',
      bucket: 'cross',
      initialEquity: '18911.925',
      initialMargin: '10766.505',
    });
    expect(outcome.before).toMatchObject({ equity: '22601.525', initialMargin: '10208.3025' });
    // Before the fix it filled at 61,000: equity 48,488.77, more than double.
    expect(outcome.after).toMatchObject({
      equity: '22601.525',
      initialMargin: '13027.665',
      maintenanceMargin: '703.7196',
      freeCollateral: '8145.42',
      liquidatable: false,
    });
    const text = whatIfText('--order', 'buy 0.5 BTCUSDT@61000');
    expect(text).toMatch(/^What-if for main: buy 0\.5 BTCUSDT limit 61000$/m);
    expect(text).toMatch(
      /^ {2}rested as an open order at 61000: a buy below the mark 112774\.5 does not cross it$/m,
    );
    expect(text).toMatch(
      /^ {2}margined as open orders are, at their worst \(as if filled at its limit\); no profit booked$/m,
    );
    expect(text).not.toMatch(/48,488/);
  });

  it('buy 10 BTCUSDT@1 rests, and is refused: far past the largest buy (1.944)', () => {
    const outcome = whatIfJson('--order', 'buy 10 BTCUSDT@1');
    expect(outcome.placement).toMatchObject({ kind: 'rested', price: '1' });
    // 10.9 BTC of bids and position × 5,638.725 + 2,872.29 = 64,334.3925 > 18,911.925.
    expect(outcome.verdict).toBe('initial_margin_insufficient');
    expect(outcome.reason).toEqual({
      check: 'initial_margin',
      bucket: 'cross',
      initialEquity: '18911.925',
      initialMargin: '64334.3925',
      maxSize: '1.944',
    });
    expect(outcome.after).toBeNull();
    expect(outcome.before).toMatchObject({ equity: '22601.525' });
    const text = whatIfText('--order', 'buy 10 BTCUSDT@1');
    expect(text).toMatch(
      /^ {2}REJECTED \(initial_margin_insufficient\): bucket cross would fall below initial margin \(initial equity 18,911\.92 USD < initial margin 64,334\.40 USD, short by 45,422\.47 USD\)\n {2}the largest buy resting at 1 is 1\.944 BTCUSDT$/m,
    );
    // No state after: the venue would refuse it.
    expect(text).not.toContain('The account after the change');
    expect(text).not.toContain('Before → after');
    expect(text).toMatch(/^ {2}No report after: the venue would refuse the change\.$/m);
    expect(text).toMatch(
      /^ {2}As it stands: equity 22,601\.52 USD, initial margin 10,208\.31 USD, free collateral 10,964\.78 USD$/m,
    );
  });

  it('a marketable buy fills at its limit, not at the mark: 0.5 × 7,225.5 less equity', () => {
    const outcome = whatIfJson('--order', 'buy 0.5 BTCUSDT@120000');
    expect(outcome.placement).toEqual({ kind: 'filled', price: '120000', markPrice: '112774.5' });
    expect(outcome.verdict).toBe('accepted');
    // 22,601.525 − 0.5 × (120,000 − 112,774.5) = 18,988.775, less one 10^-18 of entry rounding.
    expectNear(outcome.after.equity, '18988.775', 1n);
    expect(outcome.after.initialMargin).toBe('13027.665');
    const text = whatIfText('--order', 'buy 0.5 BTCUSDT@120000');
    expect(text).toMatch(/^ {2}filled at 120000: a marketable limit \(mark 112774\.5\)/m);
  });

  it('a sell: below the mark it fills at its limit, above it rests', () => {
    const filled = whatIfJson('--order', 'sell 1 ETHUSDT@3000');
    expect(filled.placement).toEqual({ kind: 'filled', price: '3000', markPrice: '3829.72' });
    // Adding to the short at 829.72 below the mark: 22,601.525 − 829.72.
    expect(filled.after.equity).toBe('21771.805');
    const rested = whatIfJson('--order', 'sell 1 ETHUSDT@4000');
    expect(rested.placement).toEqual({ kind: 'rested', price: '4000', markPrice: '3829.72' });
    // Equity unchanged; the ask adds one ETH at its worst: 3,829.72 / 20 = 191.486 of IM.
    expect(rested.after).toMatchObject({ equity: '22601.525', initialMargin: '10399.7885' });
  });

  it('no limit: filled at the mark, and the text says so', () => {
    const outcome = whatIfJson('--order', 'buy 1 BTCUSDT');
    expect(outcome.placement).toEqual({ kind: 'filled', price: '112774.5', markPrice: '112774.5' });
    expect(outcome.change.limit).toBeNull();
    expect(whatIfText('--order', 'buy 1 BTCUSDT')).toMatch(/^ {2}filled at 112774\.5, the mark$/m);
  });

  it('property: a buy limit below the mark never changes equity; above it never raises it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 200_000 }), (limit) => {
        const outcome = whatIfJson('--order', `buy 0.1 BTCUSDT@${limit}`);
        const rests = limit < 112_774.5;
        expect(outcome.placement.kind).toBe(rests ? 'rested' : 'filled');
        if (outcome.after === null) return;
        const change = fixed(outcome.after.equity) - fixed(outcome.before.equity);
        if (rests) expect(change).toBe(0n);
        else expect(change <= 0n).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the output: before → after, or the rejection and its limit', () => {
  it('before → after and the change for the account and each bucket', () => {
    const text = whatIfText('--order', 'buy 0.5 BTCUSDT@61000');
    const table = text.slice(text.indexOf('Before → after'), text.indexOf('The account after'));
    const lines = table.split('\n');
    const row = (scope: string, figure: string) => {
      const start = lines.findIndex((line) => line.startsWith(scope));
      const found = lines.slice(start, start + 5).find((line) => line.includes(figure));
      return found?.replace(/\s+/g, ' ').trim();
    };
    expect(row('account', 'equity')).toBe('account equity 22,601.52 22,601.52 0.00');
    expect(row('account', 'initial margin')).toBe('initial margin 10,208.31 13,027.67 +2,819.36');
    expect(row('account', 'free collateral')).toBe('free collateral 10,964.78 8,145.42 -2,819.36');
    expect(row('account', 'liquidation')).toBe('liquidation safe safe');
    expect(row('bucket cross', 'initial margin')).toBe(
      'initial margin 7,947.15 10,766.51 +2,819.36',
    );
    expect(row('bucket SOLUSDT', 'equity')).toBe('bucket SOLUSDT equity 3,689.60 3,689.60 0.00');
    expect(text).toMatch(/^The account after the change:$/m);
  });

  it('closing the isolated SOLUSDT at a marketable 150 (mark 188.43): its bucket closes', () => {
    const outcome = whatIfJson('--order', 'sell 120 SOLUSDT@150');
    expect(outcome.placement).toEqual({ kind: 'filled', price: '150', markPrice: '188.43' });
    expect(outcome.reason).toEqual({ check: 'reduces_only' });
    // 120 × (188.43 − 150) = 4,611.6 less equity; the bucket's 2,300 + 120 × (150 − 176.85)
    // = −922 net goes back to the cross pool.
    expect(outcome.after.equity).toBe('17989.925');
    expect(outcome.after.buckets.map((b: Json) => b.id)).toEqual(['cross']);
    const text = whatIfText('--order', 'sell 120 SOLUSDT@150');
    expect(text).toMatch(
      /^ {2}accepted: it only reduces the position \(taken whatever the margin\)$/m,
    );
    expect(text).toMatch(/^bucket SOLUSDT +equity +3,689\.60 +- +-3,689\.60$/m);
    expect(text).toMatch(/^ +liquidation +safe +- +closed$/m);
    expect(text).toMatch(/^bucket cross +equity +18,911\.92 +17,989\.92 +-922\.00$/m);
  });

  it('accepted with the account liquidatable: the note names the bucket, already under before', () => {
    const doc = JSON.parse(readFileSync(main, 'utf8'));
    // SOLUSDT bought at 250, marked at 188.43: 2,300 − 120 × 61.57 < 0, below maintenance.
    doc.accounts[0].positions[2].entryPrice = '250';
    const file = scratch.write('isolated-under.json', doc);
    const result = runCli(['whatif', file, '--transfer', 'USDT 100']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}accepted: bucket cross stays at or above initial margin/m);
    expect(result.stdout).toMatch(
      /^ {2}note: the account is LIQUIDATABLE after it, bucket SOLUSDT \(already before\) below maintenance$/m,
    );
    expect(result.stdout).toMatch(/^ +liquidation +LIQUIDATABLE +LIQUIDATABLE$/m);
  });

  it('a withdrawal beyond the balance: the rejection names the balance, no state after', () => {
    const outcome = whatIfJson('--transfer', 'USDT -20000');
    expect(outcome).toMatchObject({
      change: { kind: 'transfer', asset: 'USDT', amount: '-20000' },
      verdict: 'insufficient_balance',
      reason: { check: 'balance', asset: 'USDT', balance: '12000', withdrawal: '20000' },
      after: null,
    });
    expect(whatIfText('--transfer', 'USDT -20000')).toMatch(
      /^ {2}REJECTED \(insufficient_balance\): withdrawing 20000 USDT needs more than the balance held, 12000 USDT \(no borrowing\)$/m,
    );
  });

  it('a withdrawal past initial margin names the shortfall and the most that may leave', () => {
    const outcome = whatIfJson('--transfer', 'USDT -11000');
    expect(outcome).toMatchObject({
      verdict: 'initial_margin_insufficient',
      reason: {
        check: 'initial_margin',
        bucket: 'cross',
        initialEquity: '7911.925',
        initialMargin: '7947.1425',
        maxWithdrawal: '10964.7825',
      },
      after: null,
    });
    expect(whatIfText('--transfer', 'USDT -11000')).toMatch(
      /short by 35\.22 USD\)\n {2}the most USDT that may leave is 10964\.7825$/m,
    );
  });

  it('past the brackets for the chosen leverage: the position limit it hit, with its unit', () => {
    const outcome = whatIfJson('--order', 'buy 1000 BTCUSDT');
    // With the 0.1 BTC bid resting (the venue counts it filled), 1,000.9 BTC × 112,774.5 =
    // 112,875,997.05 USDT, past 100,000,000, the last bracket at 20x.
    expect(outcome).toMatchObject({
      verdict: 'position_limit_exceeded',
      reason: {
        check: 'position_limit',
        instrument: 'BTCUSDT',
        breach: {
          kind: 'leverage',
          measure: 'notional',
          value: '112875997.05',
          leverage: '20',
          maxLeverage: '10',
          restingOrders: '0.1',
        },
      },
      after: null,
    });
    expect(whatIfText('--order', 'buy 1000 BTCUSDT')).toContain(
      'the BTCUSDT position after it and the 0.1 contracts already resting on that side, all ' +
        'filled, would be 112875997.05 USDT of notional, where the brackets ' +
        'allow at most 10x, below the chosen leverage of 20x',
    );
  });

  it('the limits say each is computed alone, not cumulative', () => {
    const text = whatIfText();
    expect(text).toMatch(
      /^Limits for main, each computed alone from the account as it stands \(not cumulative/m,
    );
    expect(text).toMatch(/^Withdrawals from the cross pool, in the asset, each with every other/m);
    expect(text).toMatch(/^USDT +10964\.7825$/m);
  });
});

describe('defect 7: --order and --transfer meet the file reader limits and the size step', () => {
  it.each([
    [
      'buy 100000000000000000000 BTCUSDT',
      /size 100000000000000000000 must be at most the size limit \(1000000000000000\)/,
    ],
    ['buy 0.0001 BTCUSDT', /size 0\.0001 is not a multiple of BTCUSDT's size step 0\.001/],
    ['buy 1.5 SOLUSDT', /size 1\.5 is not a multiple of SOLUSDT's size step 1$/],
    ['buy 0.5 BTCUSDT@61000.05', /price 61000\.05 is not a multiple of BTCUSDT's tick size 0\.1/],
    [
      'buy 0.5 BTCUSDT@10000000000000',
      /price 10000000000000 must be at most the price limit \(1000000000000\)/,
    ],
    [
      'sell 1000000000000000 ETHUSDT',
      /leaves account "main" a ETHUSDT position of -1000000000000015, beyond the size limit/,
    ],
  ])('--order %j: exit 2, naming --order', (order, message) => {
    expectRefused(['whatif', main, '--order', order], '--order', message);
  });

  it.each([
    [
      'USDT 100000000000000000000',
      /amount 100000000000000000000 is beyond the amount limit \(1000000000000000\)/,
    ],
    ['USDT 999999999999999', /leaves account "main" a USDT balance of 1000000000011999, beyond/],
  ])('--transfer %j: exit 2, naming --transfer', (transfer, message) => {
    expectRefused(['whatif', main, '--transfer', transfer], '--transfer', message);
  });

  it('property: a size is refused exactly when it is off the 0.001 step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), (tenThousandths) => {
        const size = (tenThousandths / 10_000).toFixed(4);
        const result = runCli(['whatif', main, '--json', '--order', `buy ${size} BTCUSDT`]);
        const onStep = tenThousandths % 10 === 0;
        expect(result.code).toBe(onStep ? 0 : 2);
        if (!onStep) expect(result.stderr).toMatch(/--order: size .* size step 0\.001/);
      }),
      { numRuns: 30 },
    );
  });
});

describe('defect 6: maintenance must stay below initial margin in every bracket', () => {
  const binance = () => JSON.parse(readFileSync('rulebooks/binance-usdm.json', 'utf8'));

  it('a bracket whose maintenance rate exceeds 1 / max leverage is refused, naming it', () => {
    const book = binance();
    // Before the fix, `buy 1.5 BTCUSDT` here printed "accepted" and "LIQUIDATABLE" together:
    // IM 5 % of 2.4 BTC passed, MM 9 % of 2.3 BTC (23,393) exceeded the equity 18,911.925.
    book.instruments.BTCUSDT = {
      kind: 'brackets',
      brackets: [{ notionalCap: null, maxLeverage: '20', maintenanceRate: '0.09' }],
    };
    const file = scratch.write('maintenance-above-initial.json', book);
    expectRefused(
      ['whatif', main, '--rulebook', file, '--order', 'buy 1.5 BTCUSDT'],
      `${file}: instruments.BTCUSDT.brackets[0].maintenanceRate`,
      /bracket 1: 0\.09 is at or above the initial rate 0\.05 \(1 \/ maxLeverage 20\); maintenance must stay below initial margin/,
    );
  });

  it('a maintenance rate equal to the listed initial rate is refused too', () => {
    const book = binance();
    book.instruments.BTCUSDT.brackets[2].initialRate = '0.0065';
    const file = scratch.write('maintenance-at-initial.json', book);
    expectRefused(
      ['margin', main, '--rulebook', file],
      `${file}: instruments.BTCUSDT.brackets[2].maintenanceRate`,
      /bracket 3: 0\.0065 is at or above the initial rate 0\.0065 \(its initialRate\)/,
    );
  });

  it('a max leverage that rises with notional is refused, naming the bracket', () => {
    const book = binance();
    book.instruments.BTCUSDT.brackets[3].maxLeverage = '80';
    const file = scratch.write('leverage-rises.json', book);
    expectRefused(
      ['rulebooks', file],
      `${file}: instruments.BTCUSDT.brackets[3].maxLeverage`,
      /bracket 4: 80 rises above bracket 3's 75; max leverage must not rise with notional/,
    );
  });

  it('a closing fee in maintenance only must leave room below the initial rate', () => {
    const book = JSON.parse(readFileSync('rulebooks/kucoin-futures.json', 'utf8'));
    // 0.0045 < 1 / 200 alone, but with the fee on the notional, 0.0045 + 0.0006 ≥ 0.005.
    book.instruments.BTCUSDTM.brackets[0].maxLeverage = '200';
    book.instruments.BTCUSDTM.brackets[0].maintenanceRate = '0.0045';
    const file = scratch.write('fee-leaves-no-room.json', book);
    expectRefused(
      ['rulebooks', file],
      `${file}: instruments.BTCUSDTM.brackets[0].maintenanceRate`,
      /bracket 1: 0\.0045 plus the closing fee 0\.0006 \(closingFee\.takerRate, in maintenance only, on the notional\) reaches the initial rate 0\.005: maintenance must stay below initial margin/,
    );
    book.instruments.BTCUSDTM.brackets[0].maintenanceRate = '0.0043';
    expect(runCli(['rulebooks', scratch.write('fee-room.json', book)]).code).toBe(0);
  });

  it('every bundled preset still reads, each bracket with maintenance below initial', () => {
    for (const id of presetIds()) {
      const book = readPreset(id);
      for (const rule of [...book.instruments.values(), book.defaultRule]) {
        if (rule?.kind !== 'brackets') continue;
        let leverage = rule.brackets[0]!.maxLeverage;
        for (const bracket of rule.brackets) {
          const initial = bracket.initialRate ?? ratioCeil(ONE, bracket.maxLeverage);
          expect(bracket.maintenanceRate < initial, `${id}`).toBe(true);
          expect(bracket.maxLeverage <= leverage, `${id}`).toBe(true);
          leverage = bracket.maxLeverage;
        }
      }
    }
  });
});
