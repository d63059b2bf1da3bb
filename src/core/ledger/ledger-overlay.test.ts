import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newLedger } from './ledger.ts';
import { ledgerOverlay } from './ledger-overlay.ts';

const keys = ['BTC', 'ETH', 'SOL', 'USDT', 'XRP'];
const opArb = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    key: fc.constantFrom(...keys),
    value: fc.bigInt(-9n, 9n),
  }),
  fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...keys) }),
  fc.record({ op: fc.constant('clear' as const) }),
);

describe('a ledger overlay', () => {
  it('reads as a copy of the ledger would after the same writes, and leaves the ledger as it was', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...keys), fc.bigInt(1n, 9n)), { maxLength: 5 }),
        fc.array(opArb, { maxLength: 30 }),
        (initial, ops) => {
          const base = newLedger();
          for (const [key, value] of initial) base.deposited.set(key, value);
          const before = [...base.deposited];
          const overlay = ledgerOverlay(base).deposited;
          const copy = new Map(base.deposited);
          for (const step of ops) {
            if (step.op === 'set') {
              overlay.set(step.key, step.value);
              copy.set(step.key, step.value);
            } else if (step.op === 'delete') {
              expect(overlay.delete(step.key)).toBe(copy.delete(step.key));
            } else {
              overlay.clear();
              copy.clear();
            }
            const sorted = (entries: Iterable<[string, bigint]>) =>
              [...entries].sort(([a], [b]) => a.localeCompare(b));
            expect(sorted(overlay)).toEqual(sorted(copy));
            expect(overlay.size).toBe(copy.size);
            expect([...overlay.keys()].sort()).toEqual([...copy.keys()].sort());
            expect([...overlay.values()].length).toBe(copy.size);
            const visited: [string, bigint][] = [];
            overlay.forEach((value, key) => {
              visited.push([key, value]);
            });
            expect(sorted(visited)).toEqual(sorted(copy));
            for (const key of keys) {
              expect(overlay.has(key)).toBe(copy.has(key));
              expect(overlay.get(key)).toBe(copy.get(key));
            }
          }
          expect([...base.deposited]).toEqual(before);
        },
      ),
    );
  });

  it('carries the venue digest the ledger holds, and none where it holds none', () => {
    const ledger = newLedger();
    expect('venue' in ledgerOverlay(ledger)).toBe(false);
    ledger.venue = 'a1b2';
    expect(ledgerOverlay(ledger).venue).toBe('a1b2');
    ledger.events = 7;
    expect(ledgerOverlay(ledger).events).toBe(7);
  });
});
