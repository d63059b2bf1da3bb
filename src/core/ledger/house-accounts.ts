import type { AccountId, InstrumentId } from '../model/ids.ts';
import type { VenueAccounts } from './fill.ts';

/**
 * The venue's own accounts, which hold what no trader does: fees, the units that do not divide
 * evenly, and each market's PnL pool (fill.ts). Their ids begin with `@`, which no trader's account
 * may (`decide` refuses to open one), so a trader can never be credited a fee or a pool by naming
 * it. They are kept apart from traders' accounts (`Ledger.house`): they are never margined or
 * liquidated, and a PnL pool may run negative (it pays a profit before the loss that funds it).
 */
export const houseAccountPrefix = '@';

export const feeAccount: AccountId = '@fees';
export const roundingAccount: AccountId = '@rounding';
/**
 * Receives liquidation fees and covers fills worse than bankruptcy (engine/liquidation-fill.ts).
 * Under a rulebook's waterfall it covers only from what it holds above its floor (what it cannot
 * cover goes to the backstops and auto-deleveraging: engine/decide-waterfall.ts); without one its
 * balance may go below zero: the loss it could not cover, shown as it is rather than hidden.
 */
export const insuranceFund: AccountId = '@insurance';

export function pnlPoolOf(instrument: InstrumentId): AccountId {
  return `@pnl:${instrument}`;
}

export function isHouseAccount(id: AccountId): boolean {
  return id.startsWith(houseAccountPrefix);
}

export function venueAccountsOf(instrument: InstrumentId): VenueAccounts {
  return { fees: feeAccount, rounding: roundingAccount, pnlPool: pnlPoolOf(instrument) };
}
