import { deribitBtcCall } from '../deribit-btc-call.ts';
import { presetJson } from '../import/presets.ts';

/**
 * The simulator's venue: Deribit's published rules (standard and portfolio margin, one pool
 * across the coins at haircuts, as its cross-collateral keeps it) over two inverse perpetuals, a linear USDC perpetual, a dated BTC future that
 * expires during a run and one BTC call, liquidating in steps with a cool-down and a per-block
 * bound, and the whole loss waterfall (a fund floor, a capped backstop, auto-deleveraging with a
 * grace). Collateral is held at the venue and on a second chain, at a cut weight. Read through the
 * same readers as any venue file (venue-rules.ts), so what the simulator runs is a venue a user
 * could write.
 */

/** The simulated clock starts here: a fixed date, so a seed gives the same run on any day. */
export const simStartMs = Date.UTC(2026, 0, 5);
/** The dated future expires two hours in: most runs trade it, settle it, and go on without it. */
export const futureExpiryMs = simStartMs + 2 * 3_600_000;
/** The call runs thirty days: past the end of any run. */
export const optionExpiry = simStartMs + 30 * 86_400_000;

export const simInstruments = {
  btcPerpetual: 'BTC-PERPETUAL',
  ethPerpetual: 'ETH-PERPETUAL',
  usdcPerpetual: 'BTC_USDC-PERPETUAL',
  future: 'BTC-05JAN26',
  call: 'BTC-04FEB26-100000-C',
} as const;

export const callStrike = 100_000;

/** The backstop: takes over what the book cannot absorb, up to 300,000 USD a market (then auto-deleveraging). */
export const simBackstop = 'sim-backstop';
/** The street: the other side of every trade from outside the venue (an external maker). */
export const simStreet = 'sim-street';

const liquidationCoolDownMs = 2_000;
const liquidationBlockMs = 10_000;
export const deleverageGraceMs = 30_000;
/** ETH's index is the median of these (index-sources.ts): the workload breaks one now and then. */
export const simIndexSources = ['feed-a', 'feed-b', 'feed-c'];
export const indexPauseMaxMs = 60_000;

export function simVenueFile(): Record<string, unknown> {
  const deribit = presetJson('deribit-options') as Record<string, unknown>;
  return {
    format: 'xmargin.portfolio/1',
    description: 'The venue of `xmargin simulate`: Deribit’s published rules, liquidating.',
    rulebook: {
      ...deribit,
      // One pool across the coins (Deribit's cross-collateral), each counted at a haircut.
      crossPool: 'unified',
      collateral: {
        BTC: { tiers: [{ upTo: null, initialWeight: '0.95', maintenanceWeight: '0.97' }] },
        ETH: { tiers: [{ upTo: null, initialWeight: '0.9', maintenanceWeight: '0.95' }] },
        USDC: { tiers: [{ upTo: null, initialWeight: '0.98', maintenanceWeight: '0.99' }] },
      },
      liquidationWarning: '0.8',
      // Below what the workload's traders would build: new orders meet the limit now and then.
      openInterestLimits: { [simInstruments.ethPerpetual]: '1000000' },
      index: {
        ETH: {
          sources: simIndexSources,
          minHealthy: '2',
          maxDeviation: '0.02',
          staleAfterMs: '30000',
          pauseMaxMs: String(indexPauseMaxMs),
        },
      },
      liquidation: {
        buffer: '0.1',
        feeRate: '0.0025',
        maxPortion: '0.5',
        minNotional: '0.05',
        coolDownMs: String(liquidationCoolDownMs),
        blockMs: String(liquidationBlockMs),
        maxBlockValue: '3000000',
        waterfall: {
          fundFloor: '1000',
          backstops: [{ account: simBackstop, maxValue: '300000' }],
          autoDeleverage: { ranking: 'profit_times_leverage', graceMs: String(deleverageGraceMs) },
        },
      },
    },
    assets: [
      { id: 'BTC', name: 'Bitcoin' },
      { id: 'ETH', name: 'Ether' },
      { id: 'USDC', name: 'USD Coin' },
      { id: 'USD', name: 'US dollar (the quote)' },
    ],
    instruments: [
      inverse(simInstruments.btcPerpetual, 'BTC', '10', '0.5'),
      inverse(simInstruments.ethPerpetual, 'ETH', '1', '0.05'),
      {
        id: simInstruments.usdcPerpetual,
        kind: 'perpetual',
        settlement: 'linear',
        underlying: 'BTC',
        quote: 'USDC',
        settle: 'USDC',
        contractSize: '1',
        tickSize: '0.5',
        sizeStep: '0.001',
      },
      {
        ...inverse(simInstruments.future, 'BTC', '10', '0.5'),
        kind: 'future',
        expiry: iso(futureExpiryMs),
      },
      deribitBtcCall(simInstruments.call, optionExpiry, callStrike),
    ],
    market: {
      asOf: iso(simStartMs),
      assetPrices: { BTC: '95000', ETH: '3400', USDC: '1', USD: '1' },
      markPrices: {},
    },
    accounts: [],
  };
}

/** The second chain collateral may be held on: counted at 90 %, a move to or from it an hour. */
export const simPlaces = {
  pendingCounts: 'neither',
  locations: { arbitrum: { weight: '0.9', transferDelayMs: 3_600_000 } },
};

function inverse(id: string, underlying: string, contractSize: string, tickSize: string) {
  return {
    id,
    kind: 'perpetual',
    settlement: 'inverse',
    underlying,
    quote: 'USD',
    settle: underlying,
    contractSize,
    tickSize,
    sizeStep: '1',
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
