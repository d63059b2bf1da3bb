import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conservationGaps, openInterestGaps } from '../../core/ledger/conservation.ts';
import { feeAccount } from '../../core/ledger/house-accounts.ts';
import { stateHash } from '../../core/ledger/state-hash.ts';
import { fixed } from '../../core/num/fixed.ts';
import { replay } from '../engine/engine-host.ts';
import { loadPortfolio } from '../import/load-portfolio.ts';
import type { EventToAppend } from './event-store.ts';
import { MemoryEventLog, openMemoryEventStore } from './memory-event-store.ts';

/**
 * The events of examples/engine/day.jsonl as `xmargin run --clock commands` wrote them on
 * 2026-12-01 (test/fixtures/event-log/v1-trading-day.jsonl: type, schema version, log time and
 * body of each): fills, orders, isolated margin, leverage, funding, expiry and margin states at
 * schema version 1. Replayed today, they must give the state hash that run printed then; a later
 * build that gives a type a field must keep reading these bodies to the same books.
 */
const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) =>
  readFileSync(resolve(here, `../../../test/fixtures/event-log/${name}`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EventToAppend);
const rows = fixture('v1-trading-day.jsonl');

describe('the version 1 trading-day log fixture', () => {
  it('replays to the state hash written with it, the books balanced', async () => {
    const opened = openMemoryEventStore(new MemoryEventLog());
    if (!opened.ok) throw new Error('the log did not open');
    await opened.store.append(rows);
    const { ledger } = await replay(opened.store);
    expect(ledger.events).toBe(65);
    expect(stateHash(ledger)).toBe(
      '1b4f941822cfdd587685c7b7225352e75e9177fdb3d2ac56c9f5cf52f015007d',
    );
    const { venue } = loadPortfolio('examples/engine/venue.json', { from: 'xmargin', nowMs: 0 });
    expect(conservationGaps(ledger, venue.instruments)).toEqual(new Map());
    expect(openInterestGaps(ledger)).toEqual(new Map());
    // The day's fees: every fill's taker at 0.05 %, maker at 0.02 % (the hedge venue's 0 %).
    // (142,530 + 34,015 + 19,004) × 0.07 % + 95,420 × 0.05 % = 136.8843 + 47.71
    expect(ledger.house.get(feeAccount)?.get('USDT')).toBe(fixed('184.5943'));
    // Bob's isolated ETH long (1,000 of margin, 10 from 3,401.5 down to 3,302.6) is below maintenance.
    expect([...ledger.marginStates]).toEqual([['bob', 'liquidatable']]);
    await opened.store.close();
  });
});

/**
 * The events of examples/engine/options-day.jsonl as `xmargin run --clock commands` wrote them on
 * 2026-12-02 (test/fixtures/event-log/v1-options-day.jsonl): volatility surfaces, option fills and
 * a portfolio account's margin states, at schema version 1.
 */
describe('the version 1 options-day log fixture', () => {
  it('replays to the state hash written with it, the surface as the feed last set it', async () => {
    const opened = openMemoryEventStore(new MemoryEventLog());
    if (!opened.ok) throw new Error('the log did not open');
    await opened.store.append(fixture('v1-options-day.jsonl'));
    const { ledger } = await replay(opened.store);
    expect(stateHash(ledger)).toBe(
      '5942696af28dcc29e9b054fa54609305a14cdf7324cccc99e13b502255f99ec2',
    );
    expect(ledger.volatility.get('BTC')).toEqual({
      sequence: 2,
      timeMs: Date.UTC(2026, 11, 24),
      slices: [
        {
          expiryMs: Date.UTC(2027, 2, 26, 8),
          atmVolatility: 0.9,
          b: 0.05,
          rho: -0.25,
          m: 0,
          sigma: 0.1,
        },
      ],
    });
    expect([...ledger.marginStates]).toEqual([['hedger', 'margin_call']]);
    await opened.store.close();
  });
});
