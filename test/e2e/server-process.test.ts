import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchFolder } from './cli-harness.ts';

/** The built bin, as `npm start` and a user run it. */
const bin = resolve('dist/shell/cli/main.js');
const scratch = scratchFolder();
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

interface Served {
  readonly child: ChildProcess;
  readonly address: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `xmargin serve` in a child process on a free port, once it prints its address. */
async function serve(args: readonly string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (data) => {
    output += String(data);
  });
  child.stderr!.on('data', (data) => {
    output += String(data);
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const started = Date.now();
  while (!/serving on (\S+)/.test(output)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null)
      throw new Error(`serve did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, address: /serving on (\S+)/.exec(output)![1]!, output: () => output, exited };
}

/** `xmargin replay --json`'s state hash of the log in `data`. */
function replayedHash(data: string): string {
  const replayed = spawnSync(
    process.execPath,
    [bin, 'replay', join(data, 'xmargin.db'), '--json'],
    {
      encoding: 'utf8',
    },
  );
  expect(replayed.status).toBe(0);
  return (JSON.parse(replayed.stdout) as { stateHash: string }).stateHash;
}

async function untilReady(address: string, withinMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(`${address}/ready`).catch(() => undefined);
    if (response?.status === 200) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error('not ready in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const json = async (address: string, path: string, key: string, init: RequestInit = {}) => {
  const response = await fetch(`${address}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { report?: Record<string, string> },
  };
};

describe('xmargin serve, the demo', () => {
  it('is ready within seconds, its margins move with its prices, and it restarts from its own log', async () => {
    const data = scratch.path('demo-data');
    const demo = await serve(['--data', data]);
    expect(await untilReady(demo.address)).toBeLessThan(10_000);
    const keys = JSON.parse(readFileSync(join(data, 'demo-keys.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(demo.output()).toContain(keys.trader);
    expect(demo.output()).toContain(`${demo.address}/docs`);
    const first = await json(demo.address, '/v1/accounts/demo-cross', keys.trader!);
    expect(first.status).toBe(200);
    // A few ticks of the feed later, the same account's equity is not the same.
    let later = first;
    const started = Date.now();
    while (
      later.body.report!.equity === first.body.report!.equity &&
      Date.now() - started < 10_000
    ) {
      await new Promise((r) => setTimeout(r, 200));
      later = await json(demo.address, '/v1/accounts/demo-cross', keys.trader!);
    }
    expect(later.body.report!.equity).not.toBe(first.body.report!.equity);
    expect((later.body.sequence as number) > (first.body.sequence as number)).toBe(true);
    const list = await json(demo.address, '/v1/accounts', keys.risk_viewer!);
    // The demo's accounts: four traders, the street and the backstop.
    expect((list.body.accounts as unknown[]).length).toBe(6);
    const isolated = await json(demo.address, '/v1/accounts/demo-isolated/positions', keys.trader!);
    expect(JSON.stringify(isolated.body)).toContain('"isolated"');
    const portfolio = await json(demo.address, '/v1/accounts/demo-portfolio', keys.trader!);
    expect(portfolio.status).toBe(200);
    expect(portfolio.body.report!.rulebook).toBe('deribit-options');
    // The feed's crash (from its 12th tick, 6 s in) takes the levered account below maintenance:
    // it is liquidated in steps the liquidity model fills, and their fees go to the fund.
    let fund: Record<string, string> = {};
    while (fund.BTC === undefined && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      const liquidations = await json(demo.address, '/v1/liquidations', keys.risk_viewer!);
      fund = liquidations.body.insuranceFund as Record<string, string>;
    }
    expect(Number(fund.BTC)).toBeGreaterThan(0);
    const levered = await json(demo.address, '/v1/accounts/demo-levered/events', keys.risk_viewer!);
    const types = (levered.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toContain('liquidation_ordered');
    expect(types).toContain('liquidation_ended');
    const metrics = await (await fetch(`${demo.address}/metrics`)).text();
    expect(metrics).toMatch(
      /xmargin_liquidation_events_total\{type="liquidation_ordered",reason=""\} [1-9]/,
    );
    expect(metrics).toMatch(/xmargin_insurance_fund\{asset="BTC"\} 0\.0/);

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    const stateHash = replayedHash(data);
    // Started again without the demo's feed: the same state, from its own log.
    const again = await serve(['--data', data, '--no-demo']);
    await untilReady(again.address);
    const status = await json(again.address, '/v1/status', keys.risk_viewer!);
    expect(status.body.stateHash).toBe(stateHash);
  });
});

describe('xmargin serve killed with SIGKILL under load', () => {
  it('restarts with every acknowledged command present, each once', async () => {
    const data = scratch.path('crash-data');
    const made = spawnSync(
      process.execPath,
      [bin, 'keys', 'create', '--role', 'operator', '--data', data],
      { encoding: 'utf8' },
    );
    expect(made.status).toBe(0);
    const key = made.stdout.trim().split('\n')[1]!;
    const venue = ['--venue', 'examples/engine/venue.json', '--no-demo', '--data', data];
    let acknowledged: { id: string; first: number }[] = [];
    const deposit = (id: string, account: string) =>
      JSON.stringify({ id, account, asset: 'USDT', amount: '1.000000000000000001' });

    for (let round = 0; round < 3; round++) {
      const server = await serve(venue);
      await untilReady(server.address);
      if (round === 0) {
        for (const account of ['a', 'b', 'c', 'd']) {
          const opened = await json(server.address, '/v1/accounts', key, {
            method: 'POST',
            body: JSON.stringify({ id: `open-${account}`, account }),
          });
          expect(opened.status).toBe(200);
        }
      }
      // Four clients send deposits as fast as answered; the process is killed while they do.
      let stop = false;
      const clients = ['a', 'b', 'c', 'd'].map(async (account) => {
        for (let n = 0; !stop; n++) {
          const id = `r${round}-${account}-${n}`;
          try {
            const answer = await json(server.address, '/v1/deposits', key, {
              method: 'POST',
              body: deposit(id, account),
            });
            if (answer.status === 200 && answer.body.kind === 'accepted')
              acknowledged.push({ id, first: answer.body.first as number });
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      server.child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await server.exited;
    }
    expect(acknowledged.length).toBeGreaterThan(20);

    const server = await serve(venue);
    await untilReady(server.address);
    // Each acknowledged command sent again is answered as already done, at the same events.
    for (const { id, first } of acknowledged) {
      const account = id.split('-')[1]!;
      const again = await json(server.address, '/v1/deposits', key, {
        method: 'POST',
        body: deposit(id, account),
      });
      expect(again.body).toMatchObject({ kind: 'duplicate', first });
    }
    const status = await json(server.address, '/v1/status', key);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(replayedHash(data)).toBe(status.body.stateHash);
    acknowledged = [];
  });
});

describe('xmargin serve on a port already taken', () => {
  it('says so, naming the option, with exit code 2', async () => {
    const first = await serve(['--data', scratch.path('taken-a')]);
    const port = new URL(first.address).port;
    const second = spawnSync(
      process.execPath,
      [bin, 'serve', '--port', port, '--data', scratch.path('taken-b')],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`--port, --host: 127.0.0.1:${port} is in use`);
  });
});

describe('xmargin serve refusing to start', () => {
  it('on a data folder another server holds; a lock its dead owner left is taken over', async () => {
    const data = scratch.path('locked');
    const first = await serve(['--data', data]);
    const second = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--data', data], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`is in use by another xmargin (process ${first.child.pid})`);
    first.child.kill('SIGKILL');
    await first.exited;
    // The lock is still there, its process gone: the next start takes it.
    expect(readFileSync(join(data, 'xmargin.lock'), 'utf8')).toBe(String(first.child.pid));
    const third = await serve(['--data', data]);
    await untilReady(third.address);
  });

  it('without a venue on a new log, and exits rather than listen on', () => {
    const bare = spawnSync(
      process.execPath,
      [bin, 'serve', '--port', '0', '--no-demo', '--data', scratch.path('no-venue')],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('--venue: required');
  });
});
