import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/core/ledger/ledger-event.ts';
import { d } from '../kit.ts';
import { Scenario, scenarioVenueFile, wholeCloseWithWaterfall } from './scenario-kit.ts';

// SCENARIOS.md S16 (dYdX, YFI 2023): a cluster of accounts builds one market's open interest far
// past what its book could absorb, then the price breaks. Scaled to a test: the venue limits
// ALTUSDT's open interest to 100,000 contracts. Every invariant of C0 is checked after every
// command (scenario-kit.ts).

const liquidation = wholeCloseWithWaterfall;

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

describe('S18: the venue’s own token as collateral', () => {
  it('counts at its capped weight, and the venue takes no more of it than its supply cap', async () => {
    // V (ALT here) counted at 0.25 for initial margin (0.3 for maintenance), and the venue takes
    // at most 2,000,000 of it from every account together.
    const file = scenarioVenueFile(liquidation);
    const rulebook = file.rulebook as Record<string, Record<string, unknown>>;
    rulebook.collateral = {
      ...rulebook.collateral,
      ALT: {
        tiers: [{ upTo: null, initialWeight: '0.25', maintenanceWeight: '0.3' }],
        depositLimit: '2000000',
      },
    };
    const s = await Scenario.open(file);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('BTC', '95000');
    // F bought V up 88 % and posts it at the high price.
    for (const price of ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.88']) {
      await s.price('ALT', price);
    }
    await s.open('mm', '10000000');
    await s.accept(
      { id: s.id(), type: 'open_account', account: 'F', poolMode: 'cross' },
      s.deposit('F', '1500000', 'ALT'),
    );
    // 600,000 more would take the venue's ALT to 2,100,000: refused; 499,999 is taken.
    const more = await s.send(s.deposit('F', '600000', 'ALT'));
    expect(more.kind === 'rejected' && more.rejection).toEqual({
      code: 'bank_limit_exceeded',
      field: 'amount',
    });
    await s.accept(s.deposit('F', '499999', 'ALT'));
    expect(s.ledger.venueTotals.get('ALT')?.deposits).toBe(d('1999999'));
    // Its 1,999,999 ALT at 1.88 are worth 3,759,998.12 USD and count 0.25 of it, 939,999.53:
    // a BTC long whose initial margin needs more is refused, whatever the token's price says.
    const check = (size: string) =>
      s.check({ account: 'F', instrument: 'BTCUSDT', side: 'buy', size: d(size) });
    const counted = check('0.001');
    const alt = counted.kind === 'checked' ? counted.after.buckets[0]!.collateral : [];
    expect(alt.find((line) => line.asset === 'ALT')?.initialValue).toBe(d('939999.53'));
    const large = check('500');
    expect(large.kind === 'checked' && large.judgement.verdict).toBe('initial_margin_insufficient');
    const modest = check('10');
    expect(modest.kind === 'checked' && modest.judgement.verdict).toBe('accepted');
  });
});
