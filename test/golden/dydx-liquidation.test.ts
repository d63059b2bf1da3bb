import { describe, expect, it } from 'vitest';
import { bankruptcyPrice } from '../../src/core/liquidation/bankruptcy-price.ts';
import { fillablePrice } from '../../src/core/liquidation/fillable-price.ts';
import { insuranceFundDelta } from '../../src/core/liquidation/insurance-fund-delta.ts';
import { liquidationSize } from '../../src/core/liquidation/liquidation-size.ts';
import { bucketsOf } from '../../src/core/model/bucket.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import type { LiquidityTierRule } from '../../src/core/model/rulebook.ts';
import { abs } from '../../src/core/num/fixed.ts';
import { divFloor } from '../../src/core/num/rounding.ts';
import {
  account,
  d,
  flatCollateral,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from '../kit.ts';

/**
 * dYdX v4's own cases: dydxprotocol/v4-chain protocol/x/clob/keeper/liquidations_test.go
 * `TestGetBankruptcyPriceInQuoteQuantums` (commit 56b4b49d3ceaa2930d5ac9d602808beb379bdecd), over
 * `GetBankruptcyPriceInQuoteQuantums` in liquidations.go. Its perpetuals: BTC at 50,000 and ETH at
 * 3,000, liquidity tier 3 (initial 20 %, maintenance a half of it: 10 % of notional).
 *
 * Units: dYdX prints the quote the account receives for the close (negative: pays), in quote
 * quantums of 0.000001 USDC, rounded up; a size in base quantums (1e-8 BTC, 1e-9 ETH). dYdX keeps a
 * position's cost in the USDC balance and ours in its entry, so each account here is the same
 * account with its positions entered at the oracle and its USDC balance its net collateral (TNC).
 * dYdX's quote is exact, a whole number of quantums; ours is our bankruptcy price times the size
 * closed, and our price is on the tick grid, the tick at which the account still keeps its share:
 * its quote is within tick × size of dYdX's, above it for a sell (the account receives a little
 * more) and below for a buy (it pays a little less). Where tick × size is under a quantum, as in
 * every case here, the quote rounded down to the quantum is dYdX's, if ours is right.
 */
const quantum = d('0.000001');
const tier3: LiquidityTierRule = {
  kind: 'liquidity-tier',
  initialRate: d('0.2'),
  maintenanceFraction: d('0.5'),
};
const btc = linearPerp('BTC-USD', 'BTC', {
  quote: 'USDC',
  settle: 'USDC',
  tickSize: d('0.000005'),
  sizeStep: d('0.00000001'),
});
const eth = linearPerp('ETH-USD', 'ETH', {
  quote: 'USDC',
  settle: 'USDC',
  tickSize: d('0.000001'),
  sizeStep: d('0.000000001'),
});
const dydx = venue(
  [btc, eth],
  rulebook(
    { 'BTC-USD': tier3, 'ETH-USD': tier3 },
    new Map([['USDC', { ...flatCollateral('1'), unit: quantum }]]),
  ),
);
const prices = marketView(market({ USDC: '1' }, { 'BTC-USD': '50000', 'ETH-USD': '3000' }));

/** The cross bucket of a dYdX account: its TNC in USDC, its positions entered at the oracle. */
function dydxBucket(tnc: string, positions: readonly (readonly [string, string])[]) {
  const held = positions.map(([instrument, signed]) =>
    position(instrument, signed, instrument === 'BTC-USD' ? '50000' : '3000'),
  );
  return bucketsOf(account({ USDC: tnc }, held), dydx)[0]!;
}

/** The quote for closing `size` of the account's `leg` at our bankruptcy price, in quantums. */
function quoteQuantums(
  tnc: string,
  positions: readonly [string, string][],
  leg: number,
  size: string,
): bigint {
  const bucket = dydxBucket(tnc, positions);
  const price = bankruptcyPrice(dydx, bucket, { leg, size: d(size) }, prices)!;
  const selling = bucket.legs[leg]!.size > 0n;
  const tick = dydx.instruments.get(bucket.legs[leg]!.instrument)!.tickSize;
  expect(tick * d(size)).toBeLessThan(quantum * 10n ** 18n);
  const quote = (selling ? 1n : -1n) * d(size) * price;
  return divFloor(quote, quantum * 10n ** 18n);
}

describe("the bankruptcy price, pinned to dYdX v4's own cases", () => {
  it.each([
    // [dYdX's case, TNC, positions, leg closed, size closed, quote in quantums]
    [
      'fully closing one long slightly below MM',
      '499',
      [['BTC-USD', '0.1']],
      0,
      '0.1',
      4_501_000_000n,
    ],
    [
      'fully closing one short slightly below MM',
      '499',
      [['BTC-USD', '-0.1']],
      0,
      '0.1',
      -5_499_000_000n,
    ],
    [
      'fully closing one long at the bankruptcy price',
      '0',
      [['BTC-USD', '0.1']],
      0,
      '0.1',
      5_000_000_000n,
    ],
    [
      'partially closing one long at the bankruptcy price',
      '0',
      [['BTC-USD', '0.1']],
      0,
      '0.05',
      2_500_000_000n,
    ],
    [
      'partially closing one short at the bankruptcy price',
      '0',
      [['BTC-USD', '-0.1']],
      0,
      '0.05',
      -2_500_000_000n,
    ],
    [
      'fully closing one short at the bankruptcy price',
      '0',
      [['BTC-USD', '-0.1']],
      0,
      '0.1',
      -5_000_000_000n,
    ],
    [
      'fully closing one long below the bankruptcy price',
      '-100',
      [['BTC-USD', '0.1']],
      0,
      '0.1',
      5_100_000_000n,
    ],
    [
      'fully closing one short below the bankruptcy price',
      '-100',
      [['BTC-USD', '-0.1']],
      0,
      '0.1',
      -4_900_000_000n,
    ],
    [
      'multiple long positions, closing ETH',
      '10',
      [
        ['BTC-USD', '0.004'],
        ['ETH-USD', '0.1'],
      ],
      1,
      '0.1',
      294_000_000n,
    ],
    [
      'multiple short positions, closing ETH',
      '10',
      [
        ['BTC-USD', '-0.004'],
        ['ETH-USD', '-0.1'],
      ],
      1,
      '0.1',
      -306_000_000n,
    ],
    [
      'a long and a short position, closing the short',
      '10',
      [
        ['BTC-USD', '0.004'],
        ['ETH-USD', '-0.1'],
      ],
      1,
      '0.1',
      -306_000_000n,
    ],
    ['rounds up: partially closing one long', '49987', [['BTC-USD', '1']], 0, '0.00021347', 2_776n],
    [
      'rounds up: partially closing one short',
      '-49987',
      [['BTC-USD', '-1']],
      0,
      '0.00021347',
      -2_775n,
    ],
  ] as const)('%s', (_name, tnc, positions, leg, size, quote) => {
    expect(quoteQuantums(tnc, positions as unknown as [string, string][], leg, size)).toBe(quote);
  });

  it('gives 0 where dYdX gives a negative price: a long that can be sold at any price', () => {
    // dYdX's "Account with a long position that cannot be liquidated at a loss has a negative
    // bankruptcy price in quote quantums": 1 BTC long on a TNC of 50,001, fully closed, −1 USDC
    // (−1,000,000 quantums). A price is not negative here: the rule we model is that such a
    // close has no floor, 0.
    const [bucket] = bucketsOf(
      account({ USDC: '50001' }, [position('BTC-USD', '1', '50000')]),
      dydx,
    );
    expect(bankruptcyPrice(dydx, bucket!, { leg: 0, size: d('1') }, prices)).toBe(0n);
  });
});

describe("the liquidation order's limit price, pinned to dYdX v4's own cases", () => {
  // liquidations_test.go `TestGetFillablePrice` (the same commit), over `GetFillablePrice`; the
  // default config: bankruptcy adjustment 1 (1,000,000 ppm), spread 0.1 of MM (100,000 ppm).
  // dYdX prints a rational in quote quantums per base quantum: × 100 is USD per BTC, × 1,000 per
  // ETH. Closing half the position gives the same price, so ours takes the position alone.
  it.each([
    ['one long slightly below MM', '499', [['BTC-USD', '0.1']], 0, '1', '0.1', '49999'],
    [
      'the same, bankruptcy adjustment 2,000,000 ppm',
      '499',
      [['BTC-USD', '0.1']],
      0,
      '2',
      '0.1',
      '49998',
    ],
    ['the same, spread 200,000 ppm', '499', [['BTC-USD', '0.1']], 0, '1', '0.2', '49998'],
    ['one short slightly below MM', '499', [['BTC-USD', '-0.1']], 0, '1', '0.1', '50001'],
    [
      'the short, bankruptcy adjustment 2,000,000 ppm',
      '499',
      [['BTC-USD', '-0.1']],
      0,
      '2',
      '0.1',
      '50002',
    ],
    ['the short, spread 200,000 ppm', '499', [['BTC-USD', '-0.1']], 0, '1', '0.2', '50002'],
    ['one long at the bankruptcy price', '0', [['BTC-USD', '0.1']], 0, '1', '0.1', '49500'],
    ['one short at the bankruptcy price', '0', [['BTC-USD', '-0.1']], 0, '1', '0.1', '50500'],
    ['one long below the bankruptcy price', '-500', [['BTC-USD', '0.1']], 0, '1', '0.1', '49500'],
    ['one short below the bankruptcy price', '-500', [['BTC-USD', '-0.1']], 0, '1', '0.1', '50500'],
    [
      'multiple long positions, ETH',
      '10',
      [
        ['BTC-USD', '0.004'],
        ['ETH-USD', '0.1'],
      ],
      1,
      '1',
      '0.1',
      '2976',
    ],
    [
      'bankruptcy adjustment MaxUint32 ppm',
      '499',
      [['BTC-USD', '0.1']],
      0,
      '4294.967295',
      '0.1',
      '49500',
    ],
    ['spread 1 ppm', '499', [['BTC-USD', '0.1']], 0, '1', '0.000001', '49999.99999'],
    ['spread 1,000,000 ppm', '499', [['BTC-USD', '0.1']], 0, '1', '1', '49990'],
  ] as const)('%s', (_name, tnc, positions, leg, adjustment, spread, expected) => {
    const bucket = dydxBucket(tnc, positions);
    const config = { bankruptcyAdjustment: d(adjustment), spreadToMaintenance: d(spread) };
    expect(fillablePrice(dydx, bucket, leg, prices, config)).toBe(d(expected));
  });
});

describe("the insurance fund's part of a liquidation fill, pinned to dYdX v4's own cases", () => {
  // liquidations_test.go `TestGetLiquidationInsuranceFundDelta` (the same commit), over
  // `GetLiquidationInsuranceFundDelta`: 0.1 BTC closed, a long on a USDC balance of −5,100 (TNC
  // −100) or a short on +4,900 (TNC −100); the fee 5,000 ppm unless given. The fill's price is in
  // subticks of 0.000001 USD per BTC; what the account receives for it is in whole quantums,
  // rounded down before its sign (dYdX's `FillAmountToQuoteQuantums`). Our bankruptcy price gives
  // the close it is set against. dYdX prints quantums.
  it.each([
    [
      'a long above the bankruptcy price pays the fee',
      'long',
      56_100_000_000n,
      '0.005',
      28_050_000n,
    ],
    ['the same at 25,000 ppm', 'long', 56_100_000_000n, '0.025', 140_250_000n],
    [
      'the same at 1,000,000 ppm: capped by what is left',
      'long',
      56_100_000_000n,
      '1',
      510_000_000n,
    ],
    [
      'a short above the bankruptcy price pays the fee',
      'short',
      44_100_000_000n,
      '0.005',
      22_050_000n,
    ],
    ['the short at 25,000 ppm', 'short', 44_100_000_000n, '0.025', 110_250_000n],
    ['the short at 1,000,000 ppm: capped', 'short', 44_100_000_000n, '1', 490_000_000n],
    ['a long just above the bankruptcy price', 'long', 51_051_000_000n, '0.005', 5_100_000n],
    ['a short just above the bankruptcy price', 'short', 48_951_000_000n, '0.005', 4_900_000n],
    ['a long at the bankruptcy price', 'long', 51_000_000_000n, '0.005', 0n],
    ['a short at the bankruptcy price', 'short', 49_000_000_000n, '0.005', 0n],
    ['a long below it: the fund covers the loss', 'long', 50_490_000_000n, '0.005', -51_000_000n],
    ['a short below it: the fund covers the loss', 'short', 49_490_000_000n, '0.005', -49_000_000n],
    ['a fill worth less than a quantum', 'short', 1n, '0.005', 0n],
  ] as const)('%s', (_name, side, subticks, fee, expected) => {
    const long = side === 'long';
    const bucket = dydxBucket(long ? '-100' : '-100', [['BTC-USD', long ? '0.1' : '-0.1']]);
    const size = d('0.1');
    const atBankruptcy = bankruptcyPrice(dydx, bucket, { leg: 0, size }, prices)!;
    const unit = quantum * 10n ** 18n;
    const value = (price: bigint) => divFloor(size * price, unit) * quantum;
    const received = (long ? 1n : -1n) * value(subticks * quantum);
    const bankrupt = (long ? 1n : -1n) * value(atBankruptcy);
    const delta = insuranceFundDelta(received - bankrupt, abs(received), d(fee), quantum);
    expect(delta / quantum).toBe(expected);
    expect(delta % quantum).toBe(0n);
  });
});

describe("a liquidation step's size, pinned to dYdX v4's own cases", () => {
  // liquidations_test.go `TestGetPerpetualPositionToLiquidate` and
  // `TestGetMaxAndMinPositionNotionalLiquidatable` (the same commit), over
  // `GetLiquidatablePositionSizeDelta`: dYdX closes up to its cap whatever the account's margin,
  // so the buffer here is one no close reaches, and the step is the cap. Its "no limit" floor is
  // one quantum; sizes in base quantums of 1e-8 BTC, notionals in USDC.
  const beyond = { buffer: d('1000'), minNotional: quantum, feeRate: 0n };
  it.each([
    ['half the position at most', '0.1', '0.5', '1000000', '0.05'],
    ['the account may lose 2,500 this block', '0.1', '1', '2500', '0.05'],
    ['2,000 this block and half the position', '0.1', '0.5', '2000', '0.04'],
    ['2,500 this block and 40 % of the position', '0.1', '0.4', '2500', '0.04'],
    ['a 140-quantum position at 10 %, on a step of 5', '0.0000014', '0.1', '1000000', '0.0000001'],
    ['a 20-quantum position at 10 %: one step', '0.0000002', '0.1', '1000000', '0.00000005'],
  ] as const)('%s', (_name, size, portion, remaining, expected) => {
    const stepped = venue([{ ...btc, sizeStep: d('0.00000005') }, eth], dydx.rulebook);
    const [bucket] = bucketsOf(
      account({ USDC: '-100' }, [position('BTC-USD', size, '50000')]),
      stepped,
    );
    const sizing = { ...beyond, maxPortion: d(portion) };
    const closed = liquidationSize(stepped, bucket!, 0, prices, d('49500'), sizing, d(remaining));
    expect(closed).toBe(d(expected));
  });

  it('floors a step at the smaller of the minimum notional and the whole position', () => {
    // `TestGetMaxAndMinPositionNotionalLiquidatable`'s third case: a minimum of 10 USDC on a
    // position of 5 USDC (10,000 quantums of BTC) makes the floor the position itself.
    const [bucket] = bucketsOf(
      account({ USDC: '-1' }, [position('BTC-USD', '0.0001', '50000')]),
      dydx,
    );
    const sizing = { buffer: d('1000'), minNotional: d('10'), maxPortion: d('0.01'), feeRate: 0n };
    expect(liquidationSize(dydx, bucket!, 0, prices, d('49500'), sizing, d('1000000'))).toBe(
      d('0.0001'),
    );
  });
});
