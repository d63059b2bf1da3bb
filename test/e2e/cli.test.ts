import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixed } from '../../src/core/num/fixed.ts';
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

function byId(items: readonly Json[], key: string): Map<unknown, Json> {
  return new Map(items.map((item) => [item[key], item]));
}

/** A decimal string of the output as an exact bigint at 18 decimals. */
function units(value: unknown): bigint {
  return fixed(String(value));
}

function roundUp(value: bigint, step: bigint): bigint {
  return ((value + step - 1n) / step) * step;
}

/** Equal to `expected` within `tolerance` units of 10^-18. */
function expectNear(actual: unknown, expected: string, tolerance: bigint): void {
  const gap = units(actual) - units(expected);
  expect(gap <= tolerance && gap >= -tolerance, `${String(actual)} ≈ ${expected}`).toBe(true);
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
    expect(result.stdout).toMatch(/^position +bucket +contracts +price in +entry +mark/m);
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
    expect(result.stdout).toMatch(/^mode +capital used USD +initial USD +maintenance USD$/m);
    expect(result.stdout).toMatch(/^isolated +[\d,.]+/m);
    expect(result.stdout).toMatch(/^cross +[\d,.]+/m);
    expect(result.stdout).toMatch(/Capital freed by cross margin: -?[\d,.]+ USD/);
    expect(result.stdout).toMatch(
      /^position +price in +isolated liq\. +distance +cross liq\. +distance$/m,
    );
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
      expectRiskReport(output.before as Json);
      // A refused change has no state after it.
      if (output.verdict === 'accepted') expectRiskReport(output.after as Json);
      else expect(output.after).toBeNull();
    }
    const text = runCli(['whatif', path, ...fromArgs, '--order', `buy 1 ${position.instrument}`]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^What-if for \S+: buy 1 \S+ at market$/m);
    expect(text.stdout).toMatch(/^ {2}(accepted|REJECTED \(initial_margin_insufficient\)): /m);
    const transfer = runCli(['whatif', path, ...fromArgs, '--transfer', `${settleOf(first!)} 100`]);
    expect(transfer).toMatchObject({ code: 0, stderr: '' });
    expect(transfer.stdout).toMatch(/^What-if for \S+: deposit 100 \S+ into the cross pool$/m);
    expect(transfer.stdout).toMatch(/^ {2}accepted: /m);
  });
});

/** The settle asset of the account's first position: one the file is sure to price. */
function settleOf(report: Json): string {
  return (report.positions as Json[])[0]!.settle as string;
}

describe('the main example (examples/cross-and-isolated.json)', () => {
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

/**
 * The figures of examples/cross-and-isolated.json, each worked by hand from the file (binance-usdm:
 * BTCUSDT and ETHUSDT 0.4 % maintenance under 300,000 USDT of notional, SOLUSDT 0.5 % under
 * 50,000; BTC collateral at 0.95; initial margin notional / the chosen leverage) and compared
 * exactly: the CLI prints exact decimal strings.
 *
 *   collateral  12,000 USDT + 0.05 BTC × 112,750 = 17,637.5; weighted 12,000 + 5,637.5 × 0.95
 *               = 17,355.625
 *   BTCUSDT     notional 0.8 × 112,774.5 = 90,219.6; uPnL 0.8 × (112,774.5 − 121,250) = −6,780.4
 *               IM 90,219.6 / 20 = 4,510.98; MM 90,219.6 × 0.004 = 360.8784
 *               the resting bid (0.1 at 109,500, below the mark: no loss) makes it 0.9 × 112,774.5
 *               / 20 = 5,074.8525, so open-order margin 5,074.8525 − 4,510.98 = 563.8725
 *   ETHUSDT     notional 15 × 3,829.72 = 57,445.8; uPnL −15 × (3,829.72 − 4,385.5) = 8,336.7
 *               IM 57,445.8 / 20 = 2,872.29; MM 57,445.8 × 0.004 = 229.7832
 *   cross       equity 17,355.625 − 6,780.4 + 8,336.7 = 18,911.925
 *               IM 4,510.98 + 563.8725 + 2,872.29 = 7,947.1425; MM 360.8784 + 229.7832 = 590.6616
 *               free 18,911.925 − 7,947.1425 = 10,964.7825
 *   SOLUSDT     isolated 2,300 USDT; notional 120 × 188.43 = 22,611.6; uPnL 120 × 11.58 = 1,389.6
 *               equity 3,689.6; IM 22,611.6 / 10 = 2,261.16; MM × 0.005 = 113.058
 *   account     equity 18,911.925 + 3,689.6 = 22,601.525; IM 10,208.3025; MM 703.7196
 */
describe('figures of examples/cross-and-isolated.json, worked by hand', () => {
  const path = 'examples/cross-and-isolated.json';

  it('margin --json: equity, requirements, free collateral and liquidation prices', () => {
    const [report] = jsonOf(['margin', path, '--json']);
    expect(report).toMatchObject({
      equity: '22601.525',
      initialMargin: '10208.3025',
      maintenanceMargin: '703.7196',
      freeCollateral: '10964.7825',
      liquidatable: false,
    });
    const buckets = byId(report!.buckets as Json[], 'id');
    expect(buckets.get('cross')).toMatchObject({
      collateralValue: '17637.5',
      unrealisedPnl: '1556.3',
      equity: '18911.925',
      initialMargin: '7947.1425',
      maintenanceMargin: '590.6616',
      freeCollateral: '10964.7825',
    });
    expect(buckets.get('SOLUSDT')).toMatchObject({
      collateralValue: '2300',
      equity: '3689.6',
      initialMargin: '2261.16',
      maintenanceMargin: '113.058',
      freeCollateral: '1428.44',
    });
    // Liquidation price, each leg alone moving (linear): P = (f·E − rest) / (f − |f|·r), rest
    // the bucket's maintenance health without the leg, rounded to the tick toward the mark.
    //   BTCUSDT: rest = 18,911.925 − 590.6616 + 6,780.4 + 360.8784 = 25,462.5418
    //            P = (0.8 × 121,250 − 25,462.5418) / (0.8 × 0.996) = 89,780.946… → 89,781.0
    //   ETHUSDT: rest = 18,321.2634 − 8,336.7 + 229.7832 = 10,214.3466
    //            P = (15 × 4,385.5 + 10,214.3466) / (15 × 1.004) = 5,046.2713… → 5,046.27
    //   SOLUSDT: rest = its 2,300; P = (120 × 176.85 − 2,300) / (120 × 0.995) = 158.4757… → 158.48
    const positions = byId(report!.positions as Json[], 'instrument');
    expect(positions.get('BTCUSDT')).toMatchObject({
      notional: '90219.6',
      unrealisedPnl: '-6780.4',
      initialMargin: '4510.98',
      maintenanceMargin: '360.8784',
      openOrderMargin: '563.8725',
      liquidationPrice: '89781',
    });
    expect(positions.get('ETHUSDT')).toMatchObject({
      notional: '57445.8',
      unrealisedPnl: '8336.7',
      initialMargin: '2872.29',
      maintenanceMargin: '229.7832',
      openOrderMargin: '0',
      liquidationPrice: '5046.27',
    });
    expect(positions.get('SOLUSDT')).toMatchObject({
      notional: '22611.6',
      unrealisedPnl: '1389.6',
      initialMargin: '2261.16',
      maintenanceMargin: '113.058',
      liquidationPrice: '158.48',
    });
    // Distance (112,774.5 − 89,781) / 112,774.5 = 0.20388917…
    expect(Number(positions.get('BTCUSDT')!.liquidationDistance)).toBeCloseTo(0.203889177, 9);
  });

  it('margin as text: the headline rounds equity and free collateral down, requirements up', () => {
    const result = runCli(['margin', path]);
    expect(result.stdout).toMatch(
      /^Account main: equity 22,601\.52 USD, initial margin 10,208\.31 USD, maintenance margin 703\.72 USD, free collateral 10,964\.78 USD$/m,
    );
  });

  it('whatif --json: the largest orders and withdrawals', () => {
    const [limits] = jsonOf(['whatif', path, '--json']);
    // An order fills at the mark (no PnL); the cross pool keeps IM ≤ its initial equity 18,911.925.
    //   BTCUSDT, IM 112,774.5 / 20 = 5,638.725 per BTC, the bid counted on the buy side: room
    //     (18,911.925 − 2,872.29) / 5,638.725 = 2.84455… BTC of |size| (or |size + 0.1|)
    //     buy:  0.9 + q ≤ 2.84455 → q = 1.944;  sell: |0.8 − q| ≤ 2.84455 → q = 3.644
    //   ETHUSDT, 191.486 per ETH: (18,911.925 − 5,074.8525) / 191.486 = 72.2615…
    //     buy:  q − 15 ≤ 72.2615 → 87.261;  sell: 15 + q ≤ 72.2615 → 57.261
    //   SOLUSDT in its own bucket, 18.843 per SOL of IM: 3,689.6 / 18.843 = 195.807…, whole SOL
    //     buy:  120 + q ≤ 195.807 → 75;  sell: q − 120 ≤ 195.807 → 315
    // Withdrawals: all the free collateral in USDT (weight 1); all 0.05 BTC, which takes only
    // 5,637.5 × 0.95 = 5,355.625 of it.
    expect(limits).toEqual({
      account: 'main',
      maxOrders: [
        { instrument: 'BTCUSDT', buy: '1.944', sell: '3.644' },
        { instrument: 'ETHUSDT', buy: '87.261', sell: '57.261' },
        { instrument: 'SOLUSDT', buy: '75', sell: '315' },
      ],
      maxWithdrawals: [
        { asset: 'USDT', amount: '10964.7825' },
        { asset: 'BTC', amount: '0.05' },
      ],
    });
  });

  it('whatif --order: buying 1 BTCUSDT at the mark, the report after', () => {
    const [output] = jsonOf(['whatif', path, '--json', '--order', 'buy 1 BTCUSDT']);
    expect(output!.verdict).toBe('accepted');
    const after = output!.after as Json;
    // 1.8 BTC: IM (1.8 + 0.1 bid) × 5,638.725 = 10,713.5775, cross IM 13,585.8675, account IM
    // 15,847.0275; MM 1.8 × 112,774.5 × 0.004 = 811.9764, account 811.9764 + 229.7832 + 113.058
    // = 1,154.8176. Equity and free collateral 18,911.925 − 13,585.8675 = 5,326.0575, less one
    // 10^-18 the averaged entry price (116,541.3888…, rounded) takes from the PnL.
    expect(after).toMatchObject({ initialMargin: '15847.0275', maintenanceMargin: '1154.8176' });
    expectNear(after.equity, '22601.525', 1n);
    expectNear(after.freeCollateral, '5326.0575', 1n);
    // BTCUSDT: rest unchanged at 25,462.5418; P = (0.8 × 121,250 + 112,774.5 − 25,462.5418)
    // / (1.8 × 0.996) = 102,806.75… → 102,806.8
    const btc = byId(after.positions as Json[], 'instrument').get('BTCUSDT')!;
    expect(btc).toMatchObject({ size: '1.8', liquidationPrice: '102806.8' });
  });

  it('compare --json: capital used each way, and the isolated split of each asset', () => {
    const [comparison] = jsonOf(['compare', path, '--json']);
    // Capital used = the pooled haircut + Σ buckets max(0, IM − position value).
    //   haircut: 0.05 BTC × 112,750 × 5 % = 281.875 (both modes)
    //   cross (SOL's 2,300 back in the pool): 10,208.3025 − (1,556.3 + 1,389.6) = 7,262.4025,
    //     + 281.875 = 7,544.2775
    //   isolated: BTCUSDT 5,074.8525 + 6,780.4 = 11,855.2525; ETHUSDT 2,872.29 − 8,336.7 → 0;
    //     SOLUSDT 2,261.16 − 1,389.6 = 871.56; + 281.875 = 13,008.6875
    expect(comparison).toMatchObject({ capitalFreed: '5464.41' });
    expect(comparison!.cross).toMatchObject({
      requiredCapital: '7544.2775',
      initialMargin: '10208.3025',
      maintenanceMargin: '703.7196',
    });
    expect(comparison!.isolated).toMatchObject({
      requiredCapital: '13008.6875',
      initialMargin: '10208.3025',
      maintenanceMargin: '703.7196',
    });
    // Isolated, each position holds only USDT, its settle asset: the pool's 14,300 USDT split by
    // initial margin (4,510.98 : 2,872.29 : 2,261.16 of 9,644.43), the BTC left in the pool.
    //   BTCUSDT 14,300 × 4,510.98 / 9,644.43 = 6,688.525293874288060569 (down, at 10^-18): P = (97,000 − 6,688.5252) / 0.7968
    //     = 113,342.71… → 113,342.8, above the mark: isolated, it is already past liquidation
    //   ETHUSDT 4,258.8050…: P = (65,782.5 + 4,258.8050) / 15.06 = 4,650.8170… → 4,650.81
    //   SOLUSDT 3,352.6696…: P = (21,222 − 3,352.6696) / 119.4 = 149.6594… → 149.66
    // Cross, all pooled: health 14,300 + 5,355.625 + 2,945.9 − 703.7196 = 21,897.8054
    //   BTCUSDT rest 21,897.8054 + 6,780.4 + 360.8784 = 29,039.0838:
    //     P = (97,000 − 29,039.0838) / 0.7968 = 85,292.31… → 85,292.4
    const isolated = comparison!.isolated as Json;
    expect(isolated.positions).toEqual([
      { instrument: 'BTCUSDT', liquidationPrice: '113342.8', liquidationDistance: '0' },
      expect.objectContaining({ instrument: 'ETHUSDT', liquidationPrice: '4650.81' }),
      expect.objectContaining({ instrument: 'SOLUSDT', liquidationPrice: '149.66' }),
    ]);
    const split = byId((isolated.report as Json).buckets as Json[], 'id');
    expectNear(split.get('BTCUSDT')!.collateralValue, '6688.525293874288060569', 0n);
    expectNear(split.get('cross')!.collateralValue, '5637.5', 1n); // the BTC, and 10^-18 USDT
    const cross = (comparison!.cross as Json).positions as Json[];
    expect(cross[0]).toMatchObject({ instrument: 'BTCUSDT', liquidationPrice: '85292.4' });
  });
});

/**
 * A portfolio-mode account: examples/covered-call.json, account "portfolio", under span-16 (price
 * moves 0, ±5, ±10, ±15 % with vol ±10 points, extremes ±30 % at 35 %, one day of decay, IM = 1.1
 * × MM, short option minimum 3 % of the underlying). Long 2 BTC-USDC-PERP from 91,800 at 95,268.5,
 * short 2 March 110,000 calls sold at 7,150, marked 6,662.1; BTC 95,250; 50,000 USDC.
 */
describe('figures of examples/covered-call.json in portfolio mode, worked by hand', () => {
  const path = 'examples/covered-call.json';

  it('margin --json: equity, the scan loss, its scenario and the floors', () => {
    const [report] = jsonOf(['margin', path, '--account', 'portfolio', '--json']);
    // Equity = 50,000 + 2 × (95,268.5 − 91,800) − 2 × 6,662.1 (the calls' market value)
    //        = 50,000 + 6,937 − 13,324.2 = 43,612.8; uPnL 6,937 + 2 × (7,150 − 6,662.1) = 7,912.8
    const pool = (report!.buckets as Json[])[0]!;
    expect(pool).toMatchObject({
      marginMode: 'portfolio',
      collateralValue: '50000',
      unrealisedPnl: '7912.8',
      positionValue: '-6387.2',
      equity: '43612.8',
    });
    // The binding scenario, −15 % with vol +10 points (scenario 1 of 16):
    //   perpetual: 2 × 95,268.5 × −0.15 = −28,580.55
    //   call, Black-76 with F = S, r = 0, worked apart in Python from the file's SVI surface:
    //     now:   S = 95,250, T = 122/365.25, k = ln(110,000/95,250), σ = 0.53973 → 6,662.116
    //     moved: S = 80,962.5, T = 121/365.25 (total variance 98.9 % of the way from the December
    //            slice's 0.028850 to the March slice's 0.107132 at k = 0.306494), σ = 0.566385
    //            + 0.10 = 0.666385 → 4,310.984;  2 × (6,662.116 − 4,310.984) = +4,702.26
    //   book: −28,580.55 + 4,702.26 = −23,878.29, the worst of the 14 regular scenarios and above
    //   the extremes' 0.35 × 45,763.60 = 16,017.26 and the short option minimum 3 % × 2 × 95,250
    //   = 5,715. IM = 1.1 × 23,878.287 = 26,266.116; free = 43,612.8 − 26,266.116 = 17,346.684.
    const portfolio = pool.portfolio as Json;
    const [btc] = portfolio.underlyings as Json[];
    expect(btc!.binding).toBe(0);
    // Float figures come as decimal strings too (docs/portfolio-format.md, --json).
    expect(Number(btc!.scanLoss)).toBeCloseTo(23878.29, 2);
    expect(Number(btc!.extremeLoss)).toBeCloseTo(16017.26, 2);
    expect((btc!.charges as Json).shortOptionMinimum).toBe('5715');
    const contributions = byId(btc!.contributions as Json[], 'holding');
    expect(Number(contributions.get('BTC-USDC-PERP')!.pnl)).toBeCloseTo(-28580.55, 6);
    expect(Number(contributions.get('BTC-USDC-26MAR27-110000-C')!.pnl)).toBeCloseTo(4702.26, 2);
    expect(Number(report!.maintenanceMargin)).toBeCloseTo(23878.29, 2);
    expect(Number(report!.initialMargin)).toBeCloseTo(26266.12, 2);
    expect(Number(report!.freeCollateral)).toBeCloseTo(17346.68, 2);
    // IM is 1.1 × MM exactly, rounded up to the 10^-8 the portfolio figures carry.
    const mm = units(report!.maintenanceMargin);
    expect(units(report!.initialMargin)).toBe(roundUp((mm * 11n) / 10n, 10n ** 10n));
  });

  it('compare --json: what scanning the book as one frees over cross', () => {
    const [comparison] = jsonOf(['compare', path, '--account', 'portfolio', '--json']);
    // Cross charges each leg alone. Perpetual at 20x: IM 2 × 95,268.5 / 20 = 9,526.85, MM 2.5 %
    // = 4,763.425. Short call, Deribit's schedule: OTM (110,000 − 95,250) / 95,250 = 15.5 %, so IM
    // max(0.15 − 0.155, 0.10) × 95,250 + 6,662.1 = 16,187.1 each, 32,374.2 for two; MM 0.075 ×
    // 95,250 + 6,662.1 = 13,805.85 each, 27,611.7. Cross IM 41,901.05, MM 32,375.125.
    // Capital used = max(0, IM − position value): cross 41,901.05 + 6,387.2 = 48,288.25; isolated
    // 9,526.85 − 6,937 + 32,374.2 + 13,324.2 = 48,288.25, so pooling frees 0; portfolio
    // 26,266.11567571 + 6,387.2 = 32,653.31567571, freeing 15,634.93432429.
    expect(comparison!.cross).toMatchObject({
      requiredCapital: '48288.25',
      initialMargin: '41901.05',
      maintenanceMargin: '32375.125',
    });
    expect(comparison!.isolated).toMatchObject({ requiredCapital: '48288.25' });
    expect(comparison).toMatchObject({ capitalFreed: '0' });
    const portfolio = comparison!.portfolio as Json;
    expect(units(portfolio.requiredCapital) - units(portfolio.initialMargin)).toBe(units('6387.2'));
    expect(units(comparison!.portfolioCapitalFreed)).toBe(
      units('48288.25') - units(portfolio.requiredCapital),
    );
    expect(Number(comparison!.portfolioCapitalFreed)).toBeCloseTo(15634.93, 2);
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
    expect((btc!.pnl as string[]).length).toBe((btc!.scenarios as unknown[]).length);
    for (const figure of btc!.pnl as unknown[]) expect(figure).toMatch(/^-?\d+(\.\d+)?$/);
    expect(btc!.binding).toEqual(expect.any(Number));
  });
});
