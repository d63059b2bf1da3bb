import type { Side } from '../model/account.ts';
import type { Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import {
  isMarginedAtEntry,
  isMarginedAtIndex,
  type MarginRule,
  scalesWithOpenInterest,
} from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { abs, max, min, SCALE } from '../num/fixed.ts';
import { ceilToStep, divCeil, floorToStep, mulCeil, mulFloor } from '../num/rounding.ts';
import { closingFee } from './closing-fee.ts';
import {
  baseSize,
  isLinearContract,
  legValue,
  netCollateralValue,
  notional,
  truncatedNotional,
  unrealisedPnl,
} from './contract-value.ts';
import { liquidityTierRequirement } from './liquidity-tier.ts';
import { type Exposure, marginTerms } from './margin-terms.ts';
import { weightedProfit } from './profit-weight.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { ruleFor } from './rule-for.ts';
import { markFor } from './stable-price.ts';

/** A leg's contribution to its bucket. Settle-asset figures, and their value in USD. */
export interface LegRisk {
  readonly notional: Amount;
  readonly unrealisedPnl: Amount;
  readonly unrealisedPnlValue: Amount;
  /** What it adds to equity, in USD (contract-value.ts `equityValue`). */
  readonly equityValue: Amount;
  /**
   * What it adds to initial equity, in USD: `equityValue` at the mark an initial check reads
   * (stable-price.ts: under `initialAtStablePrice`, a long's at the lower of mark and stable
   * price, a short's at the higher); else `equityValue` itself.
   */
  readonly initialEquityValue: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /**
   * The closing fee the maintenance margin includes (the rulebook's `closingFee`, counted in the
   * liquidation condition), in USD; 0 where none.
   */
  readonly closingFee: Amount;
  /**
   * Extra initial margin for the worse of the two sides' open orders all filling. Under
   * `openOrdersInMaintenance` the maintenance margin includes the same for maintenance.
   */
  readonly openOrderMargin: Amount;
}

export function legRisk(venue: Venue, leg: Leg, prices: PriceView): LegRisk {
  const instrument = venue.instruments.get(leg.instrument)!;
  const rule = ruleFor(venue, instrument);
  const mark = prices.markPrice(leg.instrument);
  const index = indexOf(instrument, rule, prices);
  const settlePrice = prices.assetPrice(instrument.settle);
  const terms = marketTerms(venue, instrument, prices, rule);
  const pnl = unrealisedPnl(instrument, leg.size, leg.entryPrice, mark);
  const value = mulFloor(valueInUnits(venue, instrument, leg, mark, terms.unit), settlePrice);
  // An initial check may read another mark (stable-price.ts); maintenance always reads the mark.
  const initialMark = markFor(venue, prices, instrument, 'initial', leg.size < 0n);
  const initialValue =
    initialMark === mark
      ? value
      : mulFloor(valueInUnits(venue, instrument, leg, initialMark, terms.unit), settlePrice);
  const at = marginMark(rule, leg, initialMark);
  const initialBase = requirement(
    instrument,
    rule,
    'initial',
    leg.size,
    at,
    leg.leverage,
    index,
    terms,
  );
  const feeRule = venue.rulebook.closingFee;
  const initialFee =
    feeRule === undefined
      ? 0n
      : closingFee(
          feeRule,
          'initial',
          instrument,
          feeBase(instrument, rule, leg, at, index),
          initialBase,
        );
  const initial = mulCeil(initialBase + initialFee, settlePrice);
  const { requirement: maintenanceBase, fee } = maintenanceOf(
    venue,
    instrument,
    rule,
    leg,
    mark,
    index,
    terms,
  );
  let maintenance = mulCeil(maintenanceBase + fee, settlePrice);
  let openOrderMargin = 0n;
  if (leg.orders.length > 0) {
    const sides = { venue, instrument, rule, leg, prices, index, settlePrice, terms };
    openOrderMargin = max(0n, initialValue - initial - worstOrderSideHealth(sides, 'initial'));
    if (venue.rulebook.openOrdersInMaintenance === true) {
      maintenance += max(0n, value - maintenance - worstOrderSideHealth(sides, 'maintenance'));
    }
  }
  return {
    notional: notional(instrument, leg.size, mark, index),
    unrealisedPnl: pnl,
    unrealisedPnlValue: mulFloor(pnl, settlePrice),
    equityValue: value,
    initialEquityValue: initialValue,
    initialMargin: initial,
    maintenanceMargin: maintenance,
    closingFee: mulCeil(fee, settlePrice),
    openOrderMargin,
  };
}

/**
 * The price a requirement's notional is measured at, before the index (`requirement` takes the
 * index itself): the mark, or the entry for a rule margined at the entry. Open orders alone have
 * no entry yet, and are measured at the mark.
 */
export function marginMark(rule: MarginRule, leg: Leg, mark: Price): Price {
  return isMarginedAtEntry(rule) && leg.size !== 0n ? leg.entryPrice : mark;
}

/** What a closing fee is valued from: the position, and its requirement notional. */
function feeBase(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  at: Price,
  index: Price | undefined,
) {
  const price = isMarginedAtIndex(rule) ? index! : at;
  const base = notional(instrument, leg.size, price, index);
  return { size: leg.size, entry: leg.entryPrice, notional: base };
}

/**
 * A leg's maintenance requirement in the settle asset, and the closing fee that counts with it
 * where the fee is valued on the notional (one valued at the bankruptcy price depends on the
 * whole bucket: bucket-risk.ts adds it).
 */
export function maintenanceOf(
  venue: Venue,
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  index: Price | undefined,
  terms: MarketTerms,
): { requirement: Amount; fee: Amount } {
  const at = marginMark(rule, leg, mark);
  const base = requirement(
    instrument,
    rule,
    'maintenance',
    leg.size,
    at,
    leg.leverage,
    index,
    terms,
  );
  return { requirement: base, fee: maintenanceFee(venue, instrument, rule, leg, at, index) };
}

/** The closing fee that counts in maintenance where it is valued on the notional; else 0. */
function maintenanceFee(
  venue: Venue,
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  at: Price,
  index: Price | undefined,
): Amount {
  const rules = venue.rulebook.closingFee;
  if (rules?.valuedAt !== 'notional') return 0n;
  return closingFee(
    rules,
    'maintenance',
    instrument,
    feeBase(instrument, rule, leg, at, index),
    0n,
  );
}

/** A leg's maintenance health alone (equity value − MM, in USD), for searches over price moves. */
export function legMaintenanceHealth(venue: Venue, leg: Leg, prices: PriceView): Amount {
  const instrument = venue.instruments.get(leg.instrument)!;
  const mark = prices.markPrice(leg.instrument);
  const settlePrice = prices.assetPrice(instrument.settle);
  const rule = ruleFor(venue, instrument);
  const terms = marketTerms(venue, instrument, prices, rule);
  const value = valueInUnits(venue, instrument, leg, mark, terms.unit);
  const index = indexOf(instrument, rule, prices);
  const maintenance = maintenanceOf(venue, instrument, rule, leg, mark, index, terms);
  const valueUsd = mulFloor(value, settlePrice);
  let required = mulCeil(maintenance.requirement + maintenance.fee, settlePrice);
  if (venue.rulebook.openOrdersInMaintenance === true && leg.orders.length > 0) {
    const sides = { venue, instrument, rule, leg, prices, index, settlePrice, terms };
    required += max(0n, valueUsd - required - worstOrderSideHealth(sides, 'maintenance'));
  }
  // Positive PnL counts at its weight (profit-weight.ts), as the bucket counts it.
  const counted = weightedProfit(venue.rulebook, instrument, valueUsd, 'maintenance');
  return counted - required;
}

/**
 * The underlying's index, which an option's margin is set from, and a contract's whose rule
 * measures its notional at the index; other futures do without.
 */
export function indexOf(
  instrument: Instrument,
  rule: MarginRule,
  prices: PriceView,
): Price | undefined {
  return instrument.kind === 'option' || isMarginedAtIndex(rule)
    ? prices.assetPrice(instrument.underlying)
    : undefined;
}

/**
 * What a requirement needs beyond the position: the settle asset's smallest unit (the rulebook's
 * collateral `unit`), and the market's open interest (contracts), for a rule scaled by it.
 */
export interface MarketTerms {
  readonly unit?: Amount;
  readonly openInterest?: Quantity;
}

export function marketTerms(
  venue: Venue,
  instrument: Instrument,
  prices: PriceView,
  rule: MarginRule,
): MarketTerms {
  const unit = venue.rulebook.collateral.get(instrument.settle)?.unit;
  // Read only where the rule scales by it: valuing it costs a notional on every leg.
  const openInterest = scalesWithOpenInterest(rule)
    ? prices.openInterest?.get(instrument.id)
    : undefined;
  return {
    ...(unit === undefined ? {} : { unit }),
    ...(openInterest === undefined ? {} : { openInterest }),
  };
}

/** A value in the settle asset, in whole units of it (rounded down: it is equity). */
function inUnits(value: Amount, unit: Amount | undefined): Amount {
  return unit === undefined ? value : floorToStep(value, unit);
}

/**
 * What a leg adds to equity at `mark`, in whole units of its settle asset, with `loss` (≤ 0, an
 * order side's fills) on top: under the rulebook's `netNotionalValue` a linear contract's dYdX net
 * collateral (contract-value.ts `netCollateralValue`), else its value rounded down.
 */
function valueInUnits(
  venue: Venue,
  instrument: Instrument,
  leg: Leg,
  mark: Price,
  unit: Amount | undefined,
  loss: Amount = 0n,
): Amount {
  if (venue.rulebook.netNotionalValue === true && isLinearContract(instrument)) {
    return netCollateralValue(instrument, leg, mark, unit ?? 1n) + inUnits(loss, unit);
  }
  return inUnits(legValue(instrument, leg, mark) + loss, unit);
}

/**
 * Requirement of a position of `size` contracts at `mark`, in the settle asset, rounded up (to the
 * settle asset's unit where `terms` gives one). `indexPrice`, the underlying's, is needed for
 * options and for a rule margined at the index, whose notional is then measured at the index
 * instead of the mark (`MarginPrice`). A liquidity tier rounds at dYdX's own steps.
 */
export function requirement(
  instrument: Instrument,
  rule: MarginRule,
  kind: RequirementKind,
  size: Quantity,
  mark: Price,
  leverage: Ratio | undefined,
  indexPrice?: Price,
  terms: MarketTerms = {},
): Amount {
  if (size === 0n) return 0n;
  const atIndex = isMarginedAtIndex(rule);
  assert(!atIndex || indexPrice !== undefined, 'a rule margined at the index needs the index');
  const price = atIndex ? indexPrice! : mark;
  const { unit, openInterest } = terms;
  // dYdX values the open interest as it values a position: at the oracle, truncated to a quantum.
  const openInterestNotional =
    openInterest === undefined
      ? undefined
      : truncatedNotional(instrument, openInterest, price, unit ?? 1n, indexPrice);
  const exposure: Exposure = {
    notional: notional(instrument, size, price, indexPrice),
    size: baseSize(instrument, size),
    contracts: abs(size),
    leverage,
    ...(openInterestNotional === undefined ? {} : { openInterestNotional }),
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
  if (rule.kind === 'liquidity-tier') {
    // The chain truncates the exact product to a quantum, with no rounding at 10⁻¹⁸ before it.
    const quote = truncatedNotional(instrument, size, price, unit ?? 1n, indexPrice);
    const open = exposure.openInterestNotional;
    return liquidityTierRequirement(rule, kind, quote, open, leverage, unit);
  }
  const { rate, deduction } = marginTerms(rule, kind, exposure);
  const amount = divCeil(exposure.notional * rate - deduction * SCALE, SCALE);
  assert(amount >= 0n, 'a requirement cannot be negative');
  return unit === undefined ? amount : ceilToStep(amount, unit);
}

/** What the health of a leg with one side of its orders filled depends on. */
interface OrderSides {
  readonly venue: Venue;
  readonly instrument: Instrument;
  readonly rule: MarginRule;
  readonly leg: Leg;
  readonly prices: PriceView;
  readonly index: Price | undefined;
  readonly settlePrice: Price;
  readonly terms: MarketTerms;
}

/**
 * Health of the kind (equity value − requirement, in USD) with every buy order filled, and with
 * every sell order filled, whichever is lower: an order may fill at its price, and a fill worse
 * than the mark is a loss at once (or, under `openOrdersFilledAtMark`, every order fills at the
 * mark, Mango's `unweighted_health_unsettled_pnl`). The filled position is valued at the mark the
 * check reads for its sign (stable-price.ts).
 */
function worstOrderSideHealth(sides: OrderSides, kind: RequirementKind): Amount {
  const { venue, instrument, rule, leg, index, settlePrice, terms } = sides;
  let worst: Amount | undefined;
  for (const side of ['buy', 'sell'] as const) {
    if (!leg.orders.some((order) => order.side === side)) continue;
    const { size, loss, price } = sideFilledFor(sides, side, kind);
    const value = valueInUnits(venue, instrument, leg, price, terms.unit, loss);
    const at = marginMark(rule, leg, price);
    const base = requirement(instrument, rule, kind, size, at, leg.leverage, index, terms);
    const fee =
      kind === 'maintenance'
        ? maintenanceFee(venue, instrument, rule, { ...leg, size }, at, index)
        : 0n;
    const health = mulFloor(value, settlePrice) - mulCeil(base + fee, settlePrice);
    if (worst === undefined || health < worst) worst = health;
  }
  return worst!;
}

/**
 * One side of the leg's orders filled as the rulebook fills them for a check of this kind: the
 * size after, what the fills cost equity at once (settle asset, ≤ 0), and the mark the position
 * after is valued at. At the mark (`openOrdersFilledAtMark`), a buy fills at the higher of the
 * mark and its stable price where the check reads one, a sell at the lower (Mango's bids at
 * `Prices::liab`, asks at `Prices::asset`).
 */
function sideFilledFor(
  sides: OrderSides,
  side: Side,
  kind: RequirementKind,
): { size: Quantity; loss: Amount; price: Price } {
  const { venue, instrument, leg, prices } = sides;
  let signed = 0n;
  for (const order of leg.orders) {
    if (order.side === side) signed += side === 'buy' ? order.size : -order.size;
  }
  const size = leg.size + signed;
  const price = markFor(venue, prices, instrument, kind, size < 0n);
  if (venue.rulebook.openOrdersFilledAtMark !== true) {
    return { size, loss: sideFilled(instrument, leg, side, price).loss, price };
  }
  const fill = markFor(venue, prices, instrument, kind, side === 'buy');
  return { size, loss: min(0n, unrealisedPnl(instrument, signed, fill, price)), price };
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
