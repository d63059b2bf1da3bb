import type { LiquidationStep } from '../liquidation/liquidation-step.ts';
import type { AccountId } from '../model/ids.ts';
import type { Amount } from '../num/fixed.ts';

/**
 * A liquidation order the engine emitted for the venue's matching engine (engine/liquidation.ts):
 * a step (liquidation-step.ts) for one bucket, outstanding until it is filled or the bucket no
 * longer needs it, its `size` what is still to fill. Its fills come back as fill commands naming
 * it (`orderId`).
 */
export interface LiquidationOrder extends LiquidationStep {
  /** `liq-N`, N the sequence number of the event that ordered it. */
  readonly id: string;
  readonly account: AccountId;
  /** The bucket liquidated (Bucket.id): "cross", "cross:ASSET", or an isolated position's key. */
  readonly bucket: string;
  /**
   * The price snapshot the step was decided on: the sequence number of the instrument's last
   * accepted mark tick (SCENARIOS.md INV-HEALTHY, S25); 0 where the mark came from no tick.
   */
  readonly markSequence: number;
  /** The log's time (ms) it was ordered at. */
  readonly orderedAtMs: number;
}

/**
 * How fast an account is being liquidated, as its last step left it: the block of time it fell
 * in and what was ordered liquidated in that block (the rule's `maxBlockValue` bounds it), and
 * when (the rule's `coolDownMs` rests the account after it).
 */
export interface LiquidationPace {
  readonly blockStartMs: number;
  readonly value: Amount;
  readonly lastOrderedMs: number;
}

/** Why a liquidation order is no longer outstanding. */
export type LiquidationEnd =
  /** Filled in full. */
  | 'filled'
  /** Its bucket is at or above maintenance again, on the latest accepted prices (S25). */
  | 'recovered'
  /**
   * Its position is gone or smaller than the order (traded, settled at expiry): a new step is
   * decided where its bucket still needs one.
   */
  | 'replaced';

export const liquidationEnds: readonly LiquidationEnd[] = ['filled', 'recovered', 'replaced'];

/** Who took a position the book could not absorb: a backstop account, or auto-deleveraging. */
export type WaterfallStep = 'backstop' | 'auto_deleverage';

export const waterfallSteps: readonly WaterfallStep[] = ['backstop', 'auto_deleverage'];
