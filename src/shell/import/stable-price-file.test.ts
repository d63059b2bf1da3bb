import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { portfolioIssues, rulebookOf } from '../../../test/portfolio-file-kit.ts';
import { fixed } from '../../core/num/fixed.ts';
import { readPortfolio } from './portfolio-file.ts';

/** Mango's stable prices and perp-order flags at the boundary (stable-price-file.ts). */
const nowMs = Date.parse('2026-11-25T08:00:00Z');
const example = () => JSON.parse(readFileSync('examples/mango-health.json', 'utf8'));
const mangoJson = () => JSON.parse(readFileSync('rulebooks/mango-v4.json', 'utf8'));

const issuesOf = (doc: unknown) => portfolioIssues(doc, nowMs);

describe('stable prices and perp-order rules in the files', () => {
  it('reads the market stable prices and the preset flags', () => {
    const portfolio = readPortfolio(example(), rulebookOf, nowMs);
    expect(portfolio.market.stablePrices?.get('PREMIUM')).toBe(fixed('152'));
    expect(portfolio.market.stablePrices?.get('USDC')).toBe(fixed('1'));
    expect(portfolio.market.stableMarkPrices?.get('SOL-PERP')).toBe(fixed('152'));
    const { rulebook } = portfolio.venue;
    expect(rulebook.initialAtStablePrice).toBe(true);
    expect(rulebook.openOrdersInMaintenance).toBe(true);
    expect(rulebook.openOrdersFilledAtMark).toBe(true);
  });

  it('asks for the stable price of every priced asset and marked perp under the rule', () => {
    const doc = example();
    delete doc.market.stablePrices.PREMIUM;
    delete doc.market.stableMarkPrices;
    expect(issuesOf(doc)).toEqual([
      'market.stablePrices.PREMIUM: "PREMIUM" needs a stable price: the rulebook values initial ' +
        'health at the stable price (initialAtStablePrice)',
      'market.stableMarkPrices.SOL-PERP: "SOL-PERP" needs a stable price: the rulebook values ' +
        'initial health at the stable price (initialAtStablePrice)',
    ]);
  });

  it('needs none under a rulebook that reads one price', () => {
    const doc = example();
    delete doc.market.stablePrices;
    delete doc.market.stableMarkPrices;
    doc.rulebook = { ...mangoJson(), initialAtStablePrice: false };
    expect(issuesOf(doc)).toEqual([]);
  });

  it('asks for them where only the rulebook an account names reads the stable price', () => {
    const doc = example();
    delete doc.market.stablePrices.PREMIUM;
    doc.rulebook = { ...mangoJson(), initialAtStablePrice: false };
    doc.rulebooks = { mango: mangoJson() };
    doc.accounts[0].rulebook = 'mango';
    expect(issuesOf(doc)).toEqual([
      'market.stablePrices.PREMIUM: "PREMIUM" needs a stable price: the rulebook values initial ' +
        'health at the stable price (initialAtStablePrice)',
    ]);
    delete doc.accounts[0].rulebook;
    expect(issuesOf(doc)).toEqual([]);
  });

  it('refuses a bad stable price, an unknown key, and a flag that is not a boolean', () => {
    const doc = example();
    doc.market.stablePrices.PREMIUM = '-1';
    doc.market.stablePrices.BTC = '1';
    doc.market.stableMarkPrices['SOL-PERP'] = '0';
    doc.market.stableMarkPrices['ETH-PERP'] = '1';
    doc.rulebook = { ...mangoJson(), openOrdersFilledAtMark: 'yes' };
    expect(issuesOf(doc)).toEqual([
      'rulebook.openOrdersFilledAtMark: must be true or false',
      'market.stablePrices.PREMIUM: must not be negative',
      'market.stablePrices.BTC: unknown asset',
      'market.stableMarkPrices.SOL-PERP: must be greater than zero',
      'market.stableMarkPrices.ETH-PERP: unknown instrument',
    ]);
  });
});
