import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/core/ledger/ledger-event.ts';
import { d } from '../kit.ts';
import { Scenario, scenarioVenueFile } from './scenario-kit.ts';

// SCENARIOS.md S16 (dYdX, YFI 2023): a cluster of accounts builds one market's open interest far
// past what its book could absorb, then the price breaks. Scaled to a test: the venue limits
// ALTUSDT's open interest to 100,000 contracts. Every invariant of C0 is checked after every
// command (scenario-kit.ts).

const liquidation = {
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

describe('S16: a coordinated build-up of open interest', () => {
  it('is stopped at the market’s limit, and the crash that follows liquidates only what the limit let in', async () => {
    const file = scenarioVenueFile(liquidation);
    (file.rulebook as Record<string, unknown>).openInterestLimits = { ALTUSDT: '100000' };
    const s = await Scenario.open(file);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.open('mm', '10000000');
    await s.open('backstop', '1000000');
    await s.accept(s.deposit('@insurance', '500000'));
    // Twelve accounts of one cluster, each asking to go 10,000 ALT long at 5× (2,500 USDT each):
    // the venue's matching engine fills only what its pre-trade check passes.
    const cluster = Array.from({ length: 12 }, (_, k) => `yfi-${k}`);
    const refused: string[] = [];
    for (const account of cluster) {
      await s.open(account, '2500');
      const long = { account, instrument: 'ALTUSDT', side: 'buy', size: d('10000') } as const;
      const check = s.check(long);
      if (check.kind === 'refused') {
        expect(check.rejection).toEqual({ code: 'open_interest_limit', field: 'size' });
        refused.push(account);
        continue;
      }
      await s.accept(s.trade('ALTUSDT', account, 'buy', '10000', '1', 'mm'));
      expect(s.ledger.openInterest.get('ALTUSDT')! <= d('100000')).toBe(true);
    }
    // Ten got in, to the limit; the last two were refused before any fill.
    expect(refused).toEqual(['yfi-10', 'yfi-11']);
    expect(s.ledger.openInterest.get('ALTUSDT')).toBe(d('100000'));
    // The mm, short all of it, may still buy back: closing is never refused.
    expect(
      s.check({ account: 'mm', instrument: 'ALTUSDT', side: 'buy', size: d('50000') }).kind,
    ).toBe('checked');
    // The price breaks: −30 % in steps. Each liquidation order is filled at its limit by the mm.
    const events: LedgerEvent[] = [];
    for (const price of ['0.9', '0.8', '0.7']) {
      s.clockMs += 60_000;
      events.push(...(await s.price('ALT', price)));
      for (const order of [...s.ledger.liquidations.values()]) {
        events.push(...(await s.accept(s.fillOf(order, order.size, order.limitPrice, 'mm'))));
      }
    }
    const liquidated = new Set(
      events.flatMap((e) => (e.type === 'liquidation_ordered' ? [e.order.account] : [])),
    );
    // At 5× on 2,500, a 30 % fall takes every long in: only the ten the limit let in.
    expect([...liquidated].sort()).toEqual(cluster.slice(0, 10).sort());
    for (const account of cluster.slice(0, 10)) expect(s.size(account, 'ALTUSDT')).toBe(0n);
    expect(s.ledger.openInterest.get('ALTUSDT') ?? 0n).toBe(0n);
    await s.restart();
    expect(await s.replayedHash()).toBe(s.hash());
  });
});

describe('S7: a short dumped on the backstop (JELLY)', () => {
  it('cannot be opened past the market’s open-interest limit, nor can its linked longs', async () => {
    // J: 80,000 USD of spot depth; the venue limits its perpetual to 5 × depth, 400,000
    // contracts at 1. X asks to go 6,000,000 short, Y and Z (linked to X) 2,000,000 long each.
    const file = scenarioVenueFile(liquidation);
    (file.rulebook as Record<string, unknown>).openInterestLimits = { ALTUSDT: '400000' };
    const s = await Scenario.open(file);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    for (const [account, usdt] of [
      ['mm', '10000000'],
      ['X', '300000'],
      ['Y', '200000'],
      ['Z', '200000'],
    ] as const) {
      await s.open(account, usdt);
    }
    const ask = (account: string, side: 'buy' | 'sell', size: string) =>
      s.check({ account, instrument: 'ALTUSDT', side, size: d(size) });
    const refused = { kind: 'refused', rejection: { code: 'open_interest_limit', field: 'size' } };
    expect(ask('X', 'sell', '6000000')).toEqual(refused);
    expect(ask('Y', 'buy', '2000000')).toEqual(refused);
    // What the limit lets in: Y long 300,000 from the market maker, then Z's 100,001 is one too many.
    expect(ask('Y', 'buy', '300000').kind).toBe('checked');
    await s.accept(s.trade('ALTUSDT', 'Y', 'buy', '300000', '1', 'mm'));
    expect(ask('Z', 'buy', '100001')).toEqual(refused);
    expect(ask('Z', 'buy', '100000').kind).toBe('checked');
    // X, holding nothing, would open 300,000 more on the 300,000 open: refused; Y selling back
    // only closes, and is taken.
    expect(ask('X', 'sell', '300000')).toEqual(refused);
    expect(ask('Y', 'sell', '300000').kind).toBe('checked');
  });
});
