import { describe, expect, it } from 'vitest';
import { applyFill } from '../../src/core/ledger/apply-fill.ts';
import type { Fill, FillApplied, VenueAccounts } from '../../src/core/ledger/fill.ts';
import { netOf } from '../../src/core/ledger/movement.ts';
import type { Account, Side } from '../../src/core/model/account.ts';
import type { Instrument } from '../../src/core/model/instrument.ts';
import { formatFixed, toNumber } from '../../src/core/num/fixed.ts';
import { account, d, inversePerp, linearPerp, option } from '../kit.ts';

/**
 * Fills through the ledger against venues' published worked examples of average entry price,
 * realised PnL and trading fees, and two flips computed by hand:
 * - Bybit, "P&L calculations (USDT Contract)":
 *   https://help.bybit.com/hc/en-us/articles/900000630066-P-L-calculations-USDT-Contract-
 *   (average entry 5,375; Trader B +100 USDT; Trader C +400 USDT and, under "Closed P&L", fees of
 *   1.32 to open and 1.10 to close at the 0.055 % taker rate — that section as reproduced at
 *   https://www.pastorq.com/7518.html).
 * - Bybit, "Profit & Loss calculations (Inverse Contracts)", Bybit's help centre on its testnet
 *   domain: https://testnet.bytick.com/kk-KZ/help-center/article/Profit-Loss-calculations-Inverse-Contracts
 *   (average entry 5,625.00 USD; Trader B 0.01819 BTC).
 * - Bitget, "Tính toán Lời/Lỗ đối với Bitget futures" (PnL calculation for Bitget futures):
 *   https://bitget.com.vn/vi/support/articles/12560603810534 (a partial close: 1,800 USDT, fees
 *   35.58, realised 1,764.42).
 * - Deribit, "Fees": https://support.deribit.com/hc/en-us/articles/25944746248989-Fees (a taker
 *   fee and a maker rebate in the coin; an option's fee capped at 12.5 % of its price).
 */
const venue: VenueAccounts = { fees: 'fees', rounding: 'rounding', pnlPool: 'pool' };
const btcUsdt = linearPerp('BTCUSDT', 'BTC');
/** Bybit's BTCUSD: 1 USD a contract, PnL in BTC. */
const btcUsd = inversePerp('BTCUSD', 'BTC', { contractSize: d('1'), tickSize: d('0.5') });

interface Trade {
  readonly side: Side;
  readonly size: string;
  readonly price: string;
  readonly takerFee?: string;
  readonly makerFee?: string;
}

/** A trader (always the taker) trading against a market maker, fill after fill. */
function trading(instrument: Instrument, balance: string, trades: readonly Trade[]) {
  let trader: Account = account({ [instrument.settle]: balance }, [], 'trader');
  let maker: Account = account({ [instrument.settle]: '1000000' }, [], 'maker');
  const fills: FillApplied[] = [];
  for (const trade of trades) {
    const fill: Fill = {
      instrument: instrument.id,
      takerSide: trade.side,
      size: d(trade.size),
      price: d(trade.price),
      taker: { account: 'trader', feeRate: d(trade.takerFee ?? '0') },
      maker: { account: 'maker', feeRate: d(trade.makerFee ?? '0') },
      timeMs: 0,
    };
    const outcome = applyFill(fill, instrument, trader, maker, venue);
    if (outcome.kind !== 'filled') throw new Error(`rejected: ${outcome.code}`);
    trader = outcome.taker.account;
    maker = outcome.maker.account;
    fills.push(outcome);
  }
  const balance0 = d(balance);
  const change = (trader.balances.get(instrument.settle) ?? 0n) - balance0;
  return { trader, fills, change };
}

describe('Bybit USDT perpetual, "P&L calculations (USDT Contract)"', () => {
  it('average entry: 0.5 BTC long at 5,000 plus 0.3 at 6,000 = 5,375', () => {
    const { trader } = trading(btcUsdt, '10000', [
      { side: 'buy', size: '0.5', price: '5000' },
      { side: 'buy', size: '0.3', price: '6000' },
    ]);
    expect(trader.positions).toMatchObject([{ size: d('0.8'), entryPrice: d('5375') }]);
  });

  it('Trader B: 0.2 BTC long at 7,000 closed at 7,500 realises 100 USDT', () => {
    const { fills, change } = trading(btcUsdt, '10000', [
      { side: 'buy', size: '0.2', price: '7000' },
      { side: 'sell', size: '0.2', price: '7500' },
    ]);
    expect(fills[1]!.taker.close?.realisedPnl).toBe(d('100'));
    expect(change).toBe(d('100'));
  });

  it('Trader C: 0.4 short at 6,000 closed at 5,000: +400, fees 1.32 to open, 1.10 to close', () => {
    const { trader, fills, change } = trading(btcUsdt, '10000', [
      { side: 'sell', size: '0.4', price: '6000', takerFee: '0.00055' },
      { side: 'buy', size: '0.4', price: '5000', takerFee: '0.00055' },
    ]);
    expect(fills[0]!.taker.fee).toBe(d('1.32'));
    expect(fills[1]!.taker.fee).toBe(d('1.10'));
    expect(fills[1]!.taker.close?.realisedPnl).toBe(d('400'));
    // Closed P&L = position P&L − fee to open − fee to close − funding; the funding (2.10 in the
    // article) is the funding module's, not a fill's: 400 − 1.32 − 1.10 = 397.58 from the fills.
    expect(change).toBe(d('397.58'));
    expect(trader.positions).toEqual([]);
  });
});

describe('Bybit inverse perpetual, "Profit & Loss calculations (Inverse Contracts)"', () => {
  it('average entry: 1,000 BTCUSD long at 5,000 plus 2,000 at 6,000 = 5,625.00 USD', () => {
    // Total contract value = 1,000 / 5,000 + 2,000 / 6,000 = 0.5333… BTC; 3,000 / 0.5333… = 5,625.
    const { trader } = trading(btcUsd, '1', [
      { side: 'buy', size: '1000', price: '5000' },
      { side: 'buy', size: '2000', price: '6000' },
    ]);
    expect(trader.positions).toMatchObject([{ size: d('3000'), entryPrice: d('5625') }]);
  });

  it('Trader B: 1,000 long at 5,000 closed at 5,500: 0.01819 BTC as printed, 1/55 exactly', () => {
    const { fills } = trading(btcUsd, '1', [
      { side: 'buy', size: '1000', price: '5000' },
      { side: 'sell', size: '1000', price: '5500' },
    ]);
    const realised = fills[1]!.taker.close!.realisedPnl;
    // 1,000 × (1/5,000 − 1/5,500) = 1/55 = 0.0181818… BTC; Bybit prints the per-contract
    // 0.00001818… rounded up to 0.00001819, so 0.01819. The ledger keeps 18 decimals, down.
    expect(formatFixed(realised)).toBe('0.018181818181818181');
    expect(Math.abs(toNumber(realised) - 0.01819)).toBeLessThan(0.00001);
    // The maker, short from the first fill, buys back at a loss of 1/55 rounded down the other
    // way: the pool pays 0.018181818181818181 and receives 0.018181818181818182, keeping 10^-18.
    expect(fills[1]!.movements.map((m) => [m.account, m.asset, formatFixed(m.amount)])).toEqual([
      ['trader', 'BTC', '0.018181818181818181'],
      ['pool', 'BTC', '-0.018181818181818181'],
      ['maker', 'BTC', '-0.018181818181818182'],
      ['pool', 'BTC', '0.018181818181818182'],
    ]);
    expect(netOf(fills[1]!.movements, 'pool', 'BTC')).toBe(1n);
  });
});

describe('Bitget, a partial close with fees', () => {
  it('1.4 BTC long at 25,000; 0.9 closed at 27,000: 1,800 − 35.58 fees = 1,764.42 USDT', () => {
    const { trader, fills, change } = trading(btcUsdt, '100000', [
      { side: 'buy', size: '1.4', price: '25000', takerFee: '0.0006' },
      { side: 'sell', size: '0.9', price: '27000', takerFee: '0.0006' },
    ]);
    expect(fills[1]!.taker.close?.realisedPnl).toBe(d('1800'));
    // (1.4 × 25,000 × 0.0006) + (0.9 × 27,000 × 0.0006) = 21 + 14.58 = 35.58.
    expect(fills[0]!.taker.fee + fills[1]!.taker.fee).toBe(d('35.58'));
    expect(change).toBe(d('1764.42'));
    // The entry of what is left is unchanged by the reduction.
    expect(trader.positions).toMatchObject([{ size: d('0.5'), entryPrice: d('25000') }]);
  });
});

describe('Deribit, "Fees"', () => {
  it('BTC weekly futures: $10,000 at $100,000, taker 0.05 % of 0.1 BTC, rebate 0.01 %', () => {
    // "The taker in the trade will pay 0.05% of 0.1 BTC as a fee, which is 0.00005 BTC. The maker
    // in the trade will receive a rebate of 0.01% of 0.1 BTC, which is 0.00001 BTC."
    const { fills } = trading(btcUsd, '1', [
      { side: 'buy', size: '10000', price: '100000', takerFee: '0.0005', makerFee: '-0.0001' },
    ]);
    expect(fills[0]!.taker.fee).toBe(d('0.00005'));
    expect(fills[0]!.maker.fee).toBe(d('-0.00001'));
    // The rebate is paid out of the taker's fee: the fee account keeps 0.00004 BTC.
    expect(netOf(fills[0]!.movements, 'fees', 'BTC')).toBe(d('0.00004'));
  });

  it('an option traded at 0.0001 BTC pays 0.0000125 BTC (12.5 % of its price), not 0.0003', () => {
    const call = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
    const fill: Fill = {
      instrument: 'BTC-C',
      takerSide: 'buy',
      size: d('1'),
      price: d('0.0001'),
      taker: { account: 'trader', feeRate: d('0.0003') },
      maker: { account: 'maker', feeRate: d('0.0003') },
      timeMs: 0,
      optionFeeCap: d('0.125'),
    };
    const trader = account({ BTC: '1' }, [], 'trader');
    const outcome = applyFill(fill, call, trader, account({ BTC: '1' }, [], 'maker'), venue);
    if (outcome.kind !== 'filled') throw new Error(outcome.code);
    expect(outcome.taker.fee).toBe(d('0.0000125'));
    expect(outcome.maker.fee).toBe(d('0.0000125'));
    expect(outcome.taker.premium).toBe(d('-0.0001'));
    const { optionFeeCap: _cap, ...uncappedFill } = fill;
    const uncapped = applyFill(uncappedFill, call, trader, account({}, [], 'maker'), venue);
    expect(uncapped.kind === 'filled' && uncapped.taker.fee).toBe(d('0.0003'));
  });
});

describe('a flip, by hand', () => {
  it('linear: long 3 at 100.25, sell 7 at 100.3 with a 0.055 % taker and 0.02 % maker fee', () => {
    // Close 3: realised 3 × (100.3 − 100.25) = 0.15 USDT, paid by the PnL pool.
    // Fee on the whole 7: 7 × 100.3 × 0.00055 = 0.386155; by size, 3/7 of it to the close
    // (0.165495) and the rest to the open (0.22066). Open 4 short at 100.3.
    // Trader: +0.15 − 0.386155 = −0.236155. Maker opens 7 long at 100.3 and pays
    // 7 × 100.3 × 0.0002 = 0.14042. Fee account: 0.386155 + 0.14042 = 0.526575.
    const long = account({ USDT: '1000' }, [], 'trader');
    const held: Account = {
      ...long,
      positions: [
        {
          instrument: 'BTCUSDT',
          size: d('3'),
          entryPrice: d('100.25'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
    };
    const fill: Fill = {
      instrument: 'BTCUSDT',
      takerSide: 'sell',
      size: d('7'),
      price: d('100.3'),
      taker: { account: 'trader', feeRate: d('0.00055') },
      maker: { account: 'maker', feeRate: d('0.0002') },
      timeMs: 0,
    };
    const outcome = applyFill(fill, btcUsdt, held, account({}, [], 'maker'), venue);
    if (outcome.kind !== 'filled') throw new Error(outcome.code);
    expect(outcome.taker.close).toEqual({
      size: d('-3'),
      realisedPnl: d('0.15'),
      fee: d('0.165495'),
    });
    expect(outcome.taker.open).toEqual({ size: d('-4'), fee: d('0.22066') });
    expect(outcome.taker.after).toMatchObject({ size: d('-4'), entryPrice: d('100.3') });
    expect(outcome.taker.account.balances.get('USDT')).toBe(d('999.763845'));
    expect(outcome.maker.after).toMatchObject({ size: d('7'), entryPrice: d('100.3') });
    expect(outcome.maker.fee).toBe(d('0.14042'));
    expect(netOf(outcome.movements, 'fees', 'USDT')).toBe(d('0.526575'));
    expect(netOf(outcome.movements, 'pool', 'USDT')).toBe(d('-0.15'));
  });

  it('inverse: long 1,000 BTCUSD at 5,000, sell 3,000 at 6,001, 0.075 % taker fee', () => {
    // Close 1,000: 1,000 × (1/5,000 − 1/6,001) = 1,001/30,005 = 0.033361106482252957… BTC,
    // rounded down to 0.033361106482252957.
    // Fee on the whole: 3,000 / 6,001 × 0.00075 = 9/24,004 = 0.000374937510414930853… BTC,
    // rounded up to 0.000374937510414931. The close's third: 0.000124979170138310333…, rounded
    // up to 0.000124979170138311; the open takes the rest, 0.00024995834027662, so the two sum to
    // the whole fee exactly. Open 2,000 short at 6,001.
    const held: Account = {
      ...account({ BTC: '1' }, [], 'trader'),
      positions: [
        {
          instrument: 'BTCUSD',
          size: d('1000'),
          entryPrice: d('5000'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
    };
    const fill: Fill = {
      instrument: 'BTCUSD',
      takerSide: 'sell',
      size: d('3000'),
      price: d('6001'),
      taker: { account: 'trader', feeRate: d('0.00075') },
      maker: { account: 'maker', feeRate: 0n },
      timeMs: 0,
    };
    const outcome = applyFill(fill, btcUsd, held, account({}, [], 'maker'), venue);
    if (outcome.kind !== 'filled') throw new Error(outcome.code);
    expect(outcome.taker.fee).toBe(d('0.000374937510414931'));
    expect(outcome.taker.close).toEqual({
      size: d('-1000'),
      realisedPnl: d('0.033361106482252957'),
      fee: d('0.000124979170138311'),
    });
    expect(outcome.taker.open).toEqual({ size: d('-2000'), fee: d('0.00024995834027662') });
    expect(outcome.taker.after).toMatchObject({ size: d('-2000'), entryPrice: d('6001') });
    // 1 + 0.033361106482252957 − 0.000374937510414931.
    expect(outcome.taker.account.balances.get('BTC')).toBe(d('1.032986168971838026'));
  });
});
