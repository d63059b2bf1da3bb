import type { Account } from '../model/account.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import type { Market } from '../model/market.ts';
import type { Venue } from '../model/venue.ts';
import { toNumber } from '../num/fixed.ts';
import {
  type AccountColumns,
  type Cursor,
  compileAccounts,
  type RowsOf,
  rowCounts,
  writeAccount,
} from './account-columns.ts';
import { fastTolerance } from './fast-figures.ts';
import {
  collateralStride,
  figureCount,
  legStride,
  marginCollateral,
  marginLeg,
  sumAccount,
} from './fast-margin.ts';
import { HolderSet } from './holder-set.ts';
import {
  exactOnlyIn,
  type MarketColumns,
  marketTables,
  type RiskBook,
  ruleBrackets,
} from './risk-book.ts';

type Growable<T> = { -readonly [K in keyof T]: T[K] };
type LiveColumns = Growable<AccountColumns> & MarketColumns & { accounts: Account[] };

/**
 * A RiskBook kept in step with a running book (the engine's): an account's rows rewritten where
 * they are when an event touches it, prices moved in place, and each account's collateral figures
 * and each leg's figures kept (fast-margin.ts), so a mark tick re-margins only the legs on its
 * instrument, of only the accounts that hold it (`markHolders`), and sums each account from what
 * it kept: the figures a whole re-margin gives, to the bit.
 *
 * Each account's rows sit in a block with room after them; an account that outgrows its block
 * moves to the end of the columns, which are laid out afresh once the blocks left behind outnumber
 * the rows in use. Row numbers are the order accounts were first set, and never change.
 *
 * Every instrument of the venue and every asset it takes, settles in or writes contracts on has
 * its row from the start, priced or not (NaN until its first price: an account reading it goes to
 * the exact path). An account naming any other is margined on the exact path (`exactOnly`).
 */
export class LiveBook {
  readonly book: RiskBook;
  private readonly c: LiveColumns;
  private readonly rowOf = new Map<AccountId, number>();
  private readonly exactOnly: (account: Account) => 0 | 1;
  /** Of each instrument, the asset row of its underlying (every instrument has one). */
  private readonly underlyingRow: Int32Array;
  private readonly markHolding: HolderSet[];
  private readonly assetHolding: HolderSet[];
  /** Each row's instruments and assets, as `markHolding` and `assetHolding` hold it. */
  private readonly holds: { instruments: number[]; assets: number[] }[] = [];
  /** Each account's block: its capacity in balances, legs and orders, and where its orders start. */
  private blocks = { balance: new Int32Array(0), leg: new Int32Array(0), order: new Int32Array(0) };
  private orderStart = new Int32Array(0);
  /** Where the next block goes, and the rows left behind by blocks that moved. */
  private top: Cursor = { balance: 0, leg: 0, order: 0 };
  private abandoned = 0;
  private legFigures = new Float64Array(0);
  private readonly scratch = new Float64Array(figureCount);
  private stamp = 0;
  private readonly assetSeen: Int32Array;
  private readonly instrumentSeen: Int32Array;
  /** Set while an account's rows are written, where it names an asset or instrument unknown. */
  private unknown = false;
  private readonly rows: RowsOf = {
    asset: (id) => this.rowIn(this.c.assetIndex, id),
    instrument: (id) => this.rowIn(this.c.instrumentIndex, id),
    exactOnly: (account) => this.exactOnly(account),
  };
  private collateralFigures = new Float64Array(0);
  /** By leg: the mark its kept figures were taken at (a screened tick leaves them behind it). */
  private legMarkAt = new Float64Array(0);
  /**
   * By row: how far the account's margin may move from its anchored figures with its state unchanged
   * (USD; 0: it is not screened), and how far the marks moved since have moved it at most.
   */
  budget = new Float64Array(0);
  spent = new Float64Array(0);

  constructor(accounts: Iterable<Account>, venue: Venue, market: Market) {
    const tables = marketTables(venue, market, 'unpriced');
    for (const instrument of venue.instruments.values()) {
      tables.instrument(instrument.id);
      tables.asset(instrument.underlying);
      tables.asset(instrument.settle);
    }
    for (const asset of venue.rulebook.collateral.keys()) tables.asset(asset);
    for (const spot of venue.spotMarkets?.values() ?? []) {
      tables.asset(spot.base);
      tables.asset(spot.quote);
    }
    const columns = tables.finish();
    this.underlyingRow = Int32Array.from(
      columns.instrumentIndex.keys(),
      (id) => columns.assetIndex.get(venue.instruments.get(id)!.underlying)!,
    );
    this.markHolding = Array.from(columns.instrumentIndex, () => new HolderSet());
    this.instrumentSeen = new Int32Array(columns.instrumentIndex.size);
    this.assetSeen = new Int32Array(columns.assetIndex.size);
    this.assetHolding = Array.from(columns.assetIndex, () => new HolderSet());
    this.exactOnly = exactOnlyIn(venue);
    // No rows yet: the columns of an empty book, grown as accounts are set.
    this.c = { accounts: [], ...columns, ...compileAccounts([], this.rows) };
    this.book = this.c;
    for (const account of accounts) this.addRow(account);
    this.layOut();
  }

  get size(): number {
    return this.c.accounts.length;
  }

  rowOfAccount(id: AccountId): number | undefined {
    return this.rowOf.get(id);
  }

  /** The instrument's row in the columns (`remarginOn`'s). */
  instrumentRow(instrument: InstrumentId): number | undefined {
    return this.c.instrumentIndex.get(instrument);
  }

  /** The rows of the accounts holding a position or an open order on the instrument. */
  markHolders(instrument: InstrumentId): HolderSet | undefined {
    const i = this.c.instrumentIndex.get(instrument);
    return i === undefined ? undefined : this.markHolding[i];
  }

  /** The rows of the accounts holding the asset, or a contract settled in it or written on it. */
  assetHolders(asset: AssetId): HolderSet | undefined {
    const a = this.c.assetIndex.get(asset);
    return a === undefined ? undefined : this.assetHolding[a];
  }

  /**
   * The account as it now is (a new one takes the next row): its rows rewritten, its figures
   * re-margined and kept (into `out` as well, where the columns margin it), its holdings indexed.
   */
  setAccount(account: Account, out: Float64Array = this.scratch): number {
    const row = this.rowOf.get(account.id) ?? this.addRow(account);
    // Rewritten: screened again only once anchored again.
    this.budget[row] = 0;
    this.c.accounts[row] = account;
    const need = rowCounts(account);
    const { blocks, c } = this;
    const at: Cursor = {
      balance: c.balanceStart[row]!,
      leg: c.legStart[row]!,
      order: this.orderStart[row]!,
    };
    const fits =
      need.balance <= blocks.balance[row]! &&
      need.leg <= blocks.leg[row]! &&
      need.order <= blocks.order[row]!;
    if (!fits) {
      this.abandoned += blocks.balance[row]! + blocks.leg[row]! + blocks.order[row]!;
      const used = this.top.balance + this.top.leg + this.top.order;
      if (this.abandoned > 1024 && this.abandoned > used / 2) {
        this.layOut();
        if (this.c.exactOnly[row] === 0) this.sum(row, out);
        return row;
      }
      at.balance = this.top.balance;
      at.leg = this.top.leg;
      at.order = this.top.order;
      this.claimBlock(row, need, 2);
    }
    this.orderStart[row] = at.order;
    this.writeRows(account, row, at, out);
    return row;
  }

  private rowIn(index: ReadonlyMap<string, number>, id: string): number {
    const known = index.get(id);
    if (known !== undefined) return known;
    this.unknown = true;
    return 0;
  }

  /** A new account's row, its block empty. */
  private addRow(account: Account): number {
    const row = this.c.accounts.length;
    this.rowOf.set(account.id, row);
    this.c.accounts.push(account);
    this.holds.push({ instruments: [], assets: [] });
    this.growAccounts(row + 1);
    return row;
  }

  /** The instrument's mark in the columns (NaN before its first price). */
  markOf(i: number): number {
    return this.c.mark[i]!;
  }

  /** A mark or an asset's price moved: its column and the book's exact copy. */
  setMark(instrument: InstrumentId, price: bigint): void {
    const i = this.c.instrumentIndex.get(instrument);
    if (i === undefined) return;
    this.c.mark[i] = toNumber(price);
    this.c.market.markPrices.set(instrument, price);
  }

  setAssetPrice(asset: AssetId, price: bigint): void {
    const a = this.c.assetIndex.get(asset);
    if (a === undefined) return;
    this.c.price[a] = toNumber(price);
    this.c.market.assetPrices.set(asset, price);
  }

  /** Re-margins the account's collateral and every leg, keeping them; its figures into `out`. */
  remargin(row: number, out: Float64Array): void {
    const { c } = this;
    marginCollateral(c, row, this.collateralFigures, row * collateralStride);
    for (let l = c.legStart[row]!; l < c.legEnd[row]!; l += 1) {
      marginLeg(c, l, out, this.legFigures, l * legStride);
      this.legMarkAt[l] = c.mark[c.legInstrument[l]!]!;
    }
    sumAccount(c, row, this.collateralFigures, row * collateralStride, this.legFigures, 0, out);
  }

  /** The account's figures into `out`, summed from what was kept. */
  sum(row: number, out: Float64Array): void {
    sumAccount(
      this.c,
      row,
      this.collateralFigures,
      row * collateralStride,
      this.legFigures,
      0,
      out,
    );
  }

  /**
   * Re-margins the account's legs on instrument row `i` (`instrumentRow`) after its mark moved,
   * and any leg a screened tick left behind its mark; its figures into `out`.
   */
  remarginOn(row: number, i: number, out: Float64Array): void {
    const { c, legMarkAt } = this;
    for (let l = c.legStart[row]!; l < c.legEnd[row]!; l += 1) {
      const leg = c.legInstrument[l]!;
      // NaN !== NaN: a leg on an unpriced mark is re-margined each time, as a whole re-margin does.
      if (leg === i || legMarkAt[l] !== c.mark[leg]) {
        marginLeg(c, l, out, this.legFigures, l * legStride);
        legMarkAt[l] = c.mark[leg]!;
      }
    }
    sumAccount(c, row, this.collateralFigures, row * collateralStride, this.legFigures, 0, out);
  }

  /**
   * The account's figures just re-margined, at every current mark, taken as its anchor for
   * screening mark ticks: `budget` (USD) the room its margin has before its state could change
   * (0: not screened). For each instrument it holds, the screen's slope (how many USD its
   * margin moves per unit of that mark, at most) and the marks between which that holds. Only
   * accounts whose every leg is a future or perpetual (linear or inverse) under brackets, in
   * cross, with no open order, on a rulebook with no closing fee or profit weight, are screened:
   * between bracket edges each of their requirements and values moves with the mark at a rate
   * bounded there (the exact path's too), which is what the screen's bound needs.
   */
  anchor(row: number, budget: number): void {
    this.spent[row] = 0;
    this.budget[row] = 0;
    const { c } = this;
    if (!(budget > 0) || c.weighsProfit === 1 || c.closingFeeRate !== 0) return;
    for (const i of this.holds[row]!.instruments) {
      let slope = 0;
      let low = 0;
      let high = Number.POSITIVE_INFINITY;
      let legs = 0;
      for (let l = c.legStart[row]!; l < c.legEnd[row]!; l += 1) {
        if (c.legInstrument[l] !== i) continue;
        legs += 1;
        if (
          c.ruleKind[i] !== ruleBrackets ||
          c.option[i] !== 0 ||
          c.marginAtIndex[i] !== 0 ||
          c.marginAtEntry[i] !== 0 ||
          !Number.isNaN(c.legIsolatedMargin[l]!) ||
          c.legOrderEnd[l]! > c.legOrderStart[l]!
        ) {
          return;
        }
        const mark = c.mark[i]!;
        const inverse = c.inverse[i] === 1;
        const face = Math.abs(c.legSize[l]!) * c.contractSize[i]!;
        const notional = inverse ? face / mark : face * mark;
        const first = c.bracketStart[i]!;
        const last = c.bracketEnd[i]! - 1;
        let b = first;
        while (b < last && notional > c.bracketCap[b]!) b += 1;
        const rate = Math.max(
          c.bracketInitialRate[b]!,
          c.bracketMaintenanceRate[b]!,
          c.legLeverageFloor[l]!,
        );
        // The marks the notional stays in its bracket between, short of float error either side
        // of its edges (an inverse contract's notional, face / mark, falls as the mark rises).
        let below = 0;
        let above = Number.POSITIVE_INFINITY;
        if (c.tierByContracts[i] === 0 && face > 0) {
          const floor = b > first ? c.bracketCap[b - 1]! : undefined;
          const cap = b < last ? c.bracketCap[b]! : undefined;
          if (inverse) {
            if (cap !== undefined) below = (face / cap) * (1 + 4 * fastTolerance);
            if (floor !== undefined) above = (face / floor) * (1 - 4 * fastTolerance);
          } else {
            if (floor !== undefined) below = (floor / face) * (1 + 4 * fastTolerance);
            if (cap !== undefined) above = (cap / face) * (1 - 4 * fastTolerance);
          }
        }
        // Value and requirements together move at most (1 + the steepest rate) × the notional's
        // own rate of change: face × price for a linear contract; for an inverse one, in the coin,
        // face × price / mark², steepest at the lowest mark (kept to half the anchor's).
        const price = c.price[c.settleAsset[i]!]!;
        if (inverse) below = Math.max(below, mark / 2);
        slope += (face * price * (1 + rate)) / (inverse ? below * below : 1);
        low = Math.max(low, below);
        high = Math.min(high, above);
      }
      if (legs === 0 || !(slope >= 0 && low < high)) return;
      const holders = this.markHolding[i]!;
      const k = holders.indexOf(row);
      if (k < 0) return;
      holders.slope[k] = slope;
      holders.anchor[k] = c.mark[i]!;
      holders.low[k] = low;
      holders.high[k] = high;
    }
    this.budget[row] = budget;
  }

  /** Every account's rows written afresh, each block with room for one more row of each kind. */
  private layOut(): void {
    this.budget.fill(0);
    this.top = { balance: 0, leg: 0, order: 0 };
    this.abandoned = 0;
    const accounts = this.c.accounts;
    for (let row = 0; row < accounts.length; row += 1) {
      const at = { ...this.top };
      this.claimBlock(row, rowCounts(accounts[row]!), 1);
      this.orderStart[row] = at.order;
      this.writeRows(accounts[row]!, row, at, this.scratch);
    }
  }

  /** A block at the end of the columns for `need` rows, with room for more. */
  private claimBlock(row: number, need: Cursor, room: number): void {
    const { blocks, top } = this;
    blocks.balance[row] = need.balance * room + 1;
    blocks.leg[row] = need.leg * room + 1;
    blocks.order[row] = need.order * room + 1;
    top.balance += blocks.balance[row]!;
    top.leg += blocks.leg[row]!;
    top.order += blocks.order[row]!;
    this.growRows();
  }

  private writeRows(account: Account, row: number, at: Cursor, out: Float64Array): void {
    const { c } = this;
    this.unknown = false;
    writeAccount(account, row, this.rows, c, at);
    if (this.unknown) c.exactOnly[row] = 1;
    this.index(row);
    if (c.exactOnly[row] === 0) this.remargin(row, out);
  }

  /**
   * The account's holdings into the holder sets, and out of those it no longer holds; where they
   * are what they were (most fills, every deposit), nothing is touched.
   */
  private index(row: number): void {
    const { c } = this;
    const instruments: number[] = [];
    const assets: number[] = [];
    // Each asset and instrument once: marked with this call's stamp as it is listed (no closure:
    // this runs for every account an event touches).
    const stamp = ++this.stamp;
    const { assetSeen, instrumentSeen, underlyingRow } = this;
    if (!this.unknown) {
      for (let b = c.balanceStart[row]!; b < c.balanceEnd[row]!; b += 1) {
        listOnce(assets, assetSeen, c.balanceAsset[b]!, stamp);
      }
      for (let l = c.legStart[row]!; l < c.legEnd[row]!; l += 1) {
        const i = c.legInstrument[l]!;
        listOnce(instruments, instrumentSeen, i, stamp);
        listOnce(assets, assetSeen, c.settleAsset[i]!, stamp);
        listOnce(assets, assetSeen, underlyingRow[i]!, stamp);
      }
    }
    const held = this.holds[row]!;
    if (sameMembers(held.instruments, instruments) && sameMembers(held.assets, assets)) return;
    for (const i of held.instruments) {
      if (!instruments.includes(i)) this.markHolding[i]!.delete(row);
    }
    for (const i of instruments) this.markHolding[i]!.add(row);
    for (const a of held.assets) if (!assets.includes(a)) this.assetHolding[a]!.delete(row);
    for (const a of assets) this.assetHolding[a]!.add(row);
    this.holds[row] = { instruments, assets };
  }

  private growAccounts(count: number): void {
    const { c } = this;
    if (count <= c.exactOnly.length) return;
    const capacity = Math.max(64, count * 2);
    c.exactOnly = grown(c.exactOnly, capacity);
    c.balanceStart = grown(c.balanceStart, capacity);
    c.balanceEnd = grown(c.balanceEnd, capacity);
    c.legStart = grown(c.legStart, capacity);
    c.legEnd = grown(c.legEnd, capacity);
    this.orderStart = grown(this.orderStart, capacity);
    this.blocks = {
      balance: grown(this.blocks.balance, capacity),
      leg: grown(this.blocks.leg, capacity),
      order: grown(this.blocks.order, capacity),
    };
    this.collateralFigures = grown(this.collateralFigures, capacity * collateralStride);
    this.budget = grown(this.budget, capacity);
    this.spent = grown(this.spent, capacity);
  }

  private growRows(): void {
    const { c, top } = this;
    if (top.balance > c.balanceAsset.length) {
      const capacity = top.balance * 2;
      c.balanceAsset = grown(c.balanceAsset, capacity);
      c.balanceAmount = grown(c.balanceAmount, capacity);
    }
    if (top.leg > c.legInstrument.length) {
      const capacity = top.leg * 2;
      c.legInstrument = grown(c.legInstrument, capacity);
      c.legSize = grown(c.legSize, capacity);
      c.legEntry = grown(c.legEntry, capacity);
      c.legUnsettled = grown(c.legUnsettled, capacity);
      c.legLeverageFloor = grown(c.legLeverageFloor, capacity);
      c.legIsolatedMargin = grown(c.legIsolatedMargin, capacity);
      c.legOrderStart = grown(c.legOrderStart, capacity);
      c.legOrderEnd = grown(c.legOrderEnd, capacity);
      this.legFigures = grown(this.legFigures, capacity * legStride);
      this.legMarkAt = grown(this.legMarkAt, capacity);
    }
    if (top.order > c.orderSize.length) {
      const capacity = top.order * 2;
      c.orderSize = grown(c.orderSize, capacity);
      c.orderPrice = grown(c.orderPrice, capacity);
    }
  }
}

type Column = Uint8Array | Int32Array | Float64Array;

function grown<T extends Column>(column: T, length: number): T {
  const bigger = new (column.constructor as new (length: number) => T)(length);
  bigger.set(column);
  return bigger;
}

/** Appends `value` to `list` unless this stamp has seen it. */
function listOnce(list: number[], seen: Int32Array, value: number, stamp: number): void {
  if (seen[value] === stamp) return;
  seen[value] = stamp;
  list.push(value);
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k]) return false;
  return true;
}
