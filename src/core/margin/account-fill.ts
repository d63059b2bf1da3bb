import type { Account, MarginMode, Position, PositionSide } from '../model/account.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { type PositionFill, positionFill } from './position-fill.ts';

/**
 * A fill applied to one account, fees aside: its position moves by `positionFill`, the cash the
 * fill settles (a future's realised PnL, an option's premium) goes to the position's bucket (an
 * isolated position's margin, else the cross balance), and a closed isolated position hands its
 * remaining margin back to the cross pool. Shared by the what-if and the ledger; the ledger adds
 * fees and the counter-movements of the venue's own accounts.
 */
export interface AccountTrade {
  readonly instrument: Instrument;
  /** Signed contracts: positive buys, negative sells. */
  readonly traded: Quantity;
  readonly price: Price;
  /** Hedge mode: which of the instrument's two positions the fill trades; absent: one-way. */
  readonly positionSide?: PositionSide;
  /** For a position the fill opens; an existing one keeps its own. */
  readonly marginMode: MarginMode;
}

export type CashReason = 'realised-pnl' | 'premium' | 'isolated-margin-release';

/** Cash the fill moves within or into the account, in `asset`. */
export interface CashChange {
  readonly asset: AssetId;
  readonly amount: Amount;
  readonly reason: CashReason;
  /** Present: the isolated margin of the account's position on this instrument; else cross. */
  readonly bucket?: InstrumentId;
}

export interface AccountFill {
  readonly account: Account;
  readonly before: Position | undefined;
  /** Undefined when the fill closed the position. */
  readonly after: Position | undefined;
  readonly fill: PositionFill;
  readonly changes: readonly CashChange[];
}

export function fillAccount(account: Account, trade: AccountTrade): AccountFill {
  const { instrument, traded, price, positionSide } = trade;
  const existing = account.positions.find(
    (position) => position.instrument === instrument.id && position.side === positionSide,
  );
  const before: Position = existing ?? {
    instrument: instrument.id,
    size: 0n,
    entryPrice: price,
    marginMode: trade.marginMode,
    isolatedMargin: 0n,
    ...(positionSide === undefined ? {} : { side: positionSide }),
  };
  const fill = positionFill(instrument, before, traded, price);
  const settled = fill.realisedPnl + fill.premium;
  const isolated = before.marginMode === 'isolated';
  const asset = instrument.settle;
  const bucket = isolated ? { bucket: instrument.id } : {};
  const changes: CashChange[] = [];
  if (fill.realisedPnl !== 0n) {
    changes.push({ asset, amount: fill.realisedPnl, reason: 'realised-pnl', ...bucket });
  }
  if (fill.premium !== 0n) {
    changes.push({ asset, amount: fill.premium, reason: 'premium', ...bucket });
  }
  let balance = account.balances.get(asset) ?? 0n;
  let isolatedMargin = before.isolatedMargin;
  if (isolated) isolatedMargin += settled;
  else balance += settled;
  const others = account.positions.filter((position) => position !== existing);
  let after: Position | undefined;
  if (fill.size === 0n) {
    if (isolated && isolatedMargin !== 0n) {
      const reason = 'isolated-margin-release';
      changes.push({ asset, amount: -isolatedMargin, reason, bucket: instrument.id });
      changes.push({ asset, amount: isolatedMargin, reason });
      balance += isolatedMargin;
    }
  } else {
    after = { ...before, size: fill.size, entryPrice: fill.entryPrice, isolatedMargin };
  }
  // The cross balance is written whenever the fill can touch it (as the what-if always did), so
  // an account's balances list the asset once it has traded against the cross pool.
  const balances = new Map(account.balances);
  if (!isolated || fill.size === 0n) balances.set(asset, balance);
  const positions = after === undefined ? others : [...others, after];
  return { account: { ...account, balances, positions }, before: existing, after, fill, changes };
}
