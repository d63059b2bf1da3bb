/**
 * The three synthetic portfolios of the peer benchmark, defined once in plain venue-neutral terms.
 * Every converter (drift.ts, mango.ts, xmargin-side.ts) reads these and nothing else.
 *
 * Numbers are decimal strings (the project's boundary rule), with few enough decimals that every
 * peer holds them exactly in its own fixed point:
 *   - prices: at most 3 decimals (Drift PRICE_PRECISION is 1e-6)
 *   - sizes and balances: at most 3 decimals (Drift BASE_PRECISION 1e-9, Mango base lot 1e-3)
 *   - size × entry price therefore has at most 6 decimals (Drift QUOTE_PRECISION 1e-6)
 *   - rates and weights: at most 4 decimals (Drift MARGIN_PRECISION / SPOT_MARKET_WEIGHT_PRECISION
 *     are 1e-4)
 *
 * The rulebook both peers agree on (see README.md, "How the two rulebooks were made to coincide"):
 *   perp initial margin     = |size| × mark × initialRate            (no size premium, imf 0)
 *   perp maintenance margin = |size| × mark × maintenanceRate
 *   unrealised PnL          = size × (mark − entry), counted fully, gain or loss (weight 1)
 *   a deposit               = balance × price × assetWeight(kind)     (flat, no size discount)
 *   a borrowing             = |balance| × price × liabilityWeight(kind) (flat, no size premium)
 *   USDC                    : price 1, every weight 1
 *   no funding, no open orders, no isolated positions, oracle = stable price = TWAP = mark
 */

export interface AssetHolding {
  readonly symbol: string;
  readonly price: string;
  /** Signed: negative is a borrowing. */
  readonly balance: string;
  readonly initialAssetWeight: string;
  readonly maintenanceAssetWeight: string;
  readonly initialLiabilityWeight: string;
  readonly maintenanceLiabilityWeight: string;
}

export interface PerpHolding {
  readonly symbol: string;
  /** Signed base units: positive long, negative short. */
  readonly size: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly initialRate: string;
  readonly maintenanceRate: string;
}

export interface Portfolio {
  readonly id: string;
  readonly title: string;
  /** assets[0] is always USDC, the quote / settle asset of every perp. */
  readonly assets: readonly AssetHolding[];
  readonly perps: readonly PerpHolding[];
}

const usdc = (balance: string): AssetHolding => ({
  symbol: 'USDC',
  price: '1',
  balance,
  initialAssetWeight: '1',
  maintenanceAssetWeight: '1',
  initialLiabilityWeight: '1',
  maintenanceLiabilityWeight: '1',
});

/** (a) 1 spot balance + 3 perps. */
const portfolioA: Portfolio = {
  id: 'a',
  title: '1 spot balance + 3 perps',
  assets: [usdc('10000')],
  perps: [
    {
      symbol: 'BTC-PERP',
      size: '0.5',
      entryPrice: '60000',
      markPrice: '63250.5',
      initialRate: '0.05',
      maintenanceRate: '0.03',
    },
    {
      symbol: 'ETH-PERP',
      size: '-4',
      entryPrice: '3100',
      markPrice: '3010.25',
      initialRate: '0.05',
      maintenanceRate: '0.03',
    },
    {
      symbol: 'SOL-PERP',
      size: '100',
      entryPrice: '140',
      markPrice: '131.37',
      initialRate: '0.1',
      maintenanceRate: '0.05',
    },
  ],
};

/** (b) 8 assets + 8 perps: Drift's on-chain maximum (8 spot + 8 perp positions per user). */
const portfolioB: Portfolio = {
  id: 'b',
  title: '8 assets + 8 perps',
  assets: [
    usdc('25000'),
    asset('SOL', '131.37', '120', '0.8', '0.9', '1.2', '1.1'),
    asset('BTC', '63250.5', '0.25', '0.8', '0.9', '1.2', '1.1'),
    asset('ETH', '3010.25', '-2', '0.8', '0.9', '1.2', '1.1'),
    asset('JitoSOL', '152.125', '40', '0.7', '0.8', '1.3', '1.2'),
    asset('JUP', '0.842', '5000', '0.5', '0.6', '1.5', '1.4'),
    asset('USDT', '1', '3000', '0.95', '0.97', '1.05', '1.03'),
    asset('PYTH', '0.317', '-1200', '0.5', '0.6', '1.5', '1.4'),
  ],
  perps: [
    perp('BTC-PERP', '0.75', '61000', '63250.5', '0.05', '0.03'),
    perp('ETH-PERP', '-6', '3150', '3010.25', '0.05', '0.03'),
    perp('SOL-PERP', '250', '140', '131.37', '0.1', '0.05'),
    perp('JUP-PERP', '-20000', '0.9', '0.842', '0.2', '0.1'),
    perp('WIF-PERP', '3000', '1.85', '2.013', '0.2', '0.1'),
    perp('BONK-PERP', '-150000', '0.021', '0.023', '0.25', '0.125'),
    perp('APT-PERP', '500', '8.5', '8.125', '0.1', '0.05'),
    perp('ARB-PERP', '-4000', '0.95', '0.874', '0.1', '0.05'),
  ],
};

/** (c) 200 positions: 1 USDC + 49 other assets + 150 perps (past both venues' account limits). */
const portfolioC: Portfolio = generated('c', '200 positions (50 assets + 150 perps)', 50, 150, 7);

export const portfolios: readonly Portfolio[] = [portfolioA, portfolioB, portfolioC];

export function positionCount(p: Portfolio): number {
  return p.assets.length + p.perps.length;
}

function asset(
  symbol: string,
  price: string,
  balance: string,
  initialAssetWeight: string,
  maintenanceAssetWeight: string,
  initialLiabilityWeight: string,
  maintenanceLiabilityWeight: string,
): AssetHolding {
  return {
    symbol,
    price,
    balance,
    initialAssetWeight,
    maintenanceAssetWeight,
    initialLiabilityWeight,
    maintenanceLiabilityWeight,
  };
}

function perp(
  symbol: string,
  size: string,
  entryPrice: string,
  markPrice: string,
  initialRate: string,
  maintenanceRate: string,
): PerpHolding {
  return { symbol, size, entryPrice, markPrice, initialRate, maintenanceRate };
}

/** A deterministic portfolio: a seeded LCG, values rounded to the decimals above. */
function generated(
  id: string,
  title: string,
  assetCount: number,
  perpCount: number,
  seed: number,
): Portfolio {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  /** A price with 3 significant decimals spread over 0.01 .. 50 000. */
  const price = (): string => trim(Math.max(0.001, 10 ** (next() * 6.7 - 2)).toFixed(3));
  const tiers = [
    ['0.8', '0.9', '1.2', '1.1'],
    ['0.7', '0.8', '1.3', '1.2'],
    ['0.5', '0.6', '1.5', '1.4'],
  ] as const;
  const rates = [
    ['0.05', '0.03'],
    ['0.1', '0.05'],
    ['0.2', '0.1'],
  ] as const;

  const assets: AssetHolding[] = [usdc('600000')];
  for (let i = 1; i < assetCount; i++) {
    const p = price();
    // about 10 000 USD each, 1 in 5 borrowed
    const units = Math.max(0.001, (10_000 / Number(p)) * (0.5 + next()));
    const signed = (next() < 0.2 ? -1 : 1) * Number(units.toFixed(3));
    const [iw, mw, il, ml] = pick(tiers);
    assets.push(asset(`A${i}`, p, trim(signed.toFixed(3)), iw, mw, il, ml));
  }
  const perps: PerpHolding[] = [];
  for (let i = 0; i < perpCount; i++) {
    const mark = price();
    // entry within ±10 % of mark, 3 decimals
    const entry = trim(Math.max(0.001, Number(mark) * (0.9 + 0.2 * next())).toFixed(3));
    const units = Math.max(0.001, (20_000 / Number(mark)) * (0.5 + next()));
    const signed = (next() < 0.5 ? -1 : 1) * Number(units.toFixed(3));
    const [ir, mr] = pick(rates);
    perps.push(perp(`P${i}-PERP`, trim(signed.toFixed(3)), entry, mark, ir, mr));
  }
  return { id, title, assets, perps };
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

// ---------------------------------------------------------------------------------------------
// The reference figures of the shared rulebook, exact (bigint at 1e-18 USD), for the check.

export interface Figures {
  /** Drift's "total collateral": weighted deposits + unrealised PnL. */
  readonly collateral: number;
  /** Drift's "margin requirement": perp margin + weighted borrowings. */
  readonly requirement: number;
  /** collateral − requirement: Drift's free collateral, Mango's health. */
  readonly health: number;
}

export interface ReferenceFigures {
  readonly initial: Figures;
  readonly maintenance: Figures;
  /** Unweighted: Σ balance × price + Σ unrealised PnL. */
  readonly equity: number;
}

const SCALE = 6; // decimals per factor; a product of three factors has 18

export function fixed(decimal: string, scale = SCALE): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (m === null) throw new Error(`not a decimal string: ${decimal}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale) throw new Error(`${decimal}: more than ${scale} decimals`);
  const v = BigInt(m[2]! + frac);
  return m[1] === '-' ? -v : v;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const usd18 = (x: bigint): number => Number(x) / 1e18;

export function referenceFigures(p: Portfolio): ReferenceFigures {
  const one = fixed('1');
  const kind = (k: 'initial' | 'maintenance'): Figures => {
    let collateral = 0n; // scale 1e18
    let requirement = 0n;
    for (const a of p.assets) {
      const value = fixed(a.balance) * fixed(a.price); // 1e12
      if (value >= 0n) {
        const w = fixed(k === 'initial' ? a.initialAssetWeight : a.maintenanceAssetWeight);
        collateral += value * w;
      } else {
        const w = fixed(k === 'initial' ? a.initialLiabilityWeight : a.maintenanceLiabilityWeight);
        requirement += -value * w;
      }
    }
    for (const q of p.perps) {
      const size = fixed(q.size);
      const pnl = size * (fixed(q.markPrice) - fixed(q.entryPrice)); // 1e12
      collateral += pnl * one;
      const rate = fixed(k === 'initial' ? q.initialRate : q.maintenanceRate);
      requirement += abs(size) * fixed(q.markPrice) * rate;
    }
    return {
      collateral: usd18(collateral),
      requirement: usd18(requirement),
      health: usd18(collateral - requirement),
    };
  };
  let equity = 0n;
  for (const a of p.assets) equity += fixed(a.balance) * fixed(a.price) * one;
  for (const q of p.perps) {
    equity += fixed(q.size) * (fixed(q.markPrice) - fixed(q.entryPrice)) * one;
  }
  return { initial: kind('initial'), maintenance: kind('maintenance'), equity: usd18(equity) };
}
