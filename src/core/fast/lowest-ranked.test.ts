import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byStanding, LowestRanked, type Ranked } from './lowest-ranked.ts';

// Few distinct standings and requirements, so ties are common and the id must break them.
const rankedArb = fc.uniqueArray(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 3 }),
    standing: fc.constantFrom(-1, 0, 0.5, 1, 1.5, Number.NEGATIVE_INFINITY),
    mm: fc.constantFrom(0, 1, 2),
  }),
  { selector: (r) => r.id, maxLength: 60 },
);

describe('the lowest-ranked accounts of a book', () => {
  it('are what a sort of the whole book puts first, in its order', () => {
    fc.assert(
      fc.property(rankedArb, fc.integer({ min: 0, max: 12 }), (entries, size) => {
        const ranks: Ranked[] = entries.map((e, index) => ({ ...e, part: 0, index }));
        const lowest = new LowestRanked(size);
        for (const rank of ranks) if (lowest.admits(rank.standing)) lowest.offer(rank);
        expect(lowest.ranked).toEqual([...ranks].sort(byStanding).slice(0, size));
      }),
      { numRuns: 300 },
    );
  });

  it('admit a standing equal to the last kept, and refuse one above it once full', () => {
    const lowest = new LowestRanked(2);
    const rank = (id: string, standing: number, mm = 1): Ranked => ({
      part: 0,
      index: 0,
      id,
      standing,
      mm,
    });
    lowest.offer(rank('b', 1));
    lowest.offer(rank('c', 2));
    expect(lowest.admits(2)).toBe(true);
    expect(lowest.admits(2.0000001)).toBe(false);
    // At equal standing the larger requirement stands worse, then the smaller id.
    lowest.offer(rank('d', 2, 3));
    expect(lowest.ranked.map((r) => r.id)).toEqual(['b', 'd']);
    lowest.offer(rank('a', 2, 3));
    expect(lowest.ranked.map((r) => r.id)).toEqual(['b', 'a']);
    expect(new LowestRanked(0).admits(Number.NEGATIVE_INFINITY)).toBe(false);
  });
});
