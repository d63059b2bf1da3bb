import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CheckAnswer } from '../../core/engine/decide-order.ts';
import type { Answer } from '../../core/engine/execute.ts';
import type { Ledger } from '../../core/ledger/ledger.ts';
import { homeLocation, homeOnly, marginView, splitHoldingKey } from '../../core/ledger/location.ts';
import { stateHash } from '../../core/ledger/state-hash.ts';
import type { Position } from '../../core/model/account.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { nowMs } from '../clock.ts';
import { checkAnswerJson } from '../engine/check-answer.ts';
import { EngineHost, replay, snapshotEveryEvents } from '../engine/engine-host.ts';
import {
  rulesFromFiles,
  rulesFromLog,
  settingsOf,
  type VenueRules,
} from '../engine/venue-rules.ts';
import { type EngineLine, readCommandFile, readCommandLine } from '../import/command-file.ts';
import { inputLabel, readInputText, stdinName } from '../import/input-text.ts';
import { portfolioOfJson } from '../import/load-portfolio.ts';
import { InputError } from '../import/reader.ts';
import { accountsOf } from '../store/event-accounts.ts';
import type { EventStore } from '../store/event-store.ts';
import { decimalsForBigints } from '../store/ledger-codec.ts';
import { openSqliteEventStore } from '../store/sqlite-event-store.ts';
import { marginBook, summaryJson } from './book.ts';
import { bookText } from './book-text.ts';
import { floatDecimal } from './figures.ts';
import { printable } from './printable.ts';

export interface RunOptions {
  /** A file of commands, or `-`: a stream of them on standard input, each answered as it comes. */
  readonly commands: string;
  /**
   * A portfolio file whose instruments and rulebook are the venue's (its accounts are not read);
   * absent: the rules the log recorded.
   */
  readonly venue?: string;
  readonly json?: boolean;
  /** Events between two snapshots (`--snapshot-every`): the engine's default when absent. */
  readonly snapshotEvery?: string;
  /** `host` (the default): the log's time is the host's; `commands`: each command's issuedAtMs. */
  readonly clock?: string;
  /** The places collateral is held at besides the venue (location-file.ts); absent: none. */
  readonly locations?: string;
  /** The venue's rules changed: record the new ones rather than refuse the run. */
  readonly venueChange?: boolean;
}

function clockOption(value: string | undefined): 'host' | 'commands' {
  if (value === undefined || value === 'host' || value === 'commands') return value ?? 'host';
  throw new InputError([`--clock: must be host or commands (got "${printable(value)}")`]);
}

/** A pre-trade check's answer as a line of text: the verdict, where the order lands, the after. */
function checkText(id: string, answer: CheckAnswer): string {
  if (answer.kind === 'refused') {
    const { code, field } = answer.rejection;
    return `${printable(id)}  check refused  ${code} (${field})`;
  }
  const { verdict } = answer.judgement;
  const after = answer.after;
  return (
    `${printable(id)}  checked  ${verdict === 'accepted' ? 'would be accepted' : `would be rejected: ${verdict}`}` +
    ` (${answer.placement === 'filled' ? 'fills' : 'rests'}); after it: equity ${formatFixed(after.equity)}, ` +
    `initial margin ${formatFixed(after.initialMargin)}, maintenance margin ` +
    `${formatFixed(after.maintenanceMargin)}, free collateral ${formatFixed(after.freeCollateral)}`
  );
}

/**
 * `xmargin run DB --commands FILE --venue FILE`: the engine over the event log in DB (a SQLite
 * file, made if absent), the ledger rebuilt from it, then every command of FILE (JSON lines,
 * checked whole first) judged, appended durably and answered, one line each; last, the log's
 * length and the state hash a replay must reach again.
 *
 * `--commands -` streams: each line of standard input is read as it arrives, checked alone, and
 * answered as soon as its events are durable, so a client may wait for each answer. A stream
 * cannot be checked whole first: a bad line is answered `bad_input`, naming its line and field,
 * and the stream goes on. The summary comes when standard input ends.
 */
export async function runCommand(
  db: string,
  options: RunOptions,
  print: (text: string) => void,
): Promise<void> {
  const snapshotEvery = snapshotEveryOption(options.snapshotEvery);
  const fromCommands = clockOption(options.clock) === 'commands';
  const streaming = options.commands === stdinName;
  const file = streaming
    ? []
    : readCommandFile(readInputText(options.commands), inputLabel(options.commands));
  if (fromCommands) {
    const untimed = file.findIndex((line) => line.issuedAtMs === undefined);
    if (untimed >= 0) {
      throw new InputError([
        `${inputLabel(options.commands)}: command ${printable(file[untimed]!.id)}: issuedAtMs: ` +
          'is required with --clock commands (it is the log time the command is applied at)',
      ]);
    }
  }
  const given = givenRules(options);
  const store = openLog(db, { mustExist: false });
  try {
    // The log's clock: the host's, or each command's own `issuedAtMs` (a day replayed from a file).
    let commandTimeMs = 0;
    const clock = fromCommands ? () => commandTimeMs : nowMs;
    let rules = given;
    const host = await EngineHost.open(
      store,
      (ledger) => {
        rules ??= recordedRules(ledger, '--venue: required: this log records no venue rules yet');
        return settingsOf(rules);
      },
      clock,
      snapshotEvery,
    );
    await host.adoptVenue(rules!.digest, options.venueChange === true, rules!.text);
    const counts = { accepted: 0, duplicate: 0, rejected: 0, checked: 0 };
    const submit = async (command: EngineLine) => {
      if (fromCommands) commandTimeMs = command.issuedAtMs ?? commandTimeMs;
      if (command.type === 'pre_trade_check') {
        const { id, type: _type, issuedAtMs: _at, ...order } = command;
        const checked = host.check(order);
        counts[checked.kind === 'checked' ? 'checked' : 'rejected'] += 1;
        print(
          options.json === true ? engineJson(checkAnswerJson(id, checked)) : checkText(id, checked),
        );
        return;
      }
      const answer = await host.submit(command);
      counts[answer.kind] += 1;
      // On Linux a write to a pipe or a file is synchronous: once printed, the answer is out.
      print(
        options.json === true
          ? engineJson({ id: command.id, ...answer })
          : answerText(command.id, answer),
      );
    };
    for (const command of file) await submit(command);
    if (streaming) {
      for await (const line of streamedLines()) {
        if ('command' in line) {
          await submit(line.command);
          continue;
        }
        counts.rejected += 1;
        print(options.json === true ? engineJson(line.badInput) : badInputText(line.badInput));
      }
    }
    const summary = {
      commands: counts.accepted + counts.duplicate + counts.rejected + counts.checked,
      ...counts,
      events: host.ledger.events,
      stateHash: stateHash(host.ledger),
    };
    print(
      options.json === true
        ? engineJson({ summary })
        : `${summary.commands} commands: ${counts.accepted} accepted, ${counts.duplicate} ` +
            `already answered, ${counts.rejected} rejected` +
            (counts.checked === 0
              ? ''
              : `, ${counts.checked} pre-trade check${counts.checked === 1 ? '' : 's'} answered`) +
            `. The log holds ${summary.events} events; state hash ${summary.stateHash}.`,
    );
  } finally {
    await store.close();
  }
}

function snapshotEveryOption(value: string | undefined): number {
  if (value === undefined) return snapshotEveryEvents;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InputError([
      `--snapshot-every: must be a number of events, 1 or more (got "${value}")`,
    ]);
  }
  return number;
}

/** The answer to a streamed line that is not a command: its issues, the first one's field. */
interface BadInput {
  /** The line's id, where it has one that is a string. */
  readonly id?: string;
  readonly line: number;
  readonly kind: 'rejected';
  readonly rejection: { readonly code: 'bad_input'; readonly field: string };
  readonly issues: readonly string[];
}

/**
 * The lines of standard input as they arrive (blank ones skipped), each a command or what makes
 * it bad input. The stream is never held whole: readline queues the lines read ahead of the
 * engine and pauses standard input while its queue is full.
 */
async function* streamedLines(): AsyncGenerator<{ command: EngineLine } | { badInput: BadInput }> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const at = `${inputLabel(stdinName)}:${number}`;
    const read = readCommandLine(text, at);
    if ('command' in read) {
      yield { command: read.command };
      continue;
    }
    // Each issue reads "AT: FIELD: message", or "AT: not valid JSON…" for a line that is not JSON.
    const first = read.issues[0]!.slice(at.length + 2);
    const field = first.startsWith('not valid JSON') ? '(root)' : first.split(': ')[0]!;
    const id = idOf(text);
    yield {
      badInput: {
        ...(id === undefined ? {} : { id }),
        line: number,
        kind: 'rejected',
        rejection: { code: 'bad_input', field },
        issues: read.issues,
      },
    };
  }
}

/** The `id` a bad line names, where it is JSON with a string id: so a client can match it. */
function idOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function badInputText(bad: BadInput): string {
  return (
    `${printable(bad.id ?? '-')}  rejected  bad_input (${bad.rejection.field})  ` +
    bad.issues.map(printable).join('; ')
  );
}

function answerText(id: string, answer: Answer): string {
  const events = (first: number, count: number) =>
    count === 1 ? `event ${first}` : `events ${first}-${first + count - 1}`;
  switch (answer.kind) {
    case 'accepted':
      return `${printable(id)}  accepted  ${events(answer.first, answer.events.length)}`;
    case 'duplicate':
      return `${printable(id)}  already answered  ${events(answer.first, answer.count)}`;
    case 'rejected':
      return `${printable(id)}  rejected  ${answer.rejection.code} (${answer.rejection.field})`;
  }
}

/** A line of JSON: amounts and prices as exact decimals; event numbers and counts as numbers. */
function engineJson(value: unknown): string {
  return JSON.stringify(value, decimalsForBigints);
}

/**
 * The event log in DB, opened for use: one that is not there (where it must be) or is damaged is
 * bad input, named, and nothing is read from it.
 */
function openLog(db: string, options: { readonly mustExist: boolean }): EventStore {
  if (options.mustExist && !existsSync(db)) throw new InputError([`${db}: no such event log`]);
  const opened = openSqliteEventStore(db, options);
  if (!opened.ok) {
    throw new InputError([`${db}: the event log is damaged: ${opened.corruption.detail}`]);
  }
  return opened.store;
}

/**
 * `xmargin replay DB`: the ledger rebuilt from the event log alone (every checksum checked as it is
 * read), and what it holds: events, accounts, the money in and out per asset, and the state hash.
 * A second replay of the same log, here or on any machine, prints the same hash.
 */
export async function replayCommand(
  db: string,
  options: { readonly json?: boolean; readonly venue?: string; readonly locations?: string },
  print: (text: string) => void,
): Promise<void> {
  const store = openLog(db, { mustExist: true });
  try {
    const { ledger, logTimeMs } = await replay(store);
    const rules = rulesFor(ledger, options);
    const assets = [...new Set([...ledger.deposited.keys(), ...ledger.withdrawn.keys()])].sort();
    const totals = assets.map((asset) => ({
      asset,
      deposited: ledger.deposited.get(asset) ?? 0n,
      withdrawn: ledger.withdrawn.get(asset) ?? 0n,
    }));
    const places = collateralByPlace(ledger);
    const recorded = recordedStates(ledger);
    // With the venue's rules, the book margined again at the log's last prices and time.
    const book =
      rules === undefined
        ? undefined
        : remargined(
            portfolioOfJson(snapshotFile(ledger, logTimeMs, rules), process.cwd(), nowMs()),
          );
    const summary = {
      events: ledger.events,
      commands: ledger.answered.size,
      accounts: ledger.accounts.size,
      totals,
      ...(places.length === 0 ? {} : { places }),
      marginStates: recorded,
      ...(book === undefined ? {} : { book: summaryJson(book.summary) }),
      stateHash: stateHash(ledger),
    };
    if (options.json === true) return print(engineJson(summary));
    print(
      [
        `Replayed ${summary.events} events of ${summary.commands} commands: ${summary.accounts} accounts.`,
        ...totals.map(
          (t) =>
            `  ${printable(t.asset)}: ${formatFixed(t.deposited)} deposited, ` +
            `${formatFixed(t.withdrawn)} withdrawn`,
        ),
        ...places.map(
          (p) =>
            `  ${printable(p.asset)} held ${p.place === inFlight ? 'in flight between places' : `at ${printable(p.place)}`}: ${formatFixed(p.amount)}`,
        ),
        recordedStatesText(recorded),
        `State hash ${summary.stateHash}.`,
        ...(book === undefined
          ? [
              'The book margined at the last prices: --venue FILE (the venue it ran under; this ' +
                'log records no rules of its own).',
            ]
          : [
              `\nThe book margined at the log's last prices and time (${new Date(logTimeMs).toISOString()}):\n`,
              bookText(book.portfolio, book.summary, book.riskiest),
            ]),
      ].join('\n'),
    );
  } finally {
    await store.close();
  }
}

/** Accounts listed by name in a state before the list is cut short. */
const namedMax = 10;

/** The margin states the log's events last recorded: counts, and the accounts not healthy. */
function recordedStates(ledger: Ledger) {
  const named = (state: string) =>
    [...ledger.marginStates]
      .filter(([, s]) => s === state)
      .map(([id]) => id)
      .sort();
  const marginCall = named('margin_call');
  const liquidationWarning = named('liquidation_warning');
  const liquidatable = named('liquidatable');
  return {
    healthy: ledger.accounts.size - ledger.marginStates.size,
    marginCall,
    liquidationWarning,
    liquidatable,
  };
}

function recordedStatesText(states: ReturnType<typeof recordedStates>): string {
  const list = (ids: readonly string[]) =>
    ids.length === 0
      ? ''
      : `: ${ids.slice(0, namedMax).map(printable).join(', ')}${ids.length > namedMax ? ', …' : ''}`;
  return [
    `Margin states as the log recorded them: ${states.healthy} healthy, ` +
      `${states.marginCall.length} margin call, ` +
      (states.liquidationWarning.length === 0
        ? ''
        : `${states.liquidationWarning.length} liquidation warning, `) +
      `${states.liquidatable.length} liquidatable.`,
    ...(states.marginCall.length === 0 ? [] : [`  margin call${list(states.marginCall)}`]),
    ...(states.liquidationWarning.length === 0
      ? []
      : [`  liquidation warning${list(states.liquidationWarning)}`]),
    ...(states.liquidatable.length === 0 ? [] : [`  liquidatable${list(states.liquidatable)}`]),
  ].join('\n');
}

/** The book's summary and its riskiest accounts in full, as `margin` prints a book. */
function remargined(portfolio: Portfolio) {
  const quiet = { stage() {}, update() {}, end() {} };
  const { summary, riskiest } = marginBook(
    portfolio,
    portfolio.accounts,
    { top: 5, jointMoves: false },
    quiet,
  );
  const { liquidationQueue: _queue, ...rest } = summary;
  return { portfolio, summary: rest, riskiest };
}

const inFlight = '(in flight)';

/**
 * Collateral by place and asset, where any is held elsewhere than the venue: the venue's own
 * (every account's balances), each other place, and what is in flight between two; empty when
 * everything is at the venue.
 */
function collateralByPlace(
  ledger: Ledger,
): { readonly place: string; readonly asset: string; readonly amount: bigint }[] {
  if (ledger.holdings.size === 0 && ledger.pendingMoves.size === 0) return [];
  const totals = new Map<string, bigint>();
  const add = (place: string, asset: string, amount: bigint) => {
    const key = `${place}\u0000${asset}`;
    totals.set(key, (totals.get(key) ?? 0n) + amount);
  };
  for (const account of ledger.accounts.values()) {
    for (const [asset, amount] of account.balances) add(homeLocation, asset, amount);
  }
  for (const [key, held] of ledger.holdings) {
    const [, place] = splitHoldingKey(key);
    for (const [asset, amount] of held) add(place, asset, amount);
  }
  for (const move of ledger.pendingMoves.values()) add(inFlight, move.asset, move.amount);
  return [...totals]
    .map(([key, amount]) => {
      const [place, asset] = key.split('\u0000') as [string, string];
      return { place, asset, amount };
    })
    .sort((a, b) =>
      a.place === b.place ? (a.asset < b.asset ? -1 : 1) : a.place < b.place ? -1 : 1,
    );
}

export interface EventsOptions {
  readonly account?: string;
  readonly type?: string;
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
}

/**
 * `xmargin events DB`: the log's events, in order, each checksum checked as it is read; only those
 * of one account (`--account`, on either side of a transfer), of one type (`--type`), between two
 * sequence numbers (`--from`, `--to`, inclusive).
 */
export async function eventsCommand(
  db: string,
  options: EventsOptions,
  print: (text: string) => void,
): Promise<void> {
  const from = sequenceOption(options.from, '--from') ?? 1;
  const to = sequenceOption(options.to, '--to') ?? Number.MAX_SAFE_INTEGER;
  const store = openLog(db, { mustExist: true });
  try {
    for await (const event of store.read(from)) {
      if (event.sequence > to) break;
      if (options.type !== undefined && event.type !== options.type) continue;
      const body = JSON.parse(event.body) as Record<string, unknown>;
      if (options.account !== undefined && !accountsOf(body).has(options.account)) continue;
      const { command, digest: _digest, count: _count, type: _type, ...fields } = body;
      // The venue's rules are a whole venue file: a line says how much, --json gives them.
      if (typeof fields.rules === 'string') {
        fields.rules = `(the venue's rules, ${fields.rules.length} characters: --json)`;
      }
      print(
        options.json === true
          ? engineJson({ sequence: event.sequence, logTimeMs: event.logTimeMs, ...body })
          : `${event.sequence}  ${new Date(event.logTimeMs).toISOString()}  ${event.type}  ` +
              `${printable(JSON.stringify(fields))}  (command ${printable(String(command))})`,
      );
    }
  } finally {
    await store.close();
  }
}

/** A ledger position as docs/portfolio-format.md writes one. */
function positionInFile(position: Position): Record<string, string> {
  return {
    instrument: position.instrument,
    size: formatFixed(position.size),
    entryPrice: formatFixed(position.entryPrice),
    marginMode: position.marginMode,
    ...(position.side === undefined ? {} : { side: position.side }),
    ...(position.marginMode === 'isolated'
      ? { isolatedMargin: formatFixed(position.isolatedMargin) }
      : {}),
    ...(position.unsettledPnl === undefined
      ? {}
      : { unsettledPnl: formatFixed(position.unsettledPnl) }),
  };
}

function sequenceOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InputError([`${name}: must be an event number, 1 or more (got "${value}")`]);
  }
  return number;
}

/**
 * `xmargin snapshot DB --venue FILE`: the ledger the log holds written out as a portfolio file
 * (docs/portfolio-format.md) that `margin`, `compare` and `whatif` read: the venue file's assets,
 * instruments, rulebook and market, the prices the log's feeds last accepted over its own, and the
 * ledger's accounts in place of its. `asOf` becomes the log's last time; instruments the log
 * settled at expiry are left out; collateral held elsewhere than the venue (`--locations`) is
 * written at its place's weight.
 */
export async function snapshotCommand(
  db: string,
  options: VenueOptions,
  print: (text: string) => void,
): Promise<void> {
  const store = openLog(db, { mustExist: true });
  try {
    const { ledger, logTimeMs } = await replay(store);
    const rules =
      rulesFor(ledger, options) ??
      recordedRules(ledger, '--venue: required: this log records no venue rules of its own');
    print(JSON.stringify(snapshotFile(ledger, logTimeMs, rules), null, 2));
  } finally {
    await store.close();
  }
}

/** `--venue FILE` and `--locations FILE`: the venue's rules a command reads a log under. */
export interface VenueOptions {
  readonly venue?: string;
  readonly locations?: string;
}

/**
 * The rules a command reads the log under: the files given, which must be the ones the log was
 * written under; else the ones the log recorded; else none.
 */
function rulesFor(ledger: Ledger, options: VenueOptions): VenueRules | undefined {
  const rules = givenRules(options);
  if (rules === undefined) {
    return ledger.venueRules === undefined ? undefined : recordedRules(ledger, '');
  }
  if (ledger.venue !== undefined && ledger.venue !== rules.digest) {
    throw new InputError([
      `--venue: the log was written under other rules (venue digest ${ledger.venue}; these ` +
        `give ${rules.digest}): give the venue and places it ran with`,
    ]);
  }
  return rules;
}

/** The rules the files given say; undefined without `--venue`. */
function givenRules(options: VenueOptions): VenueRules | undefined {
  if (options.venue !== undefined) return rulesFromFiles(options.venue, options.locations, nowMs());
  if (options.locations !== undefined) {
    throw new InputError([
      '--locations: comes with --venue (the rules recorded hold their places)',
    ]);
  }
  return undefined;
}

/** The rules the log recorded, checked against their digest; `missing` where it records none. */
function recordedRules(ledger: Ledger, missing: string): VenueRules {
  if (ledger.venueRules === undefined) throw new InputError([missing]);
  const rules = rulesFromLog(ledger.venueRules, nowMs());
  if (rules.digest !== ledger.venue) {
    throw new InputError([
      `event log: the venue rules it records read to digest ${rules.digest}, not the ` +
        `${ledger.venue} recorded with them (this build reads them otherwise): give --venue`,
    ]);
  }
  return rules;
}

/**
 * The ledger as a portfolio file (`snapshot`'s output): the venue file's assets, instruments,
 * rulebook and market, the log's prices and surfaces over its own, the ledger's accounts in place
 * of its.
 */
function snapshotFile(
  ledger: Ledger,
  logTimeMs: number,
  rules: VenueRules,
): Record<string, unknown> {
  const { file } = rules;
  const policy = rules.locations ?? homeOnly;
  const decimals = (map: ReadonlyMap<string, bigint>) =>
    Object.fromEntries(
      [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, formatFixed(v)]),
    );
  const market = file.market as Record<string, unknown>;
  const assets = (file.assets as { id: string }[]).map((asset) => asset.id);
  // A portfolio file has no places: what an account holds elsewhere is written into its
  // balances at its place's weight, as its margin counts it (location.ts `marginView`).
  const viewed = [...ledger.accounts.values()].map((a) => marginView(ledger, a, policy));
  const held = viewed.flatMap((account) => [...account.balances.keys()]);
  const missing = [...new Set(held)].filter((asset) => !assets.includes(asset)).sort();
  const accounts = viewed
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((account) => ({
      id: account.id,
      ...(account.poolMode === undefined ? {} : { poolMode: account.poolMode }),
      balances: decimals(account.balances),
      ...(account.positions.length === 0
        ? {}
        : { positions: account.positions.map(positionInFile) }),
      ...(account.openOrders.length === 0
        ? {}
        : {
            openOrders: account.openOrders.map(({ instrument, side, size, price }) => ({
              instrument,
              side,
              size: formatFixed(size),
              price: formatFixed(price),
            })),
          }),
      ...(account.leverage === undefined || account.leverage.size === 0
        ? {}
        : { leverage: decimals(account.leverage) }),
    }));
  return {
    ...file,
    assets: [...(file.assets as object[]), ...missing.map((id) => ({ id, name: id }))],
    // An instrument settled at expiry is gone from the venue's book, and its last mark too.
    instruments: (file.instruments as { id: string }[]).filter((i) => !ledger.settled.has(i.id)),
    market: {
      ...market,
      ...(logTimeMs > 0 ? { asOf: new Date(logTimeMs).toISOString() } : {}),
      assetPrices: {
        ...(market.assetPrices as object),
        ...decimals(ledger.assetPrices),
      },
      markPrices: Object.fromEntries(
        Object.entries({
          ...(market.markPrices as object),
          ...decimals(ledger.markPrices),
        }).filter(([id]) => !ledger.settled.has(id)),
      ),
      ...volatilityInFile(ledger, market.volatility, logTimeMs),
    },
    accounts,
  };
}

/**
 * The surfaces the feed set, as a portfolio file's `market.volatility` gives them: the slices
 * still to expire at the log's time (a file's expiries must be to come), the smile's floats as
 * plain decimals. A surface the venue file gave and the feed never set is kept as given.
 */
function volatilityInFile(
  ledger: Ledger,
  given: unknown,
  logTimeMs: number,
): { volatility?: Record<string, unknown> } {
  const surfaces: Record<string, unknown> = { ...(given as object | undefined) };
  for (const [underlying, feed] of [...ledger.volatility].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const live = feed.slices.filter((slice) => slice.expiryMs > logTimeMs);
    if (live.length === 0) {
      delete surfaces[underlying];
      continue;
    }
    surfaces[underlying] = {
      slices: live.map(({ expiryMs, atmVolatility, b, rho, m, sigma }) => ({
        expiry: new Date(expiryMs).toISOString(),
        atmVolatility: floatDecimal(atmVolatility),
        b: floatDecimal(b),
        rho: floatDecimal(rho),
        m: floatDecimal(m),
        sigma: floatDecimal(sigma),
      })),
    };
  }
  return Object.keys(surfaces).length === 0 ? {} : { volatility: surfaces };
}
