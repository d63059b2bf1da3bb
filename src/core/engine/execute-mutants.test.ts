import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { sha256 } from '../ledger/sha256.ts';
import type { Command } from './command.ts';
import { commandDigest } from './execute.ts';

describe('a command digest', () => {
  const deposit: Command = {
    id: 'c1',
    type: 'deposit',
    account: 'a',
    asset: 'USDT',
    amount: d('1.5'),
  };
  const reordered = {
    amount: d('1.5'),
    asset: 'USDT',
    account: 'a',
    type: 'deposit',
    id: 'c1',
  } as Command;

  it('does not depend on the order the keys were written in', () => {
    expect(commandDigest(reordered)).toBe(commandDigest(deposit));
  });

  it('is the SHA-256 of the sorted keys, amounts as decimals and the rest as given', () => {
    const canonical = [
      ['account', 'a'],
      ['amount', '1.5'],
      ['asset', 'USDT'],
      ['id', 'c1'],
      ['type', 'deposit'],
    ];
    expect(commandDigest(deposit)).toBe(sha256(JSON.stringify(canonical)));
  });
});
