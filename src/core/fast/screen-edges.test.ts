import { describe, expect, it } from 'vitest';
import {
  account,
  binanceLikeBrackets,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import {
  figureCount,
  lowestHealth,
  lowestWarningHealth,
  magnitude,
  maintenanceNearEdge,
} from './fast-figures.ts';
import { marginAccount } from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { errorBand, maintenanceCall, stateCall, warningCall } from './screen.ts';

/**
 * The screen's call at the very edges of its error band: a health exactly at ±band is within
 * the band and goes to the exact path; one double beyond it is decided by the float alone. The
 * row is a real account's (its magnitude and rounding slack as marginAccount writes them), with
 * its lowest health then set to the edge, so each figure is the exact double compared.
 */
const book = venue([linearPerp('BTCUSDT', 'BTC')], rulebook({ BTCUSDT: binanceLikeBrackets }));
const prices = market({ USDT: '1', BTC: '98765.4' }, { BTCUSDT: '98765.4' });
const held = account({ USDT: '3210.123' }, [position('BTCUSDT', '1.237', '101234.5')]);

function row(): Float64Array {
  const out = new Float64Array(figureCount);
  marginAccount(buildRiskBook([held], book, prices), 0, out);
  return out;
}

/** The neighbouring double of `x` towards +∞ (`up`) or −∞; `x` finite and not zero. */
function nextDouble(x: number, up: boolean): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] = bits[0]! + (x > 0 === up ? 1n : -1n);
  return new Float64Array(bits.buffer)[0]!;
}

function callAt(health: number, confirmBelow: boolean): boolean | undefined {
  const out = row();
  out[lowestHealth] = health;
  return maintenanceCall(out, confirmBelow);
}

describe('maintenanceCall at the edges of its band', () => {
  const band = errorBand(row());

  it('the band is a real account’s, not zero', () => {
    const out = row();
    expect(out[magnitude]).toBeGreaterThan(100_000);
    expect(out[maintenanceNearEdge]).toBe(0);
    expect(band).toBeGreaterThan(1e-4);
    expect(nextDouble(band, true)).toBeGreaterThan(band);
    expect(nextDouble(-band, false)).toBeLessThan(-band);
  });

  it('exactly −band and exactly +band go to the exact path', () => {
    expect(callAt(-band, false)).toBeUndefined();
    expect(callAt(band, false)).toBeUndefined();
    expect(callAt(0, false)).toBeUndefined();
  });

  it('one double inside the band either side goes to the exact path', () => {
    expect(callAt(nextDouble(-band, true), false)).toBeUndefined();
    expect(callAt(nextDouble(band, false), false)).toBeUndefined();
  });

  it('one double below −band is liquidatable on the float alone; above +band, not', () => {
    expect(callAt(nextDouble(-band, false), false)).toBe(true);
    expect(callAt(nextDouble(band, true), false)).toBe(false);
  });

  it('where a bucket with no requirement is not liquidatable, below the band is confirmed', () => {
    expect(callAt(nextDouble(-band, false), true)).toBeUndefined();
    expect(callAt(-band, true)).toBeUndefined();
    expect(callAt(nextDouble(band, true), true)).toBe(false);
  });
});

describe('warningCall at the edges of the same band', () => {
  const band = errorBand(row());
  const callAt = (warning: number) => {
    const out = row();
    out[lowestWarningHealth] = warning;
    return warningCall(out);
  };

  it('exactly ±band, and one double inside either side, go to the exact path', () => {
    for (const warning of [-band, band, 0, nextDouble(-band, true), nextDouble(band, false)]) {
      expect(callAt(warning)).toBeUndefined();
    }
  });

  it('one double below −band is warned on the float alone; above +band, not', () => {
    expect(callAt(nextDouble(-band, false))).toBe(true);
    expect(callAt(nextDouble(band, true))).toBe(false);
  });

  it('no warning level is no warning; a figure the float could not price goes to the exact path', () => {
    expect(callAt(Number.POSITIVE_INFINITY)).toBe(false);
    expect(callAt(Number.NaN)).toBeUndefined();
  });
});

describe('a magnitude the float model could not size (NaN) decides nothing', () => {
  // Before the fix the band was NaN: every comparison with it false, so a health far below zero
  // was "not below" and a free collateral of any sign "beyond doubt" (found by the simulator).
  const unsized = () => {
    const out = row();
    out[magnitude] = Number.NaN;
    return out;
  };

  it('the band is unbounded', () => {
    expect(errorBand(unsized())).toBe(Number.POSITIVE_INFINITY);
  });

  it('a health far below zero, or far above it, goes to the exact path', () => {
    for (const health of [-1e9, 1e9]) {
      const out = unsized();
      out[lowestHealth] = health;
      expect(maintenanceCall(out, false)).toBeUndefined();
      expect(stateCall(out, false)).toBeUndefined();
    }
  });

  it('so does a warning health', () => {
    const out = unsized();
    out[lowestWarningHealth] = -1e9;
    expect(warningCall(out)).toBeUndefined();
  });
});
