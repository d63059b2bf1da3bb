import type { BookSummary } from '../../core/fast/book-summary.ts';
import type { MarginState } from '../../core/fast/standing.ts';
import type { RiskReport } from '../../core/margin/risk-report.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import { toNumber } from '../../core/num/fixed.ts';
import { ratioFloor } from '../../core/num/rounding.ts';
import { amountDown, amountUp, coins, countText, grouped, percent, sizeAt } from './figures.ts';
import { riskReportText } from './report-text.ts';
import { table } from './table.ts';

const stateNames: Record<MarginState, string> = {
  liquidatable: 'liquidatable (below maintenance)',
  'below-initial': "below initial (a pool's free collateral < 0)",
  healthy: 'healthy',
};

/**
 * A book for a person: accounts by margin state, the book's totals, collateral by asset, positions
 * by instrument, the riskiest accounts ranked, then each of those in full, and how to see more.
 */
export function bookText(
  portfolio: Portfolio,
  summary: BookSummary,
  riskiest: readonly RiskReport[],
  color = false,
): string {
  const n = summary.accounts;
  const share = (count: number) => `${((100 * count) / Math.max(n, 1)).toFixed(2)}%`;
  const states = (['liquidatable', 'below-initial', 'healthy'] as const).map((state) => [
    stateNames[state],
    countText(summary.byState[state]),
    share(summary.byState[state]),
  ]);
  const sections = [
    `Book of ${countText(n)} accounts: ${countText(summary.byState.liquidatable)} liquidatable, ` +
      `${countText(summary.byState['below-initial'])} below initial margin`,
    table(['margin state', 'accounts', 'share'], states, 1),
    `Decided on the exact path: ${countText(summary.decidedExactly)} accounts (within the fast ` +
      "path's error of a threshold, or not margined on it); the rest on the fast path (float64).",
    `Totals (fast path, each within ${usd(summary.totalsTolerance)} USD): equity ` +
      `${usd(summary.equity)} USD, initial margin ${usd(summary.initialMargin)}, maintenance ` +
      `margin ${usd(summary.maintenanceMargin)}`,
    assetsText(portfolio, summary),
    instrumentsText(portfolio, summary),
    riskiestText(summary),
    ...riskiest.map((report) => riskReportText(report, color)),
    'Every account in full: --all (or --account ID for one); every report as JSON lines: --jsonl.',
  ];
  return sections.join('\n\n');
}

function assetsText(portfolio: Portfolio, summary: BookSummary): string {
  const rows = summary.assets.map((total) => {
    const price = portfolio.market.assetPrices.get(total.asset);
    // For display only: an exact balance times its price, in float.
    const value =
      price === undefined ? '-' : usd(toNumber(total.held + total.borrowed) * toNumber(price));
    return [
      total.asset,
      coins(total.held),
      coins(total.borrowed),
      countText(total.accounts),
      value,
    ];
  });
  return [
    'Collateral by asset (balances, unweighted):',
    table(['asset', 'held', 'borrowed', 'accounts', 'net value USD'], rows, 1),
  ].join('\n');
}

function instrumentsText(portfolio: Portfolio, summary: BookSummary): string {
  const rows = summary.instruments.map((total) => {
    const instrument = portfolio.venue.instruments.get(total.instrument);
    const step = instrument?.sizeStep ?? 1n;
    return [
      total.instrument,
      sizeAt(total.long, step),
      sizeAt(total.short, step),
      sizeAt(total.long + total.short, step),
      countText(total.accounts),
    ];
  });
  return [
    'Positions by instrument (contracts):',
    table(['instrument', 'long', 'short', 'net', 'accounts'], rows, 1),
  ].join('\n');
}

function riskiestText(summary: BookSummary): string {
  if (summary.riskiest.length === 0) return 'Riskiest accounts: no account has a requirement.';
  const rows = summary.riskiest.map((entry, i) => {
    const worst = entry.worst!;
    return [
      `${i + 1}`,
      entry.account,
      worst.bucket,
      entry.state,
      amountDown(worst.equity),
      amountUp(worst.maintenanceMargin),
      worst.maintenanceMargin === 0n
        ? '-'
        : percent(ratioFloor(worst.equity, worst.maintenanceMargin)),
      amountDown(entry.freeCollateral),
    ];
  });
  return [
    `Riskiest ${summary.riskiest.length} accounts (lowest equity / maintenance margin of the ` +
      'worst bucket; exact; USD), each in full below:',
    table(['#', 'account', 'bucket', 'state', 'equity', 'maint.', 'equity/MM', 'free'], rows, 4),
  ].join('\n');
}

function usd(value: number): string {
  return grouped(value, 2);
}
