import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** DESIGN.md: the core is pure. It imports only from itself and reads no clock, chance or world. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(root, 'src/core');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(text: string): string[] {
  return [...text.matchAll(importPattern)].map((match) => match[1] ?? match[2]!);
}

/** Things a pure function must not touch, outside comments. */
const impure = [
  /\bDate\b/,
  /\bMath\.random\b/,
  /\bprocess\b/,
  /\bconsole\b/,
  /\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/,
  /\bfetch\s*\(/,
  /\brequire\s*\(/,
  /\bglobalThis\b/,
  /\bperformance\b/,
  /\bcrypto\b/,
];

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * DESIGN.md: inside the core, folders import downward only. What two folders both need lives below
 * both. A folder missing here fails the test until it is given its place.
 */
const layers = [
  'num',
  'limits.ts',
  'pricing',
  'model',
  'portfolio',
  'margin',
  'fast',
  'liquidation',
  'ledger',
  'engine',
  'stress',
];

function layerOf(path: string): number {
  const top = relative(core, path).split('/')[0]!;
  const layer = layers.indexOf(top);
  if (layer < 0) throw new Error(`src/core/${top} has no place in the layers`);
  return layer;
}

const productionFiles = sourceFiles(core).filter((path) => !path.endsWith('.test.ts'));

describe('the pure core', () => {
  it('has source files to check', () => {
    expect(productionFiles.length).toBeGreaterThan(10);
  });

  it.each(productionFiles.map((path) => [relative(root, path), path]))(
    '%s imports only from src/core',
    (_name, path) => {
      for (const specifier of importsOf(readFileSync(path, 'utf8'))) {
        expect(specifier.startsWith('.'), `${specifier} is not a relative import`).toBe(true);
        const target = resolve(dirname(path), specifier);
        expect(target.startsWith(core), `${specifier} leaves src/core`).toBe(true);
      }
    },
  );

  it.each(productionFiles.map((path) => [relative(root, path), path]))(
    '%s uses no clock, randomness or I/O',
    (_name, path) => {
      const code = withoutComments(readFileSync(path, 'utf8'));
      for (const pattern of impure) expect(code, `${pattern}`).not.toMatch(pattern);
    },
  );

  it.each(productionFiles.map((path) => [relative(root, path), path]))(
    '%s imports only its own folder or folders below it',
    (_name, path) => {
      const own = layerOf(path);
      for (const specifier of importsOf(readFileSync(path, 'utf8'))) {
        const target = resolve(dirname(path), specifier);
        if (!target.startsWith(core)) continue;
        const name = `${relative(core, path)} → ${relative(core, target)}`;
        expect(layerOf(target) <= own, `${name} imports upward`).toBe(true);
      }
    },
  );

  it('tests beside core files do not reach into the shell', () => {
    for (const path of sourceFiles(core).filter((file) => file.endsWith('.test.ts'))) {
      for (const specifier of importsOf(readFileSync(path, 'utf8'))) {
        expect(specifier).not.toMatch(/\/shell\//);
      }
    }
  });

  it('the layer check ranks margin above portfolio', () => {
    expect(layerOf(join(core, 'margin/assess.ts'))).toBeGreaterThan(
      layerOf(join(core, 'portfolio/portfolio-risk.ts')),
    );
  });

  it('the checker itself catches an impure file', () => {
    const impureCode = "import { readFileSync } from 'node:fs';\nconst t = Date.now();";
    expect(importsOf(impureCode)).toEqual(['node:fs']);
    expect(impure.some((pattern) => pattern.test(withoutComments(impureCode)))).toBe(true);
  });
});
