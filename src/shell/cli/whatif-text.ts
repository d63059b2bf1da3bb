import type { BankLimitBreach } from '../../core/margin/bank-limits.ts';
import type { BucketReport, RiskReport } from '../../core/margin/risk-report.ts';
import type { PositionLimitBreach } from '../../core/margin/what-if.ts';
import { SCALE } from '../../core/num/fixed.ts';
import { divCeil, divFloor } from '../../core/num/rounding.ts';
import { amountDown, amountUp, plain } from './figures.ts';
import { printable } from './printable.ts';
import { riskReportText } from './report-text.ts';
import { table } from './table.ts';
import type { ChangeEcho, WhatIfOutcome } from './whatif.ts';

/**
 * A what-if for a person: the change and what it did (filled, at what price, or rested), the
 * verdict with the check that decided it, then, if the venue would take it, before → after and the
 * change for the account and each bucket, and the whole report after. A refused change shows no
 * "after": that state could not exist.
 */
export function whatIfText(outcome: WhatIfOutcome, color = false): string {
  const lines = [`What-if for ${printable(outcome.account)}: ${changeText(outcome.change)}`];
  for (const line of [...placementText(outcome), ...verdictText(outcome)]) lines.push(`  ${line}`);
  if (outcome.after === null) {
    const { before } = outcome;
    lines.push(
      '  No report after: the venue would refuse the change.',
      `  As it stands: equity ${amountDown(before.equity)} USD, initial margin ` +
        `${amountUp(before.initialMargin)} USD, free collateral ` +
        `${amountDown(before.freeCollateral)} USD${before.liquidatable ? ', LIQUIDATABLE' : ''}`,
    );
    return lines.join('\n');
  }
  const under = liquidatableNote(outcome.before, outcome.after);
  if (under !== undefined) lines.push(`  ${under}`);
  return [
    lines.join('\n'),
    beforeAfterTable(outcome.before, outcome.after),
    `The account after the change:\n\n${riskReportText(outcome.after, color)}`,
  ].join('\n\n');
}

function changeText(change: ChangeEcho): string {
  if (change.kind === 'transfer') {
    return change.amount > 0n
      ? `deposit ${plain(change.amount)} ${printable(change.asset)} into the cross pool`
      : `withdraw ${plain(-change.amount)} ${printable(change.asset)} from the cross pool`;
  }
  const limit = change.limit === null ? ' at market' : ` limit ${plain(change.limit)}`;
  return `${change.side} ${plain(change.size)} ${printable(change.instrument)}${limit}`;
}

function placementText(outcome: WhatIfOutcome): string[] {
  const { placement, change } = outcome;
  if (placement === undefined || change.kind !== 'order') return [];
  const mark = plain(placement.markPrice);
  if (placement.kind === 'rested') {
    const where = change.side === 'buy' ? 'below' : 'above';
    return [
      `rested as an open order at ${plain(placement.price)}: a ${change.side} ${where} the mark ` +
        `${mark} does not cross it`,
      'margined as open orders are, at their worst (as if filled at its limit); no profit booked',
    ];
  }
  if (change.limit === null) return [`filled at ${plain(placement.price)}, the mark`];
  return [
    `filled at ${plain(placement.price)}: a marketable limit (mark ${mark}) fills at no better ` +
      'than the mark,',
    'taken here at the worse of its limit and the mark',
  ];
}

/** The verdict and the check that decided it; for a refusal, then the limit it hit. */
function verdictText(outcome: WhatIfOutcome): string[] {
  const most = largest(outcome);
  return [verdictLine(outcome), ...(most === '' ? [] : [most])];
}

function verdictLine(outcome: WhatIfOutcome): string {
  const { reason, verdict } = outcome;
  const head = verdict === 'accepted' ? 'accepted' : `REJECTED (${verdict})`;
  switch (reason.check) {
    case 'reduces_only':
      return `${head}: it only reduces the position (taken whatever the margin)`;
    case 'balance':
      return (
        `${head}: withdrawing ${plain(reason.withdrawal)} ${printable(reason.asset)} needs more than the ` +
        `balance held, ${plain(reason.balance)} ${printable(reason.asset)} (no borrowing)`
      );
    case 'position_limit':
      return `${head}: ${breachText(outcome.change, reason.breach)}`;
    case 'bank_limit':
      return `${head}: ${bankLimitText(reason.breach)}`;
    case 'initial_margin': {
      const equity = `initial equity ${amountDown(reason.initialEquity)} USD`;
      const margin = `initial margin ${amountUp(reason.initialMargin)} USD`;
      if (verdict === 'accepted') {
        return `${head}: bucket ${printable(reason.bucket)} stays at or above initial margin (${equity} ≥ ${margin})`;
      }
      const short = amountUp(reason.initialMargin - reason.initialEquity);
      return (
        `${head}: bucket ${printable(reason.bucket)} would fall below initial margin (${equity} < ` +
        `${margin}, short by ${short} USD)`
      );
    }
  }
}

function breachText(change: ChangeEcho, breach: PositionLimitBreach): string {
  const instrument = change.kind === 'order' ? printable(change.instrument) : '';
  const unit =
    breach.measure === 'contracts'
      ? ' contracts'
      : ` ${change.kind === 'order' ? printable(change.settle) : ''} of notional`;
  const value = `${plain(breach.value)}${unit}`;
  // The venue counts the orders already resting on that side as filled: say so where there are.
  const after =
    breach.restingOrders === 0n
      ? `the ${instrument} position after it`
      : `the ${instrument} position after it and the ${plain(breach.restingOrders)} contracts ` +
        'already resting on that side, all filled,';
  if (breach.kind === 'position_limit') {
    return (
      `${after} would be ${value}, past the venue's position limit ` +
      `of ${plain(breach.limit)}${unit} (the last bracket's cap)`
    );
  }
  return (
    `${after} would be ${value}, where the brackets allow at most ` +
    `${plain(breach.maxLeverage)}x, below the chosen leverage of ${plain(breach.leverage)}x`
  );
}

/** The limit a refused change hit, as the largest change of its kind the venue would take. */
function largest(outcome: WhatIfOutcome): string {
  const { change, reason, placement } = outcome;
  if (change.kind === 'transfer') {
    return reason.maxWithdrawal === undefined
      ? ''
      : `the most ${printable(change.asset)} that may leave is ${plain(reason.maxWithdrawal)}`;
  }
  if (reason.maxSize === undefined || placement === undefined) return '';
  const how = placement.kind === 'rested' ? 'resting' : 'filled';
  return (
    `the largest ${change.side} ${how} at ${plain(placement.price)} is ` +
    `${plain(reason.maxSize)} ${printable(change.instrument)}`
  );
}

/** Figures before and after, and the change as the displayed figures differ (USD). */
function beforeAfterTable(before: RiskReport, after: RiskReport): string {
  const rows: string[][] = [];
  const add = (scope: string, figures: Figures | undefined, then: Figures | undefined) => {
    const names = [
      ['equity', 'down'],
      ['initialMargin', 'up'],
      ['maintenanceMargin', 'up'],
      ['freeCollateral', 'down'],
    ] as const;
    const titles = {
      equity: 'equity',
      initialMargin: 'initial margin',
      maintenanceMargin: 'maint. margin',
      freeCollateral: 'free collateral',
    };
    names.forEach(([name, rounding], index) => {
      const was = figures === undefined ? undefined : cents(figures[name], rounding);
      const now = then === undefined ? undefined : cents(then[name], rounding);
      rows.push([
        index === 0 ? scope : '',
        titles[name],
        was === undefined ? '-' : amountDown(was * centValue),
        now === undefined ? '-' : amountDown(now * centValue),
        signed((now ?? 0n) - (was ?? 0n)),
      ]);
    });
    const wasState = figures === undefined ? '-' : stateOf(figures);
    const nowState = then === undefined ? '-' : stateOf(then);
    rows.push(['', 'liquidation', wasState, nowState, stateChange(figures, then)]);
  };
  add('account', before, after);
  const ids = [...new Set([...before.buckets, ...after.buckets].map((bucket) => bucket.id))];
  for (const id of ids) {
    add(
      `bucket ${id}`,
      before.buckets.find((bucket) => bucket.id === id),
      after.buckets.find((bucket) => bucket.id === id),
    );
  }
  return (
    'Before → after (USD; "-": no such bucket then):\n' +
    table(['', 'figure', 'before', 'after', 'change'], rows, 2)
  );
}

type Figures = Pick<
  RiskReport,
  'equity' | 'initialMargin' | 'maintenanceMargin' | 'freeCollateral' | 'liquidatable'
> &
  Partial<Pick<BucketReport, 'debt'>>;

const centValue = SCALE / 100n;

/** A figure in whole cents, rounded as it is displayed (requirements up, the rest down). */
function cents(value: bigint, rounding: 'up' | 'down'): bigint {
  return rounding === 'up' ? divCeil(value, centValue) : divFloor(value, centValue);
}

function signed(cents: bigint): string {
  const text = amountDown(cents * centValue);
  return cents > 0n ? `+${text}` : text;
}

/**
 * An accepted change with the account liquidatable after it: which buckets are below maintenance
 * and whether they were before, so "accepted" and "LIQUIDATABLE" side by side explain each other.
 */
function liquidatableNote(before: RiskReport, after: RiskReport): string | undefined {
  const under = after.buckets.filter((bucket) => bucket.liquidatable);
  if (under.length === 0) return undefined;
  const was = new Set(before.buckets.filter((b) => b.liquidatable).map((b) => b.id));
  const named = under.map(
    (b) => `${printable(b.id)} (${was.has(b.id) ? 'already before' : 'new'})`,
  );
  return `note: the account is LIQUIDATABLE after it, bucket ${named.join(', ')} below maintenance`;
}

/** A bucket the change opens or closes, or a state that moves; nothing when it holds. */
function stateChange(before: Figures | undefined, after: Figures | undefined): string {
  if (before === undefined) return 'opened';
  if (after === undefined) return 'closed';
  return stateOf(before) === stateOf(after) ? '' : 'changed';
}

function stateOf(figures: Figures): string {
  if (figures.liquidatable) return 'LIQUIDATABLE';
  return (figures.debt ?? 0n) > 0n ? 'debt' : 'safe';
}

function bankLimitText(breach: BankLimitBreach): string {
  const asset = printable(breach.asset);
  if (breach.kind === 'deposit_limit') {
    return (
      `the venue's deposits of ${asset} would be ${plain(breach.deposits)} ${asset}, at or past ` +
      `its deposit limit of ${plain(breach.limit)} ${asset}`
    );
  }
  if (breach.kind === 'borrow_limit') {
    return (
      `the venue's borrows of ${asset} would be ${plain(breach.borrows)} ${asset}, past its ` +
      `borrow limit of ${plain(breach.limit)} ${asset}`
    );
  }
  return (
    `the window's net borrows of ${asset} would be ${plain(breach.netBorrows)} ${asset} ` +
    `(${amountUp(breach.value)} USD at the higher of price and stable price), past the net ` +
    `borrow limit of ${amountUp(breach.limit)} USD per window`
  );
}
