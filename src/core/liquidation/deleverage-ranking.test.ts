import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { type DeleverageCandidate, deleverageOrder } from './deleverage-ranking.ts';

const candidate = (account: string, pnl: string, entry: string, mark: string, equity: string) =>
  ({
    account,
    size: -d('1'),
    unrealisedPnl: d(pnl),
    entryValue: d(entry),
    markValue: d(mark),
    equity: d(equity),
  }) satisfies DeleverageCandidate;

describe('the auto-deleveraging ranking', () => {
  it('leaves out losses and bankrupt buckets, ranks exactly, ties to the smaller account id', () => {
    const ranked = deleverageOrder(
      [
        // 1/3 × 3 = 1, 1/3 × 3 = 1 (a tie a float would compute as 1 and 0.9999…), 0.5 × 1.
        candidate('zed', '1', '3', '3', '1'),
        candidate('amy', '1', '3', '6', '2'),
        candidate('kim', '1', '2', '2', '2'),
        candidate('lost', '-1', '3', '3', '1'),
        candidate('flat', '0', '3', '3', '1'),
        candidate('broke', '5', '3', '3', '0'),
      ],
      'profit_times_leverage',
    );
    expect(ranked.map((c) => c.account)).toEqual(['amy', 'zed', 'kim']);
    // The same in the other order: a tie is the account id's, not the input's.
    const reversed = deleverageOrder(
      [
        candidate('kim', '1', '2', '2', '2'),
        candidate('zed', '1', '3', '3', '1'),
        candidate('amy', '1', '3', '6', '2'),
      ],
      'profit_times_leverage',
    );
    expect(reversed.map((c) => c.account)).toEqual(['amy', 'zed', 'kim']);
    // By profit alone: kim's 1/2 above zed's 1/3, though zed's leverage (3) is above kim's (1).
    const byProfit = deleverageOrder(
      [candidate('zed', '1', '3', '9', '3'), candidate('kim', '1', '2', '2', '2')],
      'profit',
    );
    expect(byProfit.map((c) => c.account)).toEqual(['kim', 'zed']);
  });
});
