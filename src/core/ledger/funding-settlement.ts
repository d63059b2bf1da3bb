import { holdersPerMarketMax } from '../limits.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import { assert } from '../num/assert.ts';
import { type Amount, type Quantity, SCALE } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import { type FundingIndex, fundingIndexScale } from './funding-index.ts';
import { assertConserved, type Movement } from './movement.ts';

/**
 * Funding paid between the holders of a perpetual, against its cumulative index
 * (funding-index.ts), exact and zero-sum.
 *
 * A position owes or is owed size × contract size × (index now − index it settled at): a long
 * pays when the index rises (a positive rate), a short receives the same. What it is paid is
 * rounded to the collateral's unit AGAINST the trader: what a position has received since it
 * opened is always the floor of the exact amount, so a payer pays up and a receiver receives down.
 * The part below one unit is the position's `carry` (0 ≤ carry < one unit), remembered with the
 * index it settled at, and counted in the next settlement. So:
 * - settling twice at one index pays once (the second time the index has not moved);
 * - a gap of several intervals settled at once pays exactly what settling each interval would,
 *   by construction (the carry telescopes: Σ payments = floor(exact total), however grouped);
 * - the rounding account receives what payers paid beyond what receivers received, and holds
 *   exactly Σ carries of the market's positions: never negative, below one unit per position.
 *   A settlement may hand back a carry earlier held (a payer who paid up last time pays less).
 *
 * A position opened during an interval pays the whole interval's funding if it is still open at
 * the funding time, and nothing for one it closed before (Binance: traders "are only liable for
 * funding payments ... if they have open positions at the pre-specified funding times"): it opens
 * at the index of the last funding time, and the next accrual is the whole interval's.
 *
 * Contract with the engine: the whole market settles at once, right after its index accrues
 * (`settleMarketFunding`), so every position has settled at the same index when a fill changes a
 * size (`resizePositionFunding` asserts it). That is what makes each settlement zero-sum: the exact
 * flows of a batch sum to zero (Σ sizes = 0), which is asserted, and the rounding account takes
 * the remainder, so Σ payments + rounding = 0, exactly.
 *
 * A payer who cannot pay is not handled here: a payment may take a balance below zero, and the
 * liquidation issue's shortfall (SCENARIOS.md S19) deals with it. Bybit says as much: "your
 * position margin may turn negative", Funding Fee Calculation,
 * https://www.bybit.com/en/help-center/article/Funding-fee-calculation
 *
 * Scales: index at 10^36; size × contract size at 10^36; exact funding (and carry) at 10^72.
 */
/** From the 18-decimal amount scale to the exact owed scale (10^72). */
const amountToOwed = fundingIndexScale * SCALE;

/** What a position remembers for funding. */
export interface PositionFunding {
  /** Signed, in contracts. */
  readonly size: Quantity;
  /** The market's cumulative index when it last settled. */
  readonly settledIndex: bigint;
  /** Exact funding owed to it and not paid, below one collateral unit, at 10^72. */
  readonly carry: bigint;
}

/** The market's terms a payment needs. */
export interface FundingTerms {
  readonly contractSize: Quantity;
  /** The collateral's smallest unit, an 18-decimal amount (USDT 0.00000001: 10^10). */
  readonly unit: Amount;
}

export interface FundingHolder {
  readonly account: AccountId;
  readonly funding: PositionFunding;
  /** Present: the position is isolated and its funding moves its isolated margin. */
  readonly bucket?: InstrumentId;
}

export interface FundingPayment {
  readonly account: AccountId;
  /** Received when positive, paid when negative, in the settle asset. */
  readonly amount: Amount;
  readonly bucket?: InstrumentId;
}

export interface MarketFundingSettlement {
  readonly payments: readonly FundingPayment[];
  readonly holders: readonly FundingHolder[];
  /** To the rounding account: −Σ payments, exactly. */
  readonly rounding: Amount;
}

/** A position opened at the market's index now: it owes nothing for intervals before it. */
export function openPositionFunding(size: Quantity, index: FundingIndex): PositionFunding {
  return { size, settledIndex: index.cumulative, carry: 0n };
}

/** Pays a position what it has accrued since it settled; idempotent at one index. */
export function settlePositionFunding(
  position: PositionFunding,
  index: FundingIndex,
  terms: FundingTerms,
): { readonly amount: Amount; readonly position: PositionFunding } {
  assertTerms(terms);
  assert(position.carry >= 0n, 'a carry is not negative');
  assert(position.carry < terms.unit * amountToOwed, 'a carry is below one unit');
  const exact = position.carry + owedSince(position, index, terms);
  const units = divFloor(exact, terms.unit * amountToOwed);
  const amount = units * terms.unit;
  const carry = exact - amount * amountToOwed;
  assert(carry >= 0n, 'what is paid is the floor of what is owed');
  assert(carry < terms.unit * amountToOwed, 'what is paid is within one unit of what is owed');
  return { amount, position: { size: position.size, settledIndex: index.cumulative, carry } };
}

/** Settles every holder of the market at its index; the remainder to the rounding account. */
export function settleMarketFunding(
  holders: readonly FundingHolder[],
  index: FundingIndex,
  terms: FundingTerms,
): MarketFundingSettlement {
  assertTerms(terms);
  assert(holders.length <= holdersPerMarketMax, 'a market has a bounded number of holders');
  let exactFlow = 0n;
  let size = 0n;
  let paid = 0n;
  let carryChange = 0n;
  const payments: FundingPayment[] = [];
  const settled: FundingHolder[] = [];
  for (const holder of holders) {
    exactFlow += owedSince(holder.funding, index, terms);
    size += holder.funding.size;
    const { amount, position } = settlePositionFunding(holder.funding, index, terms);
    paid += amount;
    carryChange += position.carry - holder.funding.carry;
    payments.push(withBucket({ account: holder.account, amount }, holder.bucket));
    settled.push(withBucket({ account: holder.account, funding: position }, holder.bucket));
  }
  // A missing holder, or one settled apart from the others, shows here, not in the rounding.
  assert(size === 0n, 'the market nets to zero: every holder is settled together');
  assert(exactFlow === 0n, 'funding flows are zero-sum before rounding');
  const rounding = -paid;
  // The rounding account holds the carries: it moves by exactly what they moved.
  assert(rounding * amountToOwed === carryChange, 'the remainder is the change in carries');
  return { payments, holders: settled, rounding };
}

/**
 * The settlement as ledger movements of the settle asset: one per non-zero payment, and the
 * remainder to the rounding account. They sum to zero (asserted, as every event's are).
 */
export function fundingMovements(
  settlement: MarketFundingSettlement,
  asset: AssetId,
  roundingAccount: AccountId,
): Movement[] {
  const movements: Movement[] = [];
  for (const { account, amount, bucket } of settlement.payments) {
    if (amount === 0n) continue;
    const movement: Movement = { account, asset, amount, reason: 'funding' };
    movements.push(bucket === undefined ? movement : { ...movement, bucket });
  }
  if (settlement.rounding !== 0n) {
    movements.push({
      account: roundingAccount,
      asset,
      amount: settlement.rounding,
      reason: 'rounding',
    });
  }
  assertConserved(movements);
  return movements;
}

/**
 * The position's new size after a fill, at the index it has settled at: a size changes only
 * between settlements, so the next one pays the new size for the intervals after the fill.
 */
export function resizePositionFunding(
  position: PositionFunding,
  index: FundingIndex,
  size: Quantity,
): PositionFunding {
  assert(position.settledIndex === index.cumulative, 'a position settles before it changes size');
  return { ...position, size };
}

/** Exact funding owed to the position since it settled, at 10^72 (negative: it owes). */
function owedSince(position: PositionFunding, index: FundingIndex, terms: FundingTerms): bigint {
  // A long pays a rising index: its funding is the negative of size × Δindex.
  return -(position.size * terms.contractSize * (index.cumulative - position.settledIndex));
}

function withBucket<T extends object>(value: T, bucket: InstrumentId | undefined): T {
  return bucket === undefined ? value : { ...value, bucket };
}

function assertTerms(terms: FundingTerms): void {
  assert(terms.contractSize > 0n, 'a contract has a positive size');
  assert(terms.unit > 0n, 'a collateral unit is positive');
}
