import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Doc } from '../../../test/e2e/bad-inputs.ts';
import { readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { InputError } from './reader.ts';

/** A portfolio file's hedge-mode `side` of a position (docs/portfolio-format.md). */
const example = () => JSON.parse(readFileSync('examples/cross-and-isolated.json', 'utf8'));
const at = Date.parse('2026-11-24T12:00:00Z');

function read(change: (doc: Doc) => void) {
  const doc = example();
  change(doc);
  try {
    return { portfolio: readPortfolio(doc, () => readPreset('binance-usdm'), at), issues: [] };
  } catch (error) {
    if (error instanceof InputError) return { portfolio: undefined, issues: error.issues };
    throw error;
  }
}

const btc = (size: string, side?: string) => ({
  instrument: 'BTCUSDT',
  size,
  entryPrice: '110000',
  ...(side === undefined ? {} : { side }),
});

describe('a position side (hedge mode)', () => {
  it('a long and a short on one instrument, each with its side, are both read', () => {
    const { portfolio, issues } = read((doc) => {
      doc.accounts[0].positions = [btc('0.2', 'long'), btc('-0.1', 'short')];
    });
    expect(issues).toEqual([]);
    expect(portfolio!.accounts[0]!.positions.map((p) => p.side)).toEqual(['long', 'short']);
  });

  it('two longs, a side against the size, or a side beside a one-way position are refused', () => {
    const { issues } = read((doc) => {
      doc.accounts[0].positions = [btc('0.2', 'long'), btc('0.1', 'long'), btc('0.3', 'short')];
    });
    expect(issues).toEqual([
      'accounts[0].positions[2].side: is "short", but the size is positive',
      'accounts[0].positions[1]: duplicate position on the instrument "BTCUSDT:long"',
    ]);
    const mixed = read((doc) => {
      doc.accounts[0].positions = [btc('0.2'), btc('-0.1', 'short')];
    });
    expect(mixed.issues).toEqual([
      'accounts[0].positions[1].side: a hedge-mode side of "BTCUSDT" beside its one-way position (accounts[0].positions[0]): give both sides a side, or neither',
    ]);
  });

  it('without side, two positions on one instrument are still one too many (one-way mode)', () => {
    const { issues } = read((doc) => {
      doc.accounts[0].positions = [btc('0.2'), btc('-0.1')];
    });
    expect(issues).toEqual([
      'accounts[0].positions[1]: duplicate position on the instrument "BTCUSDT"',
    ]);
  });
});
