import { feeRateMax, positionsPerAccountMax, priceMax, sizeMax } from '../limits.ts';
import type { Account } from '../model/account.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Price, Quantity } from '../num/fixed.ts';
import { abs, ONE } from '../num/fixed.ts';
import type { Fill, FillParty, FillRejection, FillRejectionCode } from './fill.ts';

/**
 * The first reason a fill cannot be applied, in `fillRejectionCodes`' order, or undefined: the
 * fill's own figures first, then the instrument's state, the parties, their fees, and last what
 * each side's position would become. Nothing here changes anything.
 */
export function fillRejection(
  fill: Fill,
  instrument: Instrument,
  taker: Account,
  maker: Account,
): FillRejection | undefined {
  return (
    tradeFiguresRejection(instrument, fill.size, fill.price) ??
    (instrument.expiryMs !== undefined && fill.timeMs >= instrument.expiryMs
      ? rejected('instrument_expired', 'timeMs')
      : undefined) ??
    (fill.taker.account === fill.maker.account
      ? rejected('self_trade', 'maker.account')
      : undefined) ??
    feeRejection(fill) ??
    feeCapRejection(fill, instrument) ??
    indexRejection(fill, instrument) ??
    positionRejection(fill.taker, 'taker', taker, instrument, traded(fill, 'taker')) ??
    positionRejection(fill.maker, 'maker', maker, instrument, traded(fill, 'maker'))
  );
}

function rejected(code: FillRejectionCode, field: string): FillRejection {
  return { kind: 'rejected', code, field };
}

function traded(fill: Fill, side: 'taker' | 'maker'): Quantity {
  const buys = (fill.takerSide === 'buy') === (side === 'taker');
  return buys ? fill.size : -fill.size;
}

/**
 * A trade's size and price against the instrument's steps and the limits, in that order: a fill's,
 * and an order's as it rests (engine/decide-order.ts).
 */
export function tradeFiguresRejection(
  instrument: Instrument,
  size: Quantity,
  price: Price,
): FillRejection | undefined {
  if (size <= 0n) return rejected('size_not_positive', 'size');
  if (size > sizeMax) return rejected('size_above_max', 'size');
  if (instrument.sizeStep > 0n && size % instrument.sizeStep !== 0n) {
    return rejected('size_off_step', 'size');
  }
  if (price <= 0n) return rejected('price_not_positive', 'price');
  if (price > priceMax) return rejected('price_above_max', 'price');
  if (instrument.tickSize > 0n && price % instrument.tickSize !== 0n) {
    return rejected('price_off_tick', 'price');
  }
  return undefined;
}

function feeRejection(fill: Fill): FillRejection | undefined {
  for (const side of ['taker', 'maker'] as const) {
    if (abs(fill[side].feeRate) > feeRateMax) {
      return rejected('fee_rate_above_max', `${side}.feeRate`);
    }
  }
  if (fill.external !== undefined && fill[fill.external].feeRate !== 0n) {
    return rejected('external_fee_rate_not_zero', `${fill.external}.feeRate`);
  }
  // A rebate is funded by the other side's fee on the same fill, never by the venue's own money.
  if (fill.taker.feeRate + fill.maker.feeRate < 0n) {
    const rebating = fill.maker.feeRate < 0n ? 'maker' : 'taker';
    return rejected('rebate_above_fee', `${rebating}.feeRate`);
  }
  return undefined;
}

function feeCapRejection(fill: Fill, instrument: Instrument): FillRejection | undefined {
  const cap = fill.optionFeeCap;
  if (cap === undefined) return undefined;
  if (instrument.kind !== 'option') return rejected('option_fee_cap_not_option', 'optionFeeCap');
  if (cap <= 0n) return rejected('option_fee_cap_not_positive', 'optionFeeCap');
  if (cap > ONE) return rejected('option_fee_cap_above_one', 'optionFeeCap');
  return undefined;
}

function indexRejection(fill: Fill, instrument: Instrument): FillRejection | undefined {
  if (instrument.kind !== 'option' || instrument.settlement !== 'linear') return undefined;
  if (fill.indexPrice === undefined) return rejected('index_price_missing', 'indexPrice');
  if (fill.indexPrice <= 0n) return rejected('index_price_not_positive', 'indexPrice');
  if (fill.indexPrice > priceMax) return rejected('index_price_above_max', 'indexPrice');
  return undefined;
}

/**
 * What the side's position would become. Hedge mode (the account's positions on the instrument
 * carry a side, or the fill names one) needs the side named, and a hedge-mode position never
 * crosses zero: its sign is its side, so a sell larger than the long is refused, not flipped.
 */
function positionRejection(
  party: FillParty,
  side: 'taker' | 'maker',
  account: Account,
  instrument: Instrument,
  traded: Quantity,
): FillRejection | undefined {
  const held = account.positions.filter((position) => position.instrument === instrument.id);
  const hedged = held.some((position) => position.side !== undefined);
  if (hedged && party.positionSide === undefined) {
    return rejected('position_side_required', `${side}.positionSide`);
  }
  if (!hedged && held.length > 0 && party.positionSide !== undefined) {
    return rejected('position_side_in_one_way_mode', `${side}.positionSide`);
  }
  const position = held.find((p) => p.side === party.positionSide);
  const size = (position?.size ?? 0n) + traded;
  if (party.positionSide === 'long' && size < 0n) {
    return rejected('position_side_crossed', `${side}.positionSide`);
  }
  if (party.positionSide === 'short' && size > 0n) {
    return rejected('position_side_crossed', `${side}.positionSide`);
  }
  if (abs(size) > sizeMax) return rejected('position_above_max', 'size');
  if (position === undefined && account.positions.length >= positionsPerAccountMax) {
    return rejected('positions_per_account_max', `${side}.account`);
  }
  return undefined;
}
