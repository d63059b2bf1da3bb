import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * Mango's bank limits in `whatif --transfer` (src/core/margin/bank-limits.ts, whose figures
 * test/golden/mango.test.ts pins to Mango's own tests): a withdrawal past the balance of a
 * borrowable token borrows, and the net borrow limit can refuse it; a deposit can meet the
 * deposit limit. The book is examples/mango-health.json (10 PREMIUM held, price 150, stable 152,
 * the bank holding 2,500 PREMIUM of deposits), its rulebook mango-v4 with limits added to PREMIUM.
 */
pinClock();
const scratch = scratchFolder();

function bookWithLimits(): string {
  const book = JSON.parse(readFileSync('examples/mango-health.json', 'utf8'));
  const rules = JSON.parse(readFileSync('rulebooks/mango-v4.json', 'utf8'));
  rules.collateral.PREMIUM = {
    ...rules.collateral.PREMIUM,
    depositLimit: '2600',
    netBorrowLimit: { perWindow: '3000', windowSeconds: '3600' },
  };
  book.rulebook = rules;
  book.market.venueTotals.PREMIUM = {
    ...book.market.venueTotals.PREMIUM,
    netBorrowsInWindow: '10',
    netBorrowsWindowStart: '2026-11-24T07:30:00Z',
  };
  return scratch.write('mango-limits.json', book);
}
let file = '';
beforeAll(() => {
  file = bookWithLimits();
});
const whatIf = (transfer: string) => runCli(['whatif', file, '--transfer', transfer, '--json']);

describe('bank limits in what-if', () => {
  it('a deposit that takes the bank to its deposit limit is refused, naming it', () => {
    // 2,500 + 100 = 2,600: at the limit, which Mango refuses (its rounding lands above it).
    const refused = whatIf('PREMIUM 100');
    expect(refused.code).toBe(0);
    const [outcome] = JSON.parse(refused.stdout);
    expect(outcome.verdict).toBe('bank_limit_exceeded');
    expect(outcome.reason.breach).toEqual({
      kind: 'deposit_limit',
      asset: 'PREMIUM',
      deposits: '2600',
      limit: '2600',
    });
    expect(outcome.after).toBeNull();
    expect(JSON.parse(whatIf('PREMIUM 99').stdout)[0].verdict).toBe('accepted');
  });

  it('a withdrawal past the balance borrows; the window net borrows at the stable price refuse it', () => {
    // 10 held, 30 withdrawn: 20 borrowed; with the window's 10, 30 PREMIUM × max(150, 152) = 4,560.
    const [outcome] = JSON.parse(whatIf('PREMIUM -30').stdout);
    expect(outcome.verdict).toBe('bank_limit_exceeded');
    expect(outcome.reason.breach).toMatchObject({
      kind: 'net_borrow_limit',
      netBorrows: '30',
      value: '4560',
      limit: '3000',
    });
    const text = runCli(['whatif', file, '--transfer', 'PREMIUM -30']).stdout;
    expect(text).toContain(
      "REJECTED (bank_limit_exceeded): the window's net borrows of PREMIUM would be 30 PREMIUM " +
        '(4,560.00 USD at the higher of price and stable price), past the net borrow limit of ' +
        '3,000.00 USD per window',
    );
  });

  it('a borrowing within the limits goes on to the margin check, and is not refused for balance', () => {
    // 15 withdrawn: 5 borrowed, 15 × 152 = 2,280 within the window's 3,000.
    const [outcome] = JSON.parse(whatIf('PREMIUM -15').stdout);
    expect(outcome.reason.check).toBe('initial_margin');
    expect(
      outcome.after.buckets[0].collateral.find((c: { asset: string }) => c.asset === 'PREMIUM')
        .balance,
    ).toBe('-5');
  });

  it('a borrowing too large for the account is refused on initial margin, not for balance', () => {
    // USDC may be borrowed (its liability weight is 1) and has no bank limits here: 5,000 USDC
    // from 2,000 held leaves the pool below initial margin. A rulebook whose asset has no
    // liability weight refuses it for balance (test/e2e/whatif-cli.test.ts).
    const [outcome] = JSON.parse(whatIf('USDC -5000').stdout);
    expect(outcome.verdict).toBe('initial_margin_insufficient');
    expect(outcome.reason.check).toBe('initial_margin');
  });
});
