import {
  amountMax,
  balancesPerAccountMax,
  instrumentsMax,
  leverageMax,
  ordersPerAccountMax,
  positionsPerAccountMax,
  sizeMax,
} from '../../core/limits.ts';
import type { Account, OpenOrder, Position } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { parseFixed, SCALE } from '../../core/num/fixed.ts';
import { price, size } from './instrument-file.ts';
import { atMost, type Bound, type DecimalBounds, nonNegative } from './reader.ts';

export const amount: { min: Bound; max: Bound } = {
  min: { value: -amountMax, message: 'is beyond the amount limit' },
  max: atMost(amountMax, 'the amount limit'),
};

export const leverageBounds = {
  positive: true,
  max: atMost(leverageMax * SCALE, `the leverage limit (${leverageMax})`),
};

export const signedSizeBounds = {
  min: { value: -sizeMax, message: 'is beyond the size limit' },
  max: atMost(sizeMax, 'the size limit'),
};

export const isolatedMarginBounds = { min: nonNegative, max: amount.max };

/** The leverage settings a book repeats (20, 50, …), one bigint each, not one per account. */
const leverageValues = new Map<bigint, bigint>();
const leverageValuesMax = 1_000;

export function sharedLeverage(value: bigint): bigint {
  const known = leverageValues.get(value);
  if (known !== undefined) return known;
  if (leverageValues.size < leverageValuesMax) leverageValues.set(value, value);
  return value;
}

/** An account without resting orders shares this one empty list (the core never changes it). */
export const noOrders: readonly OpenOrder[] = Object.freeze([]);

type Json = Record<string, unknown>;

/**
 * A book's usual account read straight from its JSON, without a Reader per field: the account
 * portfolio-file.ts's readAccount reads from the same JSON, or undefined where the account is not
 * the usual kind or has anything readAccount would report, which then reads it (and says what).
 * The usual kind: `id`, `balances`, one-way positions (cross or isolated, with or without a
 * `leverage`), contract open orders and the account's `leverage`; no `rulebook`, `poolMode`, hedge
 * side, unsettled PnL or spot order. Every check readAccount makes of those fields is made here;
 * plain-account.test.ts holds the two to one result.
 */
export function readPlainAccount(
  value: unknown,
  assets: ReadonlySet<string>,
  instruments: ReadonlyMap<string, Instrument>,
): { account: Account; ownLeverage: number } | undefined {
  if (!isObject(value)) return undefined;
  let id: unknown;
  let balancesJson: unknown;
  let positionsJson: unknown;
  let ordersJson: unknown;
  let leverageJson: unknown;
  for (const key of Object.keys(value)) {
    if (key === 'id') id = value.id;
    else if (key === 'balances') balancesJson = value.balances;
    else if (key === 'positions') positionsJson = value.positions;
    else if (key === 'openOrders') ordersJson = value.openOrders;
    else if (key === 'leverage') leverageJson = value.leverage;
    else return undefined;
  }
  if (!isName(id)) return undefined;
  const balances = readBalances(balancesJson, assets);
  if (balances === undefined) return undefined;
  const positions = positionsJson === undefined ? [] : readPositions(positionsJson, instruments);
  if (positions === undefined) return undefined;
  const openOrders = ordersJson === undefined ? noOrders : readOrders(ordersJson, instruments);
  if (openOrders === undefined) return undefined;
  const leverage = new Map<string, bigint>();
  if (leverageJson !== undefined) {
    if (!isObject(leverageJson)) return undefined;
    const keys = Object.keys(leverageJson);
    if (keys.length > instrumentsMax) return undefined;
    for (const instrument of keys) {
      const setting = decimalIn(leverageJson[instrument], leverageBounds);
      if (setting === undefined || !instruments.has(instrument)) return undefined;
      leverage.set(instrument, sharedLeverage(setting));
    }
  }
  const ownLeverage = leverage.size;
  const list = positionsJson as Json[] | undefined;
  for (let p = 0; p < positions.length; p++) {
    const given = list![p]!.leverage;
    if (given === undefined) continue;
    const chosen = decimalIn(given, leverageBounds);
    if (chosen === undefined) return undefined;
    const instrument = positions[p]!.instrument;
    const set = leverage.get(instrument);
    if (set === undefined) leverage.set(instrument, sharedLeverage(chosen));
    else if (set !== chosen) return undefined;
  }
  const orders = openOrders.length === 0 ? noOrders : openOrders;
  const account: Account =
    leverage.size === 0
      ? { id, balances, positions, openOrders: orders }
      : { id, balances, positions, openOrders: orders, leverage };
  return { account, ownLeverage };
}

function readBalances(json: unknown, assets: ReadonlySet<string>): Map<string, bigint> | undefined {
  if (!isObject(json)) return undefined;
  const keys = Object.keys(json);
  if (keys.length > balancesPerAccountMax) return undefined;
  const balances = new Map<string, bigint>();
  for (const asset of keys) {
    const balance = decimalIn(json[asset], amount);
    if (balance === undefined || !assets.has(asset)) return undefined;
    balances.set(asset, balance);
  }
  return balances;
}

function readPositions(
  json: unknown,
  instruments: ReadonlyMap<string, Instrument>,
): Position[] | undefined {
  if (!Array.isArray(json) || json.length > positionsPerAccountMax) return undefined;
  const positions: Position[] = new Array(json.length);
  for (let p = 0; p < json.length; p++) {
    const position = readPosition(json[p], instruments);
    if (position === undefined) return undefined;
    // One position per instrument: a second is readAccount's to report.
    for (let before = 0; before < p; before++) {
      if (positions[before]!.instrument === position.instrument) return undefined;
    }
    positions[p] = position;
  }
  return positions;
}

function readPosition(
  json: unknown,
  instruments: ReadonlyMap<string, Instrument>,
): Position | undefined {
  if (!isObject(json)) return undefined;
  for (const key of Object.keys(json)) if (!positionFields.has(key)) return undefined;
  const instrument = json.instrument;
  if (!isName(instrument) || !instruments.has(instrument)) return undefined;
  const signedSize = decimalIn(json.size, signedSizeBounds);
  if (signedSize === undefined || signedSize === 0n) return undefined;
  const entryPrice = decimalIn(json.entryPrice, price);
  if (entryPrice === undefined) return undefined;
  const mode = json.marginMode;
  const marginMode = mode === undefined ? 'cross' : mode;
  if (marginMode !== 'cross' && marginMode !== 'isolated') return undefined;
  let isolatedMargin = 0n;
  if (json.isolatedMargin !== undefined) {
    const margin = decimalIn(json.isolatedMargin, isolatedMarginBounds);
    if (margin === undefined || marginMode === 'cross') return undefined;
    isolatedMargin = margin;
  } else if (marginMode === 'isolated') return undefined;
  return { instrument, size: signedSize, entryPrice, marginMode, isolatedMargin };
}

/** A position's fields but its hedge `side` and `unsettledPnl`, which readAccount reads. */
const positionFields = new Set([
  'instrument',
  'size',
  'entryPrice',
  'marginMode',
  'isolatedMargin',
  'leverage',
]);

function readOrders(
  json: unknown,
  instruments: ReadonlyMap<string, Instrument>,
): OpenOrder[] | undefined {
  if (!Array.isArray(json) || json.length > ordersPerAccountMax) return undefined;
  const orders: OpenOrder[] = [];
  for (const entry of json) {
    if (!isObject(entry)) return undefined;
    for (const key of Object.keys(entry)) {
      if (key !== 'instrument' && key !== 'side' && key !== 'size' && key !== 'price') {
        return undefined;
      }
    }
    const instrument = entry.instrument;
    const side = entry.side;
    if (!isName(instrument) || !instruments.has(instrument)) return undefined;
    if (side !== 'buy' && side !== 'sell') return undefined;
    const orderSize = decimalIn(entry.size, size);
    const orderPrice = decimalIn(entry.price, price);
    if (orderSize === undefined || orderPrice === undefined) return undefined;
    orders.push({ instrument, side, size: orderSize, price: orderPrice });
  }
  return orders;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What Reader.string accepts: a non-empty string of at most 200 characters. */
function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

/** What Reader.decimal accepts within `bounds`, parsed; undefined where it would report. */
function decimalIn(value: unknown, bounds: DecimalBounds): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseFixed(value);
  if (parsed === null) return undefined;
  if (bounds.positive === true && parsed <= 0n) return undefined;
  if (bounds.min !== undefined && parsed < bounds.min.value) return undefined;
  if (bounds.max !== undefined && parsed > bounds.max.value) return undefined;
  return parsed;
}
