import type { Side } from '../model/account.ts';
import type { Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { abs, max, min, SCALE } from '../num/fixed.ts';
import { divCeil, mulCeil, mulFloor } from '../num/rounding.ts';
import { baseSize, equityValue, notional, unrealisedPnl } from './contract-value.ts';
import { type Exposure, marginTerms } from './margin-terms.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { ruleFor } from './rule-for.ts';

/** A leg's contribution to its bucket. Settle-asset figures, and their value in USD. */
export interface LegRisk {
  readonly notional: Amount;
  readonly unrealisedPnl: Amount;
  readonly unrealisedPnlValue: Amount;
  /** What it adds to equity, in USD (contract-value.ts `equityValue`). */
  readonly equityValue: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** Extra initial margin for the worse of the two sides' open orders all filling. */
  readonly openOrderMargin: Amount;
}

export function legRisk(venue: Venue, leg: Leg, prices: PriceView): LegRisk {
  const instrument = venue.instruments.get(leg.instrument)!;
  const rule = ruleFor(venue, instrument);
  const mark = prices.markPrice(leg.instrument);
  const index = indexOf(instrument, prices);
  const settlePrice = prices.assetPrice(instrument.settle);
  const pnl = unrealisedPnl(instrument, leg.size, leg.entryPrice, mark);
  const value = mulFloor(equityValue(instrument, leg.size, leg.entryPrice, mark), settlePrice);
  const initial = mulCeil(
    requirement(instrument, rule, 'initial', leg.size, mark, leg.leverage, index),
    settlePrice,
  );
  const maintenance = mulCeil(
    requirement(instrument, rule, 'maintenance', leg.size, mark, leg.leverage, index),
    settlePrice,
  );
  let openOrderMargin = 0n;
  if (leg.orders.length > 0) {
    const worst = worstOrderSideHealth(instrument, rule, leg, mark, index, settlePrice);
    openOrderMargin = max(0n, value - initial - worst);
  }
  return {
    notional: notional(instrument, leg.size, mark, index),
    unrealisedPnl: pnl,
    unrealisedPnlValue: mulFloor(pnl, settlePrice),
    equityValue: value,
    initialMargin: initial,
    maintenanceMargin: maintenance,
    openOrderMargin,
  };
}

/** A leg's maintenance health alone (equity value − MM, in USD), for searches over price moves. */
export function legMaintenanceHealth(venue: Venue, leg: Leg, prices: PriceView): Amount {
  const instrument = venue.instruments.get(leg.instrument)!;
  const mark = prices.markPrice(leg.instrument);
  const settlePrice = prices.assetPrice(instrument.settle);
  const value = equityValue(instrument, leg.size, leg.entryPrice, mark);
  const rule = ruleFor(venue, instrument);
  const index = indexOf(instrument, prices);
  const maintenance = requirement(
    instrument,
    rule,
    'maintenance',
    leg.size,
    mark,
    leg.leverage,
    index,
  );
  return mulFloor(value, settlePrice) - mulCeil(maintenance, settlePrice);
}

/** The underlying's index, which an option's margin is set from; futures do without. */
function indexOf(instrument: Instrument, prices: PriceView): Price | undefined {
  return instrument.kind === 'option' ? prices.assetPrice(instrument.underlying) : undefined;
}

/**
 * Requirement of a position of `size` contracts at `mark`, in the settle asset, rounded up.
 * `indexPrice`, the underlying's, is needed for options.
 */
export function requirement(
  instrument: Instrument,
  rule: MarginRule,
  kind: RequirementKind,
  size: Quantity,
  mark: Price,
  leverage: Ratio | undefined,
  indexPrice?: Price,
): Amount {
  if (size === 0n) return 0n;
  const exposure: Exposure = {
    notional: notional(instrument, size, mark, indexPrice),
    size: baseSize(instrument, size),
    leverage,
    ...(instrument.option === undefined
      ? {}
      : {
          option: {
            right: instrument.option.right,
            short: size < 0n,
            strike: instrument.option.strike,
            indexPrice: indexPrice!,
            markValue: divCeil(abs(size) * instrument.contractSize * mark, SCALE * SCALE),
          },
        }),
  };
  const terms = marginTerms(rule, kind, exposure);
  const amount = divCeil(exposure.notional * terms.rate - terms.deduction * SCALE, SCALE);
  assert(amount >= 0n, 'a requirement cannot be negative');
  return amount;
}

/**
 * Initial health (equity value − IM, in USD) with every buy order filled, and with every sell
 * order filled, whichever is lower: an order may fill at its price, and a fill worse than the mark
 * is a loss at once.
 */
function worstOrderSideHealth(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  index: Price | undefined,
  settlePrice: Price,
): Amount {
  let worst: Amount | undefined;
  for (const side of ['buy', 'sell'] as const) {
    if (!leg.orders.some((order) => order.side === side)) continue;
    const { size, loss } = sideFilled(instrument, leg, side, mark);
    const value = equityValue(instrument, leg.size, leg.entryPrice, mark) + loss;
    const initial = requirement(instrument, rule, 'initial', size, mark, leg.leverage, index);
    const health = mulFloor(value, settlePrice) - mulCeil(initial, settlePrice);
    if (worst === undefined || health < worst) worst = health;
  }
  return worst!;
}

/**
 * The leg with every open order of one side filled at its price: its new size, and what the fills
 * cost equity at once, in the settle asset (≤ 0). A fill adds size × (mark − price) to equity, a
 * future's PnL or an option's value at mark less its premium; a fill better than the mark is not
 * credited (Binance does not either).
 */
export function sideFilled(
  instrument: Instrument,
  leg: Leg,
  side: Side,
  mark: Price,
): { size: Quantity; loss: Amount } {
  let size = leg.size;
  let loss = 0n;
  for (const order of leg.orders) {
    if (order.side !== side) continue;
    const signed = side === 'buy' ? order.size : -order.size;
    size += signed;
    loss += min(0n, unrealisedPnl(instrument, signed, order.price, mark));
  }
  return { size, loss };
}
