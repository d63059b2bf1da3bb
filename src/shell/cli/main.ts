#!/usr/bin/env node
import '../jit.ts';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import { nowMs } from '../clock.ts';
import { inputLabel } from '../import/input-text.ts';
import { type InputFormat, loadPortfolio } from '../import/load-portfolio.ts';
import { scanPriceIssues } from '../import/portfolio-checks.ts';
import type { AccountProgress } from '../import/portfolio-file.ts';
import { presetIds, readPreset, readRulebookFile } from '../import/presets.ts';
import { InputError } from '../import/reader.ts';
import { simDefaults } from '../sim/simulation.ts';
import { compareCommand, withCompareOptions } from './compare-book-command.ts';
import {
  type EventsOptions,
  eventsCommand,
  type RunOptions,
  replayCommand,
  runCommand,
  snapshotCommand,
} from './engine-commands.ts';
import { toJson } from './figures.ts';
import { limitsText } from './limits-text.ts';
import {
  type BookFlags,
  isBook,
  type MarginOptions,
  marginCommand,
  progressFor,
  topOf,
  withBookOptions,
  withMarginOptions,
} from './margin-command.ts';
import { printable, printableOutput, unprintableNames } from './printable.ts';
import { keysCommand, type ServeFlags, serveCommand } from './serve-command.ts';
import {
  crashesMax,
  type SimulateFlags,
  SimulationFailed,
  simulateCommand,
} from './simulate-command.ts';
import { table } from './table.ts';
import { limitsOf, parseOrder, parseTransfer, whatIfs } from './whatif.ts';
import { whatIfBookText } from './whatif-book.ts';
import { whatIfText } from './whatif-text.ts';

interface Common {
  readonly json?: boolean;
  readonly mode?: 'cross' | 'portfolio';
  readonly from: InputFormat;
  readonly rulebook?: string;
  readonly account?: string;
}

function load(
  file: string,
  options: Common,
  onAccount?: AccountProgress,
): { portfolio: Portfolio; accounts: Account[] } {
  const portfolio = loadPortfolio(file, {
    from: options.from,
    nowMs: nowMs(),
    ...(options.rulebook === undefined ? {} : { rulebook: options.rulebook }),
    ...(onAccount === undefined ? {} : { onAccount }),
  });
  if (portfolio.accounts.length === 0) {
    throw new InputError([
      `accounts: ${inputLabel(file)} has no accounts (the list is empty): give at least one`,
    ]);
  }
  const selected = portfolio.accounts.filter(
    (a) => options.account === undefined || a.id === options.account,
  );
  if (selected.length === 0) {
    const ids = portfolio.accounts.slice(0, 10).map((a) => `"${a.id}"`);
    const more = portfolio.accounts.length > ids.length ? ', …' : '';
    throw new InputError([
      `--account: no account "${options.account}" in ${inputLabel(file)} ` +
        `(its accounts: ${ids.join(', ')}${more})`,
    ]);
  }
  for (const account of selected) {
    const { rulebook } = venueOf(portfolio, account);
    if (options.mode === 'portfolio' && rulebook.portfolio === undefined) {
      throw new InputError([`--mode: rulebook "${rulebook.id}" has no portfolio section`]);
    }
  }
  const mode = options.mode;
  const accounts = mode === undefined ? selected : selected.map((a) => ({ ...a, poolMode: mode }));
  if (mode === 'portfolio') {
    const issues = scanPriceIssues(portfolio, accounts, 'cross', '--mode portfolio scans it');
    if (issues.length > 0) throw new InputError(issues);
  }
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

export function program(): Command {
  /**
   * The ids and names of the book this run loaded that hold characters a terminal would obey:
   * print() escapes them wherever a report names them (printable.ts).
   */
  let unprintableInBook: readonly string[] = [];
  const print = (text: string): void => {
    process.stdout.write(`${printableOutput(text, unprintableInBook)}\n`);
  };
  const read = (file: string, options: Common, onAccount?: AccountProgress) => {
    const loaded = load(file, options, onAccount);
    unprintableInBook = unprintableNames(loaded.portfolio);
    return loaded;
  };
  const cli = new Command('xmargin')
    .description(
      'Cross-margining risk engine: isolated, cross and portfolio margin for multi-asset accounts',
    )
    .version('0.1.0')
    .showHelpAfterError();

  withMarginOptions(withCommon(cli.command('margin <file>')))
    .description(
      'risk report: equity, margins, liquidation prices and moves, scenario risk in portfolio mode',
    )
    .action((file: string, options: Common & MarginOptions) =>
      marginCommand(file, options, {
        load: (onAccount) => read(file, options, onAccount),
        print,
        colour: colour(),
      }),
    );

  withCompareOptions(withCommon(cli.command('compare <file>')))
    .description(
      'the same book as isolated, cross and portfolio: capital used, liquidation distances',
    )
    .action((file: string, options: Common & MarginOptions) =>
      compareCommand(file, options, {
        load: (onAccount) => {
          const loaded = read(file, options, onAccount);
          // compare margins every account as a portfolio too, where its rulebook offers one.
          const why = 'compare margins it as a portfolio';
          const issues = scanPriceIssues(loaded.portfolio, loaded.accounts, 'all', why);
          if (issues.length > 0) throw new InputError(issues);
          return loaded;
        },
        print,
      }),
    );

  withBookOptions(withCommon(cli.command('whatif <file>')))
    .description(
      'max order sizes and withdrawals, or the report after a hypothetical order or transfer',
    )
    .option(
      '--order <order>',
      'e.g. "buy 0.5 BTCUSDT" (filled at the mark) or "sell 2 ETHUSDT@3100" (a limit: it rests ' +
        'as an open order unless it crosses the mark, and then fills at its limit)',
    )
    .option('--transfer <transfer>', 'e.g. "USDT -100" to withdraw, "USDT 100" to deposit')
    .action((file: string, options: Common & BookFlags & { order?: string; transfer?: string }) => {
      const { portfolio, accounts } = read(file, options);
      const prices = marketView(portfolio.market);
      if (options.order !== undefined && options.transfer !== undefined) {
        throw new InputError(['--order, --transfer: give one change at a time']);
      }
      const ticket =
        options.order !== undefined
          ? { order: parseOrder(options.order, portfolio) }
          : options.transfer !== undefined
            ? { transfer: parseTransfer(options.transfer, portfolio) }
            : undefined;
      if (isBook(accounts, options)) {
        const progress = progressFor(file);
        const text = whatIfBookText(portfolio, accounts, ticket, topOf(options.top), progress);
        return print(text);
      }
      if (ticket === undefined) {
        const limits = accounts.map((account) => ({
          account: account.id,
          ...limitsOf(account, portfolio, prices),
        }));
        print(options.json ? toJson(limits) : limits.map(limitsText).join('\n\n\n'));
        return;
      }
      const outcomes = whatIfs(accounts, portfolio, prices, ticket);
      print(
        options.json
          ? toJson(outcomes)
          : outcomes.map((outcome) => whatIfText(outcome, colour())).join('\n\n\n'),
      );
    });

  cli
    .command('run <db>')
    .description(
      'the engine: apply a file of commands (JSON lines) to the event log DB (SQLite), one answer each',
    )
    .requiredOption(
      '--commands <file>',
      'the commands, one JSON object per line; - streams them from stdin, each answered once durable',
    )
    .option(
      '--venue <file>',
      "a portfolio file: its instruments and rulebook are the venue's (recorded in the log; " +
        'absent: the rules the log recorded)',
    )
    .option('--json', 'print each answer as a line of JSON')
    .option('--snapshot-every <n>', 'events between two snapshots of the ledger (default 10000)')
    .option(
      '--locations <file>',
      'the places collateral is held at besides the venue: weights and transfer delays (JSON)',
    )
    .option('--venue-change', "record the venue's new rules in the log rather than refuse them")
    .option(
      '--clock <source>',
      "the log's time: host (default), or commands (each command's issuedAtMs: a day replayed)",
    )
    .action((db: string, options: RunOptions) => runCommand(db, options, print));

  cli
    .command('serve')
    .description(
      'the engine as a service: its HTTP API, docs and metrics, the log and keys in a data folder; ' +
        'with the demo (on by default) a live price feed and demo accounts',
    )
    .option('--port <port>', 'the port to listen on (default 8080; 0: any free one)')
    .option('--host <host>', 'the address to listen on (default 127.0.0.1)')
    .option(
      '--data <folder>',
      'the event log (xmargin.db) and API keys (keys.json) (default ./data)',
    )
    .option('--demo', 'run the demo: its accounts and a live price feed (the default)')
    .option('--no-demo', 'no demo: a venue feeds it (give --venue on a new log)')
    .option('--venue <file>', "a portfolio file: its instruments and rulebook are the venue's")
    .option('--locations <file>', 'the places collateral is held at besides the venue (JSON)')
    .option(
      '--config <file>',
      'a JSON file of these settings (port, host, data, demo, venue, ' +
        'locations, logLevel, rateLimitPerMinute); a flag given wins',
    )
    .option('--log-level <level>', 'pino log level (default warn)')
    .action((options: ServeFlags) => serveCommand(options, print));

  cli
    .command('keys <action> [id]')
    .description('API keys in DATA/keys.json: create (the secret printed once), list, revoke ID')
    .option('--data <folder>', 'the data folder (default ./data)')
    .option('--role <role>', 'create: trader, operator, risk_viewer or admin')
    .option(
      '--account <id>',
      "create: a trader's account (repeat for several)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--label <text>', 'create: what the key is for')
    .action(
      (
        action: string,
        id: string | undefined,
        options: { data?: string; role?: string; account?: string[]; label?: string },
      ) => keysCommand(action, id === undefined ? [] : [id], options, print),
    );

  cli
    .command('replay <db>')
    .description(
      'rebuild the ledger from the event log DB, checking every event: its totals, the margin ' +
        'states recorded, its state hash (with --venue, the book margined again)',
    )
    .option('--json', 'print as JSON')
    .option(
      '--venue <file>',
      "the venue it ran under (a portfolio file): the book margined again at the log's last prices",
    )
    .option('--locations <file>', 'the places collateral is held at (as run reads them)')
    .action((db: string, options: { json?: boolean; venue?: string; locations?: string }) =>
      replayCommand(db, options, print),
    );

  cli
    .command('events <db>')
    .description('the event log DB, event by event, each checked as it is read')
    .option('--account <id>', "only this account's events")
    .option('--type <type>', 'only events of this type (deposited, transferred, price_accepted, …)')
    .option('--from <n>', 'from this event number')
    .option('--to <n>', 'up to this event number')
    .option('--json', 'print each event as a line of JSON')
    .action((db: string, options: EventsOptions) => eventsCommand(db, options, print));

  cli
    .command('snapshot <db>')
    .description(
      'the ledger of the event log DB as a portfolio file that margin, compare and whatif read',
    )
    .option(
      '--venue <file>',
      'a portfolio file: its assets, instruments, rulebook and market (absent: those the log recorded)',
    )
    .option('--locations <file>', 'the places collateral is held at (as run reads them)')
    .action((db: string, options: { venue?: string; locations?: string }) =>
      snapshotCommand(db, options, print),
    );

  cli
    .command('simulate')
    .description(
      'the deterministic simulator: a seeded venue under strain (crashes and torn appends, ' +
        'duplicated and reordered messages, price jumps, depegs, oracle outages), every ' +
        'invariant checked after every step; a violation prints its reproducer and exits 1',
    )
    .option('--events <n>', 'commands to deliver (default 100000)')
    .option('--seed <n>', 'the seed (default 1)')
    .option(
      '--traders <n>',
      `traders besides the street and the backstop (default ${simDefaults.traders})`,
    )
    .option(
      '--crash-rate <share>',
      `share of steps that crash the engine (default ${simDefaults.crashRate}, or fewer: at most ${crashesMax} crashes a run)`,
    )
    .option('--json', 'print as JSON')
    .action((options: SimulateFlags) => simulateCommand(options, print));

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

/**
 * Exit codes: 0 ok, 2 bad input (usage or file), 1 internal error. The commands that read a file
 * and print; the engine's (`run`), which wait on the event log, need `runAsync`.
 */
export function run(argv: readonly string[]): number {
  const cli = programFor();
  try {
    cli.parse(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    return exitCodeOf(error);
  }
}

/** `run`, for every command, the engine's included: what the `xmargin` bin calls. */
export async function runAsync(argv: readonly string[]): Promise<number> {
  const cli = programFor();
  try {
    await cli.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    return exitCodeOf(error);
  }
}

function programFor(): Command {
  const cli = program();
  cli.exitOverride();
  // Commander's messages quote the arguments, which may carry escape codes too.
  cli.configureOutput({ writeErr: (text) => process.stderr.write(printableOutput(text)) });
  for (const command of cli.commands) command.exitOverride();
  return cli;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof SimulationFailed) {
    process.stderr.write(`xmargin: simulation failed: ${printableOutput(error.message)}\n`);
    return 1;
  }
  if (error instanceof InputError) {
    // An issue quotes the file (ids, keys, values): one line each, whatever they hold.
    const issues = error.issues.map((issue) => `  ${printable(issue)}`);
    process.stderr.write(`xmargin: bad input\n${issues.join('\n')}\n`);
    return 2;
  }
  const trace = (error as Error).stack ?? String(error);
  process.stderr.write(`xmargin: internal error: ${printableOutput(trace)}\n`);
  return 1;
}

/**
 * A reader that stops early (`xmargin margin book.json | head -1`) closes the pipe: the rest of
 * the output is no longer wanted, so the program ends there, quietly, with exit code 0 (the
 * reader had all it asked for); any other failure to write is still an error.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
}

// Run when this file is the entry point, also when reached through a symlink.
if (
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  endQuietlyOnClosedPipe();
  runAsync(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
