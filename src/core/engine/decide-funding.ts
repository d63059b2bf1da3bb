import { accrueFunding, openFundingIndex, rescheduleFunding } from '../ledger/funding-index.ts';
import {
  type FundingHolder,
  fundingMovements,
  settleMarketFunding,
} from '../ledger/funding-settlement.ts';
import { roundingAccount } from '../ledger/house-accounts.ts';
import { carryKey, type Ledger } from '../ledger/ledger.ts';
import type { FundingCarry, PositionChange } from '../ledger/ledger-event.ts';
import { fundingIntervalMsMax, fundingIntervalMsMin, fundingRateMax } from '../limits.ts';
import type { Position } from '../model/account.ts';
import type { AccountId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';
import { DECIMALS, type Ratio } from '../num/fixed.ts';
import { impactFundingRate } from '../pricing/funding-rate.ts';
import type { PremiumFunding, Rejection } from './command.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';

/**
 * One funding interval of a perpetual, paid to and by every holder at once (funding-settlement.ts:
 * exact, zero-sum, rounded against the trader, the remainder to the rounding account), at the
 * instrument's mark, at the rate the venue gives or one computed from the interval's premium
 * samples (`premiumRate`). Checked in this order: `instrument_not_found`, `instrument_not_perpetual`,
 * `funding_interval_invalid` (a funding time that is not a whole ms ≥ 0, then an interval outside
 * limits.ts's bounds), `price_unavailable` (no mark yet), the premium's (below), then
 * the index's own checks (funding-index.ts: the rate's bound, then an interval already paid, one
 * skipped, or a funding time the log has not reached). The market's first interval opens its
 * index; a new `intervalMs` takes effect from this interval (a venue moves a contract from
 * 8-hourly to hourly funding at a funding time).
 *
 * The holders are those at the time the command is applied: the venue sends it at the funding
 * time, as Binance pays "traders ... with open positions at the pre-specified funding times".
 */
export function decideFunding(
  ledger: Ledger,
  command: CommandOf<'funding'>,
  venue: Venue,
  nowMs: number,
): Decision {
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  if (instrument.kind !== 'perpetual') return refuse('instrument_not_perpetual', 'instrument');
  const { fundingMs, intervalMs } = command;
  if (!Number.isSafeInteger(fundingMs) || fundingMs < 0) {
    return refuse('funding_interval_invalid', 'fundingMs');
  }
  if (
    !Number.isSafeInteger(intervalMs) ||
    intervalMs < fundingIntervalMsMin ||
    intervalMs > fundingIntervalMsMax
  ) {
    return refuse('funding_interval_invalid', 'intervalMs');
  }
  const price = ledger.markPrices.get(instrument.id);
  if (price === undefined) return refuse('price_unavailable', 'instrument');
  const rate = 'rate' in command ? command.rate : premiumRate(command.premium, intervalMs);
  if (typeof rate !== 'bigint') return { rejection: rate };
  const current = ledger.funding.get(instrument.id);
  const index =
    current === undefined
      ? openFundingIndex(instrument.id, instrument.settlement, intervalMs, fundingMs - intervalMs)
      : current.intervalMs === intervalMs
        ? current
        : rescheduleFunding(current, intervalMs);
  const accrued = accrueFunding(index, { fundingMs, rate, price }, nowMs);
  if ('code' in accrued) {
    return refuse(accrued.code, accrued.code === 'funding_rate_above_max' ? 'rate' : 'fundingMs');
  }
  const holders: FundingHolder[] = [];
  // Beside each holder, the position it is: settleMarketFunding answers in the holders' order.
  const held: { account: AccountId; position: Position }[] = [];
  for (const account of ledger.accounts.values()) {
    for (const position of account.positions) {
      if (position.instrument !== instrument.id) continue;
      const key = carryKey(account.id, instrument.id, position.side);
      held.push({ account: account.id, position });
      holders.push({
        account: account.id,
        funding: {
          size: position.size,
          settledIndex: index.cumulative,
          carry: ledger.fundingCarry.get(key) ?? 0n,
        },
        ...(position.marginMode === 'isolated' ? { bucket: instrument.id } : {}),
      });
    }
  }
  const unit = venue.rulebook.collateral.get(instrument.settle)?.unit ?? 1n;
  const settlement = settleMarketFunding(holders, accrued.index, {
    contractSize: instrument.contractSize,
    unit,
  });
  const carries: FundingCarry[] = [];
  const changes: PositionChange[] = [];
  settlement.holders.forEach((holder, i) => {
    const { account, position } = held[i]!;
    const side = position.side === undefined ? {} : { side: position.side };
    if (holder.funding.carry !== 0n)
      carries.push({ account, ...side, carry: holder.funding.carry });
    const paid = settlement.payments[i]!.amount;
    if (holder.bucket !== undefined && paid !== 0n) {
      const after = { ...position, isolatedMargin: position.isolatedMargin + paid };
      changes.push({ account, instrument: instrument.id, ...side, after });
    }
  });
  return {
    events: [
      {
        type: 'funding_paid',
        index: accrued.index,
        rate,
        price,
        carries,
        positions: changes,
        movements: fundingMovements(settlement, instrument.settle, roundingAccount),
      },
    ],
  };
}

/**
 * The rate of the interval from its premium samples (pricing/funding-rate.ts), the formula's terms
 * checked first: `funding_interval_invalid` (the reference period outside the interval bounds),
 * `funding_terms_invalid` (a negative dampener, a floor above 0 or a cap below it, either beyond the
 * rate bound, decimals not 0 to 18), then the samples' own codes (premium_samples_above_max,
 * premium_samples_empty, impact_price_not_positive, index_price_not_positive,
 * impact_prices_crossed), naming the sample.
 */
function premiumRate(premium: PremiumFunding, intervalMs: number): Ratio | Rejection {
  const { terms, bounds, samples, weighting } = premium;
  const period = terms.referencePeriodMs;
  if (
    !Number.isSafeInteger(period) ||
    period < fundingIntervalMsMin ||
    period > fundingIntervalMsMax
  ) {
    return { code: 'funding_interval_invalid', field: 'premium.terms.referencePeriodMs' };
  }
  if (terms.dampener < 0n)
    return { code: 'funding_terms_invalid', field: 'premium.terms.dampener' };
  if (bounds.floor > 0n || bounds.floor < -fundingRateMax) {
    return { code: 'funding_terms_invalid', field: 'premium.bounds.floor' };
  }
  if (bounds.cap < 0n || bounds.cap > fundingRateMax) {
    return { code: 'funding_terms_invalid', field: 'premium.bounds.cap' };
  }
  const decimals = bounds.rateDecimals;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > DECIMALS) {
    return { code: 'funding_terms_invalid', field: 'premium.bounds.rateDecimals' };
  }
  const rate = impactFundingRate(terms, bounds, samples, weighting, intervalMs);
  if (typeof rate === 'bigint') return rate;
  const sample = 'sample' in rate && rate.sample !== undefined ? `[${rate.sample}]` : '';
  const field =
    'field' in rate ? `.${rate.field}` : rate.code === 'index_price_not_positive' ? '.index' : '';
  return { code: rate.code, field: `premium.samples${sample}${field}` };
}
