import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MarginState, marginStates } from '../../src/core/ledger/ledger-event.ts';
import { formatFixed, parseFixed } from '../../src/core/num/fixed.ts';
import { runCliAsync, runDay, scratchFolder } from '../e2e/cli-harness.ts';
import { serverAfter, testServer } from './server-kit.ts';

type Server = Awaited<ReturnType<typeof serverAfter>>;
const scratch = scratchFolder();

describe('the reads, after examples/engine/day.jsonl', () => {
  let t: Server;
  beforeAll(async () => {
    t = await serverAfter();
  });

  it("gives an account's report as `xmargin margin --json` gives it for the log's snapshot", async () => {
    const { db } = await runDay(
      scratch.path('day.db'),
      'examples/engine/day.jsonl',
      'examples/engine/venue.json',
    );
    const snapshot = await runCliAsync(['snapshot', db]);
    expect(snapshot.code).toBe(0);
    const file = scratch.path('day-snapshot.json');
    writeFileSync(file, snapshot.stdout);
    for (const account of ['alice', 'bob', 'carol']) {
      const cli = JSON.parse(
        (await runCliAsync(['margin', file, '--json', '--account', account])).stdout,
      )[0];
      const served = (await t.get(`/v1/accounts/${account}`, 'risk_viewer')).json();
      expect(served.sequence).toBe(t.host.ledger.events);
      for (const figure of [
        'equity',
        'initialMargin',
        'maintenanceMargin',
        'freeCollateral',
        'liquidatable',
      ] as const) {
        expect(served.report[figure], `${account} ${figure}`).toBe(cli[figure]);
      }
      expect(served.report.positions.map((p: { instrument: string }) => p.instrument)).toEqual(
        cli.positions.map((p: { instrument: string }) => p.instrument),
      );
    }
  });

  it('lists the accounts riskiest first, every one once over the pages; a trader sees its own', async () => {
    const seen: { account: string; state: string; marginRatio: string | null }[] = [];
    let after: string | undefined;
    do {
      const page = (
        await t.get(
          `/v1/accounts?limit=2${after === undefined ? '' : `&after=${after}`}`,
          'risk_viewer',
        )
      ).json();
      expect(page.total).toBe(t.host.ledger.accounts.size);
      seen.push(...page.accounts);
      after = page.after;
    } while (after !== undefined);
    expect(seen.map((row) => row.account).sort()).toEqual(
      [...t.host.ledger.accounts.keys()].sort(),
    );
    // The worse state first, then the higher margin ratio.
    const ranks = seen.map((row) => [
      marginStates.indexOf(row.state as MarginState),
      row.marginRatio === null ? Number.POSITIVE_INFINITY : Number(row.marginRatio),
    ]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]!));
    expect(ranks.some(([, ratio]) => ratio! > 0)).toBe(true);
    const own = (await t.get('/v1/accounts', 'trader')).json();
    expect(own.accounts.map((row: { account: string }) => row.account).sort()).toEqual([
      'alice',
      'bob',
    ]);
    const bad = await t.get('/v1/accounts?after=nobody', 'risk_viewer');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('after');
  });

  it("pages an account's events in log order, each naming it", async () => {
    const events: { sequence: number; body: Record<string, unknown> }[] = [];
    let from = 1;
    for (;;) {
      const page = (await t.get(`/v1/accounts/alice/events?limit=3&from=${from}`, 'trader')).json();
      events.push(...page.events);
      if (page.next === undefined) break;
      from = page.next;
    }
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(events.map((e) => (e.body as { type?: string }).type)).toContain('filled');
    for (const event of events) expect(JSON.stringify(event.body)).toContain('"alice"');
  });

  it('gives balances by place, positions, limits and the modes compared', async () => {
    const balances = (await t.get('/v1/accounts/alice/balances', 'trader')).json();
    expect(Object.keys(balances.places.venue).sort()).toEqual(['BTC', 'USDT']);
    const positions = (await t.get('/v1/accounts/alice/positions', 'trader')).json();
    expect(positions.positions.map((p: { instrument: string }) => p.instrument)).toContain(
      'BTCUSDT',
    );
    const limits = (await t.get('/v1/accounts/carol/limits', 'risk_viewer')).json();
    // Carol's 800 was refused: what she may take is below it, and a withdrawal of it is taken.
    const most = limits.maxWithdrawal.USDT as string;
    expect(Number(most)).toBeLessThan(800);
    expect(Number(most)).toBeGreaterThan(0);
    const taken = await t.post(
      '/v1/withdrawals',
      { id: 'carol-most', account: 'carol', asset: 'USDT', amount: most },
      'operator',
    );
    expect(taken.json().kind).toBe('accepted');
    // The largest order the what-if finds is the largest the engine's own pre-trade check takes.
    const { buy } = (await t.get('/v1/accounts/bob/limits', 'trader')).json().maxOrder.BTCUSDT;
    expect(Number(buy)).toBeGreaterThan(0);
    const check = async (size: string) =>
      (
        await t.post(
          '/v1/pre-trade-checks',
          { id: 'c', account: 'bob', instrument: 'BTCUSDT', side: 'buy', size },
          'trader',
        )
      ).json();
    const accepted = await check(buy);
    expect(accepted.verdict).toBe('accepted');
    // The check also says where the position would be liquidated after the order.
    const after = accepted.after.positions.find(
      (p: { instrument: string }) => p.instrument === 'BTCUSDT',
    );
    expect(after.size).toBe(formatFixed(parseFixed(buy)!));
    expect(Number(after.liquidationPrice)).toBeGreaterThan(0);
    // A long at its largest size: liquidated below the mark (BTCUSDT's last, 96,120.4), not far below.
    expect(Number(after.liquidationPrice)).toBeLessThan(96_120.4);
    expect(Number(after.liquidationPrice)).toBeGreaterThan(80_000);
    // One size step (BTCUSDT's 0.001) more is refused.
    const onePast = formatFixed(parseFixed(buy)! + parseFixed('0.001')!);
    expect((await check(onePast)).verdict).not.toBe('accepted');
    const compare = (await t.get('/v1/accounts/alice/compare', 'trader')).json();
    expect(compare.comparison).toBeDefined();
  });

  it('counts commands by type and outcome, appends and accounts by state in /metrics', async () => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/xmargin_commands_total\{type="deposit",outcome="accepted"\} 6/);
    expect(text).toMatch(/xmargin_commands_total\{type="withdraw",outcome="rejected"\} 1/);
    expect(text).toMatch(/xmargin_commands_total\{type="funding",outcome="duplicate"\} 1/);
    expect(text).toMatch(/xmargin_store_append_seconds_count [1-9]/);
    expect(text).toMatch(/xmargin_accounts\{state="healthy"\} \d+/);
  });
});

describe('rate limits', () => {
  it("stops a trader's key past its rate with 429, never the operator's feed", async () => {
    const t = await testServer(undefined, { rateLimitPerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await t.get('/v1/status', 'trader')).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const limited = await t.get('/v1/status', 'trader');
    expect(limited.json().error.code).toBe('rate_limited');
    // Another key has its own allowance; the operator none to run out of.
    expect((await t.get('/v1/status', 'risk_viewer')).statusCode).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await t.get('/v1/status', 'operator')).statusCode).toBe(200);
  });
});

describe("an admin's keys", () => {
  it('creates a key shown once, lists it without a secret, and revokes it', async () => {
    const t = await testServer();
    const made = await t.post(
      '/v1/keys',
      { role: 'trader', accounts: ['alice'], label: 'desk' },
      'admin',
    );
    expect(made.statusCode).toBe(201);
    const { key, id } = made.json();
    expect(
      (await t.app.inject({ url: '/v1/accounts', headers: { 'x-api-key': key } })).statusCode,
    ).toBe(200);
    const listed = (await t.get('/v1/keys', 'admin')).json().keys;
    expect(listed.find((k: { id: string }) => k.id === id)).toMatchObject({
      role: 'trader',
      accounts: ['alice'],
    });
    expect(JSON.stringify(listed)).not.toContain('hash');
    expect(JSON.stringify(listed)).not.toContain(key.slice(-20));
    const bare = await t.post('/v1/keys', { role: 'trader' }, 'admin');
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.field).toBe('accounts');
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/keys/${id}`,
          headers: { authorization: `Bearer ${t.keys.admin}` },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: '/v1/accounts', headers: { 'x-api-key': key } })).statusCode,
    ).toBe(401);
  });
});
