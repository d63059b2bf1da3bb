import { notional } from '../../core/margin/contract-value.ts';
import { maxLeverageAt } from '../../core/margin/margin-terms.ts';
import type { Account } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { MarginRule } from '../../core/model/rulebook.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import type { Reader } from './reader.ts';

/**
 * Checks that need the whole file at once: every price and volatility surface the assessment will
 * read exists, every instrument has a margin rule of a kind that fits it, a borrowing is allowed,
 * a chosen leverage is within the bracket the position's notional is in, and an account margined
 * as a portfolio has a rulebook that says how. Issues name the field path.
 */
export function checkPortfolio(portfolio: Portfolio, root: Reader): void {
  const { venue, market } = portfolio;
  for (const [id, instrument] of venue.instruments) {
    checkRule(portfolio, instrument, root);
    if (!market.assetPrices.has(instrument.settle)) {
      root.fail(
        `settle asset "${instrument.settle}" of "${id}" has no price`,
        'market.assetPrices',
      );
    }
  }
  portfolio.accounts.forEach((account, a) => {
    checkAccount(portfolio, account, `accounts[${a}]`, root);
  });
}

/** An instrument's own rule, else the rulebook's default for its kind ("option" or "*"). */
function ruleOf(portfolio: Portfolio, instrument: Instrument): MarginRule | undefined {
  const { rulebook } = portfolio.venue;
  return (
    rulebook.instruments.get(instrument.id) ??
    (instrument.kind === 'option' ? rulebook.defaultOptionRule : rulebook.defaultRule)
  );
}

function checkRule(portfolio: Portfolio, instrument: Instrument, root: Reader): void {
  const { rulebook } = portfolio.venue;
  const rule = ruleOf(portfolio, instrument);
  const id = instrument.id;
  if (rule === undefined) {
    const fallback = instrument.kind === 'option' ? 'an "option"' : 'a "*"';
    const missing = `instrument "${id}" has no margin rule in rulebook "${rulebook.id}"`;
    root.fail(`${missing} (nor ${fallback} default)`, 'rulebook');
  } else if (rule.kind === 'option-standard' && instrument.kind !== 'option') {
    root.fail(`instrument "${id}" is not an option, but its rule is option-standard`, 'rulebook');
  }
}

function checkAccount(portfolio: Portfolio, account: Account, at: string, root: Reader): void {
  const { venue, market } = portfolio;
  const { rulebook } = venue;
  if (account.poolMode === 'portfolio' && rulebook.portfolio === undefined) {
    root.fail(
      `rulebook "${rulebook.id}" has no portfolio section, so it cannot margin a portfolio`,
      `${at}.poolMode`,
    );
  }
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
    const instrument = venue.instruments.get(position.instrument)!;
    const scanned = account.poolMode === 'portfolio' && position.marginMode === 'cross';
    if (!hasPrices(portfolio, instrument, scanned, `${path}.instrument`, root)) return;
    if (position.leverage === undefined) return;
    if (instrument.kind === 'option') {
      root.fail('an option position takes no leverage', `${path}.leverage`);
      return;
    }
    const rule = ruleOf(portfolio, instrument);
    const mark = market.markPrices.get(position.instrument)!;
    if (rule === undefined) return;
    const allowed = maxLeverageAt(rule, notional(instrument, position.size, mark));
    if (allowed !== undefined && position.leverage > allowed) {
      const chosen = formatFixed(position.leverage);
      root.fail(
        `${chosen} is above the ${formatFixed(allowed)} allowed at this notional`,
        `${path}.leverage`,
      );
    }
  });
  account.openOrders.forEach((order, o) => {
    const instrument = venue.instruments.get(order.instrument)!;
    const scanned = account.poolMode === 'portfolio';
    hasPrices(portfolio, instrument, scanned, `${at}.openOrders[${o}].instrument`, root);
  });
}

/**
 * Whether every price a position or order needs is there: its mark; for an option, or for any
 * contract scanned in a portfolio, its underlying's price; for an option, its underlying's
 * volatility surface. Each missing one is an issue at `path`.
 */
function hasPrices(
  portfolio: Portfolio,
  instrument: Instrument | undefined,
  scanned: boolean,
  path: string,
  root: Reader,
): boolean {
  if (instrument === undefined) return false;
  const { market } = portfolio;
  const { id, underlying } = instrument;
  let complete = true;
  if (!market.markPrices.has(id)) {
    root.fail(`instrument "${id}" has no mark price`, path);
    complete = false;
  }
  const isOption = instrument.kind === 'option';
  if ((isOption || scanned) && !market.assetPrices.has(underlying)) {
    const why = isOption ? 'an option' : 'a contract margined as a portfolio';
    root.fail(`"${id}" is ${why}: its underlying "${underlying}" needs a price`, path);
    complete = false;
  }
  if (isOption && market.volatility?.has(underlying) !== true) {
    root.fail(
      `"${id}" is an option without a volatility surface: add market.volatility.${underlying}`,
      path,
    );
    complete = false;
  }
  return complete;
}
