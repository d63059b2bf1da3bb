import { notional } from '../../core/margin/contract-value.ts';
import { maxLeverageAt } from '../../core/margin/margin-terms.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import type { Reader } from './reader.ts';

/**
 * Checks that need the whole file at once: every price the assessment will read exists, every
 * instrument has a margin rule, a borrowing is allowed, and a chosen leverage is within the
 * bracket the position's notional is in. Issues name the field path.
 */
export function checkPortfolio(portfolio: Portfolio, root: Reader): void {
  const { venue, market } = portfolio;
  const { rulebook } = venue;
  for (const [id, instrument] of venue.instruments) {
    if (!rulebook.instruments.has(id) && rulebook.defaultRule === undefined) {
      root.fail(`instrument "${id}" has no margin rule in rulebook "${rulebook.id}"`, 'rulebook');
    }
    if (!market.assetPrices.has(instrument.settle)) {
      root.fail(
        `settle asset "${instrument.settle}" of "${id}" has no price`,
        'market.assetPrices',
      );
    }
  }
  portfolio.accounts.forEach((account, a) => {
    const at = `accounts[${a}]`;
    for (const [asset, balance] of account.balances) {
      if (!market.assetPrices.has(asset)) {
        root.fail(`asset "${asset}" has no price in market.assetPrices`, `${at}.balances.${asset}`);
      }
      const rule = rulebook.collateral.get(asset);
      if (balance < 0n && rule?.liabilityMaintenanceWeight === undefined) {
        root.fail(
          `"${asset}" cannot be borrowed under rulebook "${rulebook.id}"`,
          `${at}.balances.${asset}`,
        );
      }
    }
    account.positions.forEach((position, p) => {
      const path = `${at}.positions[${p}]`;
      const mark = market.markPrices.get(position.instrument);
      if (mark === undefined) {
        root.fail(`instrument "${position.instrument}" has no mark price`, `${path}.instrument`);
        return;
      }
      const instrument = venue.instruments.get(position.instrument)!;
      const rule = rulebook.instruments.get(position.instrument) ?? rulebook.defaultRule;
      if (rule === undefined || position.leverage === undefined) return;
      const allowed = maxLeverageAt(rule, notional(instrument, position.size, mark));
      if (allowed !== undefined && position.leverage > allowed) {
        root.fail(
          `${formatFixed(position.leverage)} is above the ${formatFixed(allowed)} allowed at this notional`,
          `${path}.leverage`,
        );
      }
    });
    account.openOrders.forEach((order, o) => {
      if (!market.markPrices.has(order.instrument)) {
        root.fail(
          `instrument "${order.instrument}" has no mark price`,
          `${at}.openOrders[${o}].instrument`,
        );
      }
    });
  });
}
