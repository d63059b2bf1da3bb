import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { completeBrackets } from '../../src/core/margin/brackets.ts';
import type { MarginRule, Rulebook } from '../../src/core/model/rulebook.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import {
  account,
  d,
  deribitOptionRule,
  linearPerp,
  market,
  option,
  pmAsOfMs,
  position,
  surface,
  venue,
} from '../kit.ts';

/**
 * KuCoin Futures' published worked examples (rulebooks/kucoin-futures.json):
 * - K1: "Liquidation Price in Cross Margin Mode", https://kucoin.com/support/35084431335065
 * - K2: "How to Calculate the Liquidation Price for KuCoin Contracts" (the older isolated
 *   formula), https://www.kucoin.com/support/4408061803033
 * The rates in each example are the example's own ("BTC/USDT contract MMR: 0.5%"), so each test
 * margins the preset's liquidation rule (its fee, its cross price) with the example's tiers.
 */
const flat = (rate: string, leverage = '100'): MarginRule => ({
  kind: 'brackets',
  brackets: completeBrackets([{ cap: null, maxLeverage: d(leverage), maintenanceRate: d(rate) }]),
});
const kucoin = readPreset('kucoin-futures');
const btc = linearPerp('BTCUSDTM', 'BTC', {
  contractSize: d('0.001'),
  tickSize: d('0.1'),
  sizeStep: d('1'),
});
const eth = linearPerp('ETHUSDTM', 'ETH', { contractSize: d('0.01'), sizeStep: d('1') });

describe('KuCoin K1: cross liquidation price, the pool apportioned by mark value', () => {
  // A long BTC/USDT of 10 contracts at a mark of 62,000 (multiplier 0.001, MMR 0.5%), a short
  // ETH/USDT of 100 at 3,800 (0.01, 1%); "Taker fee rate: 0.06%". Opened at the marks, so the
  // pool's equity is its cash.
  const rules: Rulebook = {
    ...kucoin,
    instruments: new Map([
      ['BTCUSDTM', flat('0.005')],
      ['ETHUSDTM', flat('0.01')],
    ]),
  };
  const pool = (usdt: string) =>
    assess(
      account({ USDT: usdt }, [
        position('BTCUSDTM', '10', '62000'),
        position('ETHUSDTM', '-100', '3800'),
      ]),
      venue([btc, eth], rules),
      market({ USDT: '1', BTC: '62000', ETH: '3800' }, { BTCUSDTM: '62000', ETHUSDTM: '3800' }),
    ).positions;

  it('an option in the pool adds its value to the equity shared, and takes no share', () => {
    // 100 USDT of cash swapped for a long put worth 100: the same equity, apportioned over the
    // same futures' mark values, gives the short the same price.
    const put = option('ETH-P', 'ETH', 'put', '3000', 'linear');
    const withPut = assess(
      account({ USDT: '900' }, [
        position('BTCUSDTM', '10', '62000'),
        position('ETHUSDTM', '-100', '3800'),
        position('ETH-P', '1', '100'),
      ]),
      venue([btc, eth, put], { ...rules, defaultOptionRule: deribitOptionRule }),
      {
        ...market(
          { USDT: '1', BTC: '62000', ETH: '3800' },
          { BTCUSDTM: '62000', ETHUSDTM: '3800', 'ETH-P': '100' },
        ),
        asOfMs: pmAsOfMs,
        volatility: new Map([['ETH', surface(0.6)]]),
      },
    ).positions;
    const [, short] = pool('1000');
    expect(withPut[1]!.apportionedLiquidationPrice).toBe(short!.apportionedLiquidationPrice);
    expect(withPut[2]!.apportionedLiquidationPrice).toBeUndefined();
  });

  it('"AMR = … = 22.62%", "ETH/USDT contract liquidation price = … = 4,610.7"', () => {
    // KuCoin computes with the AMR as printed, 22.62 %: the pool of 22.62 % × 4,420 = 999.804
    // USDT has exactly that ratio, and gives KuCoin's figure to its printed 0.1.
    const [, short] = pool('999.804');
    expect(Math.abs(toNumber(short!.apportionedLiquidationPrice!) - 4610.7)).toBeLessThan(0.05);
    // The example's "total margin of 1000 USDT" itself is an AMR of 22.6244 %, a little more
    // margin for each position: (3,800 + 3,800 × 1,000 / 4,420) / (1 + 1% + 0.06%) = 4,610.85.
    const [, exact] = pool('1000');
    expect(Math.abs(toNumber(exact!.apportionedLiquidationPrice!) - 4610.85)).toBeLessThan(0.01);
  });

  it('"BTC/USDT contract liquidation price … = 47,956" is not what its own formula gives', () => {
    // (62,000 × 0.001 × 10 − 620 × 22.62 %) / (1 − 0.5 % − 0.06 %) / (0.001 × 10) = 48,245.8
    // from KuCoin's printed inputs, while the ETH figure above follows the same formula to the
    // digit: the printed 47,956 is an arithmetic slip on KuCoin's page, so xmargin is held to the
    // formula's value.
    const [long] = pool('999.804');
    expect(Math.abs(toNumber(long!.apportionedLiquidationPrice!) - 48245.8)).toBeLessThan(0.1);
  });

  it('the apportioned price is a reference: the pool falls where the others stay at their marks', () => {
    const [long, short] = pool('1000');
    // With the ETH short held at 3,800, all of the pool backs the 620 USDT of BTC: no BTC price
    // liquidates it, whatever KuCoin's apportioned price says.
    expect(long!.liquidationPrice).toBeNull();
    expect(short!.liquidationPrice!).toBeGreaterThan(short!.apportionedLiquidationPrice!);
    // The closing fee, 0.06 % of each mark value, counts with the maintenance margin:
    // 620 × 0.06 % and 3,800 × 0.06 % (KuCoin's "Expected closing fees").
    expect(long!.closingFee).toBe(d('0.372'));
    expect(short!.closingFee).toBe(d('2.28'));
    expect(long!.maintenanceMargin).toBe(d('3.1') + d('0.372'));
  });
});

describe('KuCoin K2: the older isolated formula, maintenance at the holding price', () => {
  it('"short position of 5 BTC/USD contracts … 100x … IM 1.4, MM 0.56 … LP = 28,168"', () => {
    // The older article measures MM at the holding price and counts no fee: marginPrice "entry"
    // without the closing fee, the rule the current preset replaced.
    const older: Rulebook = {
      id: 'kucoin-older',
      name: 'KuCoin, older isolated formula',
      crossPool: 'unified',
      collateral: kucoin.collateral,
      instruments: new Map([['BTCUSDTM', { ...flat('0.004'), marginPrice: 'entry' as const }]]),
    };
    const report = assess(
      {
        ...account({}, [
          position('BTCUSDTM', '-5', '28000', { marginMode: 'isolated', isolatedMargin: d('1.4') }),
        ]),
        leverage: new Map([['BTCUSDTM', d('100')]]),
      },
      venue([btc], older),
      market({ USDT: '1', BTC: '28000' }, { BTCUSDTM: '28000' }),
    );
    const short = report.positions[0]!;
    expect(short.initialMargin).toBe(d('1.4'));
    expect(short.maintenanceMargin).toBe(d('0.56'));
    expect(short.liquidationPrice).toBe(d('28168'));
  });
});
