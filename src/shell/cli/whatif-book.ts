import { type BookSummary, summariseBook } from '../../core/fast/book-summary.ts';
import type { MarginState } from '../../core/fast/standing.ts';
import { applyHypothetical } from '../../core/margin/hypothetical.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { riskBooks } from './book.ts';
import { countText, grouped } from './figures.ts';
import { limitsText } from './limits-text.ts';
import { printable } from './printable.ts';
import type { Progress } from './progress.ts';
import { table } from './table.ts';
import { changeFor, limitsOf, requireRules, type Ticket, whatIf } from './whatif.ts';
import { whatIfText } from './whatif-text.ts';

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
      `What-if over a book of ${countText(accounts.length)} accounts: max order sizes and ` +
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
    `What-if over a book of ${countText(accounts.length)} accounts: ${ticketText(ticket)} in every ` +
      'account, as if each took it (whether or not the venue would), the book before and after:',
    statesText(before, after),
    `Decided on the exact path: ${countText(before.decidedExactly)} accounts before, ` +
      `${countText(after.decidedExactly)} after (within the fast path's error of a threshold).`,
    `The ${outcomes.length} standing worst after it, each in full (one account: --account ID; ` +
      'every account: --all):',
    ...outcomes.map((outcome) => whatIfText(outcome, color)),
  ].join('\n\n');
}

function statesText(before: BookSummary, after: BookSummary): string {
  const states: [MarginState, string][] = [
    ['liquidatable', 'liquidatable (below maintenance)'],
    ['below-initial', "below initial (a pool's free collateral < 0)"],
    ['healthy', 'healthy'],
  ];
  const rows = states.map(([state, name]) => {
    const change = after.byState[state] - before.byState[state];
    return [
      name,
      countText(before.byState[state]),
      countText(after.byState[state]),
      `${change > 0 ? '+' : ''}${countText(change)}`,
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
