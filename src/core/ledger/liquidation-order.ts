import type { PositionSide, Side } from '../model/account.ts';
import type { AccountId, InstrumentId } from '../model/ids.ts';
import type { Price, Quantity } from '../num/fixed.ts';

/**
 * A liquidation order the engine emitted for the venue's matching engine (engine/liquidation.ts):
 * one per bucket at a time, outstanding until it is filled or the bucket no longer needs it. Its
 * fills come back as fill commands naming it (`orderId`).
 */
export interface LiquidationOrder {
  /** `liq-N`, N the sequence number of the event that ordered it. */
  readonly id: string;
  readonly account: AccountId;
  /** The bucket liquidated (Bucket.id): "cross", "cross:ASSET", or an isolated position's key. */
  readonly bucket: string;
  readonly instrument: InstrumentId;
  /** Hedge mode: which of the instrument's two positions is closed. */
  readonly positionSide?: PositionSide;
  readonly side: Side;
  /** Contracts still to fill: positive. */
  readonly size: Quantity;
  /** The worst price it may fill at (liquidation-step.ts). */
  readonly limitPrice: Price;
  /** The step's bankruptcy price as decided; null: no price bankrupts the close. */
  readonly bankruptcyPrice: Price | null;
  /**
   * The price snapshot the step was decided on: the sequence number of the instrument's last
   * accepted mark tick (SCENARIOS.md INV-HEALTHY, S25); 0 where the mark came from no tick.
   */
  readonly markSequence: number;
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
