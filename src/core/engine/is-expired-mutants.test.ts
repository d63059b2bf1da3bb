import { describe, expect, it } from 'vitest';
import type { Command } from './command.ts';
import { isExpired } from './decide.ts';

/**
 * decide.ts `isExpired`: a command without both times never expires. Its guard says so; without
 * it the deadline would be NaN and `nowMs > NaN` false, so mutants of the guard are equivalent
 * by accident of NaN. These pin the rule itself, so a comparison rewritten (`!(nowMs <= …)`, a
 * truthiness test that takes 0 for absent) cannot change it unseen.
 */
const deposit: Command = { id: 'd', type: 'deposit', account: 'a', asset: 'USDT', amount: 1n };
const muchLater = Number.MAX_SAFE_INTEGER;

describe('isExpired', () => {
  it('a command with neither time, or with only one, never expires', () => {
    expect(isExpired(deposit, muchLater)).toBe(false);
    expect(isExpired({ ...deposit, issuedAtMs: 0 }, muchLater)).toBe(false);
    expect(isExpired({ ...deposit, issuedAtMs: 1_000 }, muchLater)).toBe(false);
    expect(isExpired({ ...deposit, timeToLiveMs: 0 }, muchLater)).toBe(false);
    expect(isExpired({ ...deposit, timeToLiveMs: 1_000 }, muchLater)).toBe(false);
  });

  it('with both: applied up to issuedAtMs + timeToLiveMs inclusive, expired a ms after', () => {
    const timed = { ...deposit, issuedAtMs: 1_000, timeToLiveMs: 500 };
    expect(isExpired(timed, 1_500)).toBe(false);
    expect(isExpired(timed, 1_501)).toBe(true);
    // Zero is a time, not an absent one: issued at 0, or with no time to live at all.
    expect(isExpired({ ...deposit, issuedAtMs: 0, timeToLiveMs: 10 }, 10)).toBe(false);
    expect(isExpired({ ...deposit, issuedAtMs: 0, timeToLiveMs: 10 }, 11)).toBe(true);
    expect(isExpired({ ...deposit, issuedAtMs: 1_000, timeToLiveMs: 0 }, 1_000)).toBe(false);
    expect(isExpired({ ...deposit, issuedAtMs: 1_000, timeToLiveMs: 0 }, 1_001)).toBe(true);
  });
});
