import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { presetJson } from '../../src/shell/import/presets.ts';
import { feed, recoveringServer, testServer } from './server-kit.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
type Message = {
  type: string;
  sequence: number;
  channel?: string;
  account?: string;
  code?: string;
  state?: string;
};

const day = readFileSync('examples/engine/day.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const open: WebSocket[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const socket of open.splice(0)) socket.terminate();
  for (const t of servers.splice(0)) await t.app.close();
});

async function listening(t: Server): Promise<string> {
  servers.push(t);
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return address.replace('http', 'ws');
}

/** A server on the day's venue that warns early, at a margin ratio of 0.15. */
async function warningServer() {
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-warning-'));
  const venue = JSON.parse(readFileSync('examples/engine/venue.json', 'utf8'));
  const rulebook = { ...(presetJson('binance-usdm') as object), liquidationWarning: '0.15' };
  writeFileSync(join(folder, 'venue.json'), JSON.stringify({ ...venue, rulebook }));
  return { t: await testServer(join(folder, 'venue.json')), folder };
}

/** A server on the day's venue that liquidates (dYdX v4's rule). */
async function liquidatingServer() {
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-liquidating-'));
  const venue = JSON.parse(readFileSync('examples/engine/venue.json', 'utf8'));
  const rulebook = { ...(presetJson('binance-usdm') as object), liquidation: {} };
  writeFileSync(join(folder, 'venue.json'), JSON.stringify({ ...venue, rulebook }));
  return { t: await testServer(join(folder, 'venue.json')), folder };
}

/** A client on a real socket, collecting what it is sent. */
function connect(url: string, key: string) {
  const messages: Message[] = [];
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } });
  open.push(socket);
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const until = async (done: (m: Message[]) => boolean, ms = 10_000) => {
    const start = Date.now();
    while (!done(messages)) {
      if (Date.now() - start > ms)
        throw new Error(`timed out; got ${JSON.stringify(messages.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /** Until nothing new has come for `quietMs`. */
  const settled = async (quietMs = 200) => {
    let count = -1;
    while (count !== messages.length) {
      count = messages.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  };
  return { socket, messages, closed, until, settled };
}

/** The sequences of the log's events naming the account, read from the store. */
async function namedIn(t: Server, account: string): Promise<number[]> {
  const sequences: number[] = [];
  let from = 1;
  for (;;) {
    const page = await t.service.eventsOf(account, from, 500);
    sequences.push(...page.events.map((e) => e.sequence));
    if (page.next === undefined) return sequences;
    from = page.next;
  }
}

const accountEvents = (messages: Message[], account: string) =>
  messages
    .filter((m) => m.type === 'event' && m.channel === `account:${account}`)
    .map((m) => m.sequence);

describe('the WebSocket streams, on a real socket', () => {
  it("streams an account's events from the log and then live, each once, in order, with its margin", async () => {
    const t = await testServer();
    await feed(t, day.slice(0, 25));
    const url = await listening(t);
    const client = connect(
      `${url}/v1/stream?channels=account:alice,alerts,prices&from=1`,
      t.keys.trader,
    );
    await client.until((m) => m.some((x) => x.type === 'live'));
    await feed(t, day.slice(25));
    await client.settled();
    const seen = accountEvents(client.messages, 'alice');
    expect(seen).toEqual(await namedIn(t, 'alice'));
    expect(seen.length).toBeGreaterThan(5);
    const margins = client.messages.filter((m) => m.type === 'margin');
    expect(margins.length).toBeGreaterThan(1);
    expect(margins.every((m) => m.account === 'alice')).toBe(true);
    expect(client.messages.filter((m) => m.type === 'price').length).toBeGreaterThan(20);
  });

  it('resumes from a sequence number after a disconnect without a gap or a duplicate', async () => {
    const t = await testServer();
    await feed(t, day.slice(0, 20));
    const url = await listening(t);
    const first = connect(`${url}/v1/stream?channels=account:alice,prices&from=1`, t.keys.trader);
    await first.until((m) => m.some((x) => x.type === 'live'));
    await feed(t, day.slice(20, 30));
    await first.settled();
    first.socket.close();
    const last = Math.max(...first.messages.map((m) => m.sequence));
    // Commands land while the client is away.
    await feed(t, day.slice(30));
    const second = connect(
      `${url}/v1/stream?channels=account:alice,prices&from=${last + 1}`,
      t.keys.trader,
    );
    await second.until((m) => m.some((x) => x.type === 'live'));
    const events = (m: Message[]) =>
      m
        .filter((x) => x.type === 'event' || x.type === 'price')
        .map((x) => `${x.type}@${x.sequence}`);
    const joined = [...events(first.messages), ...events(second.messages)];
    expect(new Set(joined).size).toBe(joined.length);
    const whole = connect(`${url}/v1/stream?channels=account:alice,prices&from=1`, t.keys.trader);
    await whole.until((m) => m.some((x) => x.type === 'live'));
    expect(joined).toEqual(events(whole.messages));
  });

  it("refuses another trader's account, the book to a trader, and a stream without a key", async () => {
    const t = await testServer();
    await feed(t, day.slice(0, 12));
    const url = await listening(t);
    const carol = connect(`${url}/v1/stream?channels=account:carol`, t.keys.trader);
    expect((await carol.closed).code).toBe(4403);
    expect(carol.messages[0]).toMatchObject({ type: 'error', code: 'account_forbidden' });
    const book = connect(`${url}/v1/stream?channels=book`, t.keys.trader);
    expect((await book.closed).code).toBe(4403);
    expect(book.messages[0]).toMatchObject({ type: 'error', code: 'role_forbidden' });
    const nobody = connect(`${url}/v1/stream?channels=prices`, 'xm_0_wrong');
    expect(await nobody.closed).toEqual({ code: 4401, reason: 'key_invalid' });
    const bad = connect(`${url}/v1/stream?channels=everything`, t.keys.risk_viewer);
    expect(await bad.closed).toEqual({ code: 4400, reason: 'bad_input' });
    const viewer = connect(`${url}/v1/stream?channels=book`, t.keys.risk_viewer);
    await viewer.until((m) => m.some((x) => x.type === 'live'));
  });

  it('alerts at the venue’s warning level before liquidation, each account’s to its own trader', async () => {
    // The day's venue, warning early, at a margin ratio of 0.15: carol's long, 77 of MM on 480 of
    // equity at 96,480, is warned before 94,100.7 liquidates her, and again once 96,120.4 lifts her
    // back above maintenance (76.9 on 409).
    const { t, folder } = await warningServer();
    const url = await listening(t);
    const viewer = connect(`${url}/v1/stream?channels=alerts`, t.keys.risk_viewer);
    const trader = connect(`${url}/v1/stream?channels=alerts`, t.keys.other_trader);
    const alice = connect(`${url}/v1/stream?channels=alerts`, t.keys.trader);
    for (const client of [viewer, trader, alice]) {
      await client.until((m) => m.some((x) => x.type === 'live'));
    }
    await feed(t, day);
    await viewer.settled();
    const states = (m: Message[], account: string) =>
      m.filter((x) => x.type === 'alert' && x.account === account).map((x) => x.state);
    const carol = states(viewer.messages, 'carol');
    expect(carol).toEqual(['liquidation_warning', 'liquidatable', 'liquidation_warning']);
    // Her trader sees hers, and the other trader none of them.
    expect(states(trader.messages, 'carol')).toEqual(carol);
    expect(alice.messages.filter((x) => x.type === 'alert' && x.account === 'carol')).toEqual([]);
    // The log's counts and the metrics name the state too.
    const metrics = await t.get('/metrics');
    expect(metrics.body).toMatch(/xmargin_accounts\{state="liquidation_warning"\} \d/);
    rmSync(folder, { recursive: true });
  });

  it('streams liquidation orders to the risk viewer as they are emitted, and lists those outstanding', async () => {
    const { t, folder } = await liquidatingServer();
    const url = await listening(t);
    const viewer = connect(`${url}/v1/stream?channels=liquidations`, t.keys.risk_viewer);
    const trader = connect(`${url}/v1/stream?channels=liquidations`, t.keys.trader);
    expect(await trader.closed).toEqual({ code: 4403, reason: 'role_forbidden' });
    await viewer.until((m) => m.some((x) => x.type === 'live'));
    await feed(t, day);
    await viewer.settled();
    const events = viewer.messages
      .filter((m) => m.type === 'liquidation')
      .map((m) => (m as unknown as { event: { type: string; order: { id: string } } }).event);
    const ordered = events.filter((e) => e.type === 'liquidation_ordered').map((e) => e.order.id);
    // Bob's isolated ETH long falls below maintenance in the day: its step is ordered.
    expect(ordered.length).toBeGreaterThan(0);
    const listed = await t.get('/v1/liquidations', 'risk_viewer');
    expect(listed.statusCode).toBe(200);
    const { orders, total } = listed.json() as {
      orders: { id: string; account: string }[];
      total: number;
    };
    expect(orders.map((o) => o.id)).toEqual([...t.service.host.ledger.liquidations.keys()]);
    expect(total).toBe(orders.length);
    expect(orders.some((o) => o.account === 'bob')).toBe(true);
    // Every order listed was streamed as it was emitted.
    for (const order of orders) expect(ordered).toContain(order.id);
    expect((await t.get('/metrics')).body).toMatch(/xmargin_liquidation_orders [1-9]/);
    rmSync(folder, { recursive: true });
  });

  it('sums the book up for the risk viewer after each change: accounts by state and the riskiest', async () => {
    const { t, folder } = await warningServer();
    const url = await listening(t);
    const viewer = connect(`${url}/v1/stream?channels=book`, t.keys.risk_viewer);
    await viewer.until((m) => m.some((x) => x.type === 'live'));
    await feed(t, day);
    await viewer.settled();
    // One change more, well after the last: the riskiest are made again for it.
    await new Promise((r) => setTimeout(r, 50));
    await feed(t, [JSON.stringify({ ...JSON.parse(day[11]!), id: 'late-deposit', amount: '1' })]);
    await viewer.settled();
    type Book = Message & {
      liquidatable: number;
      riskiest: { sequence: number; accounts: { account: string; state: string }[] };
    };
    const books = viewer.messages.filter((m) => m.type === 'book') as Book[];
    const last = books.at(-1)!;
    const { marginStates, sequence } = JSON.parse((await t.get('/v1/status', 'risk_viewer')).body);
    expect(last).toMatchObject({ sequence, ...marginStates });
    const listed = JSON.parse((await t.get('/v1/accounts', 'risk_viewer')).body).accounts as {
      state: string;
    }[];
    expect(last.riskiest).toEqual({
      sequence,
      accounts: listed.filter((row) => row.state !== 'healthy'),
    });
    // Every account not healthy is there (fewer than the ten shown), carol among them.
    expect(last.riskiest.accounts).toHaveLength(t.host.ledger.marginStates.size);
    expect(last.riskiest.accounts.map((row) => row.account)).toContain('carol');
    // While bob's isolated position was liquidatable and carol warned, bob came first, though
    // his account's margin ratio (0.033) was below hers (0.16); once carol was liquidatable too,
    // she came first (ratio 16.2).
    const states = books.map((b) =>
      b.riskiest.accounts.map((row) => `${row.account}:${row.state}`).join(' '),
    );
    expect(states).toContain('bob:liquidatable carol:liquidation_warning');
    expect(states).toContain('carol:liquidatable bob:liquidatable');
    expect(books.every((b, i) => i === 0 || b.sequence > books[i - 1]!.sequence)).toBe(true);
    rmSync(folder, { recursive: true });
  });

  it('refuses a stream while the engine recovers, 4503', async () => {
    const { server, key } = await recoveringServer('risk_viewer');
    const address = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    try {
      const client = connect(`${address}/v1/stream?channels=prices`, key);
      expect(await client.closed).toEqual({ code: 4503, reason: 'recovering' });
    } finally {
      for (const socket of open.splice(0)) socket.terminate();
      await server.app.close();
    }
  });

  it('drops a client that stops reading, with a reason, and never holds the engine back', async () => {
    const t = await testServer(undefined, { streamBufferBytes: 64 * 1024 });
    await feed(t, day.slice(0, 12));
    const url = await listening(t);
    const slow = connect(`${url}/v1/stream?channels=prices,book`, t.keys.risk_viewer);
    await slow.until((m) => m.some((x) => x.type === 'live'));
    (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let sequence = 100;
    const timeMs = Date.UTC(2026, 11, 24, 0, 2);
    t.at(timeMs);
    const drops = async () => (await t.server.metrics.streamDrops.get()).values[0]?.value ?? 0;
    // The kernel's socket buffers take the first megabytes: flood until the server's own fill up.
    for (let batch = 0; batch < 400 && (await drops()) === 0; batch++) {
      const items = Array.from({ length: 500 }, () => {
        sequence++;
        return {
          id: `flood-${sequence}`,
          feed: 'mark:BTCUSDT',
          sequence,
          timeMs,
          price: String(95_000 + (sequence % 50)),
        };
      });
      const answered = await t.post('/v1/prices', { items }, 'operator');
      // The engine answers at once whatever the stream's client does.
      expect(answered.statusCode).toBe(200);
    }
    expect(await drops()).toBe(1);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect(closed).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(slow.messages.filter((m) => m.type === 'price').length).toBeLessThan(sequence - 100);
  });
});

describe('the oracle’s alerts', () => {
  it('streams each source an index leaves out, and the index marked unreliable', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xmargin-index-'));
    const venue = JSON.parse(readFileSync('examples/engine/venue.json', 'utf8'));
    const index = {
      BTC: {
        sources: ['a', 'b', 'c'],
        minHealthy: '2',
        maxDeviation: '0.02',
        staleAfterMs: '60000',
        pauseMaxMs: '600000',
      },
    };
    const rulebook = { ...(presetJson('binance-usdm') as object), index };
    writeFileSync(join(folder, 'venue.json'), JSON.stringify({ ...venue, rulebook }));
    const t = await testServer(join(folder, 'venue.json'));
    const url = await listening(t);
    const viewer = connect(`${url}/v1/stream?channels=prices`, t.keys.risk_viewer);
    await viewer.until((m) => m.some((x) => x.type === 'live'));
    const timeMs = Date.UTC(2026, 11, 24);
    t.at(timeMs);
    const item = (source: string, sequence: number, price: string, at = timeMs) => ({
      id: `${source}-${sequence}`,
      feed: 'index:BTC',
      source,
      sequence,
      timeMs: at,
      price,
    });
    // Three agree, then c prints 10 % off: it is left out, the index stays the median of a and b.
    const first = [item('a', 1, '95000'), item('b', 1, '95100'), item('c', 1, '95200')];
    expect((await t.post('/v1/prices', { items: first }, 'operator')).statusCode).toBe(200);
    const off = [1, 2, 3].map((n) => item('c', n + 1, '85000'));
    expect((await t.post('/v1/prices', { items: off }, 'operator')).statusCode).toBe(200);
    // A minute and more on, only c ticks: a and b are stale, one source is too few.
    t.at(timeMs + 61_000);
    const alone = [item('c', 5, '85000', timeMs + 61_000)];
    expect((await t.post('/v1/prices', { items: alone }, 'operator')).statusCode).toBe(200);
    await viewer.until((m) =>
      m.some((x) => x.type === 'index' && JSON.stringify(x).includes('unreliableSinceMs')),
    );
    const alerts = viewer.messages
      .filter((m) => m.type === 'index')
      .map(
        (m) =>
          (m as unknown as { event: { feed: string; excluded?: unknown; state: object } }).event,
      );
    expect(
      alerts.some((e) => JSON.stringify(e.excluded) === '[{"source":"c","reason":"deviating"}]'),
    ).toBe(true);
    expect(alerts.at(-1)).toMatchObject({
      feed: 'index:BTC',
      state: { unreliableSinceMs: timeMs + 61_000 },
    });
    expect(t.service.host.ledger.assetPrices.get('BTC')).toBe(95_050n * 10n ** 18n);
    // And in /metrics: the index unreliable, c left out as deviating (three ticks), a and b stale.
    const metrics = (await t.get('/metrics')).body;
    expect(metrics).toMatch(/xmargin_index_unreliable\{asset="BTC"\} 1/);
    expect(metrics).toMatch(
      /xmargin_index_sources_excluded_total\{asset="BTC",source="c",reason="deviating"\} 3/,
    );
    expect(metrics).toMatch(
      /xmargin_index_sources_excluded_total\{asset="BTC",source="a",reason="stale"\} 1/,
    );
    rmSync(folder, { recursive: true });
  });
});
