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
import '../../src/shell/jit.ts';
import { type DriftFigures, driftAssess, driftRaw, driftSide, driftWrappers } from './drift.ts';
import { mangoAssess, mangoHealthCache, mangoHealthRaw, mangoRaw, mangoSide } from './mango.ts';
import {
  type Portfolio,
  portfolios,
  positionCount,
  type ReferenceFigures,
  referenceFigures,
} from '../portfolios.ts';
import { type Timing, timing } from '../timing.ts';
import {
  xmarginAssess,
  xmarginFast,
  xmarginFastFigures,
  xmarginFastSide,
  xmarginLiveFill,
  xmarginLiveSide,
  xmarginRaw,
  xmarginRiskOnly,
  xmarginSide,
} from '../xmargin-side.ts';

const quick = process.argv.includes('--quick');
const { race, BATCHES, BATCH_MS, WARMUP_MS } = timing(quick);

const DRIFT_TARGET = 20; // ours at least 20× faster than Drift's
const MANGO_TARGET = 10; // ours at least 10× faster than Mango's

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
  console.log(
    'xmargin peer benchmark — Drift @drift-labs/sdk vs Mango @blockworks-foundation/mango-v4',
  );
  console.log(
    `node ${process.version}, ${quick ? 'quick' : 'full'} run: warm-up ${WARMUP_MS} ms, ${BATCHES} batches of ~${BATCH_MS} ms, median`,
  );
  console.log('per account = one full assessment: initial and maintenance figures');
  console.log('  Drift: User.getMarginCalculation("Initial") + ("Maintenance")');
  console.log('  Mango: HealthCache.fromMangoAccount + health(init) + health(maint)');
  console.log('  xmargin fast: marginAccount() over a RiskBook built once (float64; DESIGN.md fast path)');
  console.log('  xmargin exact: assess() — the whole bigint risk report, liquidation prices included');

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

    const side = xmarginSide(p);
    const fastSide = xmarginFastSide(side);
    const f = xmarginAssess(side);
    const g = xmarginFastFigures(fastSide);
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
    check('xmargin fast initial health = rulebook', g.initialHealth, ref.initial.health, tol);
    check('xmargin fast maint. health = rulebook', g.maintenanceHealth, ref.maintenance.health, tol);

    console.log('  time per account (median):');
    const cache = mangoHealthCache(mango);
    const liveSide = xmarginLiveSide(side);
    const [tDrift, tMango, tMangoBuild, tMangoHealth, tFast, tOurs, tRiskOnly, tBuild, tFill] = race([
      () => driftRaw(drift),
      () => mangoRaw(mango),
      () => mangoHealthCache(mango),
      () => mangoHealthRaw(cache),
      () => xmarginFast(fastSide),
      () => xmarginRaw(side),
      () => xmarginRiskOnly(side),
      () => xmarginFastSide(side),
      () => xmarginLiveFill(liveSide),
    ]);
    console.log(`    Drift   getMarginCalculation ×2           ${us(tDrift!)}  ${spread(tDrift!)}`);
    console.log(`    Mango   build cache + health ×2           ${us(tMango!)}  ${spread(tMango!)}`);
    console.log(
      `      of which HealthCache.fromMangoAccount   ${us(tMangoBuild!)}  ${spread(tMangoBuild!)}`,
    );
    console.log(
      `      of which health(init) + health(maint)   ${us(tMangoHealth!)}  ${spread(tMangoHealth!)}`,
    );
    console.log(`    xmargin fast marginAccount                ${us(tFast!)}  ${spread(tFast!)}`);
    console.log(`    xmargin exact assess                      ${us(tOurs!)}  ${spread(tOurs!)}`);
    console.log(`      exact bucketRisk only                   ${us(tRiskOnly!)}  ${spread(tRiskOnly!)}`);
    console.log(`      building the RiskBook (once per load)   ${us(tBuild!)}  ${spread(tBuild!)}`);
    console.log(`    xmargin a fill in the live book           ${us(tFill!)}  ${spread(tFill!)}`);
    const verdict = (r: number, target: number): string =>
      r <= 1 / target ? `meets ≤ 1/${target}` : `misses 1/${target} = ${(1 / target).toFixed(3)}`;
    const ratios = (label: string, t: Timing): string => {
      const rDrift = t.medianUs / tDrift!.medianUs;
      const rMango = t.medianUs / tMango!.medianUs;
      console.log(
        `    ratio ${label} / theirs: Drift ${rDrift.toFixed(4)} (${verdict(rDrift, DRIFT_TARGET)}), ` +
          `Mango ${rMango.toFixed(4)} (${verdict(rMango, MANGO_TARGET)})`,
      );
      return `${label}/Drift ${rDrift.toFixed(4)}, ${label}/Mango ${rMango.toFixed(4)}`;
    };
    // Issue 9 (d): a fill's in-place update and re-margin, at least 20 times faster than either.
    const fillDrift = tFill!.medianUs / tDrift!.medianUs;
    const fillMango = tFill!.medianUs / tMango!.medianUs;
    console.log(
      `    ratio fill in place / theirs: Drift ${fillDrift.toFixed(4)} (${verdict(fillDrift, 20)}), ` +
        `Mango ${fillMango.toFixed(4)} (${verdict(fillMango, 20)})`,
    );
    const line =
      `(${p.id}) fill in place ${tFill!.medianUs.toFixed(2)} µs (/Drift ${fillDrift.toFixed(4)}, ` +
      `/Mango ${fillMango.toFixed(4)}); Drift ${tDrift!.medianUs.toFixed(1)} µs, Mango ${tMango!.medianUs.toFixed(1)} µs, ` +
      `xmargin fast ${tFast!.medianUs.toFixed(2)} µs, exact ${tOurs!.medianUs.toFixed(1)} µs; ` +
      `${ratios('fast', tFast!)}; ${ratios('exact', tOurs!)}`;
    summary.push(line);
  }

  console.log('\nsummary (µs per account, median):');
  for (const line of summary) console.log(`  ${line}`);
  console.log(`differential: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

await main();
