import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/engine/command.ts';
import { sourceFeed } from '../../src/core/engine/index-sources.ts';
import type { LedgerEvent } from '../../src/core/ledger/ledger-event.ts';
import { d } from '../kit.ts';
import { Scenario, scenarioVenueFile } from './scenario-kit.ts';

// SCENARIOS.md S13 (Venus, LUNA 2022): a feed pinned at its floor while the market falls through
// it. S14 (Deribit, 2019): one of an index's seven constituents prints far from the
// others for 75 minutes; in the variant, four of the seven stop, the market is unreliable, and
// liquidations pause for a bounded time. Every invariant of C0 is checked after every command
// (scenario-kit.ts).

const sources = ['binance', 'okx', 'bybit', 'coinbase', 'kraken', 'bitstamp', 'gemini'];
const pauseMaxMs = 900_000;

async function sevenSourceVenue(): Promise<Scenario> {
  const file = scenarioVenueFile({
    buffer: '0',
    feeRate: '0.01',
    maxPortion: '1',
    minNotional: '1',
  });
  (file.rulebook as Record<string, unknown>).index = {
    BTC: {
      sources,
      minHealthy: '4',
      maxDeviation: '0.03',
      staleAfterMs: '60000',
      pauseMaxMs: String(pauseMaxMs),
    },
  };
  const s = await Scenario.open(file);
  await s.accept(s.tick('index:USDT', '1'));
  await s.accept(...sources.map((source) => sourceTick(s, source, '95000')));
  await s.accept(s.tick('mark:BTCUSDT', '95000'));
  await s.open('mm', '10000000');
  // Alice: 1 BTC long at 95,000 on 2,000 USDT. Maintenance is 0.4 % of the notional, so she is
  // liquidatable below 93,373.49 (2,000 + m − 95,000 < 0.004 m); bob has room to spare.
  await s.open('alice', '2000');
  await s.open('bob', '50000');
  await s.accept(
    s.trade('BTCUSDT', 'alice', 'buy', '1', '95000', 'mm'),
    s.trade('BTCUSDT', 'bob', 'buy', '0.1', '95000', 'mm'),
  );
  return s;
}

/** A tick of `asset`'s index (BTC's unless named) from `source`, stamped at the log's time. */
function sourceTick(s: Scenario, source: string, price: string, asset = 'BTC'): Command {
  const feed = sourceFeed(asset, source);
  return {
    id: s.id(),
    type: 'price_tick',
    feed: `index:${asset}`,
    source,
    sequence: (s.ledger.feeds.get(feed)?.sequence ?? 0) + 1,
    timeMs: s.clockMs,
    price: d(price),
  };
}

/** Each of `sources` of `asset`'s index to `price`, each sent until its guard accepts it. */
async function sourcesTo(
  s: Scenario,
  asset: string,
  sources: readonly string[],
  price: string,
): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  for (const source of sources) {
    for (let attempt = 0; attempt < 5; attempt++) {
      events.push(...(await s.accept(sourceTick(s, source, price, asset))));
      if (s.ledger.feeds.get(sourceFeed(asset, source))?.last?.price === d(price)) break;
    }
  }
  return events;
}

const ordered = (events: readonly LedgerEvent[]) =>
  events.filter((e) => e.type === 'liquidation_ordered');

describe('S14: one bad index constituent', () => {
  it('moves the index not at all for 75 minutes, names the source each time, and liquidates no one', async () => {
    const s = await sevenSourceVenue();
    // A source's tick that leaves every source healthy and the median where it was: its own
    // feed's event alone, naming no one.
    const quiet = await s.accept(sourceTick(s, 'binance', '95000'));
    expect(quiet).toEqual([
      {
        type: 'price_held',
        feed: sourceFeed('BTC', 'binance'),
        state: s.ledger.feeds.get(sourceFeed('BTC', 'binance')),
      },
    ]);
    const events: LedgerEvent[] = [];
    for (let minute = 1; minute <= 75; minute++) {
      s.clockMs += 60_000;
      for (const source of sources) {
        events.push(
          ...(await s.accept(sourceTick(s, source, source === 'gemini' ? '78900' : '95000'))),
        );
      }
      events.push(...(await s.accept(s.tick('mark:BTCUSDT', '95000'))));
      expect(s.ledger.assetPrices.get('BTC')).toBe(d('95000'));
    }
    // Held by its own guard until its third tick confirmed the jump, then left out as deviating.
    const geminiTicks = events.filter(
      (e) => e.type === 'price_held' && e.feed === sourceFeed('BTC', 'gemini'),
    );
    expect(geminiTicks).toHaveLength(75);
    const named = geminiTicks.filter((e) => e.type === 'price_held' && e.excluded !== undefined);
    expect(named.length).toBeGreaterThanOrEqual(72);
    for (const e of named) {
      expect(e.type === 'price_held' && e.excluded).toEqual([
        { source: 'gemini', reason: 'deviating' },
      ]);
    }
    expect(ordered(events)).toEqual([]);
    expect(s.ledger.marginStates.get('alice') ?? 'healthy').not.toBe('liquidatable');
  });

  it('refuses a tick with no source, or from a source the index does not list', async () => {
    const s = await sevenSourceVenue();
    const plain = await s.send(s.tick('index:BTC', '95000'));
    const stranger = await s.send(sourceTick(s, 'unlisted', '95000'));
    for (const answer of [plain, stranger]) {
      expect(answer.kind === 'rejected' && answer.rejection).toEqual({
        code: 'source_not_found',
        field: 'source',
      });
    }
  });
});

describe('S14 variant: four of seven sources stop', () => {
  it('marks the market unreliable, takes no new risk on it, pauses liquidation for its bound, then liquidates', async () => {
    const s = await sevenSourceVenue();
    const live = sources.slice(0, 3);
    // Four sources fall silent; after a minute they are stale, and three are too few.
    s.clockMs += 61_000;
    const marked = await s.accept(sourceTick(s, 'binance', '95000'));
    const sinceMs = s.logTimeMs();
    expect(marked.at(-1)).toMatchObject({
      type: 'price_held',
      feed: 'index:BTC',
      state: { unreliableSinceMs: sinceMs },
    });
    expect(s.ledger.assetPrices.get('BTC')).toBe(d('95000'));
    // No new risk: neither an order nor money out, for anyone whose margin reads BTC.
    const order: Command = {
      id: s.id(),
      type: 'place_order',
      account: 'bob',
      orderId: 'b1',
      instrument: 'BTCUSDT',
      side: 'buy',
      size: d('0.01'),
      price: d('94000'),
    };
    const withdrawal: Command = {
      id: s.id(),
      type: 'withdraw',
      account: 'bob',
      asset: 'USDT',
      amount: d('10'),
    };
    // Carol holds only USDT: her order on BTCUSDT reads BTC's index all the same.
    await s.open('carol', '50000');
    const carols = { ...order, id: s.id(), account: 'carol', orderId: 'c1' } as Command;
    for (const command of [order, withdrawal, carols]) {
      const answer = await s.send(command);
      expect(answer.kind === 'rejected' && answer.rejection.code).toBe('price_unreliable');
    }
    // The venue's book falls; alice is below maintenance on the mark, but not liquidated while
    // the index is unreliable, up to its pause.
    const paused: LedgerEvent[] = [];
    while (s.clockMs + 60_000 < sinceMs + pauseMaxMs) {
      s.clockMs += 60_000;
      for (const source of live) paused.push(...(await s.accept(sourceTick(s, source, '93000'))));
      paused.push(...(await s.accept(s.tick('mark:BTCUSDT', '93000'))));
    }
    expect(s.ledger.marginStates.get('alice')).toBe('liquidatable');
    expect(ordered(paused)).toEqual([]);
    expect(s.ledger.assetPrices.get('BTC')).toBe(d('95000'));
    // Past the pause, the next event that touches her liquidates her at the price held.
    s.clockMs = sinceMs + pauseMaxMs;
    const after = await s.accept(s.tick('mark:BTCUSDT', '93000'));
    expect(ordered(after).map((e) => e.type === 'liquidation_ordered' && e.order.account)).toEqual([
      'alice',
    ]);
    // The silent four come back at 95,000: with the three at 93,000, the median is the price the
    // index held, and the index is reliable again (the mark cleared), and bob may trade.
    s.clockMs += 1_000;
    await s.accept(...sources.slice(3).map((source) => sourceTick(s, source, '95000')));
    expect(s.ledger.assetPrices.get('BTC')).toBe(d('95000'));
    expect(s.ledger.feeds.get('index:BTC')?.unreliableSinceMs).toBeUndefined();
    await s.accept({ ...order, id: s.id() });
    await s.restart();
    expect(await s.replayedHash()).toBe(s.hash());
  });
});

describe('S13: an oracle pinned at its floor', () => {
  it('leaves the pinned sources out, marks the market unreliable, and refuses the borrow against it', async () => {
    const file = scenarioVenueFile({
      buffer: '0',
      feeRate: '0.01',
      maxPortion: '1',
      minNotional: '1',
    });
    const rulebook = file.rulebook as Record<string, Record<string, unknown>>;
    rulebook.collateral = {
      ...rulebook.collateral,
      ALT: { tiers: [{ upTo: null, initialWeight: '0.5', maintenanceWeight: '0.6' }] },
    };
    const feeds = ['chainlink', 'pyth', 'redstone'];
    rulebook.index = {
      ALT: {
        sources: feeds,
        minHealthy: '2',
        maxDeviation: '0.05',
        staleAfterMs: '60000',
        pauseMaxMs: '600000',
        // Each source's own feed clamps at 0.107 (Chainlink's minAnswer for LUNA).
        floor: '0.107',
      },
    };
    const s = await Scenario.open(file);
    await s.accept(s.tick('index:USDT', '1'));
    await s.price('BTC', '95000');
    const everySource = (price: string) => sourcesTo(s, 'ALT', feeds, price);
    await everySource('0.5');
    expect(s.ledger.assetPrices.get('ALT')).toBe(d('0.5'));
    // The attacker deposits 10,000,000 ALT, worth 2,500,000 USD of collateral at 0.5 × 0.5.
    await s.accept(
      { id: s.id(), type: 'open_account', account: 'attacker', poolMode: 'cross' },
      s.deposit('attacker', '10000000', 'ALT'),
    );
    // The market falls through the floor: every source pins at 0.107.
    s.clockMs += 60_000;
    await everySource('0.3');
    s.clockMs += 60_000;
    const pinned = await everySource('0.107');
    const alerts = pinned.filter((e) => e.type === 'price_held' && e.excluded !== undefined);
    expect(alerts.at(-1)).toMatchObject({
      excluded: feeds.map((source) => ({ source, reason: 'at_bound' })),
    });
    expect(s.ledger.feeds.get('index:ALT')?.unreliableSinceMs).toBe(s.logTimeMs());
    // The borrow: a long of 100 BTC on the ALT (its pre-trade check, and its order on the book),
    // and a million USDT it does not hold: each refused, nothing moved.
    const before = s.hash();
    const long = {
      account: 'attacker',
      instrument: 'BTCUSDT',
      side: 'buy',
      size: d('100'),
    } as const;
    expect(s.check(long)).toEqual({
      kind: 'refused',
      rejection: { code: 'price_unreliable', field: 'instrument' },
    });
    const order = await s.send({
      id: s.id(),
      type: 'place_order',
      orderId: 'a1',
      price: d('95000'),
      ...long,
    });
    const borrow = await s.send({
      id: s.id(),
      type: 'withdraw',
      account: 'attacker',
      asset: 'USDT',
      amount: d('1000000'),
    });
    for (const answer of [order, borrow]) {
      expect(answer.kind === 'rejected' && answer.rejection.code).toBe('price_unreliable');
    }
    expect(s.hash()).toBe(before);
    // Owing nothing, it may still take its own ALT back: nothing is valued against it.
    await s.accept({
      id: s.id(),
      type: 'withdraw',
      account: 'attacker',
      asset: 'ALT',
      amount: d('1'),
    });
  });
});

/**
 * S2's venue: wBETH taken as collateral (0.9 initial, 0.95 maintenance), redeeming for 1.07 ETH,
 * its index the median of three external venues and our own thin book. Account C holds 110 wBETH
 * (424,897 USD of maintenance value at 4,066) and is long 2,500,000 ALTUSDT at 1 (MM 318,872.5 at
 * the preset's tiers): 1.33 × its maintenance.
 */
async function wrappedVenue(): Promise<{
  s: Scenario;
  everySource: (price: string, only?: string[]) => Promise<LedgerEvent[]>;
}> {
  const file = scenarioVenueFile({
    buffer: '0',
    feeRate: '0.01',
    maxPortion: '1',
    minNotional: '1',
  });
  file.assets = [...(file.assets as object[]), { id: 'wBETH', name: 'Wrapped Beacon ETH' }];
  const rulebook = file.rulebook as Record<string, Record<string, unknown>>;
  rulebook.collateral = {
    ...rulebook.collateral,
    wBETH: {
      tiers: [{ upTo: null, initialWeight: '0.9', maintenanceWeight: '0.95' }],
      redemption: { asset: 'ETH', rate: '1.07' },
    },
  };
  const feeds = ['binance', 'okx', 'bybit', 'local'];
  rulebook.index = {
    wBETH: {
      sources: feeds,
      minHealthy: '3',
      maxDeviation: '0.03',
      staleAfterMs: '120000',
      pauseMaxMs: '600000',
    },
  };
  const s = await Scenario.open(file);
  const everySource = (price: string, only = feeds) => sourcesTo(s, 'wBETH', only, price);
  await s.accept(s.tick('index:USDT', '1'));
  await s.price('ETH', '3800');
  await s.price('ALT', '1');
  await everySource('4066');
  await s.open('mm', '10000000');
  await s.accept(
    { id: s.id(), type: 'open_account', account: 'C', poolMode: 'cross' },
    s.deposit('C', '110', 'wBETH'),
    s.trade('ALTUSDT', 'C', 'buy', '2500000', '1', 'mm'),
  );
  expect(s.ledger.marginStates.get('C') ?? 'healthy').not.toBe('liquidatable');
  return { s, everySource };
}

describe('S2: wrapped collateral priced off our own thin book', () => {
  it('leaves the local print out for 40 minutes: C is not liquidated, and the local depeg is named', async () => {
    const { s, everySource } = await wrappedVenue();
    const events: LedgerEvent[] = [];
    for (let minute = 1; minute <= 40; minute++) {
      s.clockMs += 60_000;
      events.push(...(await everySource('4066', ['binance', 'okx', 'bybit'])));
      // Our book prints 430 several times a minute: its own guard, holding the jump, takes it as
      // confirmed; the median then leaves it out.
      for (let print = 0; print < 3; print++) {
        events.push(...(await s.accept(sourceTick(s, 'local', '430', 'wBETH'))));
      }
    }
    expect(s.ledger.feeds.get(sourceFeed('wBETH', 'local'))?.last?.price).toBe(d('430'));
    expect(s.ledger.assetPrices.get('wBETH')).toBe(d('4066'));
    expect(
      events.some(
        (e) =>
          e.type === 'price_held' &&
          e.excluded?.some((x) => x.source === 'local' && x.reason === 'deviating'),
      ),
    ).toBe(true);
    expect(ordered(events)).toEqual([]);
    expect(s.ledger.marginStates.get('C') ?? 'healthy').not.toBe('liquidatable');
  });

  it('counts a pumped market at no more than it redeems for: 1.07 × the ETH index', async () => {
    const { s, everySource } = await wrappedVenue();
    for (const price of ['4400', '4800', '5200', '6000']) {
      s.clockMs += 60_000;
      await everySource(price);
    }
    expect(s.ledger.feeds.get('index:wBETH')?.last?.price).toBe(d('6000'));
    expect(s.ledger.assetPrices.get('wBETH')).toBe(d('4066'));
    // ETH up 5 %: the cap rises with it, in the record of ETH's own tick.
    s.clockMs += 60_000;
    await s.price('ETH', '3990');
    expect(s.ledger.assetPrices.get('wBETH')).toBe(d('4269.3'));
  });
});

describe('S3 (b): a real depeg, every venue falling', () => {
  it('is followed: the guard that kept the local print out lets the market through, and C is liquidated', async () => {
    const { s, everySource } = await wrappedVenue();
    const events: LedgerEvent[] = [];
    for (const price of ['3900', '3700', '3500', '3300', '3100', '2900']) {
      s.clockMs += 60_000;
      events.push(...(await everySource(price)));
    }
    expect(s.ledger.assetPrices.get('wBETH')).toBe(d('2900'));
    expect(
      ordered(events).map((e) => e.type === 'liquidation_ordered' && e.order.account),
    ).toContain('C');
  });
});
