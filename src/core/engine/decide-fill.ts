import { applyFill } from '../ledger/apply-fill.ts';
import type { FillParty, SideFill } from '../ledger/fill.ts';
import { venueAccountsOf } from '../ledger/house-accounts.ts';
import { type Ledger, settingKey } from '../ledger/ledger.ts';
import type { LedgerEvent, PositionChange } from '../ledger/ledger-event.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import type { Movement } from '../ledger/movement.ts';
import type { PositionSide } from '../model/account.ts';
import type { InstrumentId } from '../model/ids.ts';
import type { DecideContext } from './decide.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { insuranceFundPart, liquidationLeft, liquidationOrderFilled } from './liquidation-fill.ts';

/**
 * A fill from the venue's matching engine, checked in this order: `instrument_not_found`,
 * `instrument_settled` (settled at expiry), `instrument_halted`, `account_not_found` (taker, then maker), for a side
 * that names its resting order `order_not_found` (none of that id, instrument and side on the
 * account) and `order_size_exceeded` (the fill is larger than what is left of it), then the
 * fill's own checks in `fillRejectionCodes`' order (fill.ts; an expired instrument is
 * `instrument_expired` on the log's time). A fill is a trade that has happened: margin is not a
 * reason to refuse it (the order was checked before it rested); the account's margin after it
 * is the engine's to act on (the liquidation issue). A side that names no margin mode opens a
 * new position in the one the account set for the instrument (`set_margin_mode`), else cross; a
 * side that names its order leaves it with what the fill did not take, or off the book.
 *
 * A side may name instead a liquidation order the engine emitted for its account (liquidation.ts):
 * then `order_not_found`, `order_size_exceeded` and `liquidation_limit_exceeded` (a price worse
 * than its limit) are its checks, and, after the fill's own, `price_unavailable` where a price the
 * bucket reads is not there, and `insurance_fund_short` where the fund's cover would take it
 * below the waterfall's floor; the fill then also pays the insurance fund its part
 * (liquidation-fill.ts: the fee, or the fund's cover).
 */
export function decideFill(
  ledger: Ledger,
  command: CommandOf<'fill'>,
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
): Decision {
  const { venue, nowMs } = context;
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  if (ledger.settled.has(instrument.id)) return refuse('instrument_settled', 'instrument');
  if (ledger.halted.has(instrument.id)) return refuse('instrument_halted', 'instrument');
  const taker = ledger.accounts.get(command.taker.account);
  if (taker === undefined) return refuse('account_not_found', 'taker.account');
  const maker = ledger.accounts.get(command.maker.account);
  if (maker === undefined) return refuse('account_not_found', 'maker.account');
  const orders: LedgerEvent[] = [];
  const liquidated: { role: 'taker' | 'maker'; order: LiquidationOrder }[] = [];
  for (const [role, party, account] of [
    ['taker', command.taker, taker],
    ['maker', command.maker, maker],
  ] as const) {
    if (party.orderId === undefined) continue;
    const side = (role === 'taker') === (command.takerSide === 'buy') ? 'buy' : 'sell';
    const liquidation = liquidationOrderFilled(ledger, party, command, side, role);
    if (liquidation !== undefined) {
      if ('code' in liquidation) return { rejection: liquidation };
      liquidated.push({ role, order: liquidation });
      orders.push(liquidationLeft(liquidation, command.size));
      continue;
    }
    const order = account.openOrders.find(
      (o) => o.id === party.orderId && o.instrument === instrument.id && o.side === side,
    );
    if (order === undefined) return refuse('order_not_found', `${role}.orderId`);
    if (command.size > order.size) return refuse('order_size_exceeded', 'size');
    orders.push(
      command.size === order.size
        ? { type: 'order_removed', account: account.id, orderId: order.id! }
        : {
            type: 'order_amended',
            account: account.id,
            orderId: order.id!,
            size: order.size - command.size,
            price: order.price,
          },
    );
  }
  const { type: _type, ...fill } = command;
  const withMode = (party: FillParty): FillParty => {
    const setting = ledger.marginModes.get(settingKey(party.account, instrument.id));
    return party.marginMode !== undefined || setting === undefined
      ? party
      : { ...party, marginMode: setting };
  };
  const outcome = applyFill(
    { ...fill, taker: withMode(fill.taker), maker: withMode(fill.maker), timeMs: nowMs },
    instrument,
    taker,
    maker,
    venueAccountsOf(instrument.id),
  );
  if (outcome.kind === 'rejected') {
    return refuse(outcome.code, outcome.field === 'timeMs' ? 'instrument' : outcome.field);
  }
  const sides = { taker: outcome.taker, maker: outcome.maker };
  const movements: Movement[] = [...outcome.movements];
  for (const { role, order } of liquidated) {
    const part = insuranceFundPart(
      ledger,
      context,
      role === 'taker' ? taker : maker,
      order,
      instrument,
      command,
      sides[role],
    );
    if (part === 'price_unavailable') return refuse(part, 'instrument');
    if (part === 'insurance_fund_short') return refuse(part, 'price');
    sides[role] = part.side;
    movements.push(...part.movements);
  }
  const { takerSide, size, price } = command;
  return {
    events: [
      {
        type: 'filled',
        instrument: instrument.id,
        taker: taker.id,
        maker: maker.id,
        takerSide,
        size,
        price,
        positions: [
          change(sides.taker, command.taker.positionSide, instrument.id),
          change(sides.maker, command.maker.positionSide, instrument.id),
        ],
        movements,
      },
      ...orders,
    ],
  };
}

function change(
  side: SideFill,
  positionSide: PositionSide | undefined,
  instrument: InstrumentId,
): PositionChange {
  return {
    account: side.account.id,
    instrument,
    ...(positionSide === undefined ? {} : { side: positionSide }),
    ...(side.after === undefined ? {} : { after: side.after }),
  };
}
