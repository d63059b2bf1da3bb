import { notional } from '../../core/margin/contract-value.ts';
import { maxLeverageAt } from '../../core/margin/margin-terms.ts';
import type { Account, Position } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import {
  isMarginedAtEntry,
  isMarginedAtIndex,
  type MarginRule,
} from '../../core/model/rulebook.ts';
import type { Venue } from '../../core/model/venue.ts';
import { abs, formatFixed } from '../../core/num/fixed.ts';
import { Reader } from './reader.ts';

/**
 * Checks that need the whole file at once: every price and volatility surface the assessment will
 * read exists, every instrument has a margin rule of a kind that fits it, a borrowing is allowed,
 * a leverage setting is within the bracket the position's notional is in, and an account margined
 * as a portfolio has a rulebook that says how. Issues name the field path.
 */
export function checkPortfolio(
  portfolio: Portfolio,
  root: Reader,
  ownLeverage: readonly number[],
): void {
  const { venue, market } = portfolio;
  for (const [id, instrument] of venue.instruments) {
    // Under one rulebook every listed contract needs a rule; under several, each rulebook needs
    // one for the contracts its own accounts hold or order.
    for (const [book, used] of rulebooksInUse(portfolio)) {
      if (used === 'all' || used.has(id))
        checkRule({ ...portfolio, venue: book }, instrument, root);
    }
    if (!market.assetPrices.has(instrument.settle)) {
      root.fail(
        `settle asset "${instrument.settle}" of "${id}" has no price`,
        'market.assetPrices',
      );
    }
  }
  // One view of the portfolio per venue, not one per account: a book has many accounts.
  const views = new Map<Venue, Scoped>();
  for (let a = 0; a < portfolio.accounts.length; a += 1) {
    const account = portfolio.accounts[a]!;
    checkAccount(viewOf(views, portfolio, account), account, a, root, ownLeverage[a] ?? 0);
  }
}

/**
 * The portfolio as one venue margins it, and the contracts found to have every price they need
 * there (hasPrices, which depends on nothing of the account): a book asks it of each position,
 * and it is checked once per contract, but said again at each position where a price is missing.
 */
interface Scoped {
  readonly portfolio: Portfolio;
  readonly priced: Set<string>;
  /** The same, for a contract scanned in a portfolio. */
  readonly pricedScanned: Set<string>;
}

/** The account's venue's view, made the first time one of its accounts asks. */
function viewOf(views: Map<Venue, Scoped>, portfolio: Portfolio, account: Account): Scoped {
  const venue = venueOf(portfolio, account);
  let view = views.get(venue);
  if (view === undefined) {
    view = { portfolio: { ...portfolio, venue }, priced: new Set(), pricedScanned: new Set() };
    views.set(venue, view);
  }
  return view;
}

/** Whether `instrument` has its prices, for the item `list[index]` of account `a`. */
function isPriced(
  view: Scoped,
  instrument: Instrument | undefined,
  scanned: boolean,
  a: number,
  list: 'positions' | 'openOrders',
  index: number,
  root: Reader,
): boolean {
  if (instrument === undefined) return false;
  const known = scanned ? view.pricedScanned : view.priced;
  if (known.has(instrument.id)) return true;
  const path = `accounts[${a}].${list}[${index}].instrument`;
  const complete = hasPrices(view.portfolio, instrument, scanned, path, root);
  if (complete) known.add(instrument.id);
  return complete;
}

/** Each venue whose rules margin some account, with the contracts those accounts use. */
function rulebooksInUse(portfolio: Portfolio): Map<Venue, Set<string> | 'all'> {
  if (portfolio.accountVenues === undefined) return new Map([[portfolio.venue, 'all']]);
  const used = new Map<Venue, Set<string>>();
  for (const account of portfolio.accounts) {
    const venue = venueOf(portfolio, account);
    let ids = used.get(venue);
    if (ids === undefined) {
      ids = new Set();
      used.set(venue, ids);
    }
    for (const position of account.positions) ids.add(position.instrument);
    for (const order of account.openOrders) ids.add(order.instrument);
  }
  return used;
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
    root.fail(
      `${missing} (nor ${fallback} default): choose a rulebook that lists it, or add a rule ` +
        'for it to a rulebook file (docs/rulebook-format.md)',
      'rulebook',
    );
  } else if (rule.kind === 'option-standard' && instrument.kind !== 'option') {
    root.fail(`instrument "${id}" is not an option, but its rule is option-standard`, 'rulebook');
  } else if (rule.kind === 'liquidity-tier' && instrument.kind === 'option') {
    root.fail(`instrument "${id}" is an option, but its rule is a liquidity tier`, 'rulebook');
  }
}

function checkAccount(
  view: Scoped,
  account: Account,
  a: number,
  root: Reader,
  ownLeverage: number,
): void {
  const { portfolio } = view;
  const { venue, market } = portfolio;
  // An issue's path, written out only for an issue: these checks run for every account of a book.
  const at = () => `accounts[${a}]`;
  const { rulebook } = venue;
  if (account.poolMode === 'portfolio' && rulebook.portfolio === undefined) {
    root.fail(
      `rulebook "${rulebook.id}" has no portfolio section, so it cannot margin a portfolio`,
      `${at()}.poolMode`,
    );
  }
  for (const [asset, balance] of account.balances) {
    if (!market.assetPrices.has(asset)) {
      root.fail(`asset "${asset}" has no price in market.assetPrices`, `${at()}.balances.${asset}`);
    }
    const rule = rulebook.collateral.get(asset);
    if (balance < 0n && rule?.liabilityMaintenanceWeight === undefined) {
      root.fail(
        `"${asset}" cannot be borrowed under rulebook "${rulebook.id}"`,
        `${at()}.balances.${asset}`,
      );
    }
  }
  // The few contracts of one account: a list is cheaper to make than a Set.
  const priced: string[] = [];
  // Loops, not closures: these run for every account of a book.
  const { positions, openOrders } = account;
  for (let p = 0; p < positions.length; p++) {
    const position = positions[p]!;
    const instrument = venue.instruments.get(position.instrument)!;
    const scanned = account.poolMode === 'portfolio' && position.marginMode === 'cross';
    if (isPriced(view, instrument, scanned, a, 'positions', p, root)) {
      priced.push(position.instrument);
    }
  }
  for (let o = 0; o < openOrders.length; o++) {
    const order = openOrders[o]!;
    const instrument = venue.instruments.get(order.instrument)!;
    const scanned = account.poolMode === 'portfolio';
    if (isPriced(view, instrument, scanned, a, 'openOrders', o, root)) {
      priced.push(order.instrument);
    }
  }
  if (account.leverage === undefined) return;
  for (const [id, leverage] of account.leverage) {
    const instrument = venue.instruments.get(id);
    if (instrument === undefined) continue;
    if (instrument.kind === 'option') {
      // The path is found only on an issue: finding it walks the file's accounts.
      root.fail('an option position takes no leverage', leveragePath(a, account, id, ownLeverage));
      continue;
    }
    const rule = ruleOf(portfolio, instrument);
    if (rule === undefined || !priced.includes(id)) continue;
    // At the position's notional; an instrument with no position yet at none, its first bracket.
    // In hedge mode each side is held to the setting: the larger side binds.
    let position: Position | undefined;
    for (const p of account.positions) {
      if (p.instrument !== id) continue;
      // The first of the largest, as a reduce keeping the earlier of equal sizes.
      if (position === undefined || abs(position.size) < abs(p.size)) position = p;
    }
    const mark = market.markPrices.get(id)!;
    const index = market.assetPrices.get(instrument.underlying);
    let at = isMarginedAtIndex(rule) && index !== undefined ? index : mark;
    if (isMarginedAtEntry(rule) && position !== undefined) at = position.entryPrice;
    const size = position?.size ?? 0n;
    const value = notional(instrument, size, at);
    const allowed = maxLeverageAt(rule, value, abs(size));
    if (allowed !== undefined && leverage > allowed) {
      const chosen = formatFixed(leverage);
      const { rulebook } = venue;
      const which = rulebook.instruments.has(id) ? 'its rule' : 'its default rule "*"';
      // Often a file's leverage met its own venue's brackets and --rulebook chose another.
      root.fail(
        `${chosen} is above the ${formatFixed(allowed)} allowed at this notional ` +
          `(${formatFixed(value)} ${instrument.settle} of "${id}", under ${which} in rulebook ` +
          `"${rulebook.id}"): set it to ${formatFixed(allowed)} or less, or leave it out to ` +
          "margin at the rule's own maximum",
        leveragePath(a, account, id, ownLeverage),
      );
    }
  }
}

/**
 * Where the file sets the account's leverage for an instrument: its `leverage` entry, else the
 * `leverage` of the position on the instrument (the older form). The first `ownLeverage` of the
 * account's settings are its `leverage` entries (the reader sets those first).
 */
function leveragePath(a: number, account: Account, id: string, ownLeverage: number): string {
  const at = `accounts[${a}]`;
  const order = [...(account.leverage?.keys() ?? [])].indexOf(id);
  if (order >= 0 && order < ownLeverage) return `${at}.leverage.${id}`;
  const p = account.positions.findIndex((position) => position.instrument === id);
  return `${at}.positions[${p}].leverage`;
}

/**
 * Whether every price a position or order needs is there: its mark; for an option, for any
 * contract scanned in a portfolio or margined at the index, its underlying's price; for an option, its underlying's
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
  const rule = ruleOf(portfolio, instrument);
  const atIndex = rule !== undefined && isMarginedAtIndex(rule);
  if ((isOption || scanned || atIndex) && !market.assetPrices.has(underlying)) {
    const why = isOption
      ? 'an option'
      : scanned
        ? 'a contract margined as a portfolio'
        : 'margined at the index';
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
  const scaledByOpenInterest = rule?.kind === 'liquidity-tier' && rule.openInterestCaps;
  if (scaledByOpenInterest && market.openInterest?.has(id) !== true) {
    root.fail(
      `"${id}" has its initial margin scaled by open interest: add market.openInterest.${id}`,
      path,
    );
    complete = false;
  }
  return complete;
}

/**
 * What margining `accounts` as portfolios needs beyond what the file was checked for: the price
 * of each underlying its scan moves. A command that margins a book as a portfolio the file did not
 * ask for (`compare`, `--mode portfolio`) checks it first, so a missing price is bad input named
 * by its field, not a broken invariant deep in the scan. `why` says which command asked;
 * `scanned` which positions the scan holds: the cross ones, or all (compare pools every one).
 */
export function scanPriceIssues(
  portfolio: Portfolio,
  accounts: readonly Account[],
  scanned: 'cross' | 'all',
  why: string,
): string[] {
  const issues: string[] = [];
  const root = new Reader(undefined, '', issues);
  const indexOf = new Map(portfolio.accounts.map((account, a) => [account.id, a]));
  const views = new Map<Venue, Scoped>();
  for (const account of accounts) {
    const view = viewOf(views, portfolio, account);
    const { venue } = view.portfolio;
    if (venue.rulebook.portfolio === undefined) continue;
    const at = indexOf.get(account.id) ?? 0;
    const { positions, openOrders } = account;
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p]!;
      if (scanned === 'cross' && position.marginMode !== 'cross') continue;
      const instrument = venue.instruments.get(position.instrument);
      isPriced(view, instrument, true, at, 'positions', p, root);
    }
    for (let o = 0; o < openOrders.length; o++) {
      const instrument = venue.instruments.get(openOrders[o]!.instrument);
      isPriced(view, instrument, true, at, 'openOrders', o, root);
    }
  }
  return issues.map((issue) => `${issue} (${why})`);
}
