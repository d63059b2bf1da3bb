import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { insuranceFund } from '../../core/ledger/house-accounts.ts';
import type { Ledger } from '../../core/ledger/ledger.ts';
import { type LedgerEvent, marginStates } from '../../core/ledger/ledger-event.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { type EventStore, withAppend } from '../store/event-store.ts';
import { countOf, type MarginStateCounts } from './engine-service.ts';

/** Liquidation events counted by type alone. */
const countedPlain = new Set(['liquidation_ordered', 'liquidation_reduced', 'debt_covered']);

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process, as the
 * tests run them, count apart): commands by type and outcome and their latency, the event
 * store's append latency, accounts by margin state, stream clients.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'xmargin_commands_total',
    help: 'Commands answered, by type and outcome (accepted, duplicate, rejected by the engine, bad_input, refused for the key or rate, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandSeconds = new Histogram({
    name: 'xmargin_command_seconds',
    help: 'Time from a command read to its answer, events durable',
    labelNames: ['type'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  readonly appendSeconds = new Histogram({
    name: 'xmargin_store_append_seconds',
    help: 'Event store append latency (durable on return)',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly streamDrops = new Counter({
    name: 'xmargin_stream_drops_total',
    help: 'Stream clients closed for falling too far behind (slow consumers)',
    registers: [this.registry],
  });
  readonly streamClients = new Gauge({
    name: 'xmargin_stream_clients',
    help: 'WebSocket clients subscribed',
    registers: [this.registry],
  });

  /** Accounts by margin state, read from `states` when scraped. */
  countAccounts(states: () => MarginStateCounts): void {
    new Gauge({
      name: 'xmargin_accounts',
      help: 'Accounts by margin state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const now = states();
        for (const state of marginStates) this.set({ state }, now[countOf[state]]);
      },
    });
  }

  /** Liquidation orders outstanding and the insurance fund's balance by asset, read when scraped. */
  watchLiquidations(ledger: () => Ledger | undefined): void {
    new Gauge({
      name: 'xmargin_liquidation_orders',
      help: 'Liquidation orders outstanding, waiting for the venue’s matching engine',
      registers: [this.registry],
      collect() {
        this.set(ledger()?.liquidations.size ?? 0);
      },
    });
    new Gauge({
      name: 'xmargin_insurance_fund',
      help: 'The insurance fund’s balance by asset (below zero: a loss it could not cover)',
      labelNames: ['asset'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [asset, amount] of ledger()?.house.get(insuranceFund) ?? []) {
          this.set({ asset }, Number(formatFixed(amount)));
        }
      },
    });
  }

  /**
   * Liquidation events by type (ordered, reduced, ended, a waterfall step) as the engine makes
   * them; `reason` is an end's reason or a waterfall step's kind (backstop, auto_deleverage).
   */
  readonly liquidations = new Counter({
    name: 'xmargin_liquidation_events_total',
    help: 'Liquidation events: orders emitted, reduced by a fill, ended (by reason), waterfall steps (by step), debts the fund covered',
    labelNames: ['type', 'reason'] as const,
    registers: [this.registry],
  });

  /** Counts the liquidation events among `events`. */
  countLiquidations(events: readonly LedgerEvent[]): void {
    for (const event of events) {
      if (countedPlain.has(event.type)) {
        this.liquidations.inc({ type: event.type, reason: '' });
      } else if (event.type === 'liquidation_ended') {
        this.liquidations.inc({ type: event.type, reason: event.reason });
      } else if (event.type === 'waterfall_step') {
        this.liquidations.inc({ type: event.type, reason: event.step });
      }
    }
  }

  /** Each source an index from several sources left out, by asset, source and why. */
  readonly sourcesExcluded = new Counter({
    name: 'xmargin_index_sources_excluded_total',
    help: 'Sources an index from several sources left out at a tick, by asset, source and reason (silent, stale, at_bound, deviating)',
    labelNames: ['asset', 'source', 'reason'] as const,
    registers: [this.registry],
  });

  /** Counts the sources the events' index ticks left out. */
  countExclusions(events: readonly LedgerEvent[]): void {
    for (const event of events) {
      if (event.type !== 'price_held' || event.excluded === undefined) continue;
      const asset = event.feed.slice('index:'.length, event.feed.indexOf('@'));
      for (const { source, reason } of event.excluded) {
        this.sourcesExcluded.inc({ asset, source, reason });
      }
    }
  }

  /**
   * Each index from several sources: 1 while too few of them are healthy (engine/index-sources.ts:
   * no new risk on it, liquidation paused), else 0; read when scraped.
   */
  watchIndexes(ledger: () => Ledger | undefined): void {
    new Gauge({
      name: 'xmargin_index_unreliable',
      help: 'Whether an index from several sources has too few healthy ones (no new risk, liquidation paused)',
      labelNames: ['asset'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const feeds = ledger()?.feeds ?? new Map();
        for (const feed of feeds.keys()) {
          const at = feed.indexOf('@');
          if (!feed.startsWith('index:') || at < 0) continue;
          const asset = feed.slice('index:'.length, at);
          const unreliable = feeds.get(`index:${asset}`)?.unreliableSinceMs !== undefined;
          this.set({ asset }, unreliable ? 1 : 0);
        }
      },
    });
  }

  /** The store with each append timed. */
  timed(store: EventStore): EventStore {
    const seconds = this.appendSeconds;
    return withAppend(store, async (events) => {
      const end = seconds.startTimer();
      try {
        return await store.append(events);
      } finally {
        end();
      }
    });
  }
}
