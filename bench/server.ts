/**
 * Section 9 of `npm run bench`: the server on loopback (issue 10). The server runs in this
 * process over a SQLite log in a temporary folder; the load comes from autocannon in a child
 * process (the other core), so the two do not share an event loop. Each figure sits beside a
 * baseline measured in the same run:
 *
 * - pre-trade checks per second with their p50/p99, against a bare fastify route that returns a
 *   constant (no key, no engine) under the same load;
 * - fills per second in batches of 100 (each fill validated twice, judged, appended durably with
 *   its margin-state changes, applied, answered), against the bare route taking the same body;
 * - WebSocket fan-out: 1,000 clients on the price stream, one tick, time until the last has it,
 *   against a bare `ws` server sending a message of the same size to 1,000 clients.
 *
 * The book: 1,000 accounts with USDT collateral from 1,000 to 100,000 and BTCUSDT and ETHUSDT
 * positions between a quarter and eight times their collateral (some near maintenance), traded
 * against a market maker.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import WebSocket, { WebSocketServer } from 'ws';
import type { Command } from '../src/core/engine/command.ts';
import { parseFixed } from '../src/core/num/fixed.ts';
import { seededRandom } from '../src/shell/seeded-random.ts';
import { KeyRing } from '../src/shell/server/api-keys.ts';
import { type RunningServer, startServer } from '../src/shell/server/start-server.ts';

const loadChild = resolve('bench/load-child.mjs');

interface Load {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** autocannon, in a child process, against `url`; `body` with `[<id>]` made unique per request. */
async function load(url: string, seconds: number, body: string, key?: string): Promise<Load> {
  // Not spawnSync: the server under load runs on this process's event loop.
  const child = spawn(process.execPath, [loadChild, url, String(seconds), key ?? ''], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (data) => {
    stdout += String(data);
  });
  child.stdin.end(body);
  await new Promise((done) => child.on('exit', done));
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function bookOn(running: RunningServer, accounts: number): Promise<void> {
  const service = running.server.service!;
  const random = seededRandom(9);
  const now = Date.now();
  const commands: Command[] = [];
  const tick = (feed: string, price: string): Command => ({
    id: `bench-${feed}`,
    type: 'price_tick',
    feed: feed as never,
    sequence: 1,
    timeMs: now,
    price: parseFixed(price)!,
  });
  commands.push(
    tick('index:USDT', '1'),
    tick('index:BTC', '95000'),
    tick('mark:BTCUSDT', '95010'),
    tick('index:ETH', '3400'),
    tick('mark:ETHUSDT', '3401.2'),
  );
  commands.push({ id: 'bench-open-mm', type: 'open_account', account: 'mm', poolMode: 'cross' });
  commands.push({
    id: 'bench-fund-mm',
    type: 'deposit',
    account: 'mm',
    asset: 'USDT',
    amount: parseFixed('1000000000')!,
  });
  for (let i = 0; i < accounts; i++) {
    const account = `a${i}`;
    const cash = 1_000 + Math.floor(random() * 99_000);
    commands.push({
      id: `bench-open-${account}`,
      type: 'open_account',
      account,
      poolMode: 'cross',
    });
    commands.push({
      id: `bench-fund-${account}`,
      type: 'deposit',
      account,
      asset: 'USDT',
      amount: parseFixed(String(cash))!,
    });
    for (const [instrument, price] of [
      ['BTCUSDT', 95_010],
      ['ETHUSDT', 3401.2],
    ] as const) {
      const notional = cash * (0.25 + 7.75 * random());
      const size = Math.max(0.001, Math.floor((notional / price) * 1000) / 1000);
      commands.push({
        id: `bench-fill-${account}-${instrument}`,
        type: 'fill',
        instrument,
        takerSide: random() < 0.5 ? 'buy' : 'sell',
        size: parseFixed(size.toFixed(3))!,
        price: parseFixed(String(price))!,
        taker: { account, feeRate: 0n },
        maker: { account: 'mm', feeRate: 0n },
      });
    }
  }
  await service.submitAll(commands);
}

/** Until the last of `clients` has a message after `send`: the fan-out time in ms. */
async function fanOut(clients: readonly WebSocket[], send: () => unknown): Promise<number> {
  let waiting = clients.length;
  const started = performance.now();
  const done = new Promise<number>((resolve) => {
    for (const client of clients) {
      client.once('message', () => {
        waiting -= 1;
        if (waiting === 0) resolve(performance.now() - started);
      });
    }
  });
  await send();
  return done;
}

async function connected(
  url: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const client = new WebSocket(url, { headers });
    await new Promise((r) => client.once('open', r));
    clients.push(client);
  }
  return clients;
}

export async function serverBench(quick: boolean): Promise<void> {
  const seconds = quick ? 3 : 8;
  const accounts = quick ? 200 : 1_000;
  const folder = mkdtempSync(join(tmpdir(), 'xmargin-server-bench-'));
  // The key is made before the server starts: it reads its ring from the folder then.
  const operator = KeyRing.open(join(folder, 'keys.json')).create(
    'operator',
    [],
    'bench',
    new Date(),
  ).key;
  const server = await startServer({
    data: folder,
    host: '127.0.0.1',
    port: 0,
    demo: false,
    venue: 'examples/engine/venue.json',
  });
  await bookOn(server, accounts);
  const bare = Fastify();
  bare.post('/bare', async () => ({ ok: true }));
  const bareAddress = await bare.listen({ host: '127.0.0.1', port: 0 });

  console.log(
    `\n9. The server on loopback (${accounts} accounts, SQLite log, autocannon 16 connections, ${seconds} s each)`,
  );
  const check = JSON.stringify({
    id: '[<id>]',
    account: 'a7',
    instrument: 'BTCUSDT',
    side: 'buy',
    size: '0.01',
  });
  const row = (name: string, l: Load, base?: Load) =>
    console.log(
      `    ${name.padEnd(44)} ${l.perSecond.toFixed(0).padStart(8)} req/s  p50 ${String(l.p50).padStart(3)} ms  p99 ${String(l.p99).padStart(3)} ms` +
        (base === undefined
          ? '   baseline'
          : `   ×${(base.perSecond / l.perSecond).toFixed(2)} slower`) +
        (l.errors + l.non2xx > 0 ? `  (${l.errors} errors, ${l.non2xx} non-2xx)` : ''),
    );
  const bareCheck = await load(`${bareAddress}/bare`, seconds, check);
  const checks = await load(`${server.address}/v1/pre-trade-checks`, seconds, check, operator);
  row('bare fastify route, a check’s body', bareCheck);
  row('pre-trade checks (exact, nothing appended)', checks, bareCheck);

  const fills = JSON.stringify({
    items: Array.from({ length: 100 }, (_, i) => ({
      id: `[<id>]-${i}`,
      instrument: i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
      takerSide: i % 4 < 2 ? 'buy' : 'sell',
      size: i % 2 === 0 ? '0.001' : '0.01',
      price: i % 2 === 0 ? '95010' : '3401.2',
      taker: { account: `a${(i * 7) % accounts}`, feeRate: '0.0005' },
      maker: { account: 'mm', feeRate: '0.0002' },
    })),
  });
  const bareFills = await load(`${bareAddress}/bare`, seconds, fills);
  const batches = await load(`${server.address}/v1/fills`, seconds, fills, operator);
  row('bare fastify route, a batch’s body', bareFills);
  row('fill batches of 100 (durable)', batches, bareFills);
  console.log(
    `    fills per second                             ${(batches.perSecond * 100).toFixed(0).padStart(8)}`,
  );

  // Fan-out: 1,000 stream clients, one tick; a bare ws server with a message of the same size.
  const clientCount = quick ? 200 : 1_000;
  const streamUrl = `${server.address.replace('http', 'ws')}/v1/stream?channels=prices`;
  const clients = await connected(streamUrl, clientCount, { authorization: `Bearer ${operator}` });
  // Each client's first message is `live`: let them all arrive before the tick.
  await new Promise((r) => setTimeout(r, 500));
  let sequence = 10;
  const tickOnce = () =>
    server.server.service!.submitAll([
      {
        id: `fan-${sequence}`,
        type: 'price_tick',
        feed: 'mark:BTCUSDT',
        sequence: ++sequence,
        timeMs: Date.now(),
        price: parseFixed(String(95_000 + sequence))!,
      },
    ]);
  const served = [] as number[];
  for (let i = 0; i < 5; i++) served.push(await fanOut(clients, tickOnce));
  const plain = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => plain.once('listening', r));
  const port = (plain.address() as { port: number }).port;
  const plainClients = await connected(`ws://127.0.0.1:${port}`, clientCount);
  const message = JSON.stringify({
    type: 'price',
    sequence: 1,
    event: {
      type: 'price_accepted',
      feed: 'mark:BTCUSDT',
      state: { last: { sequence: 1, timeMs: Date.now(), price: '95000' }, held: [], sequence: 1 },
    },
  });
  const bareFan = [] as number[];
  for (let i = 0; i < 5; i++)
    bareFan.push(
      await fanOut(plainClients, () => {
        for (const client of plain.clients) client.send(message);
      }),
    );
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `    bare ws broadcast to ${clientCount} clients, one message     ${median(bareFan).toFixed(1).padStart(8)} ms   baseline`,
  );
  console.log(
    `    one tick to ${clientCount} price-stream clients              ${median(served).toFixed(1).padStart(8)} ms   ×${(median(served) / median(bareFan)).toFixed(2)}`,
  );
  for (const client of [...clients, ...plainClients]) client.terminate();
  plain.close();
  await bare.close();
  await server.close();
  rmSync(folder, { recursive: true, force: true });
}

if (process.argv[1]?.endsWith('bench/server.ts'))
  await serverBench(process.argv.includes('--quick'));
