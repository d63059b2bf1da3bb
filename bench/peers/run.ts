/**
 * Peer benchmark: xmargin vs Drift's SDK margin calculation vs Mango v4's HealthCache, on the same
 * three portfolios, in one process, offline.
 *
 *   cd bench/peers && npm install && npx tsx run.ts            # full run
 *   npx tsx run.ts --quick                                      # fewer, shorter batches
 *
 * For each portfolio it prints each side's figures, a differential check against the shared
 * rulebook's exact figures (portfolios.ts), and µs per account (median of batches), then
 * ratio = ours / theirs. The issue's targets: ours ≤ 1/20 of Drift's, ≤ 1/10 of Mango's.
 */
import { type DriftFigures, driftAssess, driftRaw, driftSide, driftWrappers } from './drift.ts';
import { mangoAssess, mangoHealthCache, mangoHealthRaw, mangoRaw, mangoSide } from './mango.ts';
import {
  type Portfolio,
  portfolios,
  positionCount,
  type ReferenceFigures,
  referenceFigures,
} from './portfolios.ts';

const quick = process.argv.includes('--quick');
const BATCHES = quick ? 5 : 11;
const BATCH_MS = quick ? 20 : 60;
const WARMUP_MS = quick ? 150 : 500;

const DRIFT_TARGET = 20; // ours at least 20× faster than Drift's
const MANGO_TARGET = 10; // ours at least 10× faster than Mango's

/** Results kept alive so the optimiser cannot drop the work. */
let sink: unknown;

interface Timing {
  /** Median over batches, µs per call. */
  readonly medianUs: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly perBatch: number;
}

/**
 * Times several contenders on one portfolio. Each is warmed up first; then the batches are
 * interleaved round-robin, so a GC pause or a frequency change hits them all alike.
 */
function race(contenders: ReadonlyArray<() => unknown>): Timing[] {
  const now = (): number => Number(process.hrtime.bigint()) / 1e3; // µs
  const perBatch = contenders.map((fn) => {
    let calls = 0;
    const start = now();
    while (now() - start < WARMUP_MS * 1e3 || calls < 20) {
      sink = fn();
      calls++;
    }
    const estimateUs = (now() - start) / calls;
    return Math.max(5, Math.ceil((BATCH_MS * 1e3) / estimateUs));
  });
  const samples: number[][] = contenders.map(() => []);
  for (let b = 0; b < BATCHES; b++) {
    contenders.forEach((fn, c) => {
      const n = perBatch[c]!;
      const t0 = now();
      for (let i = 0; i < n; i++) sink = fn();
      samples[c]!.push((now() - t0) / n);
    });
  }
  return samples.map((xs, c) => {
    xs.sort((x, y) => x - y);
    return {
      medianUs: xs[Math.floor(xs.length / 2)]!,
      minUs: xs[0]!,
      maxUs: xs[xs.length - 1]!,
      perBatch: perBatch[c]!,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// xmargin's side loads lazily: while the engine's API moves, the peers still run.

interface XmarginModule {
  xmarginSide(p: Portfolio): unknown;
  xmarginRaw(side: unknown): unknown;
  /** Optional: only the figures the peers compute, for an apples-to-apples row. */
  xmarginRiskOnly?(side: unknown): unknown;
  xmarginAssess(side: unknown): {
    initialEquity: number;
    initialMargin: number;
    equity: number;
    maintenanceMargin: number;
    initialHealth: number;
    maintenanceHealth: number;
  };
}

async function loadXmargin(): Promise<XmarginModule | string> {
  try {
    return (await import('./xmargin-side.ts')) as unknown as XmarginModule;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}

// ---------------------------------------------------------------------------------------------

const usd = (x: number): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: 6, maximumFractionDigits: 6 });
const us = (t: Timing): string => `${t.medianUs.toFixed(1).padStart(9)} µs`;
const spread = (t: Timing): string =>
  `(min ${t.minUs.toFixed(1)}, max ${t.maxUs.toFixed(1)}, ${BATCHES}×${t.perBatch})`;

let passed = 0;
let failed = 0;

/** Drift truncates each term to 1e-6 USD; Mango's I80F48 and float prices drift ~1e-8. */
function tolerance(p: Portfolio): number {
  return 1e-6 * (2 * positionCount(p) + 2);
}

function check(label: string, got: number, want: number, tol: number): void {
  const diff = Math.abs(got - want);
  const ok = diff <= tol;
  if (ok) passed++;
  else failed++;
  const mark = ok ? 'ok  ' : 'FAIL';
  console.log(
    `    ${mark} ${label.padEnd(44)} |Δ| = ${diff.toExponential(2)} USD (tol ${tol.toExponential(1)})`,
  );
}

function printFigures(
  ref: ReferenceFigures,
  drift: DriftFigures,
  mango: ReturnType<typeof mangoAssess>,
): void {
  const row = (name: string, ...cells: string[]): void =>
    console.log(`    ${name.padEnd(34)}${cells.map((c) => c.padStart(22)).join('')}`);
  row('', 'initial', 'maintenance');
  row('shared rulebook: collateral', usd(ref.initial.collateral), usd(ref.maintenance.collateral));
  row(
    'shared rulebook: requirement',
    usd(ref.initial.requirement),
    usd(ref.maintenance.requirement),
  );
  row('shared rulebook: health', usd(ref.initial.health), usd(ref.maintenance.health));
  row('Drift totalCollateral', usd(drift.initialCollateral), usd(drift.maintenanceCollateral));
  row('Drift marginRequirement', usd(drift.initialRequirement), usd(drift.maintenanceRequirement));
  row(
    'Drift collateral − requirement',
    usd(drift.initialCollateral - drift.initialRequirement),
    usd(drift.maintenanceCollateral - drift.maintenanceRequirement),
  );
  row('Mango health(init | maint)', usd(mango.initHealth), usd(mango.maintHealth));
  console.log(`    unweighted equity (Σ balance × price + Σ PnL): ${usd(ref.equity)}`);
}

async function main(): Promise<void> {
  const xm = await loadXmargin();
  console.log(
    'xmargin peer benchmark — Drift @drift-labs/sdk vs Mango @blockworks-foundation/mango-v4',
  );
  console.log(
    `node ${process.version}, ${quick ? 'quick' : 'full'} run: warm-up ${WARMUP_MS} ms, ${BATCHES} batches of ~${BATCH_MS} ms, median`,
  );
  console.log('per account = one full assessment: initial and maintenance figures');
  console.log('  Drift: User.getMarginCalculation("Initial") + ("Maintenance")');
  console.log('  Mango: HealthCache.fromMangoAccount + health(init) + health(maint)');
  console.log('  xmargin: assess() — the whole risk report, liquidation prices included');
  if (typeof xm === 'string') console.log(`  xmargin: not wired (${xm})`);

  const summary: string[] = [];
  for (const p of portfolios) {
    console.log(`\n(${p.id}) ${p.title} — assets: ${p.assets.length}, perps: ${p.perps.length}`);
    const ref = referenceFigures(p);
    const tol = tolerance(p);
    const drift = driftSide(p);
    const mango = mangoSide(p);

    const driftFigures = driftAssess(drift);
    const mangoFigures = mangoAssess(mango);
    printFigures(ref, driftFigures, mangoFigures);

    console.log('  differential check (where the two rulebooks agree):');
    const wrappers = driftWrappers(drift);
    check(
      'Drift wrappers = getMarginCalculation (IM)',
      wrappers.initialRequirement,
      driftFigures.initialRequirement,
      0,
    );
    check(
      'Drift wrappers = getMarginCalculation (MM)',
      wrappers.maintenanceRequirement,
      driftFigures.maintenanceRequirement,
      0,
    );
    check(
      'Drift initial collateral = rulebook',
      driftFigures.initialCollateral,
      ref.initial.collateral,
      tol,
    );
    check(
      'Drift initial requirement = rulebook',
      driftFigures.initialRequirement,
      ref.initial.requirement,
      tol,
    );
    check(
      'Drift maint. collateral = rulebook',
      driftFigures.maintenanceCollateral,
      ref.maintenance.collateral,
      tol,
    );
    check(
      'Drift maint. requirement = rulebook',
      driftFigures.maintenanceRequirement,
      ref.maintenance.requirement,
      tol,
    );
    check('Mango init health = rulebook', mangoFigures.initHealth, ref.initial.health, tol);
    check('Mango maint health = rulebook', mangoFigures.maintHealth, ref.maintenance.health, tol);
    check(
      'Mango init health = Drift free collateral',
      mangoFigures.initHealth,
      driftFigures.initialCollateral - driftFigures.initialRequirement,
      tol,
    );
    check(
      'Mango maint health = Drift maint. excess',
      mangoFigures.maintHealth,
      driftFigures.maintenanceCollateral - driftFigures.maintenanceRequirement,
      tol,
    );

    let xmSide: unknown;
    let xmError: string | undefined;
    if (typeof xm !== 'string') {
      try {
        xmSide = xm.xmarginSide(p);
        const f = xm.xmarginAssess(xmSide);
        console.log(
          `    xmargin: initialEquity ${usd(f.initialEquity)}  IM ${usd(f.initialMargin)}  equity ${usd(f.equity)}  MM ${usd(f.maintenanceMargin)}`,
        );
        check('xmargin initial health = rulebook', f.initialHealth, ref.initial.health, tol);
        check('xmargin maint. health = rulebook', f.maintenanceHealth, ref.maintenance.health, tol);
        check('xmargin initial health = Mango', f.initialHealth, mangoFigures.initHealth, tol);
        check(
          'xmargin initial health = Drift',
          f.initialHealth,
          driftFigures.initialCollateral - driftFigures.initialRequirement,
          tol,
        );
        check('xmargin maint. health = Mango', f.maintenanceHealth, mangoFigures.maintHealth, tol);
      } catch (error) {
        xmError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        xmSide = undefined;
        console.log(`    xmargin: not wired (${xmError})`);
      }
    }

    console.log('  time per account (median):');
    const cache = mangoHealthCache(mango);
    const xmReady = typeof xm !== 'string' && xmSide !== undefined ? xm : undefined;
    const side = xmSide;
    const contenders: Array<() => unknown> = [
      () => driftRaw(drift),
      () => mangoRaw(mango),
      () => mangoHealthCache(mango),
      () => mangoHealthRaw(cache),
    ];
    const riskOnly = xmReady?.xmarginRiskOnly;
    if (xmReady !== undefined) contenders.push(() => xmReady.xmarginRaw(side));
    if (xmReady !== undefined && riskOnly !== undefined) contenders.push(() => riskOnly(side));
    const [tDrift, tMango, tMangoBuild, tMangoHealth, tOurs, tRiskOnly] = race(contenders);
    console.log(`    Drift   getMarginCalculation ×2           ${us(tDrift!)}  ${spread(tDrift!)}`);
    console.log(`    Mango   build cache + health ×2           ${us(tMango!)}  ${spread(tMango!)}`);
    console.log(
      `      of which HealthCache.fromMangoAccount   ${us(tMangoBuild!)}  ${spread(tMangoBuild!)}`,
    );
    console.log(
      `      of which health(init) + health(maint)   ${us(tMangoHealth!)}  ${spread(tMangoHealth!)}`,
    );

    let line = `(${p.id}) Drift ${tDrift!.medianUs.toFixed(1)} µs, Mango ${tMango!.medianUs.toFixed(1)} µs`;
    if (tOurs !== undefined) {
      console.log(`    xmargin assess                            ${us(tOurs)}  ${spread(tOurs)}`);
      if (tRiskOnly !== undefined) {
        console.log(
          `      for information: bucketRisk only        ${us(tRiskOnly)}  ${spread(tRiskOnly)}`,
        );
      }
      const rDrift = tOurs.medianUs / tDrift!.medianUs;
      const rMango = tOurs.medianUs / tMango!.medianUs;
      const verdict = (r: number, target: number): string =>
        r <= 1 / target ? `meets ≤ 1/${target}` : `misses 1/${target} = ${(1 / target).toFixed(3)}`;
      console.log(
        `    ratio = ours / theirs: Drift ${rDrift.toFixed(3)} (${verdict(rDrift, DRIFT_TARGET)}), ` +
          `Mango ${rMango.toFixed(3)} (${verdict(rMango, MANGO_TARGET)})`,
      );
      line += `, xmargin ${tOurs.medianUs.toFixed(1)} µs; ours/Drift ${rDrift.toFixed(3)}, ours/Mango ${rMango.toFixed(3)}`;
      if (tRiskOnly !== undefined) line += ` (bucketRisk only ${tRiskOnly.medianUs.toFixed(1)} µs)`;
    } else {
      console.log(
        `    xmargin assess                            not wired${xmError ? ` (${xmError})` : ''}`,
      );
      line += ', xmargin not wired';
    }
    summary.push(line);
  }

  console.log('\nsummary (µs per account, median):');
  for (const line of summary) console.log(`  ${line}`);
  console.log(`differential: ${passed} passed, ${failed} failed`);
  void sink;
  if (failed > 0) process.exitCode = 1;
}

await main();
