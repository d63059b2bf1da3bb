import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import type { CollateralRule } from '../../core/model/rulebook.ts';
import type { Venue } from '../../core/model/venue.ts';
import type { Reader } from './reader.ts';

/**
 * What spot orders and weights scaled by the venue's totals need beyond their own fields: a
 * unified cross pool to rest in (not a pool per coin, not a portfolio scan), prices for both
 * assets of each spot market, and the venue's totals of every asset a scaled rule weighs.
 */
export function checkPoolInputs(portfolio: Portfolio, root: Reader): void {
  // A rulebook none of whose collateral is scaled or limited asks no account for the totals.
  const weighsTotals = new Map<Venue, boolean>();
  portfolio.accounts.forEach((account, a) => {
    const venue = venueOf(portfolio, account);
    let weighs = weighsTotals.get(venue);
    if (weighs === undefined) {
      weighs = [...venue.rulebook.collateral.values()].some(needsTotals);
      weighsTotals.set(venue, weighs);
    }
    const spot = account.spotOrders !== undefined && account.spotOrders.length > 0;
    if (!weighs && !spot) return;
    const at = `accounts[${a}]`;
    const weighed = new Set(account.balances.keys());
    for (const position of account.positions) {
      const instrument = venue.instruments.get(position.instrument);
      if (instrument !== undefined) weighed.add(instrument.settle);
    }
    if (account.spotOrders !== undefined && account.spotOrders.length > 0) {
      checkSpotOrders(portfolio, account, at, root);
      for (const order of account.spotOrders) {
        const market = venue.spotMarkets?.get(order.market);
        if (market === undefined) continue;
        weighed.add(market.base);
        weighed.add(market.quote);
      }
    }
    for (const asset of weighed) {
      const rule = venue.rulebook.collateral.get(asset);
      const scaled =
        rule?.depositWeightScaleStart !== undefined || rule?.borrowWeightScaleStart !== undefined;
      if (scaled && portfolio.market.venueTotals?.get(asset) === undefined) {
        root.fail(
          `"${asset}" has weights scaled by the venue's totals (rulebook "${venue.rulebook.id}"): ` +
            `give its deposits and borrows`,
          `market.venueTotals.${asset}`,
        );
      } else if (
        (rule?.depositLimit !== undefined || rule?.netBorrowLimit !== undefined) &&
        portfolio.market.venueTotals?.get(asset) === undefined
      ) {
        root.fail(
          `"${asset}" has a bank deposit or net borrow limit (rulebook "${venue.rulebook.id}"): ` +
            `give its deposits and borrows`,
          `market.venueTotals.${asset}`,
        );
      }
    }
  });
}

function needsTotals(rule: CollateralRule): boolean {
  return (
    rule.depositWeightScaleStart !== undefined ||
    rule.borrowWeightScaleStart !== undefined ||
    rule.depositLimit !== undefined ||
    rule.netBorrowLimit !== undefined
  );
}

function checkSpotOrders(portfolio: Portfolio, account: Account, at: string, root: Reader): void {
  const venue = venueOf(portfolio, account);
  const path = `${at}.openOrders`;
  if (venue.rulebook.crossPool !== 'unified') {
    root.fail(
      `spot orders rest in a unified cross pool; rulebook "${venue.rulebook.id}" pools per coin`,
      path,
    );
  }
  if (account.poolMode === 'portfolio') {
    root.fail(
      'spot orders are not margined in portfolio mode (the scan takes no orders on spot)',
      path,
    );
  }
  for (const order of account.spotOrders ?? []) {
    const market = venue.spotMarkets?.get(order.market);
    if (market === undefined) continue;
    for (const asset of [market.base, market.quote]) {
      if (!portfolio.market.assetPrices.has(asset)) {
        root.fail(`spot market "${market.id}": asset "${asset}" has no price`, path);
      }
    }
  }
}
