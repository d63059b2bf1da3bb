/**
 * The standard normal density and distribution function, to full double precision on the whole
 * real line, far tails included: option prices, greeks and implied volatility all rest on them, and
 * a deep out-of-the-money option is priced from N(x) at x of −10 and beyond, where 1 − N(−x) loses
 * every digit.
 *
 * The algorithm is W. J. Cody's ANORM: near-minimax rational approximations derived from
 * W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
 * 631–637, as published in W. J. Cody, "Algorithm 715: SPECFUN — a portable FORTRAN package of
 * special function routines and test drivers", ACM TOMS 19 (1993), 22–32. The coefficients below
 * are Cody's (published to 17–20 digits, theoretically good to 18), each written as the shortest
 * decimal that parses to the same double as Cody's digits; three ranges of |x|:
 *   |x| ≤ 0.66291        N(x) = ½ + x·R₁(x²)
 *   0.66291 < |x| ≤ √32  N(−|x|) = e^{−x²/2}·R₂(|x|)
 *   |x| > √32            N(−|x|) = e^{−x²/2}/|x|·(1/√(2π) − R₃(1/x²)/x²)
 * The tail is computed directly (never as 1 − something), so N(x) for x < 0 keeps its relative
 * precision down to the underflow of doubles (x ≈ −37.5; below that the result is subnormal).
 *
 * Allocation-free, no tables built at run time: called millions of times per scenario grid.
 */

const smallRange = 0.66291;
const middleRange = 5.656854248; // √32, as Cody rounds it
/** e^{−y²/2} is below the smallest subnormal double from y ≈ 38.58 on. */
const kernelUnderflow = 39;
/** 1/√(2π). */
const inverseSqrtTwoPi = 0.3989422804014327;

// R₁: |x| ≤ 0.66291.
const a0 = 2.2352520354606837;
const a1 = 161.02823106855587;
const a2 = 1067.6894854603709;
const a3 = 18154.98125334356;
const a4 = 0.06568233791820745;
const b0 = 47.202581904688245;
const b1 = 976.0985517377767;
const b2 = 10260.932208618979;
const b3 = 45507.78933502673;

// R₂: 0.66291 < |x| ≤ √32.
const c0 = 0.39894151208813466;
const c1 = 8.883149794388377;
const c2 = 93.50665613217785;
const c3 = 597.2702763948002;
const c4 = 2494.5375852903726;
const c5 = 6848.190450536283;
const c6 = 11602.65143764735;
const c7 = 9842.714838383978;
const c8 = 1.0765576773720192e-8;
const d0 = 22.266688044328117;
const d1 = 235.387901782625;
const d2 = 1519.3775994075547;
const d3 = 6485.558298266761;
const d4 = 18615.571640885097;
const d5 = 34900.95272114598;
const d6 = 38912.00328609327;
const d7 = 19685.429676859992;

// R₃: |x| > √32, in 1/x².
const p0 = 0.215898534057957;
const p1 = 0.12740116116024736;
const p2 = 0.022235277870649807;
const p3 = 0.0014216191932278934;
const p4 = 0.000029112874951168793;
const p5 = 0.023073441764940174;
const q0 = 1.284260096144911;
const q1 = 0.4682382124808651;
const q2 = 0.06598813786892856;
const q3 = 0.0037823963320275824;
const q4 = 0.00007297515550839662;

/**
 * e^{−x²/2} without the rounding of x²: for |x| near 38, x² carries an absolute error of about
 * 1e-13, which e^{…} turns into a relative error of the same size. Cody splits x = xHead + rest
 * with xHead a multiple of 1/16, so xHead² is exact and the rest enters as a small product.
 */
export function gaussianKernel(x: number): number {
  const y = Math.abs(x);
  // Beyond this the result underflows to 0 anyway, and 16·y could overflow to ∞ and give NaN.
  if (y >= kernelUnderflow) return 0;
  const head = Math.trunc(y * 16) / 16;
  const rest = (y - head) * (y + head);
  return Math.exp(-head * head * 0.5) * Math.exp(-rest * 0.5);
}

/** The standard normal density n(x) = e^{−x²/2}/√(2π). */
export function normalPdf(x: number): number {
  return inverseSqrtTwoPi * gaussianKernel(x);
}

/** The standard normal distribution function N(x) = P(Z ≤ x), Z ~ N(0, 1). */
export function normalCdf(x: number): number {
  const y = Math.abs(x);
  if (y <= smallRange) {
    const xx = x * x;
    let top = a4 * xx;
    let bottom = xx;
    top = (top + a0) * xx;
    bottom = (bottom + b0) * xx;
    top = (top + a1) * xx;
    bottom = (bottom + b1) * xx;
    top = (top + a2) * xx;
    bottom = (bottom + b2) * xx;
    return 0.5 + (x * (top + a3)) / (bottom + b3);
  }
  const tail = y <= middleRange ? middleTail(y) : farTail(y);
  return x < 0 ? tail : 1 - tail;
}

/** N(−y) for 0.66291 < y ≤ √32. */
function middleTail(y: number): number {
  let top = c8 * y;
  let bottom = y;
  top = (top + c0) * y;
  bottom = (bottom + d0) * y;
  top = (top + c1) * y;
  bottom = (bottom + d1) * y;
  top = (top + c2) * y;
  bottom = (bottom + d2) * y;
  top = (top + c3) * y;
  bottom = (bottom + d3) * y;
  top = (top + c4) * y;
  bottom = (bottom + d4) * y;
  top = (top + c5) * y;
  bottom = (bottom + d5) * y;
  top = (top + c6) * y;
  bottom = (bottom + d6) * y;
  return (gaussianKernel(y) * (top + c7)) / (bottom + d7);
}

/** N(−y) for y > √32; 0 once e^{−y²/2} underflows (y above about 38.6). */
function farTail(y: number): number {
  const z = 1 / (y * y);
  let top = p5 * z;
  let bottom = z;
  top = (top + p0) * z;
  bottom = (bottom + q0) * z;
  top = (top + p1) * z;
  bottom = (bottom + q1) * z;
  top = (top + p2) * z;
  bottom = (bottom + q2) * z;
  top = (top + p3) * z;
  bottom = (bottom + q3) * z;
  const correction = (z * (top + p4)) / (bottom + q4);
  return (gaussianKernel(y) * (inverseSqrtTwoPi - correction)) / y;
}
