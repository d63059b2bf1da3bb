import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianKernel, normalCdf, normalPdf } from './normal.ts';

/**
 * Reference values: mpmath 1.3.0 at 50 significant digits (mp.dps = 50), `mpmath.ncdf(x)` and
 * `mpmath.npdf(x)`, rounded to the nearest double (`float(value)`) and printed with Python's
 * shortest round-trip `repr`: each literal is the correctly rounded value. mpmath computes ncdf from its own arbitrary-precision
 * erfc, independent of Cody's rational approximations under test. To regenerate:
 *   from mpmath import mp, mpf, ncdf; mp.dps = 50
 *   for i in range(-76, 17): print(mpf(i) / 2, repr(float(ncdf(mpf(i) / 2))))
 */
const cdfReference: readonly (readonly [number, number])[] = [
  [-38.0, 2.88542835e-316],
  [-37.5, 4.605353009581955e-308],
  [-37.0, 5.725571222524577e-300],
  [-36.5, 5.544725713074845e-292],
  [-36.0, 4.182624065797283e-284],
  [-35.5, 2.457691540661937e-276],
  [-35.0, 1.1249107064724062e-268],
  [-34.5, 4.010728966577262e-261],
  [-34.0, 1.1138987855743794e-253],
  [-33.5, 2.4098386951203854e-246],
  [-33.0, 4.061185620915855e-239],
  [-32.5, 5.331424359678804e-232],
  [-32.0, 5.452080603512396e-225],
  [-31.5, 4.343232601031772e-218],
  [-31.0, 2.6952500812005002e-211],
  [-30.5, 1.3029379131780763e-204],
  [-30.0, 4.906713927148187e-198],
  [-29.5, 1.4394745522291793e-191],
  [-29.0, 3.28978526670438e-185],
  [-28.5, 5.8571412538063374e-179],
  [-28.0, 8.123869469659427e-173],
  [-27.5, 8.778170556878084e-167],
  [-27.0, 7.389481006885018e-161],
  [-26.5, 4.8461626603033206e-155],
  [-26.0, 2.4760633155033892e-149],
  [-25.5, 9.856236518963929e-144],
  [-25.0, 3.056696706382561e-138],
  [-24.5, 7.385706861489408e-133],
  [-24.0, 1.390392118549703e-127],
  [-23.5, 2.0393675632499762e-122],
  [-23.0, 2.3306370062206488e-117],
  [-22.5, 2.0753107990663545e-112],
  [-22.0, 1.439892435145079e-107],
  [-21.5, 7.784397077182633e-103],
  [-21.0, 3.279278018979036e-98],
  [-20.5, 1.0764673258790961e-93],
  [-20.0, 2.7536241186062337e-89],
  [-19.5, 5.48911547566041e-85],
  [-19.0, 8.527223952630977e-81],
  [-18.5, 1.0323698689563289e-76],
  [-18.0, 9.740948918937151e-73],
  [-17.5, 7.163458766235035e-69],
  [-17.0, 4.1059962020989065e-65],
  [-16.5, 1.834463003164731e-61],
  [-16.0, 6.388754400538087e-58],
  [-15.5, 1.7344607917938702e-54],
  [-15.0, 3.670966199312751e-51],
  [-14.5, 6.057494764415221e-48],
  [-14.0, 7.7935368191928e-45],
  [-13.5, 7.818807305657891e-42],
  [-13.0, 6.11716439954988e-39],
  [-12.5, 3.732564298877713e-36],
  [-12.0, 1.776482112077679e-33],
  [-11.5, 6.595771446113675e-31],
  [-11.0, 1.9106595744986757e-28],
  [-10.5, 4.3190063178092304e-26],
  [-10.0, 7.619853024160525e-24],
  [-9.5, 1.0494515075362608e-21],
  [-9.0, 1.1285884059538405e-19],
  [-8.5, 9.479534822203318e-18],
  [-8.0, 6.220960574271784e-16],
  [-7.5, 3.1908916729108963e-14],
  [-7.0, 1.279812543885835e-12],
  [-6.5, 4.016000583859118e-11],
  [-6.0, 9.86587645037698e-10],
  [-5.5, 1.8989562465887718e-8],
  [-5.0, 2.866515718791939e-7],
  [-4.5, 3.3976731247300603e-6],
  [-4.0, 3.1671241833119924e-5],
  [-3.5, 0.00023262907903552504],
  [-3.0, 0.0013498980316300946],
  [-2.5, 0.006209665325776135],
  [-2.0, 0.02275013194817921],
  [-1.5, 0.06680720126885807],
  [-1.0, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [0.0, 0.5],
  [0.5, 0.6914624612740131],
  [1.0, 0.8413447460685429],
  [1.5, 0.9331927987311419],
  [2.0, 0.9772498680518208],
  [2.5, 0.9937903346742238],
  [3.0, 0.9986501019683699],
  [3.5, 0.9997673709209645],
  [4.0, 0.9999683287581669],
  [4.5, 0.9999966023268753],
  [5.0, 0.9999997133484281],
  [5.5, 0.9999999810104375],
  [6.0, 0.9999999990134123],
  [6.5, 0.99999999995984],
  [7.0, 0.9999999999987201],
  [7.5, 0.9999999999999681],
  [8.0, 0.9999999999999993],
  [-0.66291, 0.25369409838973994],
  [0.66291, 0.7463059016102601],
  [-5.656854248, 7.708629017140477e-9],
  [5.656854248, 0.9999999922913709],
  [-1.0e-10, 0.49999999996010575],
  [0.1, 0.539827837277029],
  [-2.3, 0.010724110021675805],
  [7.9, 0.9999999999999986],
];

const pdfReference: readonly (readonly [number, number])[] = [
  [0, 0.3989422804014327],
  [0.5, 0.35206532676429947],
  [-1, 0.24197072451914334],
  [2.5, 0.017528300493568537],
  [-7, 9.134720408364594e-12],
  [12, 2.1463837356630605e-32],
  [-30, 1.4736461348785476e-196],
  [-37, 2.1200065515246056e-298],
];

/** The smallest normal double: below it, results are subnormal and carry fewer digits. */
const normalMin = 2.2250738585072014e-308;
/** Cody's approximations reach the unit roundoff; a few roundings on top of that. */
const relativeTolerance = 2e-15;

function relativeError(value: number, reference: number): number {
  return Math.abs(value - reference) / Math.abs(reference);
}

describe('normalCdf', () => {
  it.each(cdfReference)('N(%d) matches the 50-digit value', (x, reference) => {
    const value = normalCdf(x);
    if (reference >= normalMin) {
      expect(relativeError(value, reference)).toBeLessThanOrEqual(relativeTolerance);
    } else {
      // A subnormal has an absolute spacing of 2⁻¹⁰⁷⁴ ≈ 4.9e-324; ask for a few of them.
      expect(Math.abs(value - reference)).toBeLessThanOrEqual(4 * Number.MIN_VALUE);
    }
  });

  it('covers every range of Cody’s approximation and both tails', () => {
    const xs = cdfReference.map(([x]) => x);
    expect(Math.min(...xs)).toBe(-38);
    expect(Math.max(...xs)).toBe(8);
    expect(xs.some((x) => Math.abs(x) <= 0.66291)).toBe(true);
    expect(xs.some((x) => Math.abs(x) > 0.66291 && Math.abs(x) <= Math.sqrt(32))).toBe(true);
    expect(xs.some((x) => Math.abs(x) > Math.sqrt(32))).toBe(true);
  });

  it('is exact at the ends and the centre', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('is symmetric: N(x) + N(−x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -9, max: 9, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(4e-16);
      }),
    );
  });

  it('never decreases', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, step) => {
          expect(normalCdf(x + step)).toBeGreaterThanOrEqual(normalCdf(x));
        },
      ),
    );
  });

  it('stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        const value = normalCdf(x);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('normalPdf', () => {
  it.each(pdfReference)('n(%d) matches the 50-digit value', (x, reference) => {
    expect(relativeError(normalPdf(x), reference)).toBeLessThanOrEqual(relativeTolerance);
  });

  it('is even', () => {
    fc.assert(
      fc.property(fc.double({ min: -38, max: 38, noNaN: true }), (x) => {
        expect(normalPdf(-x)).toBe(normalPdf(x));
      }),
    );
  });

  it('is the slope of the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        const h = 1e-5;
        const slope = (normalCdf(x + h) - normalCdf(x - h)) / (2 * h);
        expect(Math.abs(slope - normalPdf(x))).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('splits x² so that e^{−x²/2} keeps its digits in the tail', () => {
    // e^{−x²/2} at the doubles nearest 37.3 and 30.7, from mpmath at 50 digits.
    const reference37 = 7.677417113106441e-303;
    const reference30 = 2.1922843092047094e-205;
    expect(relativeError(gaussianKernel(37.3), reference37)).toBeLessThan(relativeTolerance);
    expect(relativeError(gaussianKernel(30.7), reference30)).toBeLessThan(relativeTolerance);
    // The unsplit formula loses about a dozen units in the last place there.
    expect(relativeError(Math.exp(-37.3 * 37.3 * 0.5), reference37)).toBeGreaterThan(1e-15);
    expect(gaussianKernel(-37.3)).toBe(gaussianKernel(37.3));
    expect(gaussianKernel(1e308)).toBe(0);
    expect(normalPdf(Number.POSITIVE_INFINITY)).toBe(0);
  });
});
