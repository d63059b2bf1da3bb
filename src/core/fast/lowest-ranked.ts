import type { AccountId } from '../model/ids.ts';

/** An account's place in the fast ranking: its worst bucket's equity / MM, then its MM. */
export interface Ranked {
  readonly part: number;
  readonly index: number;
  readonly id: AccountId;
  readonly standing: number;
  readonly mm: number;
}

/** Lower standing first; at equal standing the larger requirement; then the id, for one order. */
export function byStanding(a: Ranked, b: Ranked): number {
  return a.standing - b.standing || b.mm - a.mm || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The `size` lowest-ranked of the accounts offered, in `byStanding` order: what a sort of the
 * whole book would put first, kept as the book is walked, so a book of 100,000 accounts neither
 * holds a ranking object per account nor sorts them all to name its five riskiest.
 */
export class LowestRanked {
  private readonly kept: Ranked[] = [];

  constructor(private readonly size: number) {}

  /** Whether an account of this standing could be kept: called before its ranking is made. */
  admits(standing: number): boolean {
    if (this.kept.length < this.size) return true;
    // Ties are decided by `offer`, which knows the requirement and the id.
    return this.size > 0 && standing <= this.kept[this.size - 1]!.standing;
  }

  offer(rank: Ranked): void {
    const kept = this.kept;
    if (this.size <= 0) return;
    if (kept.length === this.size && byStanding(rank, kept[this.size - 1]!) >= 0) return;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byStanding(kept[middle]!, rank) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, rank);
    if (kept.length > this.size) kept.pop();
  }

  /** Lowest first. */
  get ranked(): readonly Ranked[] {
    return this.kept;
  }
}
