import type { DatedSlice } from '../../core/ledger/volatility-feed.ts';
import { assetsMax, sviParameterMax, volatilityMax } from '../../core/limits.ts';
import {
  expiriesPerSurfaceMax,
  type SurfaceIssueCode,
  type SviSlice,
  surfaceIssue,
  type VolSurface,
} from '../../core/pricing/vol-surface.ts';
import { yearMs } from '../../core/pricing/year.ts';
import type { Reader } from './reader.ts';
import { readUtcTime } from './utc-time.ts';

/**
 * `market.volatility`: an SVI surface per underlying (docs/portfolio-format.md).
 *
 *   { "BTC": { "slices": [ { "expiry": "2026-12-26T08:00:00Z", "atmVolatility": "0.55",
 *                            "b": "0.1", "rho": "-0.3", "m": "0", "sigma": "0.1" } ] } }
 *
 * Decimal strings become float64 (the pricing zone); each slice's expiry becomes its years from
 * `asOfMs`, the valuation time, in years of 365.25 days; slices are sorted by expiry. Then the
 * core's `surfaceIssue` judges the surface, and its issue is named by the file's own path (the
 * slice's index in the file, `expiry` for `yearsToExpiry`).
 */
export function readVolatility(
  reader: Reader,
  assets: ReadonlySet<string>,
  asOfMs: number,
): Map<string, VolSurface> {
  const surfaces = new Map<string, VolSurface>();
  if (reader.value === undefined) return surfaces;
  for (const [underlying, entry] of reader.entries(assetsMax)) {
    if (!assets.has(underlying)) entry.fail('unknown asset');
    const surface = readSurface(entry, asOfMs);
    if (surface !== undefined) surfaces.set(underlying, surface);
  }
  return surfaces;
}

function readSurface(reader: Reader, asOfMs: number): VolSurface | undefined {
  if (!reader.object()) return undefined;
  reader.only(['slices']);
  const before = reader.issues.length;
  const items = reader.field('slices').items(expiriesPerSurfaceMax);
  const read = items.map((item, index) => ({ index, slice: readSlice(item, asOfMs) }));
  if (reader.issues.length > before) return undefined;
  const sorted = read.sort((a, b) => a.slice.yearsToExpiry - b.slice.yearsToExpiry);
  const surface: VolSurface = { slices: sorted.map(({ slice }) => slice) };
  const issue = surfaceIssue(surface);
  if (issue === null) return surface;
  reader.fail(issueMessage[issue.code], filePath(reader.path, issue.path, sorted));
  return undefined;
}

/** The core's path into the sorted surface, as the file's own: its index, `expiry` for years. */
function filePath(at: string, path: string, sorted: readonly { index: number }[]): string {
  const match = /^slices\[(\d+)\](.*)$/.exec(path);
  if (match === null) return `${at}.${path}`;
  const field = match[2]!.replace('.yearsToExpiry', '.expiry');
  return `${at}.slices[${sorted[Number(match[1])]!.index}]${field}`;
}

const issueMessage: Record<SurfaceIssueCode, string> = {
  no_expiries: 'must list at least one slice',
  too_many_expiries: `must have at most ${expiriesPerSurfaceMax} items`,
  not_finite: 'must be a finite number',
  must_be_positive: 'must be greater than zero',
  must_be_non_negative: 'must not be negative',
  must_be_between_minus_one_and_one: 'must be between -1 and 1 (exclusive)',
  expiries_not_increasing: 'duplicate expiry: each slice is one expiry',
  negative_variance:
    "the smile's total variance falls below zero at some strike " +
    '(raise atmVolatility or sigma, or lower b)',
};

const sliceFields = ['expiry', 'atmVolatility', 'b', 'rho', 'm', 'sigma'];

function readSlice(reader: Reader, asOfMs: number): SviSlice {
  const { expiryMs, ...smile } = readDatedSlice(reader, (expiry, ms) => {
    if (ms <= asOfMs) expiry.fail('has already passed');
  });
  return { yearsToExpiry: Number.isNaN(expiryMs) ? 0 : (expiryMs - asOfMs) / yearMs, ...smile };
}

/**
 * One slice as a file or a command gives it: its expiry a UTC time, its parameters decimal
 * strings read as floats within their limits (`expiryMs` NaN where the expiry does not read).
 * `checkExpiry` judges an expiry that reads, against the caller's valuation time; the engine's
 * feed leaves that to the log's time (engine/decide-volatility.ts).
 */
export function readDatedSlice(
  reader: Reader,
  checkExpiry: (expiry: Reader, expiryMs: number) => void = () => {},
): DatedSlice {
  const placeholder = { expiryMs: Number.NaN, atmVolatility: 0, b: 0, rho: 0, m: 0, sigma: 0 };
  if (!reader.object()) return placeholder;
  reader.only(sliceFields);
  const expiry = reader.field('expiry');
  const expiryMs = readUtcTime(expiry, '2026-12-26T08:00:00Z');
  if (expiryMs !== undefined) checkExpiry(expiry, expiryMs);
  const parameter = { min: -sviParameterMax, max: sviParameterMax, maxName: 'the SVI limit' };
  return {
    expiryMs: expiryMs ?? Number.NaN,
    atmVolatility: reader
      .field('atmVolatility')
      .float({ above: 0, max: volatilityMax, maxName: 'the volatility limit' }),
    b: reader.field('b').float({ ...parameter, min: 0 }),
    // |rho| < 1 and the variance floor are the core's to judge (surfaceIssue).
    rho: reader.field('rho').float(parameter),
    m: reader.field('m').float(parameter),
    sigma: reader
      .field('sigma')
      .float({ above: 0, max: sviParameterMax, maxName: 'the SVI limit' }),
  };
}
