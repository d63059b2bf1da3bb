import { pnlPoolOf, roundingAccount } from '../ledger/house-accounts.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PositionChange } from '../ledger/ledger-event.ts';
import { assertConserved, type Movement } from '../ledger/movement.ts';
import { priceMax } from '../limits.ts';
import { fillAccount } from '../margin/account-fill.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';

/**
 * A dated future or option settled at its expiry: every position on it closed at the settlement
 * price, as a fill against the market would close it (margin/account-fill.ts): a future realises
 * its PnL against the entry (linear, or harmonic in the coin for an inverse one) with the market's
 * PnL pool; an option's holder is paid its value by the writers, each side rounded against it and
 * the unit that does not divide evenly kept by the rounding account; an isolated position's margin
 * returns to the cross pool. No fee is charged (Deribit and Binance charge delivery fees on
 * some contracts; not modelled). Checked in this order: `instrument_not_found`,
 * `instrument_not_dated` (a perpetual), `instrument_not_expired` (the log has not reached its
 * expiry), `instrument_settled`, then the price: `price_not_positive` for a future
 * (`price_negative` for an option, whose value may be 0), `price_above_max`.
 */
export function decideExpiry(
  ledger: Ledger,
  command: CommandOf<'settle_expiry'>,
  venue: Venue,
  nowMs: number,
): Decision {
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  const expiryMs = instrument.expiryMs;
  if (instrument.kind === 'perpetual' || expiryMs === undefined) {
    return refuse('instrument_not_dated', 'instrument');
  }
  if (nowMs < expiryMs) return refuse('instrument_not_expired', 'instrument');
  if (ledger.settled.has(instrument.id)) return refuse('instrument_settled', 'instrument');
  const { price } = command;
  if (instrument.kind === 'option' ? price < 0n : price <= 0n) {
    return refuse(instrument.kind === 'option' ? 'price_negative' : 'price_not_positive', 'price');
  }
  if (price > priceMax) return refuse('price_above_max', 'price');
  const asset = instrument.settle;
  const movements: Movement[] = [];
  const positions: PositionChange[] = [];
  let premiums = 0n;
  for (const account of ledger.accounts.values()) {
    let settling = account;
    for (const position of account.positions) {
      if (position.instrument !== instrument.id) continue;
      const side = position.side;
      const closed = fillAccount(settling, {
        instrument,
        traded: -position.size,
        price,
        marginMode: position.marginMode,
        ...(side === undefined ? {} : { positionSide: side }),
      });
      assert(closed.after === undefined, 'settlement closes the position');
      settling = closed.account;
      for (const change of closed.changes) movements.push({ account: account.id, ...change });
      const { realisedPnl, premium } = closed.fill;
      if (realisedPnl !== 0n) {
        const pool = pnlPoolOf(instrument.id);
        movements.push({ account: pool, asset, amount: -realisedPnl, reason: 'realised-pnl' });
      }
      premiums += premium;
      positions.push({ account: account.id, instrument: instrument.id, ...(side ? { side } : {}) });
    }
  }
  // Each side's value is rounded against it: together they leave the venue 0 or a few units.
  assert(premiums <= 0n, 'settlement rounding favours the venue');
  if (premiums !== 0n) {
    movements.push({ account: roundingAccount, asset, amount: -premiums, reason: 'rounding' });
  }
  assertConserved(movements);
  return {
    events: [{ type: 'expiry_settled', instrument: instrument.id, price, positions, movements }],
  };
}
