import type { Command } from '../../core/engine/command.ts';
import { viewOf } from '../../core/engine/decide-location.ts';
import type { CheckAnswer, OrderCheck } from '../../core/engine/decide-order.ts';
import type { Answer } from '../../core/engine/execute.ts';
import { ledgerPrices } from '../../core/engine/ledger-prices.ts';
import { pricesHeld } from '../../core/engine/prices-held.ts';
import {
  type LedgerEvent,
  type MarginState,
  marginStates,
} from '../../core/ledger/ledger-event.ts';
import { stateHash } from '../../core/ledger/state-hash.ts';
import { assessWith } from '../../core/margin/assess.ts';
import { type MarginFigures, marginFigures } from '../../core/margin/margin-figures.ts';
import type { RiskReport } from '../../core/margin/risk-report.ts';
import type { Account } from '../../core/model/account.ts';
import type { PriceView } from '../../core/model/price-view.ts';
import type { Amount, Ratio } from '../../core/num/fixed.ts';
import { ratioCeil } from '../../core/num/rounding.ts';
import type { EngineHost } from '../engine/engine-host.ts';
import { accountsOf } from '../store/event-accounts.ts';
import type { EventStore, StoredEvent } from '../store/event-store.ts';
import { decimalsForBigints } from '../store/ledger-codec.ts';
import { ApiError } from './api-error.ts';

/** What one accepted command changed: its events from sequence `first` on. */
export interface Change {
  readonly command: Command;
  readonly first: number;
  readonly events: readonly LedgerEvent[];
  /** The events as JSON reads them (amounts as decimal strings), made once for every listener. */
  readonly bodies: readonly Record<string, unknown>[];
  /** The accounts each event names, found once for every listener. */
  readonly named: readonly ReadonlySet<unknown>[];
}

/**
 * The engine behind the server: commands one at a time, in arrival order (the host's ledger is
 * its alone, and an append must finish before the next command is judged), each change told to
 * the listeners (the streams) once its events are durable; and the reads the routes answer.
 */
export class EngineService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(
    readonly host: EngineHost,
    private readonly store: EventStore,
  ) {}

  /** Answered in the order submitted; the change told to every listener before the answer. */
  submit(command: Command): Promise<Answer> {
    return this.serially(() => this.applied(command));
  }

  /**
   * A batch in turn, none of another request between them, committed to the log as one
   * (engine-host.ts `submitAll`): each change told to the listeners once all are durable.
   */
  submitAll(commands: readonly Command[]): Promise<Answer[]> {
    return this.serially(async () => {
      const answers = await this.host.submitAll(commands);
      answers.forEach((answer, i) => {
        this.tell(commands[i]!, answer);
      });
      return answers;
    });
  }

  private async applied(command: Command): Promise<Answer> {
    const answer = await this.host.submit(command);
    this.tell(command, answer);
    return answer;
  }

  /** An accepted command's change, to every listener. */
  private tell(command: Command, answer: Answer): void {
    if (answer.kind !== 'accepted' || this.listeners.size === 0) return;
    const { first, events } = answer;
    const bodies = events.map(
      (event) => JSON.parse(JSON.stringify(event, decimalsForBigints)) as Record<string, unknown>,
    );
    const change = { command, first, events, bodies, named: bodies.map(accountsOf) };
    for (const listener of this.listeners) listener(change);
  }

  /** A pre-trade check: on the ledger between two commands, never halfway through one. */
  check(order: OrderCheck): Promise<CheckAnswer> {
    return this.serially(async () => this.host.check(order));
  }

  listen(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last event's sequence number: every read reflects the log up to it. */
  get sequence(): number {
    return this.host.ledger.events;
  }

  /** The account as the ledger holds it; 404 for no such account. */
  account(id: string): Account {
    const account = this.host.ledger.accounts.get(id);
    if (account === undefined) {
      throw new ApiError(404, 'account_not_found', `no account ${id}`, 'account');
    }
    return account;
  }

  /** The account's headline figures now, exact: what a stream says after each change. */
  figures(id: string): MarginFigures {
    const { account, prices } = this.margined(id);
    return marginFigures(account, this.host.settings.venue, prices);
  }

  /**
   * The account's risk report now, exact, as `xmargin margin --json` gives one (joint moves
   * left out: a search, not a figure); 404 for no such account, 422 where a price it needs is
   * not held yet.
   */
  report(id: string): RiskReport {
    const { account, prices } = this.margined(id);
    return assessWith(account, this.host.settings.venue, prices, { jointMoves: false });
  }

  /**
   * The account as its margin sees it (its holdings elsewhere at their places' weights) and the
   * prices now: 404 for no such account, 422 where a price it is margined at is not held yet.
   */
  margined(id: string): { account: Account; prices: PriceView } {
    const { ledger, settings } = this.host;
    const account = this.account(id);
    const nowMs = this.host.timeMs();
    const viewed = viewOf(ledger, account, settings);
    if (!pricesHeld(ledger, viewed, settings.venue, nowMs)) {
      throw new ApiError(
        422,
        'price_unavailable',
        `a price account ${id} is margined at is not held yet`,
        'account',
      );
    }
    return { account: viewed, prices: ledgerPrices(ledger, nowMs) };
  }

  /**
   * The accounts riskiest first (`byRisk`: the worse recorded state, then the higher margin
   * ratio, maintenance margin over equity rounded up: the riskier way); those without every
   * price they need left out. Exact, every account margined at each call: a risk desk's view,
   * not a hot path (the engine's own states are `status`).
   */
  accountsByRisk(): readonly AccountRisk[] {
    return this.ranked(this.host.ledger.accounts.keys());
  }

  /**
   * The riskiest accounts not healthy (the accounts list's first rows among them), at most
   * `riskiestShown`, and the sequence they are of. Made again for a new sequence only once ten
   * times what the last making took has passed: each is margined exactly, one by one, and in a
   * crash most of the book is not healthy, so the summary never takes over a tenth of the
   * engine's time; between makings the last list is given, with its own sequence.
   */
  riskiest(): Riskiest {
    const sequence = this.host.ledger.events;
    const made = this.riskiestMade;
    const startMs = performance.now();
    if (made !== undefined) {
      if (made.list.sequence === sequence || startMs < made.atMs + 10 * made.tookMs) {
        return made.list;
      }
    }
    const accounts = this.ranked(this.host.ledger.marginStates.keys()).slice(0, riskiestShown);
    const list = { sequence, accounts };
    this.riskiestMade = { list, atMs: startMs, tookMs: performance.now() - startMs };
    return list;
  }

  private riskiestMade: { list: Riskiest; atMs: number; tookMs: number } | undefined;

  /** The accounts by margin ratio, exact; those without every price they need left out. */
  private ranked(ids: Iterable<string>): AccountRisk[] {
    const { ledger, settings } = this.host;
    const nowMs = this.host.timeMs();
    const prices = ledgerPrices(ledger, nowMs);
    const rows: AccountRisk[] = [];
    for (const id of ids) {
      const viewed = viewOf(ledger, ledger.accounts.get(id)!, settings);
      if (!pricesHeld(ledger, viewed, settings.venue, nowMs)) continue;
      const figures = marginFigures(viewed, settings.venue, prices);
      rows.push({
        account: id,
        state: ledger.marginStates.get(id) ?? 'healthy',
        equity: figures.equity,
        initialMargin: figures.initialMargin,
        maintenanceMargin: figures.maintenanceMargin,
        marginRatio:
          figures.equity <= 0n ? null : ratioCeil(figures.maintenanceMargin, figures.equity),
      });
    }
    return rows.sort(byRisk);
  }

  /** Every event from sequence `from` to the log's end now, as stored, checksums checked. */
  async *eventsFrom(
    from: number,
  ): AsyncIterable<{ sequence: number; command: string; event: Record<string, unknown> }> {
    for await (const stored of this.store.read(from)) {
      const {
        command,
        digest: _digest,
        count: _count,
        ...event
      } = JSON.parse(stored.body) as Record<string, unknown>;
      yield { sequence: stored.sequence, command: command as string, event };
    }
  }

  /**
   * The account's events from sequence `from` on, at most `limit`, and where to read on from
   * (`next`, absent at the log's end): each checksum checked as it is read.
   */
  async eventsOf(account: string, from: number, limit: number) {
    const events: (Pick<StoredEvent, 'sequence' | 'logTimeMs' | 'type'> & { body: unknown })[] = [];
    let next: number | undefined;
    for await (const event of this.store.read(from)) {
      const body = JSON.parse(event.body) as Record<string, unknown>;
      if (!accountsOf(body).has(account)) continue;
      if (events.length === limit) {
        next = event.sequence;
        break;
      }
      events.push({ sequence: event.sequence, logTimeMs: event.logTimeMs, type: event.type, body });
    }
    return { events, ...(next === undefined ? {} : { next }) };
  }

  status() {
    const { ledger } = this.host;
    return {
      sequence: ledger.events,
      logTimeMs: this.host.timeMs(),
      accounts: ledger.accounts.size,
      commands: ledger.answered.size,
      marginStates: this.marginStates(),
      stateHash: stateHash(ledger),
    };
  }

  /** Accounts by the margin state the log last recorded, counted once per sequence. */
  marginStates(): MarginStateCounts {
    const { ledger } = this.host;
    if (this.counted?.sequence === ledger.events) return this.counted.counts;
    const counts = { ...noAccounts, healthy: ledger.accounts.size };
    // The ledger holds a state only for an account that is not healthy.
    for (const state of ledger.marginStates.values()) {
      counts.healthy -= 1;
      counts[countOf[state]] += 1;
    }
    this.counted = { sequence: ledger.events, counts };
    return counts;
  }

  /** The last counts and the sequence they are of: every stream of the book asks for them. */
  private counted: { sequence: number; counts: MarginStateCounts } | undefined;

  /** Resolved once every command submitted so far is answered. */
  async drained(): Promise<void> {
    await this.queue;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    // A failed command must not stop the ones queued after it.
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export interface MarginStateCounts {
  readonly healthy: number;
  readonly marginCall: number;
  readonly liquidationWarning: number;
  readonly liquidatable: number;
}

/** The counts of a book with no accounts (a server with no log attached yet). */
export const noAccounts: MarginStateCounts = {
  healthy: 0,
  marginCall: 0,
  liquidationWarning: 0,
  liquidatable: 0,
};

/** Each state's count, as the API names it. */
export const countOf = {
  healthy: 'healthy',
  margin_call: 'marginCall',
  liquidation_warning: 'liquidationWarning',
  liquidatable: 'liquidatable',
} as const satisfies Record<MarginState, keyof MarginStateCounts>;

/** How many of the riskiest accounts the book's summary lists. */
export const riskiestShown = 10;

export interface Riskiest {
  readonly sequence: number;
  readonly accounts: readonly AccountRisk[];
}

export interface AccountRisk {
  readonly account: string;
  /** The state the log last recorded for it. */
  readonly state: MarginState;
  readonly equity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** Null at or below zero equity: past any ratio. */
  readonly marginRatio: Ratio | null;
}

/**
 * The worse recorded state first (an isolated position's liquidation hides in its account's ratio),
 * then the higher margin ratio, those at or below zero equity first, then by id.
 */
function byRisk(a: AccountRisk, b: AccountRisk): number {
  const severity = marginStates.indexOf(b.state) - marginStates.indexOf(a.state);
  if (severity !== 0) return severity;
  if (a.marginRatio !== b.marginRatio) {
    if (a.marginRatio === null) return -1;
    if (b.marginRatio === null) return 1;
    return a.marginRatio > b.marginRatio ? -1 : 1;
  }
  return a.account < b.account ? -1 : a.account > b.account ? 1 : 0;
}
