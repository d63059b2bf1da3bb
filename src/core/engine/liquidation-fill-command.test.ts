import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import { liquidationFillOf } from './liquidation-fill-command.ts';

const order: LiquidationOrder = {
  id: 'liq-7',
  account: 'alice',
  bucket: 'cross',
  instrument: 'BTCUSDT',
  side: 'sell',
  size: d('0.5'),
  limitPrice: d('39000'),
  bankruptcyPrice: d('38900'),
  value: d('19575'),
  markSequence: 3,
  orderedAtMs: 0,
};

describe("a liquidation order's fill command", () => {
  it('has the liquidated account take the order’s side, naming it, with no fee of its own', () => {
    expect(
      liquidationFillOf(order, d('0.2'), d('39100'), { account: 'mm', feeRate: d('0.0002') }),
    ).toStrictEqual({
      type: 'fill',
      instrument: 'BTCUSDT',
      takerSide: 'sell',
      size: d('0.2'),
      price: d('39100'),
      taker: { account: 'alice', orderId: 'liq-7', feeRate: 0n },
      maker: { account: 'mm', feeRate: d('0.0002') },
    });
  });

  it('names the position side in hedge mode, and an external maker where there is one', () => {
    const hedged = { ...order, positionSide: 'long' as const };
    const fill = liquidationFillOf(
      hedged,
      d('0.5'),
      d('39000'),
      { account: 'street', feeRate: 0n },
      'maker',
    );
    expect(fill.taker).toStrictEqual({
      account: 'alice',
      orderId: 'liq-7',
      feeRate: 0n,
      positionSide: 'long',
    });
    expect(fill.external).toBe('maker');
  });
});
