import { expect } from 'vitest';
import type { Command } from '../../src/core/engine/command.ts';
import type { CheckAnswer, OrderCheck } from '../../src/core/engine/decide-order.ts';
import type { Answer } from '../../src/core/engine/execute.ts';
import { ledgerPrices } from '../../src/core/engine/ledger-prices.ts';
import { liquidationFillOf } from '../../src/core/engine/liquidation-fill-command.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import type { LedgerEvent, PriceFeed } from '../../src/core/ledger/ledger-event.ts';
import type { LiquidationOrder } from '../../src/core/ledger/liquidation-order.ts';
import { marginFigures } from '../../src/core/margin/margin-figures.ts';
import {
  EngineHost,
  type EngineSettings,
  replayFromStart,
} from '../../src/shell/engine/engine-host.ts';
import { rulesOfVenueFile, settingsOf } from '../../src/shell/engine/venue-rules.ts';
import { presetJson } from '../../src/shell/import/presets.ts';
import { InvariantChecker } from '../../src/shell/sim/invariants.ts';
import { ledgerHash } from '../../src/shell/store/ledger-snapshot.ts';
import { MemoryEventLog, openMemoryEventStore } from '../../src/shell/store/memory-event-store.ts';
import { type FillCommand, fillCommand } from '../engine-kit.ts';
import { d } from '../kit.ts';

/** Every scenario starts at this log time. */
export const scenarioStartMs = Date.UTC(2026, 11, 4, 8);

/** The venue's dated future: ALT, delivered on 25 December 2026 at 08:00 UTC. */
export const altFuture = 'ALT-25DEC26';

/**
 * A rulebook's liquidation section for the scenarios: whole positions closed (a 1 % fee to the
 * fund), then a backstop of up to 1,000,000 USD a market, then auto-deleveraging with a 30 s grace.
 */
export const wholeCloseWithWaterfall = {
  buffer: '0',
  feeRate: '0.01',
  maxPortion: '1',
  minNotional: '1',
  waterfall: {
    fundFloor: '0',
    backstops: [{ account: 'backstop', maxValue: '1000000' }],
    autoDeleverage: { ranking: 'profit_times_leverage', graceMs: '30000' },
  },
};

/**
 * A venue for SCENARIOS.md C1: Binance USD-M's published brackets and collateral weights over
 * three USDT perpetuals (BTC, ETH and an altcoin at the preset's default rule) and a dated ALT
 * future, liquidating by
 * `liquidation` (a rulebook's `liquidation` section, as a venue file writes it).
 */
export function scenarioVenueFile(liquidation: Record<string, unknown>): Record<string, unknown> {
  const perpetual = (id: string, underlying: string, tickSize: string, sizeStep: string) => ({
    id,
    kind: 'perpetual',
    settlement: 'linear',
    underlying,
    quote: 'USDT',
    settle: 'USDT',
    contractSize: '1',
    tickSize,
    sizeStep,
  });
  return {
    format: 'xmargin.portfolio/1',
    rulebook: { ...(presetJson('binance-usdm') as Record<string, unknown>), liquidation },
    assets: ['USDT', 'BTC', 'ETH', 'ALT'].map((id) => ({ id, name: id })),
    instruments: [
      perpetual('BTCUSDT', 'BTC', '0.1', '0.001'),
      perpetual('ETHUSDT', 'ETH', '0.01', '0.001'),
      perpetual('ALTUSDT', 'ALT', '0.0001', '1'),
      {
        ...perpetual(altFuture, 'ALT', '0.0001', '1'),
        kind: 'future',
        expiry: '2026-12-25T08:00:00Z',
      },
    ],
    market: {
      asOf: new Date(scenarioStartMs).toISOString(),
      assetPrices: { USDT: '1', BTC: '95000', ETH: '3400', ALT: '1' },
      markPrices: {},
    },
    accounts: [],
  };
}

/**
 * One scenario run through the engine as a venue runs it (EngineHost on a log, here in memory),
 * every invariant of SCENARIOS.md C0 checked after every command by the simulator's checker
 * (src/shell/sim/invariants.ts), each accepted command's events kept for the test to read. A
 * violation fails the test at the command that broke it.
 */
export class Scenario {
  private commands = 0;
  private epoch = 0;
  private readonly checker: InvariantChecker;

  private constructor(
    readonly settings: EngineSettings,
    readonly log: MemoryEventLog,
    private readonly clock: { ms: number },
    private host: EngineHost,
  ) {
    this.checker = new InvariantChecker(settings, {
      liveWithinCommands: 50,
      liveWithinMs: 120_000,
    });
  }

  /** `places`: where else collateral may be held, as a `--locations` file writes it. */
  static async open(venueFile: Record<string, unknown>, places: unknown = null): Promise<Scenario> {
    const rules = rulesOfVenueFile(venueFile, process.cwd(), places, scenarioStartMs, 'scenario');
    const settings = settingsOf(rules);
    const log = new MemoryEventLog();
    const clock = { ms: scenarioStartMs };
    const host = await hostOn(log, settings, clock);
    await host.adoptVenue(rules.digest, false, rules.text);
    return new Scenario(settings, log, clock, host);
  }

  /** The log's clock: moved by the test, never back. */
  get clockMs(): number {
    return this.clock.ms;
  }

  set clockMs(ms: number) {
    this.clock.ms = ms;
  }

  get ledger(): Ledger {
    return this.host.ledger;
  }

  /** The log's time: the host's clock, never behind the last command's. */
  logTimeMs(): number {
    return this.host.timeMs();
  }

  /** A fresh command id. */
  id(): string {
    this.commands += 1;
    return `c${this.commands}`;
  }

  /** The command delivered and every invariant checked after it; its answer. */
  async send(command: Command): Promise<Answer> {
    const before = this.checker.before(this.ledger, command);
    const answer = await this.host.submit(command);
    const nowMs = this.host.timeMs();
    const made = new Set<string>();
    if (answer.kind === 'accepted') {
      for (const event of answer.events) {
        if (event.type === 'price_accepted' || event.type === 'volatility_set') this.epoch += 1;
        if (event.type === 'liquidation_ordered') made.add(event.order.id);
      }
    }
    const violation =
      this.checker.afterCommand(this.ledger, command, answer, before, nowMs) ??
      this.checker.afterStep(this.ledger, this.commands, nowMs, made, this.epoch);
    if (violation !== undefined) {
      expect.fail(
        `${violation.invariant} after ${command.id} (${command.type}): ${violation.detail}`,
      );
    }
    return answer;
  }

  /** A pre-trade check on the books as they are: nothing changes. */
  check(order: OrderCheck): CheckAnswer {
    return this.host.check(order);
  }

  /** Sends each command, each to be accepted; the events they made. */
  async accept(...commands: Command[]): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for (const command of commands) {
      const answer = await this.send(command);
      const outcome = answer.kind === 'rejected' ? answer.rejection : answer.kind;
      expect([command.id, command.type, outcome]).toEqual([command.id, command.type, 'accepted']);
      if (answer.kind === 'accepted') events.push(...answer.events);
    }
    return events;
  }

  /** A price tick on `feed`, sequenced after the last one accepted on it. */
  tick(feed: PriceFeed, price: string): Command {
    const sequence = (this.ledger.feeds.get(feed)?.sequence ?? 0) + 1;
    return {
      id: this.id(),
      type: 'price_tick',
      feed,
      sequence,
      timeMs: this.clockMs,
      price: d(price),
    };
  }

  /**
   * The index and mark of `underlying`'s perpetual to `price`, each sent until accepted: a move
   * beyond the guard's band is held until ticks in a row confirm it (price-guard.ts).
   */
  async price(underlying: string, price: string): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for (const feed of [`index:${underlying}`, `mark:${underlying}USDT`] as PriceFeed[]) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await this.send(this.tick(feed, price));
        if (answer.kind === 'accepted') events.push(...answer.events);
        if (this.ledger.feeds.get(feed)?.last?.price === d(price)) break;
      }
      expect(this.ledger.feeds.get(feed)?.last?.price).toBe(d(price));
    }
    return events;
  }

  /** A deposit of `amount` of `asset` at the venue (to `@insurance`: the venue seeding its fund). */
  deposit(account: string, amount: string, asset = 'USDT'): Command {
    return { id: this.id(), type: 'deposit', account, asset, amount: d(amount) };
  }

  /** An account opened in cross with `usdt` deposited. */
  async open(account: string, usdt: string): Promise<void> {
    await this.accept(
      { id: this.id(), type: 'open_account', account, poolMode: 'cross' },
      this.deposit(account, usdt),
    );
  }

  /** `taker` takes `size` of `instrument` from `maker` at `price`, no fees. */
  trade(
    instrument: string,
    taker: string,
    takerSide: 'buy' | 'sell',
    size: string,
    price: string,
    maker: string,
  ): FillCommand {
    return fillCommand(this.id(), instrument, taker, takerSide, size, price, maker);
  }

  /** `size` of a liquidation order filled at `price` by `maker`, with no fee: its command. */
  fillOf(order: LiquidationOrder, size: bigint, price: bigint, maker: string): Command {
    return {
      id: this.id(),
      ...liquidationFillOf(order, size, price, { account: maker, feeRate: 0n }),
    };
  }

  /** The host dies and starts again from its log (a torn tail cut off, as a restart does). */
  async restart(): Promise<void> {
    this.host = await hostOn(this.log, this.settings, this.clock, true);
  }

  hash(): string {
    return ledgerHash(this.ledger);
  }

  /** The state the whole log gives replayed from its first event, snapshots ignored. */
  async replayedHash(): Promise<string> {
    const opened = openMemoryEventStore(this.log);
    if (!opened.ok) throw new Error(opened.corruption.detail);
    return ledgerHash(await replayFromStart(opened.store));
  }

  usdt(account: string): bigint {
    return this.ledger.accounts.get(account)?.balances.get('USDT') ?? 0n;
  }

  size(account: string, instrument: string): bigint {
    const held = this.ledger.accounts.get(account)?.positions;
    return held?.find((p) => p.instrument === instrument)?.size ?? 0n;
  }

  /** The account's equity (USD) on the latest prices, as its margin counts it. */
  equity(account: string): bigint {
    const held = this.ledger.accounts.get(account)!;
    return marginFigures(held, this.settings.venue, ledgerPrices(this.ledger, this.clockMs)).equity;
  }

  fund(asset = 'USDT'): bigint {
    return this.ledger.house.get('@insurance')?.get(asset) ?? 0n;
  }
}

async function hostOn(
  log: MemoryEventLog,
  settings: EngineSettings,
  clock: { ms: number },
  recovering = false,
): Promise<EngineHost> {
  let opened = openMemoryEventStore(log);
  if (recovering && !opened.ok && opened.corruption.problem === 'events_beyond_head') {
    opened = openMemoryEventStore(log, { recover: opened.corruption });
  }
  if (!opened.ok) throw new Error(opened.corruption.detail);
  return EngineHost.open(opened.store, settings, () => clock.ms, 100);
}
