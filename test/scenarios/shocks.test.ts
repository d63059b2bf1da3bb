import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/core/ledger/ledger-event.ts';
import { d } from '../kit.ts';
import { altFuture, Scenario, scenarioVenueFile, wholeCloseWithWaterfall } from './scenario-kit.ts';

// SCENARIOS.md S8, S12, S19, S22, S27 and S28: an outage with commands queued, a collateral that
// goes to zero, funding that outruns an account's equity, a market settled by the venue far from
// its oracle, a crash in the middle of a liquidation, and a clock that jumps. Every invariant of C0 is checked
// after every command (scenario-kit.ts).

const liquidation = wholeCloseWithWaterfall;

/** The scenario venue, ALT taken as collateral at 50 % (60 % for maintenance). */
function altCollateralVenue(): Record<string, unknown> {
  const file = scenarioVenueFile(liquidation);
  const rulebook = file.rulebook as { collateral: Record<string, unknown> };
  rulebook.collateral = {
    ...rulebook.collateral,
    ALT: { tiers: [{ upTo: null, initialWeight: '0.5', maintenanceWeight: '0.6' }] },
  };
  return file;
}

/** Each of the account's outstanding orders filled whole at its limit by `maker`; the events. */
async function fillOrders(s: Scenario, account: string, maker: string): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  for (const order of [...s.ledger.liquidations.values()].filter((o) => o.account === account)) {
    events.push(...(await s.accept(s.fillOf(order, order.size, order.limitPrice, maker))));
  }
  return events;
}

const covers = (events: readonly LedgerEvent[]) =>
  events.flatMap((e) =>
    'movements' in e
      ? e.movements.filter((m) => m.reason === 'insurance-cover' && m.account === '@insurance')
      : [],
  );

describe('S12: collateral goes to zero', () => {
  it('liquidates the account, books its bad debt to the fund once, and touches no one else', async () => {
    const s = await Scenario.open(altCollateralVenue());
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.price('BTC', '95000');
    await s.open('mm', '10000000');
    await s.open('backstop', '1000000');
    await s.open('bystander', '50000');
    await s.accept(
      s.deposit('@insurance', '500000'),
      // L: 100,000 ALT of collateral (30,000 USD of maintenance value at 1.0), long 200,000
      // ALT-PERP: everything it has is on ALT.
      { id: s.id(), type: 'open_account', account: 'L', poolMode: 'cross' },
      s.deposit('L', '100000', 'ALT'),
      s.trade('ALTUSDT', 'L', 'buy', '200000', '1', 'mm'),
      s.trade('BTCUSDT', 'bystander', 'buy', '0.1', '95000', 'mm'),
    );
    const bystander = s.ledger.accounts.get('bystander');
    const fundBefore = s.fund();
    // ALT: 1 → 0.3 → 0.01 → 0.0001 (each move confirmed by ticks in a row, as the guard asks).
    const events: LedgerEvent[] = [];
    for (const price of ['0.3', '0.01', '0.0001']) {
      s.clockMs += 60_000;
      events.push(...(await s.price('ALT', price)));
      events.push(...(await fillOrders(s, 'L', 'mm')));
    }
    // L is flat and its equity not below zero (what USDT it owes, its last ALT covers); what it
    // lost beyond its collateral the fund paid, each payment an explicit event, and the fund's
    // drawdown is exactly their sum less the fees it took.
    expect(s.size('L', 'ALTUSDT')).toBe(0n);
    expect(s.equity('L') >= 0n).toBe(true);
    expect(events.filter((e) => e.type === 'debt_covered').length).toBeGreaterThan(0);
    const paid = covers(events).reduce((sum, m) => sum - m.amount, 0n);
    expect(paid > 0n).toBe(true);
    expect(fundBefore - s.fund()).toBe(paid - feesTo(events));
    // No one else bore any of it.
    expect(s.ledger.accounts.get('bystander')).toEqual(bystander);
    expect(await s.replayedHash()).toBe(s.hash());
  });
});

/** What the events paid the fund in liquidation fees. */
function feesTo(events: readonly LedgerEvent[]): bigint {
  return events
    .flatMap((e) => ('movements' in e ? e.movements : []))
    .filter((m) => m.reason === 'liquidation-fee' && m.account === '@insurance')
    .reduce((sum, m) => sum + m.amount, 0n);
}

describe('S19: funding that outruns the equity', () => {
  it('is zero-sum each interval and leaves no equity below zero: the account is liquidated, a loss past its equity the fund’s', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidation));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.open('mm', '10000000');
    await s.open('backstop', '1000000');
    await s.open('H', '5000');
    await s.accept(s.deposit('@insurance', '20000'));
    // H short 15,000 ALT at 1.0 over 5,000 USDT (3×).
    await s.accept(s.trade('ALTUSDT', 'H', 'sell', '15000', '1', 'mm'));
    const intervalMs = 8 * 3_600_000;
    let fundingMs = s.clockMs - (s.clockMs % intervalMs) + intervalMs;
    let liquidated = false;
    // The price climbs 8 % an interval and funding is at a 2 % cap each time, the shorts paying.
    for (let k = 1; k <= 20 && !liquidated; k++) {
      s.clockMs = fundingMs;
      await s.price('ALT', (1.08 ** k).toFixed(4));
      const paid = await s.accept({
        id: s.id(),
        type: 'funding',
        instrument: 'ALTUSDT',
        fundingMs,
        intervalMs,
        rate: d('0.02'),
      });
      // Zero-sum: what the shorts paid the longs received (no fee on funding).
      const net = paid
        .flatMap((e) => ('movements' in e ? e.movements : []))
        .filter((m) => m.reason === 'funding')
        .reduce((sum, m) => sum + m.amount, 0n);
      expect(net).toBe(0n);
      liquidated = [...s.ledger.liquidations.values()].some((o) => o.account === 'H');
      fundingMs += intervalMs;
    }
    // Ordered liquidated; its equity, after the fund paid what the fill lost past it, not below zero.
    expect(liquidated).toBe(true);
    await fillOrders(s, 'H', 'mm');
    expect(s.size('H', 'ALTUSDT')).toBe(0n);
    expect(s.equity('H') >= 0n).toBe(true);
  });
});

describe('S27: a crash during a liquidation', () => {
  it('comes back from a torn append to the state before it, and the fill sent again gives the state a run without the crash gives', async () => {
    // Two venues fed the same commands; one crashes while appending the liquidation's fill.
    const build = async () => {
      const s = await Scenario.open(scenarioVenueFile(liquidation));
      await s.accept(s.tick('index:USDT', '1'));
      await s.price('ALT', '1');
      await s.open('mm', '10000000');
      await s.open('backstop', '1000000');
      await s.open('v', '1000');
      await s.accept(s.trade('ALTUSDT', 'v', 'buy', '20000', '1', 'mm'));
      s.clockMs += 60_000;
      await s.price('ALT', '0.96');
      const order = [...s.ledger.liquidations.values()].find((o) => o.account === 'v')!;
      expect(order).toBeDefined();
      const fill = {
        ...s.fillOf(order, order.size, order.limitPrice, 'mm'),
        id: 'liquidation-fill',
      };
      return { s, fill };
    };
    const clean = await build();
    await clean.s.accept(clean.fill);

    const crashed = await build();
    const before = crashed.s.hash();
    const rows = crashed.s.log.events.length;
    const head = crashed.s.log.head;
    await crashed.s.send(crashed.fill);
    const written = crashed.s.log.events.length - rows;
    expect(written).toBeGreaterThan(1);
    // The append torn: part of the fill's record on disk past the head, never acknowledged.
    crashed.s.log.events.length = rows + Math.floor(written / 2);
    crashed.s.log.head = head;
    await crashed.s.restart();
    // All the record's legs or none: the state before the fill, the order still outstanding.
    expect(crashed.s.hash()).toBe(before);
    expect(crashed.s.ledger.liquidations.size).toBe(1);
    // Sent again (no answer came), it takes effect once; sent a third time, it is a repeat.
    await crashed.s.accept(crashed.fill);
    expect((await crashed.s.send(crashed.fill)).kind).toBe('duplicate');
    expect(crashed.s.hash()).toBe(clean.s.hash());
    expect(await crashed.s.replayedHash()).toBe(clean.s.hash());
  });
});

describe('S22: an administrative settlement', () => {
  it('closes every position at the settlement price in one zero-sum event, the same on replay', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidation));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '0.5');
    await s.accept(s.tick(`mark:${altFuture}`, '0.5'));
    for (const account of ['mm', 'x', 'y', 'z']) await s.open(account, '100000');
    await s.accept(
      s.trade(altFuture, 'x', 'buy', '60000', '0.5', 'mm'),
      s.trade(altFuture, 'y', 'buy', '40000', '0.5', 'mm'),
      s.trade(altFuture, 'z', 'sell', '30000', '0.5', 'y'),
    );
    const before = new Map([...s.ledger.accounts].map(([id, a]) => [id, a.balances.get('USDT')!]));
    // At its expiry the venue settles it at 0.0095, the oracle still at 0.5.
    s.clockMs = Date.UTC(2026, 11, 25, 8);
    const settled = await s.accept({
      id: s.id(),
      type: 'settle_expiry',
      instrument: altFuture,
      price: d('0.0095'),
    });
    const event = settled.find((e) => e.type === 'expiry_settled');
    expect(event).toBeDefined();
    // One event closes them all, and the PnL it moves sums to zero over the accounts.
    const pnl = [...s.ledger.accounts].reduce(
      (sum, [id, a]) => sum + (a.balances.get('USDT')! - before.get(id)!),
      0n,
    );
    expect(pnl).toBe(0n);
    // x lost (0.5 − 0.0095) × 60,000 = 29,430; z, short 30,000 from y, gained 14,715.
    expect(s.usdt('x')).toBe(d('70570'));
    expect(s.usdt('z')).toBe(d('114715'));
    for (const account of ['mm', 'x', 'y', 'z']) expect(s.size(account, altFuture)).toBe(0n);
    // Settled once: a second settlement is refused.
    const again = await s.send({
      id: s.id(),
      type: 'settle_expiry',
      instrument: altFuture,
      price: d('0.5'),
    });
    expect(again).toMatchObject({ rejection: { code: 'instrument_settled' } });
    expect(await s.replayedHash()).toBe(s.hash());
  });
});

describe('S28: clock anomalies', () => {
  it('funds each interval exactly once on log time, and the log clock never goes back', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidation));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.open('mm', '100000');
    await s.open('long', '100000');
    await s.accept(s.trade('ALTUSDT', 'long', 'buy', '10000', '1', 'mm'));
    const intervalMs = 8 * 3_600_000;
    const fundingMs = s.clockMs - (s.clockMs % intervalMs) + intervalMs;
    const funding = (at: number) => ({
      id: s.id(),
      type: 'funding' as const,
      instrument: 'ALTUSDT',
      fundingMs: at,
      intervalMs,
      rate: d('0.0001'),
    });
    // Before its time, an interval is not funded.
    expect(await s.send(funding(fundingMs))).toMatchObject({
      rejection: { code: 'funding_time_not_reached' },
    });
    s.clockMs = fundingMs + 90_000;
    await s.accept(funding(fundingMs));
    const logTime = s.logTimeMs();
    // The host's clock jumps back an hour: the interval is not funded again, the one after it
    // not yet, and the log's time does not go back.
    s.clockMs = fundingMs - 3_600_000;
    expect(await s.send(funding(fundingMs))).toMatchObject({
      rejection: { code: 'funding_interval_already_accrued' },
    });
    expect(await s.send(funding(fundingMs + intervalMs))).toMatchObject({
      rejection: { code: 'funding_time_not_reached' },
    });
    await s.accept(s.deposit('long', '1'));
    expect(s.logTimeMs() >= logTime).toBe(true);
    // The interval after it, once log time reaches it; skipping one is refused.
    s.clockMs = fundingMs + 2 * intervalMs;
    expect(await s.send(funding(fundingMs + 2 * intervalMs))).toMatchObject({
      rejection: { code: 'funding_interval_skipped' },
    });
    await s.accept(funding(fundingMs + intervalMs), funding(fundingMs + 2 * intervalMs));
  });
});

describe('S8: an engine outage with commands queued', () => {
  it('refuses on resume what outlived its time to live and every tick older than the guard allows', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidation));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('BTC', '5600');
    await s.open('mm', '10000000');
    await s.open('t', '10000');
    const issuedAtMs = s.clockMs;
    // Queued at the outage's start, each to be applied within 10 s of being sent.
    const queued = [
      { ...s.trade('BTCUSDT', 't', 'buy', '1', '5600', 'mm'), issuedAtMs, timeToLiveMs: 10_000 },
      {
        id: s.id(),
        type: 'place_order' as const,
        account: 't',
        orderId: 'stop-like',
        instrument: 'BTCUSDT',
        side: 'sell' as const,
        size: d('1'),
        price: d('5500'),
        issuedAtMs,
        timeToLiveMs: 10_000,
      },
    ];
    // The index moved to 3,800 during the outage; its ticks stamped then arrive after it.
    const during = { ...s.tick('index:BTC', '3800'), timeMs: issuedAtMs + 60_000 };
    // 25 minutes down; the engine starts again from its log.
    s.clockMs += 25 * 60_000;
    await s.restart();
    const before = s.hash();
    for (const command of queued) {
      expect(await s.send(command)).toMatchObject({
        rejection: { code: 'command_expired', field: 'timeToLiveMs' },
      });
    }
    expect(await s.send(during)).toMatchObject({ rejection: { code: 'tick_stale' } });
    expect(s.hash()).toBe(before);
    // What is sent now is applied now, on prices of now.
    await s.price('BTC', '4600');
    await s.accept(s.trade('BTCUSDT', 't', 'buy', '1', '4600', 'mm'));
    expect(s.size('t', 'BTCUSDT')).toBe(d('1'));
  });
});
