import type { Price, Quantity } from '../num/fixed.ts';
import type { OptionRight } from '../pricing/black.ts';
import type { AssetId, InstrumentId } from './ids.ts';

/**
 * A derivative contract. Spot is not an instrument: a spot holding is a balance of an asset.
 *
 * Futures and perpetuals:
 * - linear: settled in the quote asset (`settle === quote`), size in base units × contractSize.
 * - inverse: settled in the underlying coin (`settle === underlying`), each contract worth
 *   `contractSize` units of the quote currency (a USD face value).
 * Options (European), each contract on `contractSize` units of the underlying:
 * - linear: premium quoted and settled in the quote asset (USDC options);
 * - inverse: premium quoted and settled in the underlying coin (Deribit's BTC and ETH options).
 * An option's mark is its premium; its PnL is size × contractSize × (mark − entry) either way.
 */
export type Settlement = 'linear' | 'inverse';
export type InstrumentKind = 'perpetual' | 'future' | 'option';

export interface OptionTerms {
  readonly right: OptionRight;
  /** In the quote currency (USD for an inverse option). */
  readonly strike: Price;
}

export interface Instrument {
  readonly id: InstrumentId;
  readonly kind: InstrumentKind;
  readonly settlement: Settlement;
  readonly underlying: AssetId;
  /** The currency the mark is quoted in: an asset for linear contracts, a label (USD) for inverse. */
  readonly quote: string;
  readonly settle: AssetId;
  readonly contractSize: Quantity;
  /** Liquidation prices are rounded to this step, toward the mark. */
  readonly tickSize: Price;
  /** Order sizes from what-if searches are rounded down to this step. */
  readonly sizeStep: Quantity;
  /** Expiry as milliseconds since the epoch, for dated futures and options. */
  readonly expiryMs?: number;
  /** Present exactly when `kind` is 'option'. */
  readonly option?: OptionTerms;
}
