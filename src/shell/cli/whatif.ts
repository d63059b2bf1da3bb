import type { Hypothetical } from '../../core/margin/hypothetical.ts';
import { maxOrderSize, maxWithdrawal } from '../../core/margin/what-if.ts';
import type { Account } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import type { PriceView } from '../../core/model/price-view.ts';
import type { Venue } from '../../core/model/venue.ts';
import { parseFixed } from '../../core/num/fixed.ts';
import { InputError } from '../import/reader.ts';

/** `"buy 0.5 BTCUSDT"` or `"sell 2 ETHUSDT@3100"`: an order for what-if, filled at mark by default. */
export function parseOrder(text: string, portfolio: Portfolio, prices: PriceView): Hypothetical {
  const match = /^(buy|sell)\s+(\S+)\s+([^\s@]+)(?:\s*@\s*(\S+))?$/.exec(text.trim());
  const size = match ? parseFixed(match[2]!) : null;
  const price = match?.[4] === undefined ? undefined : parseFixed(match[4]);
  if (
    match === null ||
    size === null ||
    size <= 0n ||
    price === null ||
    (price !== undefined && price <= 0n)
  ) {
    throw new InputError([`--order: must read "buy|sell SIZE INSTRUMENT[@PRICE]", got "${text}"`]);
  }
  const instrument = match[3]!;
  if (
    !portfolio.venue.instruments.has(instrument) ||
    !portfolio.market.markPrices.has(instrument)
  ) {
    throw new InputError([`--order: unknown instrument or no mark price: "${instrument}"`]);
  }
  const side = match[1] as 'buy' | 'sell';
  return { kind: 'order', instrument, side, size, price: price ?? prices.markPrice(instrument) };
}

/** `"USDT -100"` withdraws 100 USDT from the cross pool; `"USDT 100"` deposits it. */
export function parseTransfer(text: string, portfolio: Portfolio): Hypothetical {
  const match = /^(\S+)\s+(\S+)$/.exec(text.trim());
  const amount = match ? parseFixed(match[2]!) : null;
  if (match === null || amount === null || amount === 0n) {
    throw new InputError([
      `--transfer: must read "ASSET AMOUNT" (negative to withdraw), got "${text}"`,
    ]);
  }
  if (!portfolio.market.assetPrices.has(match[1]!)) {
    throw new InputError([`--transfer: unknown asset or no price: "${match[1]}"`]);
  }
  return { kind: 'transfer', asset: match[1]!, amount };
}

export function limitsOf(account: Account, portfolio: Portfolio, prices: PriceView) {
  const venue = venueOf(portfolio, account);
  // The contracts this account's venue margins, with a price to trade them at.
  const instruments = [...venue.instruments.values()]
    .filter(
      (instrument) => portfolio.market.markPrices.has(instrument.id) && hasRule(venue, instrument),
    )
    .map((instrument) => instrument.id);
  return {
    maxOrders: instruments.map((instrument) => {
      const mark = prices.markPrice(instrument);
      return {
        instrument,
        buy: maxOrderSize(account, venue, prices, instrument, 'buy', mark),
        sell: maxOrderSize(account, venue, prices, instrument, 'sell', mark),
      };
    }),
    maxWithdrawals: [...account.balances.keys()].map((asset) => ({
      asset,
      amount: maxWithdrawal(account, venue, prices, asset),
    })),
  };
}

/** Whether the venue's rulebook margins the instrument (its own rule, or the default of its kind). */
export function hasRule(venue: Venue, instrument: Instrument): boolean {
  const { rulebook } = venue;
  const fallback = instrument.kind === 'option' ? rulebook.defaultOptionRule : rulebook.defaultRule;
  return rulebook.instruments.has(instrument.id) || fallback !== undefined;
}
