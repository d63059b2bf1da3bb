import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HolderSet } from './holder-set.ts';

describe('a holder set', () => {
  it('holds what a set would, in ascending order, through any adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ add: fc.boolean(), row: fc.nat(40) }), { maxLength: 200 }),
        (steps) => {
          const holders = new HolderSet();
          const reference = new Set<number>();
          for (const { add, row } of steps) {
            if (add) {
              holders.add(row);
              reference.add(row);
            } else {
              holders.delete(row);
              reference.delete(row);
            }
            expect([...holders.rows.subarray(0, holders.size)]).toEqual(
              [...reference].sort((a, b) => a - b),
            );
            for (let row = 0; row <= 41; row += 1)
              expect(holders.has(row)).toBe(reference.has(row));
          }
        },
      ),
    );
  });
});
