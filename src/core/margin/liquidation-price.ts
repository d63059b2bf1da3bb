import type { Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { Amount, Price } from '../num/fixed.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { ceilToStep, divCeil, divFloor, floorToStep } from '../num/rounding.ts';
import { baseSize, notional } from './contract-value.ts';
import { marginTerms } from './margin-terms.ts';

/** A stretch of notional over which the maintenance terms are fixed. */
interface Piece {
  readonly floor: Amount;
  readonly cap: Amount | null;
  readonly rate: bigint;
  readonly deduction: Amount;
}

/**
 * The mark at which the bucket holding this leg falls to maintenance, everything else held where it
 * is: `rest` is the bucket's maintenance health without this leg, in the leg's settle asset.
 *
 *   linear:  rest + f(P − E) − |f|·P·r + d = 0   ⇒  P = (fE − rest − d) / (f − |f|r)
 *   inverse: rest + f(1/E − 1/P) − |f|·r/P + d = 0  ⇒  P = (f + |f|r)E / ((rest + d)E + f)
 *
 * with f the signed base size (face for inverse), r and d the maintenance rate and amount of the
 * bracket the notional is in at P. Solved per bracket; the answer is the one whose notional lands in
 * its own bracket, so the price follows the brackets as notional crosses them (Binance's formula,
 * generalised). Rounded to the tick toward the mark: a long's up, a short's down, so the warning
 * never comes late. null: no price of this instrument liquidates the bucket (a long whose cushion
 * outlasts a fall to zero).
 */
export function liquidationPrice(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  rest: Amount,
): Price | null {
  if (leg.size === 0n) return null;
  const face = leg.size * instrument.contractSize;
  const absFace = abs(face);
  for (const piece of piecesOf(instrument, rule, leg, mark)) {
    const root = solve(instrument.settlement, face, absFace, leg.entryPrice, rest, piece);
    if (root === null) continue;
    if (!notionalInPiece(instrument.settlement, absFace, root, piece)) continue;
    const [numerator, denominator] = root;
    return face > 0n
      ? ceilToStep(divCeil(numerator, denominator), instrument.tickSize)
      : floorToStep(divFloor(numerator, denominator), instrument.tickSize);
  }
  return null;
}

function piecesOf(instrument: Instrument, rule: MarginRule, leg: Leg, mark: Price): Piece[] {
  if (rule.kind === 'brackets') {
    return rule.brackets.map((bracket) => ({
      floor: bracket.floor,
      cap: bracket.cap,
      rate: bracket.maintenanceRate,
      deduction: bracket.maintenanceAmount,
    }));
  }
  // Other rules depend on size, not price: one piece over every notional.
  const exposure = {
    notional: notional(instrument, leg.size, mark),
    size: baseSize(instrument, leg.size),
    leverage: leg.leverage,
  };
  const terms = marginTerms(rule, 'maintenance', exposure);
  return [{ floor: 0n, cap: null, rate: terms.rate, deduction: terms.deduction }];
}

/** The root as an exact fraction (numerator / denominator, denominator > 0) at price scale. */
function solve(
  settlement: Instrument['settlement'],
  face: bigint,
  absFace: bigint,
  entry: Price,
  rest: Amount,
  piece: Piece,
): [bigint, bigint] | null {
  const cushion = rest + piece.deduction;
  let numerator: bigint;
  let denominator: bigint;
  if (settlement === 'linear') {
    numerator = (face * entry - cushion * SCALE * SCALE) * SCALE;
    denominator = face * SCALE - absFace * piece.rate;
  } else {
    numerator = (face * SCALE + absFace * piece.rate) * entry;
    denominator = SCALE * (cushion * entry + face);
  }
  if (denominator === 0n) return null;
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  if (numerator <= 0n) return null;
  return [numerator, denominator];
}

/** Whether the notional at the root lies in the piece (ends included: the requirement is continuous). */
function notionalInPiece(
  settlement: Instrument['settlement'],
  absFace: bigint,
  [numerator, denominator]: [bigint, bigint],
  piece: Piece,
): boolean {
  // linear: notional = |f|·P / SCALE²;  inverse: notional = |f| / P; with P = numerator / denominator,
  // cross-multiplied so nothing is rounded.
  const scaledNotional = settlement === 'linear' ? absFace * numerator : absFace * denominator;
  const unit = settlement === 'linear' ? denominator * SCALE * SCALE : numerator;
  if (scaledNotional < piece.floor * unit) return false;
  return piece.cap === null || scaledNotional <= piece.cap * unit;
}
