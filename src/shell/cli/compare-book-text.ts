import type { Comparison } from '../../core/margin/compare.ts';
import type { BookComparison, ModeTotals } from './compare-book.ts';
import { capitalGained } from './compare-book.ts';
import { comparisonText } from './compare-text.ts';
import { amountDown, amountUp, countText } from './figures.ts';
import { table } from './table.ts';

/**
 * A book compared, for a person: each mode's totals over the book, what pooling and scanning
 * free, then the accounts that gain the most ranked, each in full, and how to see more.
 */
export function bookComparisonText(book: BookComparison, top: readonly Comparison[]): string {
  const modes = [book.isolated, book.cross, ...(book.portfolio ? [book.portfolio] : [])];
  const n = book.accounts;
  const sections = [
    `Book of ${countText(n)} accounts: ${modes.map((m) => m.mode).join(' vs ')} margin, each ` +
      'account with the same positions and collateral',
    table(
      ['mode', 'accounts', 'capital used USD', 'initial USD', 'maintenance USD', 'liquidatable'],
      modes.map((totals) => [
        totals.mode,
        countText(totals.accounts),
        amountUp(totals.requiredCapital),
        amountUp(totals.initialMargin),
        amountUp(totals.maintenanceMargin),
        liquidatableText(totals),
      ]),
    ),
    [
      "capital used: the sum of each account's, as `compare --account ID` defines it (the " +
        'collateral its book ties up at initial margin, haircuts included).',
      "initial, maintenance: the sum of each account's requirements; liquidatable: the accounts " +
        'below maintenance margin in that mode. Every figure exact, every account compared.',
    ].join('\n'),
    freedText(book),
  ];
  if (top.length > 0) {
    sections.push(
      `${top.length === 1 ? 'The account that gains' : `The ${top.length} accounts that gain`} ` +
        'the most (capital used isolated less in the best mode offered), each in full (one ' +
        'account: --account ID):',
      rankedText(top),
      ...top.map(comparisonText),
    );
  }
  sections.push(
    'Every account in full: --all; every comparison as JSON lines: --jsonl; more ranked: --top N.',
  );
  return sections.join('\n\n');
}

function liquidatableText(totals: ModeTotals): string {
  const share = (100 * totals.liquidatable) / Math.max(totals.accounts, 1);
  return `${countText(totals.liquidatable)} (${share.toFixed(2)}%)`;
}

function freedText(book: BookComparison): string {
  let text = `Capital freed over the book by cross margin: ${amountDown(book.capitalFreed)} USD`;
  if (book.portfolio === undefined || book.portfolioCapitalFreed === undefined) return text;
  text += `; by portfolio margin over cross: ${amountDown(book.portfolioCapitalFreed)} USD`;
  if (book.portfolio.accounts < book.accounts) {
    text +=
      ` (the ${countText(book.portfolio.accounts)} accounts whose rulebook offers portfolio ` +
      'margin only)';
  }
  return text;
}

function rankedText(top: readonly Comparison[]): string {
  const rows = top.map((comparison, i) => {
    const outcomes = [comparison.isolated, comparison.cross, comparison.portfolio];
    const liquidatableIn = outcomes
      .filter((outcome) => outcome?.report.liquidatable === true)
      .map((outcome) => outcome!.mode);
    return [
      String(i + 1),
      // The table escapes what a terminal would obey (printable.ts).
      comparison.account,
      amountDown(capitalGained(comparison)),
      amountDown(comparison.capitalFreed),
      comparison.portfolioCapitalFreed === undefined
        ? '-'
        : amountDown(comparison.portfolioCapitalFreed),
      liquidatableIn.length === 0 ? '-' : liquidatableIn.join(' '),
    ];
  });
  return table(
    ['rank', 'account', 'gained USD', 'by cross USD', 'by portfolio USD', 'liquidatable in'],
    rows,
    2,
  );
}
