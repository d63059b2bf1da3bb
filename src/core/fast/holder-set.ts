/**
 * A set of account rows kept dense and in ascending order, so a tick walks its holders as it would
 * an array, forward through the columns, and meets them in the order the accounts were opened
 * (the order their events are listed in). Adding or removing a row moves the rows after it (a
 * memory move: tens of microseconds for 100,000 holders, paid by the fill that opened or closed a
 * position, never by a tick); finding one is a binary search.
 */
export class HolderSet {
  private members = new Int32Array(8);
  size = 0;

  /** The rows, ascending, valid for k < `size` until the set next changes. */
  get rows(): Int32Array {
    return this.members;
  }

  has(row: number): boolean {
    const k = this.place(row);
    return k < this.size && this.members[k] === row;
  }

  add(row: number): void {
    const k = this.place(row);
    if (k < this.size && this.members[k] === row) return;
    if (this.size === this.members.length) {
      const bigger = new Int32Array(this.size * 2);
      bigger.set(this.members);
      this.members = bigger;
    }
    this.members.copyWithin(k + 1, k, this.size);
    this.members[k] = row;
    this.size += 1;
  }

  delete(row: number): void {
    const k = this.place(row);
    if (k >= this.size || this.members[k] !== row) return;
    this.members.copyWithin(k, k + 1, this.size);
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
