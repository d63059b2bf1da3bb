/**
 * A set of account rows kept dense and in ascending order, so a tick walks its holders as it would
 * an array, forward through the columns, and meets them in the order the accounts were opened
 * (the order their events are listed in). Adding or removing a row moves the rows after it (a
 * memory move: tens of microseconds for 100,000 holders, paid by the fill that opened or closed a
 * position, never by a tick); finding one is a binary search.
 *
 * Beside each row, in the same order, what a mark tick on this set's instrument needs to screen
 * the holder without re-margining it (margin-book.ts): how fast its margin can move with the mark
 * (`slope`, USD per unit of price), the mark its figures were taken at (`anchor`), and the range of
 * marks over which that slope holds (`low`, `high`; NaN where the holder cannot be screened).
 */
export class HolderSet {
  private members = new Int32Array(8);
  slope = new Float64Array(8);
  anchor = new Float64Array(8);
  low = new Float64Array(8).fill(Number.NaN);
  high = new Float64Array(8).fill(Number.NaN);
  size = 0;

  /** The rows, ascending, valid for k < `size` until the set next changes. */
  get rows(): Int32Array {
    return this.members;
  }

  has(row: number): boolean {
    return this.indexOf(row) >= 0;
  }

  /** The row's position, or -1 where it is not held. */
  indexOf(row: number): number {
    const k = this.place(row);
    return k < this.size && this.members[k] === row ? k : -1;
  }

  add(row: number): void {
    const k = this.place(row);
    if (k < this.size && this.members[k] === row) return;
    if (this.size === this.members.length) {
      const capacity = this.size * 2;
      this.members = grown(this.members, capacity, 0);
      this.slope = grown(this.slope, capacity, 0);
      this.anchor = grown(this.anchor, capacity, 0);
      this.low = grown(this.low, capacity, Number.NaN);
      this.high = grown(this.high, capacity, Number.NaN);
    }
    for (const column of [this.members, this.slope, this.anchor, this.low, this.high]) {
      column.copyWithin(k + 1, k, this.size);
    }
    this.members[k] = row;
    // A new holder is not screened until a re-margin sets its figures.
    this.low[k] = Number.NaN;
    this.high[k] = Number.NaN;
    this.size += 1;
  }

  delete(row: number): void {
    const k = this.indexOf(row);
    if (k < 0) return;
    for (const column of [this.members, this.slope, this.anchor, this.low, this.high]) {
      column.copyWithin(k, k + 1, this.size);
    }
    this.size -= 1;
  }

  /** The first position whose row is not below `row`. */
  private place(row: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.members[middle]! < row) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function grown<T extends Int32Array | Float64Array>(column: T, length: number, fill: number): T {
  const bigger = new (column.constructor as new (length: number) => T)(length);
  bigger.fill(fill);
  bigger.set(column);
  return bigger;
}
