import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { demoVenueFile, nextIndex } from './demo.ts';
import { bodyDepthMax, readJsonBody } from './json-body.ts';

describe("the demo's feed", () => {
  it('walks the same way from the same seed, with jumps a normal walk would not make', () => {
    const walk = (seed: number) => {
      const random = seededRandom(seed);
      const prices = [95_000];
      for (let i = 0; i < 5_000; i++) prices.push(nextIndex(prices.at(-1)!, random));
      return prices;
    };
    expect(walk(7)).toEqual(walk(7));
    const moves = walk(7)
      .slice(1)
      .map((price, i, all) => Math.abs(Math.log(price / (i === 0 ? 95_000 : all[i - 1]!))));
    // A 0.2 % normal step is past 1.5 % (7.5 sigma) about never; the jumps are 2 to 6 %.
    const jumps = moves.filter((move) => move > 0.015).length;
    expect(jumps).toBeGreaterThan(50);
    expect(jumps).toBeLessThan(200);
    expect(Math.max(...moves)).toBeLessThan(0.07);
  });

  it('dates its call on a Friday at 08:00 UTC, 90 to 97 days after the first start', () => {
    const start = Date.UTC(2026, 11, 2, 5, 15);
    const file = demoVenueFile(start) as {
      instruments: { kind: string; expiry?: string; id: string }[];
    };
    const call = file.instruments.find((instrument) => instrument.kind === 'option')!;
    const expiry = new Date(call.expiry!);
    expect(expiry.getUTCDay()).toBe(5);
    expect(expiry.getUTCHours()).toBe(8);
    const days = (expiry.getTime() - start) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(97);
    expect(call.id).toBe('BTC-5MAR27-100000-C');
  });
});

describe('a request body', () => {
  it(`nests at most ${bodyDepthMax} levels: that many read, one more refused`, () => {
    const nested = (depth: number) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(() => readJsonBody(nested(bodyDepthMax))).not.toThrow();
    expect(() => readJsonBody(nested(bodyDepthMax + 1))).toThrow(/nests 17 levels: at most 16/);
    // Brackets inside a string are text, not nesting.
    expect(readJsonBody(Buffer.from(JSON.stringify({ id: '['.repeat(100) })))).toEqual({
      id: '['.repeat(100),
    });
    expect(readJsonBody(Buffer.from(JSON.stringify({ id: '\\"[[[' })))).toEqual({ id: '\\"[[[' });
  });
});
