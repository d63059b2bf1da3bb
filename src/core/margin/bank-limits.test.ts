import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { mangoToken } from '../../../test/mango-kit.ts';
import type { Market, VenueTotal } from '../model/market.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { bankLimitBreach } from './bank-limits.ts';

/**
 * The edges of bankLimitBreach that Mango's own vectors (test/golden/mango.test.ts) do not reach:
 * an asset without limits or without totals, a change that neither deposits nor borrows, a
 * borrowing to the limit exactly, no loan fee, and the stable price above the oracle.
 */
const nowMs = Date.parse('2026-11-25T08:00:00Z');
const limits = (rule: Partial<CollateralRule>): Venue => ({
  instruments: new Map(),
  rulebook: {
    id: 'limits',
    name: 'limits',
    crossPool: 'unified',
    collateral: new Map([['T0', { ...mangoToken('1', '1'), ...rule }]]),
    instruments: new Map(),
  },
});
const prices = (extra: Partial<Market> = {}) =>
  marketView({
    assetPrices: new Map([['T0', d('10')]]),
    markPrices: new Map(),
    asOfMs: nowMs,
    ...extra,
  });
const inWindow = (net: string): VenueTotal => ({
  deposits: d('1000'),
  borrows: 0n,
  netBorrowsInWindow: d(net),
  netBorrowsWindowStartMs: nowMs - 1_000,
});
const borrowLimited = limits({ netBorrowLimit: { perWindow: d('1000'), windowMs: 60_000 } });
const totals = (total: VenueTotal) => ({ venueTotals: new Map([['T0', total]]) });

describe('bank limits at their edges', () => {
  it('an asset the rulebook has no entry for, or an entry without limits, is never limited', () => {
    expect(bankLimitBreach(borrowLimited, prices(), 'OTHER', 0n, d('-5'))).toBeNull();
    expect(bankLimitBreach(limits({}), prices(), 'T0', 0n, d('-5'))).toBeNull();
    expect(bankLimitBreach(limits({}), prices(), 'T0', 0n, d('5'))).toBeNull();
  });

  it('a deposit limit does not limit borrowing, nor a borrow limit deposits', () => {
    const depositLimited = limits({ depositLimit: d('1000') });
    const full = totals({ deposits: d('5000'), borrows: 0n });
    expect(bankLimitBreach(depositLimited, prices(full), 'T0', 0n, d('-5'))).toBeNull();
    // No totals needed for a deposit where only borrowing is limited.
    expect(bankLimitBreach(borrowLimited, prices(), 'T0', 0n, d('5'))).toBeNull();
  });

  it('a change that neither deposits nor borrows passes, though the bank is past both limits', () => {
    const both = limits({
      depositLimit: d('1000'),
      netBorrowLimit: { perWindow: d('1000'), windowMs: 60_000 },
    });
    const past = prices(totals({ ...inWindow('500'), deposits: d('5000') }));
    expect(bankLimitBreach(both, past, 'T0', d('10'), d('10'))).toBeNull();
    expect(bankLimitBreach(both, past, 'T0', d('-5'), d('-5'))).toBeNull();
    expect(bankLimitBreach(both, past, 'T0', d('-5'), d('-2'))).toBeNull();
  });

  it('net borrows worth the limit exactly pass; a unit more is refused; no fee without a rate', () => {
    // 90 in the window + 10 borrowed = 100 T0 at 10 = 1,000 USD: the limit, not past it.
    const at = prices(totals(inWindow('90')));
    expect(bankLimitBreach(borrowLimited, at, 'T0', 0n, d('-10'))).toBeNull();
    expect(bankLimitBreach(borrowLimited, at, 'T0', 0n, d('-10.1'))).toMatchObject({
      kind: 'net_borrow_limit',
      netBorrows: d('100.1'),
      value: d('1001'),
    });
  });

  it('totals without a window count only the new borrowing', () => {
    const noWindow = prices(totals({ deposits: d('1000'), borrows: d('500') }));
    expect(bankLimitBreach(borrowLimited, noWindow, 'T0', 0n, d('-100'))).toBeNull();
    expect(bankLimitBreach(borrowLimited, noWindow, 'T0', 0n, d('-101'))).toMatchObject({
      netBorrows: d('101'),
    });
    const { netBorrowsWindowStartMs: _, ...noStart } = inWindow('90');
    const halfWindow = prices(totals(noStart));
    expect(bankLimitBreach(borrowLimited, halfWindow, 'T0', 0n, d('-100'))).toBeNull();
  });

  it('net borrows are valued at the stable price where it is above the oracle, and without one at the oracle', () => {
    // 100 T0: 1,000 USD at the oracle of 10, 1,100 at a stable price of 11.
    const total = totals(inWindow('90'));
    const stable = prices({ ...total, stablePrices: new Map([['T0', d('11')]]) });
    expect(bankLimitBreach(borrowLimited, stable, 'T0', 0n, d('-10'))).toMatchObject({
      value: d('1100'),
    });
    const below = prices({ ...total, stablePrices: new Map([['T0', d('9')]]) });
    expect(bankLimitBreach(borrowLimited, below, 'T0', 0n, d('-10'))).toBeNull();
  });
});

describe('a borrow cap', () => {
  const capped = limits({ borrowLimit: d('100') });
  const owing = (borrows: string): VenueTotal => ({ deposits: d('1000'), borrows: d(borrows) });

  it('refuses a borrowing that takes every account’s borrows past it, naming the figures', () => {
    // 60 borrowed by others; this one goes from 5 held to 36 owed: 36 new, 96 in all, within;
    // from 5 held to 46 owed: 46 new, 106 in all, past the cap.
    const at = (borrowed: string) =>
      bankLimitBreach(capped, prices(totals(owing('60'))), 'T0', d('5'), -d(borrowed));
    expect(at('36')).toBeNull();
    expect(at('46')).toEqual({
      kind: 'borrow_limit',
      asset: 'T0',
      borrows: d('106'),
      limit: d('100'),
    });
  });

  it('lets a repayment or a withdrawal of deposits through, though the bank is past its cap', () => {
    const past = prices(totals(owing('150')));
    expect(bankLimitBreach(capped, past, 'T0', -d('20'), -d('10'))).toBeNull();
    expect(bankLimitBreach(capped, past, 'T0', d('20'), d('10'))).toBeNull();
    expect(bankLimitBreach(capped, past, 'T0', d('0'), d('0'))).toBeNull();
  });
});
