#!/usr/bin/env node
// The named roundings, each flipped in turn (floor ↔ ceil) in a scratch copy of the tree: the
// rounding-direction tests beside them must fail on every flip. StrykerJS (npm run mutate) changes
// operators and literals but never swaps one function for another, so it cannot make these
// mutants; this does. The working tree is never touched.
//
//   npm run mutate:roundings            # every flip, against the direction tests
//   npm run mutate:roundings -- notional # only the flips whose name contains "notional"
//
// A flip whose text is not found exactly once fails the run: the code moved, update the table.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tests = [
  'src/core/num/rounding.test.ts',
  'src/core/margin/rounding-direction.test.ts',
  'src/core/margin/requirement.test.ts',
  'src/core/pricing/funding-rate.test.ts',
  'src/core/pricing/funding-rate-premium.test.ts',
  'src/core/ledger/funding-index.test.ts',
  'src/core/ledger/funding-settlement.test.ts',
  'test/golden/funding-rates.test.ts',
];

const m = 'src/core/margin/';
/** [name, file, text, flipped text, 'equivalent' where no test can tell the flip apart] */
const flips = [
  [
    'divFloor: no correction below zero',
    'src/core/num/rounding.ts',
    'return quotient - 1n;',
    'return quotient;',
  ],
  [
    'divCeil as a truncation',
    'src/core/num/rounding.ts',
    'return -divFloor(-numerator, denominator);',
    'return numerator / denominator;',
  ],
  [
    'mulFloor → up',
    'src/core/num/rounding.ts',
    'return divFloor(a * b, SCALE);',
    'return divCeil(a * b, SCALE);',
  ],
  [
    'mulCeil → down',
    'src/core/num/rounding.ts',
    'return divCeil(a * b, SCALE);',
    'return divFloor(a * b, SCALE);',
  ],
  [
    'ratioFloor → up',
    'src/core/num/rounding.ts',
    'return divFloor(a * SCALE, b);',
    'return divCeil(a * SCALE, b);',
  ],
  [
    'ratioCeil → down',
    'src/core/num/rounding.ts',
    'return divCeil(a * SCALE, b);',
    'return divFloor(a * SCALE, b);',
  ],
  [
    'floorToStep → up',
    'src/core/num/rounding.ts',
    'return divFloor(value, step) * step;',
    'return divCeil(value, step) * step;',
  ],
  [
    'ceilToStep → down',
    'src/core/num/rounding.ts',
    'return divCeil(value, step) * step;',
    'return divFloor(value, step) * step;',
  ],
  [
    'sqrtCeil → down',
    'src/core/num/rounding.ts',
    'root * root === a * SCALE ? root : root + 1n',
    'root',
  ],
  [
    'divHalfEven ties → up',
    'src/core/num/rounding.ts',
    'return floor % 2n === 0n ? floor : floor + 1n;',
    'return floor + 1n;',
  ],
  [
    'notional, inverse option → down',
    `${m}contract-value.ts`,
    "if (instrument.settlement === 'inverse') return divCeil(face, SCALE);",
    "if (instrument.settlement === 'inverse') return divFloor(face, SCALE);",
  ],
  [
    'notional, linear option → down',
    `${m}contract-value.ts`,
    'return divCeil(face * indexPrice, SCALE * SCALE);',
    'return divFloor(face * indexPrice, SCALE * SCALE);',
  ],
  [
    'notional, linear → down',
    `${m}contract-value.ts`,
    'return divCeil(face * mark, SCALE * SCALE);',
    'return divFloor(face * mark, SCALE * SCALE);',
  ],
  [
    'notional, inverse → down',
    `${m}contract-value.ts`,
    'return divCeil(face, mark);',
    'return divFloor(face, mark);',
  ],
  [
    'PnL, linear → up',
    `${m}contract-value.ts`,
    'return divFloor(face * (mark - entryPrice), SCALE * SCALE);',
    'return divCeil(face * (mark - entryPrice), SCALE * SCALE);',
  ],
  [
    'PnL, inverse → up',
    `${m}contract-value.ts`,
    'return divFloor(face * (mark - entryPrice), entryPrice * mark);',
    'return divCeil(face * (mark - entryPrice), entryPrice * mark);',
  ],
  [
    'base size → down',
    `${m}contract-value.ts`,
    'return divCeil(abs(size) * instrument.contractSize, SCALE);',
    'return divFloor(abs(size) * instrument.contractSize, SCALE);',
  ],
  [
    "option's value → up",
    `${m}contract-value.ts`,
    'return divFloor(size * instrument.contractSize * mark, SCALE * SCALE);',
    'return divCeil(size * instrument.contractSize * mark, SCALE * SCALE);',
  ],
  [
    'collateral, balance × price → up',
    `${m}collateral.ts`,
    'const value = mulFloor(held, price);',
    'const value = mulCeil(held, price);',
  ],
  [
    'collateral, tier weight → up',
    `${m}collateral.ts`,
    'weighted += mulFloor(top - floor, weight);',
    'weighted += mulCeil(top - floor, weight);',
  ],
  [
    'liability, owed × price → down',
    `${m}collateral.ts`,
    'mulCeil(mulCeil(owed, price), weight)',
    'mulCeil(mulFloor(owed, price), weight)',
  ],
  [
    'liability, × weight → down',
    `${m}collateral.ts`,
    'mulCeil(mulCeil(owed, price), weight)',
    'mulFloor(mulCeil(owed, price), weight)',
  ],
  [
    '1 / leverage → down',
    `${m}margin-terms.ts`,
    'return ratioCeil(ONE, leverage);',
    'return ratioFloor(ONE, leverage);',
  ],
  [
    'option MM rate × factor → down',
    `${m}margin-terms.ts`,
    'mulCeil(rule.maintenanceRate, rule.marginFactor)',
    'mulFloor(rule.maintenanceRate, rule.marginFactor)',
  ],
  [
    'option IM rate × factor → down',
    `${m}margin-terms.ts`,
    'const rate = mulCeil(base, rule.marginFactor);',
    'const rate = mulFloor(base, rule.marginFactor);',
  ],
  [
    'option OTM fraction → up',
    `${m}margin-terms.ts`,
    'ratioFloor(outOfTheMoney, option.indexPrice)',
    'ratioCeil(outOfTheMoney, option.indexPrice)',
  ],
  [
    'requirement → down',
    `${m}leg-risk.ts`,
    'const amount = divCeil(exposure.notional * rate - deduction * SCALE, SCALE);',
    'const amount = divFloor(exposure.notional * rate - deduction * SCALE, SCALE);',
  ],
  [
    "short option's market value → down",
    `${m}leg-risk.ts`,
    'markValue: divCeil(abs(size) * instrument.contractSize * mark, SCALE * SCALE)',
    'markValue: divFloor(abs(size) * instrument.contractSize * mark, SCALE * SCALE)',
  ],
  [
    'leg value × settle price → up',
    `${m}leg-risk.ts`,
    'const value = mulFloor(inUnits(',
    'const value = mulCeil(inUnits(',
  ],
  [
    'PnL value × settle price → up',
    `${m}leg-risk.ts`,
    'unrealisedPnlValue: mulFloor(pnl, settlePrice)',
    'unrealisedPnlValue: mulCeil(pnl, settlePrice)',
  ],
  [
    'IM × settle price → down',
    `${m}leg-risk.ts`,
    'const initial = mulCeil(initialBase + initialFee, settlePrice);',
    'const initial = mulFloor(initialBase + initialFee, settlePrice);',
  ],
  [
    'MM × settle price → down',
    `${m}leg-risk.ts`,
    'const maintenance = mulCeil(maintenanceBase + fee, settlePrice);',
    'const maintenance = mulFloor(maintenanceBase + fee, settlePrice);',
  ],
  [
    'health: value → up',
    `${m}leg-risk.ts`,
    "    mulFloor(value, settlePrice),\n    'maintenance',",
    "    mulCeil(value, settlePrice),\n    'maintenance',",
  ],
  [
    'health: MM → down',
    `${m}leg-risk.ts`,
    'return counted - mulCeil(maintenance.requirement + maintenance.fee, settlePrice);',
    'return counted - mulFloor(maintenance.requirement + maintenance.fee, settlePrice);',
  ],
  [
    'order side: value → up',
    `${m}leg-risk.ts`,
    'const health = mulFloor(value, settlePrice) - mulCeil(initial, settlePrice);',
    'const health = mulCeil(value, settlePrice) - mulCeil(initial, settlePrice);',
  ],
  [
    'order side: IM → down',
    `${m}leg-risk.ts`,
    'const health = mulFloor(value, settlePrice) - mulCeil(initial, settlePrice);',
    'const health = mulFloor(value, settlePrice) - mulFloor(initial, settlePrice);',
  ],
  [
    'size premium: 0.8 × base → down',
    `${m}size-premium.ts`,
    'const discounted = base - divFloor(base, 5n);',
    'const discounted = base - divCeil(base, 5n);',
  ],
  [
    'size premium: factor × √size → down',
    `${m}size-premium.ts`,
    'mulCeil(premium.imfFactor, sqrtCeil(size))',
    'mulFloor(premium.imfFactor, sqrtCeil(size))',
  ],
  [
    'size premium: √size → down',
    `${m}size-premium.ts`,
    'mulCeil(premium.imfFactor, sqrtCeil(size))',
    'mulCeil(premium.imfFactor, sqrtFloor(size))',
  ],
  [
    'size premium: per unit → down',
    `${m}size-premium.ts`,
    'return base + mulCeil(premium.ratePerUnit, size);',
    'return base + mulFloor(premium.ratePerUnit, size);',
  ],
  [
    'size premium: steps → down',
    `${m}size-premium.ts`,
    'premium.ratePerStep * divCeil(excess, premium.stepSize)',
    'premium.ratePerStep * divFloor(excess, premium.stepSize)',
  ],
  [
    'bucket: gross collateral → up',
    `${m}bucket-risk.ts`,
    'collateral += mulFloor(balance, price);',
    'collateral += mulCeil(balance, price);',
  ],
  [
    'bucket: margin ratio → down',
    `${m}bucket-risk.ts`,
    'return ratioCeil(risk.maintenanceMargin, risk.equity);',
    'return ratioFloor(risk.maintenanceMargin, risk.equity);',
  ],
  [
    "liquidation: a long's root → down",
    `${m}liquidation-price.ts`,
    'ceilToStep(divCeil(numerator, denominator), instrument.tickSize)',
    'ceilToStep(divFloor(numerator, denominator), instrument.tickSize)',
  ],
  [
    "liquidation: a long's tick → down",
    `${m}liquidation-price.ts`,
    'ceilToStep(divCeil(numerator, denominator), instrument.tickSize)',
    'floorToStep(divCeil(numerator, denominator), instrument.tickSize)',
  ],
  [
    "liquidation: a short's root → up",
    `${m}liquidation-price.ts`,
    'floorToStep(divFloor(numerator, denominator), instrument.tickSize)',
    'floorToStep(divCeil(numerator, denominator), instrument.tickSize)',
  ],
  [
    "liquidation: a short's tick → up",
    `${m}liquidation-price.ts`,
    'floorToStep(divFloor(numerator, denominator), instrument.tickSize)',
    'ceilToStep(divFloor(numerator, denominator), instrument.tickSize)',
  ],
  [
    'liquidation: rest in the settle asset → up',
    `${m}liquidation-price.ts`,
    'const rest = divFloor((restValue - fixedFeeValue) * SCALE,',
    'const rest = divCeil((restValue - fixedFeeValue) * SCALE,',
    // Equivalent: this rest only seeds the root; the price shown is then searched for on the
    // bucket's own evaluation, which takes restValue in USD, so a unit either way changes nothing.
    'equivalent',
  ],
  [
    'report: distance to liquidation → up',
    `${m}assess.ts`,
    'return room <= 0n ? 0n : ratioFloor(room, mark);',
    'return room <= 0n ? 0n : ratioCeil(room, mark);',
  ],
  // The funding flips are written with the functions each file already imports (a ceiling as
  // −floor(−x), a floor as a shifted truncation), so the flipped file still compiles.
  [
    "funding: a payment → up (in the trader's favour)",
    'src/core/ledger/funding-settlement.ts',
    'const units = divFloor(exact, terms.unit * amountToOwed);',
    'const units = -divFloor(-exact, terms.unit * amountToOwed);',
  ],
  [
    'funding rate: toward zero → down',
    'src/core/pricing/funding-rate.ts',
    'const published = divTowardZero(capped, rate.denominator * step) * step;',
    'const published = divTowardZero(capped < 0n ? capped - rate.denominator * step + 1n : capped, rate.denominator * step) * step;',
  ],
  [
    'funding rate: toward zero → up',
    'src/core/pricing/funding-rate.ts',
    'const published = divTowardZero(capped, rate.denominator * step) * step;',
    'const published = divTowardZero(capped > 0n ? capped + rate.denominator * step - 1n : capped, rate.denominator * step) * step;',
  ],
  [
    'funding: premium sample toward zero → down',
    'src/core/pricing/funding-rate-premium.ts',
    'return divTowardZero((above - below) * SCALE, index);',
    'return divTowardZero(above < below ? (above - below) * SCALE - index + 1n : (above - below) * SCALE, index);',
  ],
  [
    'funding: inverse index increment toward zero → down',
    'src/core/ledger/funding-index.ts',
    ': divTowardZero(rate * fundingIndexScale, price);',
    ': divTowardZero(rate < 0n ? rate * fundingIndexScale - price + 1n : rate * fundingIndexScale, price);',
  ],
];

const only = process.argv[2];
const selected = flips.filter(([name]) => only === undefined || name.includes(only));
const scratch = mkdtempSync(join(tmpdir(), 'xmargin-flips-'));
const skip = new Set(['node_modules', '.git', 'reports', '.stryker-tmp', '.vitest']);
cpSync(root, scratch, {
  recursive: true,
  filter: (source) => !skip.has(source.slice(root.length + 1).split('/')[0]),
});
symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));

const results = [];
try {
  for (const [name, file, text, flipped, equivalent] of selected) {
    const path = join(scratch, file);
    const original = readFileSync(path, 'utf8');
    const count = original.split(text).length - 1;
    if (count !== 1) {
      results.push([name, `text found ${count} times in ${file}`]);
      continue;
    }
    writeFileSync(path, original.replace(text, flipped));
    const run = spawnSync(
      'npx',
      ['vitest', 'run', '--config', 'vitest.mutate.config.ts', ...tests],
      {
        cwd: scratch,
        encoding: 'utf8',
      },
    );
    writeFileSync(path, original);
    const outcome = run.status !== 0 ? 'killed' : equivalent ? 'equivalent' : 'SURVIVED';
    results.push([name, outcome]);
    console.log(`${results.at(-1)[1].padEnd(9)} ${name}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const failed = results.filter(([, outcome]) => outcome !== 'killed' && outcome !== 'equivalent');
const equivalents = results.filter(([, outcome]) => outcome === 'equivalent').length;
const killed = results.length - failed.length - equivalents;
console.log(`\n${killed} of ${results.length} flips killed, ${equivalents} equivalent`);
for (const [name, outcome] of failed) console.log(`  ${outcome}: ${name}`);
process.exit(failed.length === 0 ? 0 : 1);
