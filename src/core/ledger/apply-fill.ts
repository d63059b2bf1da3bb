import { fillAccount } from '../margin/account-fill.ts';
import type { Account } from '../model/account.ts';
import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Quantity } from '../num/fixed.ts';
import type { Fill, FillOutcome, FillParty, SideFill, VenueAccounts } from './fill.ts';
import { fillRejection } from './fill-rejection.ts';
import { assertConserved, type Movement, netOf } from './movement.ts';
import { apportionedFee, tradeFee } from './trade-fee.ts';

/**
 * Applies a fill to both sides' accounts and lists the ledger movements it makes.
 *
 * Each side's position moves as margin/position-fill.ts says (average-cost entry, size-weighted
 * or harmonic for inverse; realised PnL of the reduced part in the settle asset, the coin for
 * inverse contracts; a flip is a close then an open at the fill price; an option's premium in
 * full), into the position's bucket (margin/account-fill.ts). Then the venue's accounts answer:
 * - realised PnL is paid by (profit) or to (loss) the instrument's PnL pool;
 * - an option's premium passes from buyer to seller, each rounded against them, the unit that
 *   does not divide evenly kept by the rounding account;
 * - each side pays its fee from its cross balance (the wallet, not an isolated position's margin)
 *   to the fee account, or receives its rebate from it, the rebate funded by the other side's fee
 *   on the same fill (trade-fee.ts: on the trade's value, an option's on the underlying, capped at
 *   a share of its premium where the venue caps it; rounded up against the trader); on a flip the
 *   one fee is apportioned to the close and the open by size, the two parts summing to it exactly.
 *
 * Validated completely first (fill-rejection.ts); below the marked line nothing can fail but an
 * assertion. Asserted after: per asset Σ movements = 0 (conservation), each side's holdings moved
 * by exactly its movements, and the instrument's Σ position sizes of the two sides unchanged.
 */
export function applyFill(
  fill: Fill,
  instrument: Instrument,
  taker: Account,
  maker: Account,
  venue: VenueAccounts,
): FillOutcome {
  assert(fill.instrument === instrument.id, 'the fill is on the instrument given');
  assert(fill.taker.account === taker.id, "the taker's account is the one given");
  assert(fill.maker.account === maker.id, "the maker's account is the one given");
  const rejection = fillRejection(fill, instrument, taker, maker);
  if (rejection !== undefined) return rejection;
  // ---- Below this line the fill must succeed: state changes only from here. ----
  const traded = fill.takerSide === 'buy' ? fill.size : -fill.size;
  const movements: Movement[] = [];
  const takerFill = fillSide(fill, fill.taker, taker, traded, instrument, venue, movements);
  const makerFill = fillSide(fill, fill.maker, maker, -traded, instrument, venue, movements);
  const premiums = takerFill.premium + makerFill.premium;
  // Each side's premium is rounded down: together they leave the venue 0 or 1 unit.
  assert(premiums <= 0n, 'premium rounding favours the venue');
  if (premiums !== 0n) {
    const asset = instrument.settle;
    movements.push({ account: venue.rounding, asset, amount: -premiums, reason: 'rounding' });
  }
  assertConserved(movements);
  assertMovedBy(taker, takerFill.account, instrument, movements);
  assertMovedBy(maker, makerFill.account, instrument, movements);
  assert(
    sizeOn(takerFill.account, instrument) + sizeOn(makerFill.account, instrument) ===
      sizeOn(taker, instrument) + sizeOn(maker, instrument),
    'a fill between two accounts keeps their Σ size on the instrument',
  );
  return { kind: 'filled', taker: takerFill, maker: makerFill, movements };
}

function fillSide(
  fill: Fill,
  party: FillParty,
  account: Account,
  traded: Quantity,
  instrument: Instrument,
  venue: VenueAccounts,
  movements: Movement[],
): SideFill {
  const { positionSide } = party;
  const filled = fillAccount(account, {
    instrument,
    traded,
    price: fill.price,
    marginMode: party.marginMode ?? 'cross',
    ...(positionSide === undefined ? {} : { positionSide }),
  });
  const asset = instrument.settle;
  for (const change of filled.changes) movements.push({ account: account.id, ...change });
  const { closing, opening, realisedPnl, premium } = filled.fill;
  if (realisedPnl !== 0n) {
    movements.push({ account: venue.pnlPool, asset, amount: -realisedPnl, reason: 'realised-pnl' });
  }
  const { indexPrice, optionFeeCap: premiumCap } = fill;
  const fee = tradeFee(instrument, traded, fill.price, party.feeRate, {
    ...(indexPrice === undefined ? {} : { indexPrice }),
    ...(premiumCap === undefined ? {} : { premiumCap }),
  });
  const closeFee = closing === 0n ? 0n : apportionedFee(fee, closing, traded);
  const openFee = fee - closeFee;
  for (const part of [closeFee, openFee]) feeMovements(part, account, asset, venue, movements);
  const balances = new Map(filled.account.balances);
  if (fee !== 0n) balances.set(asset, (balances.get(asset) ?? 0n) - fee);
  return {
    account: { ...filled.account, balances },
    traded,
    before: filled.before,
    after: filled.after,
    ...(closing === 0n ? {} : { close: { size: closing, fee: closeFee, realisedPnl } }),
    ...(opening === 0n ? {} : { open: { size: opening, fee: openFee } }),
    premium,
    fee,
  };
}

/** A fee from the trader's cross balance to the fee account, or a rebate the other way. */
function feeMovements(
  fee: Amount,
  account: Account,
  asset: string,
  venue: VenueAccounts,
  movements: Movement[],
): void {
  if (fee === 0n) return;
  const reason = fee > 0n ? 'fee' : 'rebate';
  movements.push({ account: account.id, asset, amount: -fee, reason });
  movements.push({ account: venue.fees, asset, amount: fee, reason });
}

/** What the account holds of the instrument's settle asset: cross balance and isolated margin. */
function holding(account: Account, instrument: Instrument): Amount {
  let held = account.balances.get(instrument.settle) ?? 0n;
  for (const position of account.positions) {
    if (position.instrument === instrument.id) held += position.isolatedMargin;
  }
  return held;
}

function sizeOn(account: Account, instrument: Instrument): Quantity {
  let size = 0n;
  for (const position of account.positions) {
    if (position.instrument === instrument.id) size += position.size;
  }
  return size;
}

/** Both spaces: the account's holdings moved by exactly the movements naming it. */
function assertMovedBy(
  before: Account,
  after: Account,
  instrument: Instrument,
  movements: readonly Movement[],
): void {
  const moved = holding(after, instrument) - holding(before, instrument);
  assert(moved === netOf(movements, before.id, instrument.settle), 'holdings move by movements');
}
