import { type BookSummary, summariseBook } from '../../core/fast/book-summary.ts';
import type { MarginState } from '../../core/fast/standing.ts';
import type { OrderTicket } from '../../core/margin/hypothetical.ts';
import { applyHypothetical } from '../../core/margin/hypothetical.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { InputError } from '../import/reader.ts';
import { riskBooks } from './book.ts';
import { limitsText } from './limits-text.ts';
import { printable } from './printable.ts';
import type { Progress } from './progress.ts';
import { table } from './table.ts';
import { changeFor, hasRule, limitsOf, type TransferTicket, whatIf } from './whatif.ts';
import { whatIfText } from './whatif-text.ts';

export type Ticket = { order: OrderTicket } | { transfer: TransferTicket };

/**
 * `whatif` over a book: the change applied to every account, the book summarised before and
 * after on the fast path (exact where an account is within the fast path's error of a
 * threshold), and the full what-if (verdict, before → after, the limit it hit) of the accounts
 * standing worst after it. Without a change, the max order sizes and withdrawals of the accounts
 * standing worst: those searches are the costly part, and a desk asks them of the accounts at risk.
 */
export function whatIfBookText(
  portfolio: Portfolio,
  accounts: readonly Account[],
  ticket: Ticket | undefined,
  top: number,
  progress: Progress,
  color = false,
): string {
  const prices = marketView(portfolio.market);
  progress.stage('margining before', accounts.length);
  // Only what is printed: the riskiest before a change are not, nor the holdings either side.
  const before = summariseBook(riskBooks(portfolio, accounts), {
    riskiest: ticket === undefined ? top : 0,
    holdings: false,
    progress: (done) => progress.update(done),
  });
  const byId = new Map(accounts.map((account) => [account.id, account]));
  if (ticket === undefined) {
    progress.stage(`max orders and withdrawals of the ${before.riskiest.length} riskiest`);
    const limits = before.riskiest.map((entry) => {
      const account = byId.get(entry.account)!;
      return { account: account.id, ...limitsOf(account, portfolio, prices) };
    });
    progress.end();
    return [
      `What-if over a book of ${count(accounts.length)} accounts: max order sizes and ` +
        `withdrawals of the ${limits.length} standing worst (equity / maintenance margin of the ` +
        'worst bucket), each computed alone. One account: --account ID; every account: --all.',
      ...limits.map(limitsText),
    ].join('\n\n\n');
  }
  if ('order' in ticket) requireRules(portfolio, accounts, ticket.order.instrument);
  progress.stage('applying the change', accounts.length);
  const changed = accounts.map((account, i) => {
    if ((i + 1) % 4096 === 0) progress.update(i + 1);
    const venue = venueOf(portfolio, account);
    return applyHypothetical(account, venue, changeFor(account, ticket, prices));
  });
  progress.stage('margining after', accounts.length);
  const after = summariseBook(riskBooks(portfolio, changed), {
    riskiest: top,
    holdings: false,
    progress: (done) => progress.update(done),
  });
  progress.stage(`the ${after.riskiest.length} riskiest in full`);
  const outcomes = after.riskiest.map((entry) => {
    const account = byId.get(entry.account)!;
    return whatIf(account, venueOf(portfolio, account), prices, ticket);
  });
  progress.end();
  return [
    `What-if over a book of ${count(accounts.length)} accounts: ${ticketText(ticket)} in every ` +
      'account, as if each took it (whether or not the venue would), the book before and after:',
    statesText(before, after),
    `Decided on the exact path: ${count(before.decidedExactly)} accounts before, ` +
      `${count(after.decidedExactly)} after (within the fast path's error of a threshold).`,
    `The ${outcomes.length} standing worst after it, each in full (one account: --account ID; ` +
      'every account: --all):',
    ...outcomes.map((outcome) => whatIfText(outcome, color)),
  ].join('\n\n');
}

/** Each account's venue margins the order's instrument, as `whatIfs` requires. */
function requireRules(portfolio: Portfolio, accounts: readonly Account[], id: string): void {
  const instrument = portfolio.venue.instruments.get(id)!;
  for (const venue of new Set(accounts.map((account) => venueOf(portfolio, account)))) {
    if (hasRule(venue, instrument)) continue;
    const account = accounts.find((a) => venueOf(portfolio, a) === venue)!;
    throw new InputError([
      `--order: rulebook "${venue.rulebook.id}" of account "${account.id}" has no rule for ` +
        `"${id}" (choose another with --account)`,
    ]);
  }
}

function statesText(before: BookSummary, after: BookSummary): string {
  const states: [MarginState, string][] = [
    ['liquidatable', 'liquidatable (below maintenance)'],
    ['below-initial', 'below initial (free collateral < 0)'],
    ['healthy', 'healthy'],
  ];
  const rows = states.map(([state, name]) => {
    const change = after.byState[state] - before.byState[state];
    return [
      name,
      count(before.byState[state]),
      count(after.byState[state]),
      `${change > 0 ? '+' : ''}${count(change)}`,
    ];
  });
  const usd = (value: number) => grouped(value, 2);
  rows.push(
    [
      'equity USD (fast path)',
      usd(before.equity),
      usd(after.equity),
      usd(after.equity - before.equity),
    ],
    [
      'initial margin USD (fast path)',
      usd(before.initialMargin),
      usd(after.initialMargin),
      usd(after.initialMargin - before.initialMargin),
    ],
  );
  return table(['accounts', 'before', 'after', 'change'], rows, 1);
}

function ticketText(ticket: Ticket): string {
  if ('transfer' in ticket) {
    const { asset, amount } = ticket.transfer;
    return amount < 0n
      ? `a withdrawal of ${formatFixed(-amount)} ${printable(asset)}`
      : `a deposit of ${formatFixed(amount)} ${printable(asset)}`;
  }
  const { side, size, instrument, limit } = ticket.order;
  return `${side} ${formatFixed(size)} ${printable(instrument)}${limit === undefined ? '' : `@${formatFixed(limit)}`}`;
}

function count(value: number): string {
  return grouped(value, 0);
}

/**
 * `value.toLocaleString('en-US')` with `digits` decimals, to the character, without starting
 * ICU, which costs a run of `whatif` on a book some 25 ms of its time. Like Intl, it rounds the
 * shortest decimal that reads back as the value (String's), half away from zero; a value String
 * writes with an exponent (below 10^-6, or 10^21 and beyond) or not finite is left to Intl.
 */
export function grouped(value: number, digits: number): string {
  const decimal = String(Math.abs(value));
  if (!Number.isFinite(value) || decimal.includes('e')) {
    return value.toLocaleString('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }
  const [whole = '', fraction = ''] = decimal.split('.');
  let units = BigInt(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  if (fraction.charCodeAt(digits) >= 0x35) units += 1n; // the first digit dropped is 5 or more
  const text = units.toString().padStart(digits + 1, '0');
  let integer = text.slice(0, text.length - digits);
  for (let at = integer.length - 3; at > 0; at -= 3) {
    integer = `${integer.slice(0, at)},${integer.slice(at)}`;
  }
  // Intl writes the sign of a negative zero too, and of a negative figure that rounds to zero.
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return `${sign}${integer}${digits === 0 ? '' : `.${text.slice(text.length - digits)}`}`;
}
