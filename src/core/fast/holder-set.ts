/**
 * A set of account rows kept dense, so a tick walks its holders as it would an array: adding and
 * removing are O(1) (a removal moves the last row into the gap), and the order is not the rows'.
 */
export class HolderSet {
  private members = new Int32Array(8);
  private readonly at = new Map<number, number>();
  size = 0;

  /** The rows, valid for k < `size` until the set next changes. */
  get rows(): Int32Array {
    return this.members;
  }

  has(row: number): boolean {
    return this.at.has(row);
  }

  add(row: number): void {
    if (this.at.has(row)) return;
    if (this.size === this.members.length) {
      const bigger = new Int32Array(this.size * 2);
      bigger.set(this.members);
      this.members = bigger;
    }
    this.at.set(row, this.size);
    this.members[this.size] = row;
    this.size += 1;
  }

  delete(row: number): void {
    const k = this.at.get(row);
    if (k === undefined) return;
    this.at.delete(row);
    this.size -= 1;
    if (k === this.size) return;
    const last = this.members[this.size]!;
    this.members[k] = last;
    this.at.set(last, k);
  }
}
