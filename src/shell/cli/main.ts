#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { assessWith } from '../../core/margin/assess.ts';
import { compareModes } from '../../core/margin/compare.ts';
import { applyHypothetical } from '../../core/margin/hypothetical.ts';
import { liquidationQueue } from '../../core/margin/liquidation-queue.ts';
import { verdict } from '../../core/margin/what-if.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import { nowMs } from '../clock.ts';
import { type InputFormat, loadPortfolio } from '../import/load-portfolio.ts';
import { presetIds, readPreset, readRulebookFile } from '../import/presets.ts';
import { InputError } from '../import/reader.ts';
import { comparisonText } from './compare-text.ts';
import { toJson } from './figures.ts';
import { limitsText } from './limits-text.ts';
import { liquidationQueueText } from './queue-text.ts';
import { riskReportText } from './report-text.ts';
import { table } from './table.ts';
import { hasRule, limitsOf, parseOrder, parseTransfer } from './whatif.ts';
import { whatIfText } from './whatif-text.ts';

interface Common {
  readonly json?: boolean;
  readonly mode?: 'cross' | 'portfolio';
  readonly from: InputFormat;
  readonly rulebook?: string;
  readonly account?: string;
}

function load(file: string, options: Common): { portfolio: Portfolio; accounts: Account[] } {
  const portfolio = loadPortfolio(file, {
    from: options.from,
    nowMs: nowMs(),
    ...(options.rulebook === undefined ? {} : { rulebook: options.rulebook }),
  });
  const selected = portfolio.accounts.filter(
    (a) => options.account === undefined || a.id === options.account,
  );
  if (selected.length === 0) {
    throw new InputError([`--account: no account "${options.account}" in ${file}`]);
  }
  for (const account of selected) {
    const { rulebook } = venueOf(portfolio, account);
    if (options.mode === 'portfolio' && rulebook.portfolio === undefined) {
      throw new InputError([`--mode: rulebook "${rulebook.id}" has no portfolio section`]);
    }
  }
  const mode = options.mode;
  const accounts = mode === undefined ? selected : selected.map((a) => ({ ...a, poolMode: mode }));
  return { portfolio, accounts };
}

/** Colours for a person at a terminal; none in a pipe, a file, or under NO_COLOR. */
function colour(): boolean {
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}

function withCommon(command: Command): Command {
  return command
    .option('--json', 'print the whole result as JSON')
    .addOption(
      new Option('--from <format>', 'input format').choices(['xmargin', 'ccxt']).default('xmargin'),
    )
    .option(
      '--rulebook <preset|file>',
      "a preset id or a rulebook .json file, overriding the portfolio's",
    )
    .option('--account <id>', 'only this account')
    .addOption(
      new Option('--mode <mode>', "margin every account's pool in this mode").choices([
        'cross',
        'portfolio',
      ]),
    );
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function program(): Command {
  const cli = new Command('xmargin')
    .description(
      'Cross-margining risk engine: isolated, cross and portfolio margin for multi-asset accounts',
    )
    .version('0.1.0')
    .showHelpAfterError();

  withCommon(cli.command('margin <file>'))
    .description(
      'risk report: equity, margins, liquidation prices and moves, scenario risk in portfolio mode',
    )
    .action((file: string, options: Common) => {
      const { portfolio, accounts } = load(file, options);
      const prices = marketView(portfolio.market);
      const reports = accounts.map((account) =>
        assessWith(account, venueOf(portfolio, account), prices, { jointMoves: true }),
      );
      const queue = liquidationQueue(reports);
      if (options.json) {
        const rank = new Map(queue.map((entry, i) => [entry.account, i + 1]));
        print(toJson(reports.map((r) => ({ ...r, liquidationRank: rank.get(r.account) ?? null }))));
        return;
      }
      const texts = reports.map((report) => riskReportText(report, colour()));
      // A book of many accounts also says which the venue would liquidate first.
      if (reports.length > 1) texts.push(liquidationQueueText(queue));
      print(texts.join('\n\n\n'));
    });

  withCommon(cli.command('compare <file>'))
    .description(
      'the same book as isolated, cross and portfolio: capital used, liquidation distances',
    )
    .action((file: string, options: Common) => {
      const { portfolio, accounts } = load(file, options);
      const prices = marketView(portfolio.market);
      const comparisons = accounts.map((account) =>
        compareModes(account, venueOf(portfolio, account), prices),
      );
      print(options.json ? toJson(comparisons) : comparisons.map(comparisonText).join('\n\n\n'));
    });

  withCommon(cli.command('whatif <file>'))
    .description(
      'max order sizes and withdrawals, or the report after a hypothetical order or transfer',
    )
    .option('--order <order>', 'e.g. "buy 0.5 BTCUSDT" or "sell 2 ETHUSDT@3100"')
    .option('--transfer <transfer>', 'e.g. "USDT -100" to withdraw, "USDT 100" to deposit')
    .action((file: string, options: Common & { order?: string; transfer?: string }) => {
      const { portfolio, accounts } = load(file, options);
      const prices = marketView(portfolio.market);
      if (options.order !== undefined && options.transfer !== undefined) {
        throw new InputError(['--order, --transfer: give one change at a time']);
      }
      const change =
        options.order !== undefined
          ? parseOrder(options.order, portfolio, prices)
          : options.transfer !== undefined
            ? parseTransfer(options.transfer, portfolio)
            : undefined;
      if (change === undefined) {
        const limits = accounts.map((account) => ({
          account: account.id,
          ...limitsOf(account, portfolio, prices),
        }));
        print(options.json ? toJson(limits) : limits.map(limitsText).join('\n\n\n'));
        return;
      }
      if (change?.kind === 'order') {
        const instrument = portfolio.venue.instruments.get(change.instrument)!;
        for (const account of accounts) {
          const venue = venueOf(portfolio, account);
          if (hasRule(venue, instrument)) continue;
          throw new InputError([
            `--order: rulebook "${venue.rulebook.id}" of account "${account.id}" has no rule for ` +
              `"${instrument.id}" (choose another with --account)`,
          ]);
        }
      }
      const outcomes = accounts.map((account) => ({
        account: account.id,
        verdict: verdict(account, venueOf(portfolio, account), prices, change),
        after: assessWith(
          applyHypothetical(account, venueOf(portfolio, account), change),
          venueOf(portfolio, account),
          prices,
          {
            jointMoves: true,
          },
        ),
      }));
      print(
        options.json
          ? toJson(outcomes)
          : outcomes.map((outcome) => whatIfText(outcome, colour())).join('\n\n\n'),
      );
    });

  cli
    .command('rulebooks [file]')
    .description('list the bundled venue rulebooks, or show a rulebook file as xmargin reads it')
    .option('--json', 'print as JSON')
    .action((file: string | undefined, options: { json?: boolean }) => {
      const books =
        file === undefined
          ? presetIds().map((id) => readPreset(id))
          : [file.endsWith('.json') ? readRulebookFile(file) : readPreset(file)];
      if (options.json) return print(toJson(file === undefined ? books : books[0]));
      print(
        table(
          ['preset', 'name', 'instruments', 'portfolio'],
          books.map((book) => [
            book.id,
            book.name,
            [
              ...book.instruments.keys(),
              ...(book.defaultRule ? ['*'] : []),
              ...(book.defaultOptionRule ? ['option'] : []),
            ].join(' '),
            book.portfolio === undefined ? '-' : book.portfolio.aggregation,
          ]),
          4,
        ),
      );
    });
  return cli;
}

/** Exit codes: 0 ok, 2 bad input (usage or file), 1 internal error. */
export function run(argv: readonly string[]): number {
  const cli = program();
  cli.exitOverride();
  cli.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of cli.commands) command.exitOverride();
  try {
    cli.parse(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(
        `xmargin: bad input\n${error.issues.map((issue) => `  ${issue}`).join('\n')}\n`,
      );
      return 2;
    }
    process.stderr.write(`xmargin: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

// Run when this file is the entry point, also when reached through a symlink.
if (
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = run(process.argv.slice(2));
}
