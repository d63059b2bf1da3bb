import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/core/ledger/ledger-event.ts';
import type { LiquidationOrder } from '../../src/core/ledger/liquidation-order.ts';
import { d } from '../kit.ts';
import { Scenario, scenarioVenueFile } from './scenario-kit.ts';

// SCENARIOS.md S4 and S9, scaled to a test: a crash through a thin book, every liquidation order
// met by the book only in part, the rest by the loss waterfall. Every invariant of C0 is checked
// after every command (scenario-kit.ts); each test asserts what the scenario expects on top.

const graceMs = 30_000;
const waterfall = (backstopCap: string) => ({
  buffer: '0',
  feeRate: '0.01',
  maxPortion: '1',
  minNotional: '1',
  waterfall: {
    fundFloor: '0',
    backstops: [{ account: 'backstop', maxValue: backstopCap }],
    autoDeleverage: { ranking: 'profit_times_leverage', graceMs: String(graceMs) },
  },
});

/**
 * 20 longs of ALTUSDT at 10× to 48× (sizes 10,000 to 29,000 ALT at 1.0000, each with a tenth to a
 * 48th of it as margin), bought from a market maker; two shorts in profit once ALT falls (the ADL
 * candidates, at different leverage); a backstop; an insurance fund of `fund` USDT.
 */
async function altBook(liquidation: Record<string, unknown>, fund: string) {
  const s = await Scenario.open(scenarioVenueFile(liquidation));
  await s.accept(s.tick('index:USDT', '1'));
  await s.price('ALT', '1');
  await s.open('mm', '10000000');
  await s.open('backstop', '20000');
  await s.accept(s.deposit('@insurance', fund));
  const longs: string[] = [];
  for (let k = 0; k < 20; k++) {
    const account = `long-${k}`;
    const size = 10_000 + 1_000 * k;
    const leverage = 10 + 2 * k;
    await s.open(account, (size / leverage).toFixed(2));
    await s.accept(s.trade('ALTUSDT', account, 'buy', String(size), '1', 'mm'));
    longs.push(account);
  }
  // Shorts opened at 1.0: sam at about 5× (40,000 ALT over 8,000), tia at about 2× (30,000 over
  // 15,000). Once ALT falls both are in profit; sam ranks ahead on profit × leverage.
  await s.open('sam', '8000');
  await s.open('tia', '15000');
  await s.accept(s.trade('ALTUSDT', 'sam', 'sell', '40000', '1', 'mm'));
  await s.accept(s.trade('ALTUSDT', 'tia', 'sell', '30000', '1', 'mm'));
  return { s, longs };
}

const outstanding = (s: Scenario): LiquidationOrder[] => [...s.ledger.liquidations.values()];

/**
 * The thin book: each order filled for `share` of its size (on the size step) at its limit, by the
 * market maker, then reported unfilled for the rest, so the waterfall takes it; the events made
 * and the contracts the book filled.
 */
async function drain(s: Scenario, share: number) {
  const events: LedgerEvent[] = [];
  let booked = 0n;
  let shortRefusals = 0;
  for (let round = 0; round < 10 && outstanding(s).length > 0; round++) {
    for (const order of outstanding(s)) {
      const part = (order.size * BigInt(Math.round(share * 100))) / 100n / 10n ** 18n;
      if (part > 0n) {
        const answer = await s.send(s.fillOf(order, d(String(part)), order.limitPrice, 'mm'));
        // Below its bankruptcy price the fill is the fund's loss: refused once the fund cannot pay.
        const refusal = answer.kind === 'rejected' ? answer.rejection.code : undefined;
        if (refusal === 'insurance_fund_short') shortRefusals += 1;
        else expect(refusal ?? answer.kind).toBe('accepted');
        if (answer.kind === 'accepted') {
          events.push(...answer.events);
          booked += d(String(part));
        }
      }
      if (!s.ledger.liquidations.has(order.id)) continue;
      const answer = await s.send({ id: s.id(), type: 'liquidation_unfilled', orderId: order.id });
      if (answer.kind === 'accepted') events.push(...answer.events);
    }
    // The next slice waits out any rest, on a later tick.
    s.clockMs += 5_000;
    await s.accept(s.tick('index:USDT', '1'));
  }
  return { events, booked, shortRefusals };
}

describe('S4: a liquidation cascade in a thin book, with auto-deleveraging', () => {
  it('settles every bankrupt account; the fund pays first, auto-deleveraging only the rest, in rank order', async () => {
    const { s, longs } = await altBook(waterfall('5000'), '2000');
    const fundBefore = s.fund();
    // ALT falls 45 %: every long is past its bankruptcy price (the most margined, at 10×, loses
    // 45 % of a position margined at 10 %).
    s.clockMs += 60_000;
    const crash = await s.price('ALT', '0.55');
    const ordered = crash.filter((e) => e.type === 'liquidation_ordered');
    expect(ordered.length).toBe(longs.length);
    const { events, booked, shortRefusals } = await drain(s, 0.1);
    // Every bankrupt account settled: flat, and owing nothing (INV-NONEG is checked throughout).
    for (const account of longs) {
      expect([account, s.size(account, 'ALTUSDT')]).toEqual([account, 0n]);
      expect(s.usdt(account) >= 0n).toBe(true);
    }
    expect(outstanding(s)).toEqual([]);
    const steps = events.flatMap((e) => (e.type === 'waterfall_step' ? [e] : []));
    const backstop = steps.filter((e) => e.step === 'backstop');
    const deleveraged = steps.filter((e) => e.step === 'auto_deleverage');
    expect(backstop.length).toBeGreaterThan(0);
    expect(deleveraged.length).toBeGreaterThan(0);
    // What the book filled, the backstop took (to its cap, 5,000 USD at 0.55: 9,090 ALT) and
    // auto-deleveraging took add up to every long closed; each short deleveraged holds the rest.
    const taken = (from: string) =>
      deleveraged.filter((e) => e.counterparty === from).reduce((sum, e) => sum + e.size, 0n);
    expect(booked > 0n).toBe(true);
    expect(s.size('backstop', 'ALTUSDT')).toBe(d('9090'));
    const deleveragedFrom = new Set(deleveraged.map((e) => e.counterparty));
    const allTaken = [...deleveragedFrom].reduce((sum, from) => sum + taken(from), 0n);
    expect(booked + d('9090') + allTaken).toBe(d('390000'));
    expect(s.size('sam', 'ALTUSDT')).toBe(-d('40000') + taken('sam'));
    expect(s.size('tia', 'ALTUSDT')).toBe(-d('30000') + taken('tia'));
    expect(s.size('mm', 'ALTUSDT')).toBe(-d('320000') + booked + taken('mm'));
    // The first to be deleveraged ranks highest on profit × effective leverage at 0.55: sam,
    // 45 % × 22,000 / 26,000 = 0.381 against tia's 45 % × 16,500 / 28,500 = 0.261 (each
    // deleveraging re-ranks them, so they alternate after).
    expect(deleveraged[0]!.counterparty).toBe('sam');
    // The book's fills were below bankruptcy (the mark is past every long's): the fund paid for
    // them until it could not, down to its floor (0), and the fills it could not pay were refused.
    expect(s.fund() < fundBefore).toBe(true);
    expect(s.fund() >= 0n).toBe(true);
    expect(shortRefusals).toBeGreaterThan(0);
    // The replay from the first event gives the same state.
    expect(await s.replayedHash()).toBe(s.hash());
  });
});

describe('S9: liquidation demand far above the bids', () => {
  it('fills in slices the book can take, sends only the rest down the waterfall, and drains the queue', async () => {
    const s = await Scenario.open(
      scenarioVenueFile({
        ...waterfall('20000'),
        buffer: '0.1',
        maxPortion: '0.25',
        // A slice never smaller than 1,000 USD: a position worth less is closed whole.
        minNotional: '1000',
        coolDownMs: '1000',
      }),
    );
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.open('mm', '10000000');
    await s.open('backstop', '50000');
    await s.open('sam', '8000');
    await s.accept(
      s.deposit('@insurance', '30000'),
      s.trade('ALTUSDT', 'sam', 'sell', '40000', '1', 'mm'),
    );
    // Ten longs of 20,000 ALT at 1.0000 over 1,250 to 1,475 USDT: at 0.94 each has 50 to 275
    // of equity against a maintenance margin of 2 % × 18,800 − 75 = 301, below it but not bankrupt.
    const longs: string[] = [];
    for (let k = 0; k < 10; k++) {
      const account = `long-${k}`;
      await s.open(account, String(1_250 + 25 * k));
      await s.accept(s.trade('ALTUSDT', account, 'buy', '20000', '1', 'mm'));
      longs.push(account);
    }
    s.clockMs += 60_000;
    await s.price('ALT', '0.94');
    expect(outstanding(s).length).toBe(longs.length);
    // The bids: 12,000 ALT a round in all, far short of the 200,000 to liquidate; an order the
    // round's depth cannot fill whole is reported unfilled.
    const sliceFills = new Map<string, number>();
    let unfilled = 0;
    let rounds = 0;
    for (; rounds < 20 && outstanding(s).length > 0; rounds++) {
      let depth = d('12000');
      for (const order of outstanding(s)) {
        if (depth >= order.size) {
          const answer = await s.send(s.fillOf(order, order.size, order.limitPrice, 'mm'));
          expect(answer.kind === 'rejected' ? answer.rejection.code : answer.kind).toBe('accepted');
          depth -= order.size;
          sliceFills.set(order.account, (sliceFills.get(order.account) ?? 0) + 1);
        } else {
          await s.accept({ id: s.id(), type: 'liquidation_unfilled', orderId: order.id });
          unfilled += 1;
        }
      }
      // Past the cool-down, the next tick orders each bucket's next slice.
      s.clockMs += 2_000;
      await s.accept(s.tick('index:USDT', '1'));
    }
    // Drained within the bound, with the book's fills spread over slices (an account filled in
    // two or more) and only the orders the book could not take sent down the waterfall.
    expect(outstanding(s)).toEqual([]);
    expect(rounds).toBeLessThan(20);
    expect(Math.max(...sliceFills.values())).toBeGreaterThanOrEqual(2);
    expect(unfilled).toBeGreaterThan(0);
    expect(s.ledger.marginStates.get('backstop') ?? 'healthy').not.toBe('liquidatable');
    // Every long is out of liquidation: flat, or back at maintenance × (1 + buffer) or above,
    // which the checker's INV-LIVE holds for (it is asserted after every command).
    for (const account of longs) {
      expect([account, s.ledger.marginStates.get(account) ?? 'healthy']).not.toEqual([
        account,
        'liquidatable',
      ]);
    }
    expect(await s.replayedHash()).toBe(s.hash());
  });
});
