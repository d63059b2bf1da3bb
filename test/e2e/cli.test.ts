import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalPattern, examples, isCcxt, pinClock, readExample, runCli } from './cli-harness.ts';

/**
 * The CLI end to end, on every shipped example: each command exits 0, its --json output parses
 * into the documented shape (docs/portfolio-format.md), and its text output has its tables.
 */
pinClock();

type Json = Record<string, unknown>;

const decimal = expect.stringMatching(decimalPattern);

function expectDecimalOrNull(value: unknown): void {
  if (value !== null) expect(value).toMatch(decimalPattern);
}

function jsonOf(argv: readonly string[]): Json[] {
  const result = runCli(argv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.stdout) as unknown;
  expect(Array.isArray(parsed)).toBe(true);
  return parsed as Json[];
}

function expectRiskReport(report: Json): void {
  expect(report).toMatchObject({
    account: expect.any(String),
    equity: decimal,
    initialMargin: decimal,
    maintenanceMargin: decimal,
    freeCollateral: decimal,
    liquidatable: expect.any(Boolean),
  });
  const buckets = report.buckets as Json[];
  expect(buckets.length).toBeGreaterThan(0);
  // Pools come first: one unified "cross", or "cross:ASSET" per coin (COIN-M rulebooks), each
  // margined in cross or in portfolio mode.
  const pools = buckets.filter((bucket) => bucket.marginMode !== 'isolated');
  expect(buckets.slice(0, pools.length)).toEqual(pools);
  for (const pool of pools) expect(String(pool.id)).toMatch(/^cross(:[A-Z0-9]+)?$/);
  for (const bucket of buckets) {
    expect(bucket).toMatchObject({
      id: expect.any(String),
      marginMode: expect.stringMatching(/^(cross|isolated|portfolio)$/),
      collateralValue: decimal,
      unrealisedPnl: decimal,
      equity: decimal,
      initialEquity: decimal,
      initialMargin: decimal,
      maintenanceMargin: decimal,
      freeCollateral: decimal,
      liquidatable: expect.any(Boolean),
    });
    expectDecimalOrNull(bucket.marginRatio);
    for (const move of bucket.jointMoves as Json[]) {
      expect(move.underlying).toEqual(expect.any(String));
      expectDecimalOrNull(move.down);
      expectDecimalOrNull(move.up);
    }
  }
  for (const position of report.positions as Json[]) {
    expect(position).toMatchObject({
      instrument: expect.any(String),
      bucket: expect.any(String),
      size: decimal,
      entryPrice: decimal,
      markPrice: decimal,
      settle: expect.any(String),
      notional: decimal,
      unrealisedPnl: decimal,
      unrealisedPnlValue: decimal,
      initialMargin: decimal,
      maintenanceMargin: decimal,
      openOrderMargin: decimal,
    });
    expectDecimalOrNull(position.liquidationPrice);
    expectDecimalOrNull(position.liquidationDistance);
  }
}

function accountCount(file: string): number {
  return isCcxt(file) ? 1 : (readExample(file).accounts as unknown[]).length;
}

describe.each(examples())('$file', ({ file, path, fromArgs }) => {
  it('margin: tables of buckets, positions and joint moves', () => {
    const result = runCli(['margin', path, ...fromArgs]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Account \S+: equity [\d,.-]+ USD/);
    expect(result.stdout).toMatch(/^bucket +mode +collateral/m);
    expect(result.stdout).toMatch(/^position +bucket +size/m);
    expect(result.stdout).toContain('Joint move of every price on one underlying');
  });

  it('margin --json: one risk report per account', () => {
    const reports = jsonOf(['margin', path, '--json', ...fromArgs]);
    expect(reports).toHaveLength(accountCount(file));
    for (const report of reports) expectRiskReport(report);
  });

  it('compare: isolated and cross side by side', () => {
    const result = runCli(['compare', path, ...fromArgs]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^mode +capital used +initial +maintenance$/m);
    expect(result.stdout).toMatch(/^isolated +[\d,.]+/m);
    expect(result.stdout).toMatch(/^cross +[\d,.]+/m);
    expect(result.stdout).toMatch(/Capital freed by cross margin: -?[\d,.]+ USD/);
    expect(result.stdout).toMatch(/^position +isolated liq\. +distance +cross liq\. +distance$/m);
  });

  it('compare --json: both outcomes and the capital freed', () => {
    const comparisons = jsonOf(['compare', path, '--json', ...fromArgs]);
    expect(comparisons).toHaveLength(accountCount(file));
    for (const comparison of comparisons) {
      expect(comparison).toMatchObject({ account: expect.any(String), capitalFreed: decimal });
      const modes = ['isolated', 'cross', ...(comparison.portfolio ? ['portfolio'] : [])];
      for (const mode of modes) {
        const outcome = comparison[mode] as Json;
        expect(outcome).toMatchObject({
          mode,
          requiredCapital: decimal,
          initialMargin: decimal,
          maintenanceMargin: decimal,
        });
        expectRiskReport(outcome.report as Json);
      }
      const isolated = (comparison.isolated as Json).positions as Json[];
      const cross = (comparison.cross as Json).positions as Json[];
      expect(isolated.map((p) => p.instrument).sort()).toEqual(
        cross.map((p) => p.instrument).sort(),
      );
    }
  });

  it('whatif: max orders and withdrawals', () => {
    const result = runCli(['whatif', path, ...fromArgs]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Limits for \S+/m);
    expect(result.stdout).toMatch(/^instrument +max buy +max sell$/m);
    expect(result.stdout).toMatch(/^asset +max withdrawal$/m);
    const limits = jsonOf(['whatif', path, '--json', ...fromArgs]);
    expect(limits).toHaveLength(accountCount(file));
    for (const account of limits) {
      for (const order of account.maxOrders as Json[]) {
        expect(order).toMatchObject({
          instrument: expect.any(String),
          buy: decimal,
          sell: decimal,
        });
        expect(order.buy).not.toMatch(/^-/);
        expect(order.sell).not.toMatch(/^-/);
      }
      for (const withdrawal of account.maxWithdrawals as Json[]) {
        expect(withdrawal).toMatchObject({ asset: expect.any(String), amount: decimal });
      }
    }
  });

  it('whatif --order and --transfer: a verdict and the report after', () => {
    const [first] = jsonOf(['margin', path, '--json', ...fromArgs]) as Json[];
    const position = (first!.positions as Json[])[0]!;
    const after = jsonOf([
      'whatif',
      path,
      '--json',
      ...fromArgs,
      '--order',
      `sell 1 ${position.instrument}`,
    ]);
    for (const output of after) {
      expect(output.verdict).toMatch(/^(accepted|initial_margin_insufficient)$/);
      expectRiskReport(output.after as Json);
    }
    const text = runCli(['whatif', path, ...fromArgs, '--order', `buy 1 ${position.instrument}`]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^What-if for \S+: (accepted|initial_margin_insufficient)/m);
    const transfer = runCli(['whatif', path, ...fromArgs, '--transfer', `${settleOf(first!)} 100`]);
    expect(transfer).toMatchObject({ code: 0, stderr: '' });
    expect(transfer.stdout).toMatch(/^What-if for \S+: accepted/m);
  });
});

/** The settle asset of the account's first position: one the file is sure to price. */
function settleOf(report: Json): string {
  return (report.positions as Json[])[0]!.settle as string;
}

describe('the main example (npm start)', () => {
  const path = 'examples/cross-and-isolated.json';

  it('cross margin frees capital and puts every liquidation further away', () => {
    const [comparison] = jsonOf(['compare', path, '--json']);
    expect(Number(comparison!.capitalFreed)).toBeGreaterThan(0);
    const isolated = (comparison!.isolated as Json).positions as Json[];
    const cross = new Map(
      ((comparison!.cross as Json).positions as Json[]).map((p) => [p.instrument, p]),
    );
    for (const position of isolated) {
      const pooled = cross.get(position.instrument)!;
      const crossDistance =
        pooled.liquidationDistance === null ? Infinity : Number(pooled.liquidationDistance);
      expect(crossDistance).toBeGreaterThan(Number(position.liquidationDistance));
    }
  });

  it('holds what it is documented to hold', () => {
    const portfolio = readExample('cross-and-isolated.json') as {
      accounts: {
        balances: Record<string, string>;
        positions: { size: string; marginMode?: string }[];
        openOrders: unknown[];
      }[];
    };
    const [account] = portfolio.accounts;
    expect(Object.keys(account!.balances).sort()).toEqual(['BTC', 'USDT']);
    expect(account!.positions.filter((p) => p.marginMode === 'isolated')).toHaveLength(1);
    expect(account!.openOrders).toHaveLength(1);
    const [report] = jsonOf(['margin', path, '--json']);
    const cross = (report!.positions as Json[]).filter((p) => p.bucket === 'cross');
    const pnlSigns = cross.map((p) => Math.sign(Number(p.unrealisedPnl))).sort();
    expect(pnlSigns).toEqual([-1, 1]);
  });
});

describe('the hedged book', () => {
  it('the joint move on BTC lies further than either leg alone', () => {
    const [report] = jsonOf(['margin', 'examples/hedged-book.json', '--json']);
    const [cross] = report!.buckets as Json[];
    const btc = (cross!.jointMoves as Json[]).find((move) => move.underlying === 'BTC')!;
    const jointDown = btc.down === null ? Infinity : -Number(btc.down);
    for (const position of report!.positions as Json[]) {
      expect(jointDown).toBeGreaterThan(Number(position.liquidationDistance));
    }
  });
});

describe('--account', () => {
  const path = 'examples/multi-venue-rules.json';
  const ids = (readExample('multi-venue-rules.json').accounts as { id: string }[]).map((a) => a.id);

  it('reports one account exactly as it appears in the report of all', () => {
    const all = jsonOf(['margin', path, '--json']);
    fc.assert(
      fc.property(fc.constantFrom(...ids), (id) => {
        const [one] = jsonOf(['margin', path, '--json', '--account', id]);
        expect(one).toEqual(all.find((report) => report.account === id));
      }),
      { numRuns: ids.length * 2 },
    );
  });
});

describe('rulebooks', () => {
  it('lists every preset, as text and as JSON', () => {
    const text = runCli(['rulebooks']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^preset +name +instruments +portfolio$/m);
    expect(text.stdout).toMatch(/^binance-usdm .*BTCUSDT ETHUSDT SOLUSDT BNBUSDT XRPUSDT/m);
    const books = jsonOf(['rulebooks', '--json']);
    expect(books.map((book) => book.id)).toContain('hyperliquid');
  });
});

describe('--help', () => {
  it.each([[[]], [['margin']], [['compare']], [['whatif']], [['rulebooks']]])(
    '%j --help exits 0 with the usage on stdout',
    (command) => {
      const result = runCli([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: xmargin/);
      expect(result.stdout).toContain('--help');
    },
  );

  it('whatif --help documents --order and --transfer', () => {
    const result = runCli(['whatif', '--help']);
    expect(result.stdout).toContain('--order <order>');
    expect(result.stdout).toContain('--transfer <transfer>');
  });
});

describe('as a separate process', () => {
  const cli = ['--import', 'tsx', 'src/shell/cli/main.ts'];
  const node = (args: readonly string[]) =>
    spawnSync(process.execPath, [...cli, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('margin --json prints what the in-process run prints, exit 0', () => {
    const child = node(['margin', 'examples/cross-and-isolated.json', '--json']);
    expect(child.status).toBe(0);
    expect(child.stderr).toBe('');
    const inProcess = runCli(['margin', 'examples/cross-and-isolated.json', '--json']);
    expect(JSON.parse(child.stdout)).toEqual(JSON.parse(inProcess.stdout));
  });

  it('compare on a ccxt export, exit 0', () => {
    const child = node(['compare', 'examples/ccxt-binance.json', '--from', 'ccxt']);
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('Capital freed by cross margin');
  });

  it('bad input: exit 2, the field path on stderr, nothing on stdout', () => {
    const child = node(['margin', 'examples/no-such-portfolio.json']);
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain('examples/no-such-portfolio.json: cannot read file (ENOENT)');
  });
});

describe('portfolio mode in JSON', () => {
  it('carries the scenario table whole: P&L as an array, one figure per scenario', () => {
    const [report] = JSON.parse(
      runCli(['margin', 'examples/covered-call.json', '--account', 'portfolio', '--json']).stdout,
    ) as Json[];
    const pool = (report!.buckets as Json[])[0]!;
    expect(pool.marginMode).toBe('portfolio');
    const [btc] = (pool.portfolio as Json).underlyings as Json[];
    expect(Array.isArray(btc!.pnl)).toBe(true);
    expect((btc!.pnl as number[]).length).toBe((btc!.scenarios as unknown[]).length);
    expect(btc!.binding).toEqual(expect.any(Number));
  });
});
