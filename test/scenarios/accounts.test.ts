import { describe, expect, it } from 'vitest';
import { rulesOfVenueFile } from '../../src/shell/engine/venue-rules.ts';
import { readCommandLine } from '../../src/shell/import/command-file.ts';
import { presetJson } from '../../src/shell/import/presets.ts';
import { InputError } from '../../src/shell/import/reader.ts';
import { d } from '../kit.ts';
import { Scenario, scenarioStartMs, scenarioVenueFile } from './scenario-kit.ts';

// SCENARIOS.md S10, S29 and S30: what an account may not do to the venue, whatever it is.
// Every invariant of C0 is checked after every command (scenario-kit.ts).

const liquidating = { buffer: '0', feeRate: '0.01', maxPortion: '1', minNotional: '1' };

describe('S10: a privileged account', () => {
  it('cannot be configured: an exemption is no field of the rules, nor of a command', () => {
    const file = scenarioVenueFile(liquidating);
    const rulebook = presetJson('binance-usdm') as Record<string, unknown>;
    const exempting = {
      ...file,
      rulebook: { ...rulebook, liquidation: liquidating, allowNegative: ['internal-mm'] },
    };
    let issues: readonly string[] = [];
    try {
      rulesOfVenueFile(exempting, process.cwd(), null, scenarioStartMs, 'venue.json');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues = error.issues;
    }
    expect(issues.some((issue) => /allowNegative/.test(issue) && /unknown field/.test(issue))).toBe(
      true,
    );
    // Nor can an account be opened with a credit line: the command is refused whole at the
    // boundary, naming the field.
    const line = readCommandLine(
      '{"id":"1","type":"open_account","account":"internal-mm","poolMode":"cross","creditLine":"65000000000"}',
      'commands.jsonl:1',
    );
    expect(line).toEqual({
      issues: [expect.stringMatching(/^commands\.jsonl:1: creditLine: unknown field/)],
    });
  });

  it('cannot withdraw what it does not hold; nothing changes, and no balance is left below zero', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidating));
    await s.accept(s.tick('index:USDT', '1'));
    await s.open('internal-mm', '1000');
    const before = s.hash();
    const answer = await s.send({
      id: s.id(),
      type: 'withdraw',
      account: 'internal-mm',
      asset: 'USDT',
      amount: d('8000000000'),
    });
    expect(answer).toMatchObject({ kind: 'rejected', rejection: { code: 'insufficient_balance' } });
    expect(s.hash()).toBe(before);
    // The venue's own accounts take no command a trader's would: the fund cannot be drawn on.
    const fund = await s.send({
      id: s.id(),
      type: 'withdraw',
      account: '@insurance',
      asset: 'USDT',
      amount: d('1'),
    });
    expect(fund.kind).toBe('rejected');
    for (const account of s.ledger.accounts.values()) {
      for (const [asset, amount] of account.balances) {
        expect([account.id, asset, amount >= 0n]).toEqual([account.id, asset, true]);
      }
    }
  });
});

describe('S1: self-pumped collateral and PnL (Mango)', () => {
  it('lends nothing against the pumped profit: every withdrawal past what the account put in is refused, the pool intact', async () => {
    // Scaled by a thousand: A and B, linked, 5,000 USDT each; A long 480,000 ALT-PERP at 0.038
    // from B. ALT is pumped to 0.91 (24 times) in 10 % steps, every one confirmed by the guard.
    const s = await Scenario.open(scenarioVenueFile(liquidating));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '0.038');
    for (const account of ['A', 'B']) await s.open(account, '5000');
    await s.accept(s.trade('ALTUSDT', 'A', 'buy', '480000', '0.038', 'B'));
    for (let price = 0.038; price < 0.91; ) {
      price = Math.min(0.91, price * 1.1);
      s.clockMs += 20_000;
      await s.price('ALT', price.toFixed(4));
    }
    // A's paper profit: 480,000 × (0.91 − 0.038) = 418,560 USDT. It asks for 100,000: the venue
    // lends no USDT, and the profit is not cash (`insufficient_balance`); then for 1,000 of its own
    // 5,000: its margin, profit excluded (the withdrawal rule, S6), does not cover it.
    expect(s.ledger.markPrices.get('ALTUSDT')).toBe(d('0.91'));
    const deposited = s.ledger.deposited.get('USDT');
    for (const [amount, code] of [
      ['100000', 'insufficient_balance'],
      ['1000', 'initial_margin_insufficient'],
    ] as const) {
      const answer = await s.send({
        id: s.id(),
        type: 'withdraw',
        account: 'A',
        asset: 'USDT',
        amount: d(amount),
      });
      expect(answer.kind === 'rejected' && answer.rejection).toEqual({ code, field: 'amount' });
    }
    // The pool lost nothing: not a unit of USDT left the venue; B, bankrupt on paper, is in
    // liquidation, its order out for the venue's book.
    expect(s.ledger.withdrawn.get('USDT') ?? 0n).toBe(0n);
    expect(s.ledger.deposited.get('USDT')).toBe(deposited);
    expect([...s.ledger.liquidations.values()].map((o) => o.account)).toContain('B');
  });
});

describe('S30: wash trades to move the mark', () => {
  it('are refused between an account and itself; between two, they move no mark and liquidate no one', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidating));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    for (const [account, usdt] of [
      ['a1', '100000'],
      ['a2', '100000'],
      ['mm', '1000000'],
      ['third', '1200'],
    ] as const) {
      await s.open(account, usdt);
    }
    // A third party short 10,000 ALT at 10× less a little: 20 % up would liquidate it.
    await s.accept(s.trade('ALTUSDT', 'third', 'sell', '10000', '1', 'mm'));
    const self = await s.send(s.trade('ALTUSDT', 'a1', 'buy', '100', '1.2', 'a1'));
    expect(self).toMatchObject({ kind: 'rejected', rejection: { code: 'self_trade' } });
    // Fifty crossings between the pair, each 0.4 % higher, to 1.2: the mark is the feed's, not
    // the last trade's.
    for (let k = 1; k <= 50; k++) {
      const price = (1 + 0.004 * k).toFixed(4);
      await s.accept(
        s.trade(
          'ALTUSDT',
          k % 2 === 0 ? 'a1' : 'a2',
          'buy',
          '100',
          price,
          k % 2 === 0 ? 'a2' : 'a1',
        ),
      );
    }
    expect(s.ledger.markPrices.get('ALTUSDT')).toBe(d('1'));
    expect(s.ledger.marginStates.get('third') ?? 'healthy').toBe('healthy');
    expect([...s.ledger.liquidations.values()]).toEqual([]);
  });

  it('with a basis cap, a mark the venue’s book walks 20 % up is applied at the cap, and liquidates no one', async () => {
    // The mark a venue takes from its own book follows the wash trades; the cap of 3 % holds it
    // to the index's band (mark-basis.ts).
    const file = scenarioVenueFile(liquidating);
    (file.rulebook as Record<string, unknown>).markBasisCap = '0.03';
    const s = await Scenario.open(file);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('ALT', '1');
    await s.open('mm', '1000000');
    await s.open('third', '1200');
    // Short 10,000 ALT at 1: MM at 1.03 is 515 (5 % at Binance's default), equity 900: healthy;
    // at 1.2 it would be −800.
    await s.accept(s.trade('ALTUSDT', 'third', 'sell', '10000', '1', 'mm'));
    const events = [];
    for (let k = 1; k <= 50; k++) {
      const price = (1 + 0.004 * k).toFixed(4);
      events.push(...(await s.accept(s.tick('mark:ALTUSDT', price))));
      expect(s.ledger.markPrices.get('ALTUSDT')! <= d('1.03')).toBe(true);
    }
    expect(s.ledger.markPrices.get('ALTUSDT')).toBe(d('1.03'));
    // The feed keeps what it sent; each tick past the band is applied at its edge.
    expect(s.ledger.feeds.get('mark:ALTUSDT')?.last?.price).toBe(d('1.2'));
    const applied = events.flatMap((e) =>
      e.type === 'price_accepted' && e.applied !== undefined ? [e.applied] : [],
    );
    expect(applied).toEqual(Array.from({ length: 50 - 7 }, () => d('1.03')));
    expect(s.ledger.marginStates.get('third') ?? 'healthy').not.toBe('liquidatable');
    expect([...s.ledger.liquidations.values()]).toEqual([]);
  });
});

describe('S29: rounding dust', () => {
  it('never pays a trader: 500 round trips at the minimum lot leave each side at or below its exact figure', async () => {
    const s = await Scenario.open(scenarioVenueFile(liquidating));
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('BTC', '95000.3');
    await s.open('buyer', '10000');
    await s.open('seller', '10000');
    // Each round trip: the buyer takes 0.001 BTC at 95,000.3 and 0.002 at 95,000.4 (an average
    // entry of 95,000.3666…, no finite decimal), then sells the 0.003 at 95,000.7, the seller
    // making each. Exactly, the buyer gains 0.001 a trip and the seller loses it; fees at rates
    // of 18 decimals make each fee's exact figure 22 decimals long. Exact figures below are in
    // units of 1e-22 USDT, the ledger's in 1e-18.
    const taker = d('0.000370000000000007');
    const maker = d('0.000110000000000003');
    const toExact = 10n ** 4n;
    const exact = { buyer: d('10000') * toExact, seller: d('10000') * toExact };
    const trips = 500;
    let fees = 0n;
    for (let k = 0; k < trips; k++) {
      for (const [size, price, side] of [
        ['0.001', '95000.3', 'buy'],
        ['0.002', '95000.4', 'buy'],
        ['0.003', '95000.7', 'sell'],
      ] as const) {
        await s.accept({
          ...s.trade('BTCUSDT', 'buyer', side, size, price, 'seller'),
          taker: { account: 'buyer', feeRate: taker },
          maker: { account: 'seller', feeRate: maker },
        });
        // notional (1e-18 units, exact: 4 decimals) × rate (1e-18 units) = 1e-36 units.
        const notional = (d(size) * d(price)) / 10n ** 18n;
        exact.buyer -= (notional * taker) / 10n ** 14n;
        exact.seller -= (notional * maker) / 10n ** 14n;
        fees += (notional * (taker + maker)) / 10n ** 14n;
      }
      exact.buyer += d('0.001') * toExact;
      exact.seller -= d('0.001') * toExact;
    }
    const held = { buyer: s.usdt('buyer') * toExact, seller: s.usdt('seller') * toExact };
    // Rounding is the venue's way: neither side has more than its exact figure…
    expect(held.buyer <= exact.buyer).toBe(true);
    expect(held.seller <= exact.seller).toBe(true);
    // …it did round (the figures are not whole units of the ledger), by no more than a unit a
    // charge (three fills a trip, each a fee and a PnL a side)…
    expect(held.buyer < exact.buyer).toBe(true);
    expect(exact.buyer - held.buyer <= toExact * BigInt(6 * trips)).toBe(true);
    expect(exact.seller - held.seller <= toExact * BigInt(6 * trips)).toBe(true);
    // …and what it kept is the venue's: its fee account holds at least the exact fees, the
    // market's PnL pool what the PnL's rounding kept (the books balance after every command).
    expect((s.ledger.house.get('@fees')?.get('USDT') ?? 0n) * toExact >= fees).toBe(true);
    expect((s.ledger.house.get('@pnl:BTCUSDT')?.get('USDT') ?? 0n) > 0n).toBe(true);
    expect(s.size('buyer', 'BTCUSDT')).toBe(0n);
  });
});

describe('S26: a top-up stuck in transit', () => {
  /** R mid-move from arbitrum to the venue as BTC falls 2 %, under the places' `pendingCounts`. */
  async function topUp(pendingCounts: 'source' | 'neither') {
    const places = {
      pendingCounts,
      locations: { arbitrum: { weight: '0.95', transferDelayMs: 600_000 } },
    };
    const s = await Scenario.open(scenarioVenueFile(liquidating), places);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('BTC', '95000');
    await s.open('mm', '10000000');
    await s.open('R', '1000');
    // R: 1,000 USDT at the venue and 4,000 on arbitrum (3,800 at its weight), long 2 BTC.
    await s.accept(
      {
        id: s.id(),
        type: 'deposit',
        account: 'R',
        asset: 'USDT',
        amount: d('4000'),
        location: 'arbitrum',
      },
      s.trade('BTCUSDT', 'R', 'buy', '2', '95000', 'mm'),
    );
    // The top-up to the venue starts: an event of the log, pending for 10 minutes.
    const move = {
      id: s.id(),
      type: 'move_collateral' as const,
      account: 'R',
      asset: 'USDT',
      amount: d('4000'),
      from: 'arbitrum',
      to: 'venue',
    };
    const answer = await s.send(move);
    if (answer.kind !== 'accepted') return { s, move, answer };
    expect(answer.events.map((e) => e.type)).toContain('collateral_move_started');
    // BTC falls 2 % while it moves: 3,800 lost. Counted at its source, the 4,000 keeps R's equity
    // at 1,000 over MM 0.4 % × 186,200 = 744.80; counted nowhere, R is at −2,800.
    s.clockMs += 60_000;
    await s.price('BTC', '93100');
    return { s, move, answer };
  }

  it('counted at its source while it moves, it lands once due, whole; too early it is refused, visibly', async () => {
    const { s, move } = await topUp('source');
    expect(s.ledger.pendingMoves.size).toBe(1);
    expect(s.ledger.marginStates.get('R')).not.toBe('liquidatable');
    expect(
      await s.send({ id: s.id(), type: 'settle_collateral_move', move: move.id }),
    ).toMatchObject({
      rejection: { code: 'move_not_due' },
    });
    s.clockMs += 600_000;
    await s.accept({ id: s.id(), type: 'settle_collateral_move', move: move.id });
    expect(s.ledger.pendingMoves.size).toBe(0);
    expect(s.usdt('R')).toBe(d('5000'));
    expect(await s.replayedHash()).toBe(s.hash());
  });

  it('counted nowhere while it moves (the venue’s choice), a move that would leave R short is refused at once', async () => {
    const { s, answer } = await topUp('neither');
    // In transit the 4,000 would count nowhere: R's 1,000 at the venue is short of the initial
    // margin of 2 BTC, so the move is refused, explicitly, and nothing is pending.
    expect(answer).toMatchObject({
      kind: 'rejected',
      rejection: { code: 'initial_margin_insufficient', field: 'amount' },
    });
    expect(s.ledger.pendingMoves.size).toBe(0);
  });
});
