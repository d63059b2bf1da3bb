import type { Instrument } from '../model/instrument.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { max, min, SCALE } from '../num/fixed.ts';
import { divCeil, mulCeil, mulFloor } from '../num/rounding.ts';
import type { Leg } from './bucket.ts';
import { baseSize, notional, unrealisedPnl } from './contract-value.ts';
import { marginTerms } from './margin-terms.ts';
import type { PriceView } from './price-view.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { ruleFor } from './rule-for.ts';

/** A leg's contribution to its bucket. Settle-asset figures, and their value in USD. */
export interface LegRisk {
  readonly notional: Amount;
  readonly unrealisedPnl: Amount;
  readonly unrealisedPnlValue: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** Extra initial margin for the worse of the two sides' open orders all filling. */
  readonly openOrderMargin: Amount;
}

export function legRisk(venue: Venue, leg: Leg, prices: PriceView): LegRisk {
  const instrument = venue.instruments.get(leg.instrument)!;
  const rule = ruleFor(venue, leg.instrument);
  const mark = prices.markPrice(leg.instrument);
  const settlePrice = prices.assetPrice(instrument.settle);
  const pnl = unrealisedPnl(instrument, leg.size, leg.entryPrice, mark);
  const pnlValue = mulFloor(pnl, settlePrice);
  const initial = mulCeil(
    requirement(instrument, rule, 'initial', leg.size, mark, leg.leverage),
    settlePrice,
  );
  const maintenance = mulCeil(
    requirement(instrument, rule, 'maintenance', leg.size, mark, leg.leverage),
    settlePrice,
  );
  let openOrderMargin = 0n;
  if (leg.orders.length > 0) {
    const healthNow = pnlValue - initial;
    const worst = worstOrderSideHealth(instrument, rule, leg, mark, settlePrice);
    openOrderMargin = max(0n, healthNow - worst);
  }
  return {
    notional: notional(instrument, leg.size, mark),
    unrealisedPnl: pnl,
    unrealisedPnlValue: pnlValue,
    initialMargin: initial,
    maintenanceMargin: maintenance,
    openOrderMargin,
  };
}

/** A leg's maintenance health alone (PnL − MM, in USD): what searches over price moves need. */
export function legMaintenanceHealth(venue: Venue, leg: Leg, prices: PriceView): Amount {
  const instrument = venue.instruments.get(leg.instrument)!;
  const mark = prices.markPrice(leg.instrument);
  const settlePrice = prices.assetPrice(instrument.settle);
  const pnl = unrealisedPnl(instrument, leg.size, leg.entryPrice, mark);
  const rule = ruleFor(venue, leg.instrument);
  const maintenance = requirement(instrument, rule, 'maintenance', leg.size, mark, leg.leverage);
  return mulFloor(pnl, settlePrice) - mulCeil(maintenance, settlePrice);
}

/** Requirement of a position of `size` contracts at `mark`, in the settle asset, rounded up. */
export function requirement(
  instrument: Instrument,
  rule: MarginRule,
  kind: RequirementKind,
  size: Quantity,
  mark: Price,
  leverage: Ratio | undefined,
): Amount {
  if (size === 0n) return 0n;
  const exposure = {
    notional: notional(instrument, size, mark),
    size: baseSize(instrument, size),
    leverage,
  };
  const terms = marginTerms(rule, kind, exposure);
  const amount = divCeil(exposure.notional * terms.rate - terms.deduction * SCALE, SCALE);
  assert(amount >= 0n, 'a requirement cannot be negative');
  return amount;
}

/**
 * Initial health (PnL − IM, in USD) with every buy order filled, and with every sell order filled,
 * whichever is lower: an order may fill at its price, and a fill worse than the mark is a loss at
 * once.
 */
function worstOrderSideHealth(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  settlePrice: Price,
): Amount {
  let worst: Amount | undefined;
  for (const side of ['buy', 'sell'] as const) {
    const orders = leg.orders.filter((order) => order.side === side);
    if (orders.length === 0) continue;
    let size = leg.size;
    let pnl = unrealisedPnl(instrument, leg.size, leg.entryPrice, mark);
    for (const order of orders) {
      const signed = side === 'buy' ? order.size : -order.size;
      size += signed;
      // A fill better than the mark is not credited (Binance does not either): only its loss counts.
      pnl += min(0n, unrealisedPnl(instrument, signed, order.price, mark));
    }
    const initial = requirement(instrument, rule, 'initial', size, mark, leg.leverage);
    const health = mulFloor(pnl, settlePrice) - mulCeil(initial, settlePrice);
    if (worst === undefined || health < worst) worst = health;
  }
  return worst!;
}
