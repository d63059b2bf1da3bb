import { existsSync } from 'node:fs';
import type { Answer } from '../../core/engine/execute.ts';
import { stateHash } from '../../core/ledger/state-hash.ts';
import { assert } from '../../core/num/assert.ts';
import { fixed, formatFixed } from '../../core/num/fixed.ts';
import { nowMs } from '../clock.ts';
import { EngineHost, type EngineSettings, replay } from '../engine/engine-host.ts';
import { readCommandFile } from '../import/command-file.ts';
import { inputLabel, readInputText } from '../import/input-text.ts';
import { parseJsonText } from '../import/json-text.ts';
import { loadPortfolio } from '../import/load-portfolio.ts';
import { InputError } from '../import/reader.ts';
import type { EventStore } from '../store/event-store.ts';
import { decimalsForBigints } from '../store/ledger-codec.ts';
import { openSqliteEventStore } from '../store/sqlite-event-store.ts';
import { printable } from './printable.ts';

export interface RunOptions {
  readonly commands: string;
  /** A portfolio file whose instruments and rulebook are the venue's (its accounts are not read). */
  readonly venue: string;
  readonly json?: boolean;
}

/**
 * The guard on price ticks until a venue's own is part of its rulebook: 60 s of staleness, 5 s
 * ahead, a 20 % band, confirmed by 3 ticks within a minute.
 */
const priceGuard = {
  staleAfterMs: 60_000,
  futureSkewMs: 5_000,
  jumpBand: fixed('0.2'),
  confirmations: 3,
  confirmWithinMs: 60_000,
};

/**
 * `xmargin run DB --commands FILE --venue FILE`: the engine over the event log in DB (a SQLite
 * file, made if absent), the ledger rebuilt from it, then every command of FILE (JSON lines,
 * checked whole first) judged, appended durably and answered, one line each; last, the log's
 * length and the state hash a replay must reach again.
 */
export async function runCommand(
  db: string,
  options: RunOptions,
  print: (text: string) => void,
): Promise<void> {
  const commands = readCommandFile(readInputText(options.commands), inputLabel(options.commands));
  const { venue } = loadPortfolio(options.venue, { from: 'xmargin', nowMs: nowMs() });
  const settings: EngineSettings = { venue, withdrawableProfitShare: 0n, priceGuard };
  const store = openLog(db, { mustExist: false });
  try {
    const host = await EngineHost.open(store, settings, nowMs);
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    for (const command of commands) {
      const answer = await host.submit(command);
      counts[answer.kind] += 1;
      print(
        options.json === true
          ? engineJson({ id: command.id, ...answer })
          : answerText(command.id, answer),
      );
    }
    const summary = {
      commands: commands.length,
      ...counts,
      events: host.ledger.events,
      stateHash: stateHash(host.ledger),
    };
    print(
      options.json === true
        ? engineJson({ summary })
        : `${summary.commands} commands: ${counts.accepted} accepted, ${counts.duplicate} ` +
            `already answered, ${counts.rejected} rejected. The log holds ${summary.events} ` +
            `events; state hash ${summary.stateHash}.`,
    );
  } finally {
    await store.close();
  }
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
  options: { readonly json?: boolean },
  print: (text: string) => void,
): Promise<void> {
  const store = openLog(db, { mustExist: true });
  try {
    const { ledger } = await replay(store);
    const assets = [...new Set([...ledger.deposited.keys(), ...ledger.withdrawn.keys()])].sort();
    const totals = assets.map((asset) => ({
      asset,
      deposited: ledger.deposited.get(asset) ?? 0n,
      withdrawn: ledger.withdrawn.get(asset) ?? 0n,
    }));
    const summary = {
      events: ledger.events,
      commands: ledger.answered.size,
      accounts: ledger.accounts.size,
      totals,
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
        `State hash ${summary.stateHash}.`,
      ].join('\n'),
    );
  } finally {
    await store.close();
  }
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
      const accounts = [body.account, body.from, body.to];
      if (options.account !== undefined && !accounts.includes(options.account)) continue;
      const { command, digest: _digest, count: _count, type: _type, ...fields } = body;
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
 * ledger's accounts in place of its. `asOf` becomes the log's last time.
 */
export async function snapshotCommand(
  db: string,
  options: { readonly venue: string },
  print: (text: string) => void,
): Promise<void> {
  // The venue file is read as any portfolio file is, then taken as written.
  loadPortfolio(options.venue, { from: 'xmargin', nowMs: nowMs() });
  const label = inputLabel(options.venue);
  const file = parseJsonText(readInputText(options.venue), label) as Record<string, unknown>;
  const store = openLog(db, { mustExist: true });
  try {
    const { ledger, logTimeMs } = await replay(store);
    const decimals = (map: ReadonlyMap<string, bigint>) =>
      Object.fromEntries(
        [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, formatFixed(v)]),
      );
    const market = file.market as Record<string, unknown>;
    const assets = (file.assets as { id: string }[]).map((asset) => asset.id);
    const held = [...ledger.accounts.values()].flatMap((account) => [...account.balances.keys()]);
    const missing = [...new Set(held)].filter((asset) => !assets.includes(asset)).sort();
    const accounts = [...ledger.accounts.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((account) => {
        // No ledger event opens a position yet: an account is its balances.
        assert(account.positions.length === 0, 'the ledger trades no positions yet');
        return {
          id: account.id,
          ...(account.poolMode === undefined ? {} : { poolMode: account.poolMode }),
          balances: decimals(account.balances),
        };
      });
    print(
      JSON.stringify(
        {
          ...file,
          assets: [...(file.assets as object[]), ...missing.map((id) => ({ id, name: id }))],
          market: {
            ...market,
            ...(logTimeMs > 0 ? { asOf: new Date(logTimeMs).toISOString() } : {}),
            assetPrices: {
              ...(market.assetPrices as object),
              ...decimals(ledger.assetPrices),
            },
            markPrices: { ...(market.markPrices as object), ...decimals(ledger.markPrices) },
          },
          accounts,
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
  }
}
