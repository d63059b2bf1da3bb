import { describe, expect, it } from 'vitest';
import type { AccountId } from '../model/ids.ts';
import { byStanding, LowestRanked, type Ranked } from './lowest-ranked.ts';

const rank = (id: string, index: number, standing = 1, mm = 1): Ranked => ({
  part: 0,
  index,
  id: id as AccountId,
  standing,
  mm,
});

describe('byStanding at the id tie-break', () => {
  it('calls an account equal to itself, and orders ids both ways', () => {
    expect(byStanding(rank('a', 0), rank('a', 1))).toBe(0);
    expect(byStanding(rank('a', 0), rank('b', 1))).toBe(-1);
    expect(byStanding(rank('b', 0), rank('a', 1))).toBe(1);
  });
});

describe('LowestRanked with equal keys', () => {
  it('keeps the one offered first ahead of a later one with the same key', () => {
    const lowest = new LowestRanked(3);
    lowest.offer(rank('a', 0));
    lowest.offer(rank('a', 1));
    expect(lowest.ranked.map((r) => r.index)).toEqual([0, 1]);
  });
});
