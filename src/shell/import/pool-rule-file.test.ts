import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { portfolioIssues, rulebookOf } from '../../../test/portfolio-file-kit.ts';
import { fixed } from '../../core/num/fixed.ts';
import { readPortfolio } from './portfolio-file.ts';
import { Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

const nowMs = Date.parse('2026-11-25T08:00:00Z');
const example = () => JSON.parse(readFileSync('examples/mango-health.json', 'utf8'));

const issuesOf = (doc: unknown) => portfolioIssues(doc, nowMs);

function rulebookIssues(json: unknown): readonly string[] {
  const reader = new Reader(json, '');
  readRulebook(reader);
  return reader.issues;
}

describe('pool rules in the files', () => {
  it('reads spot markets, spot orders, unsettled PnL and the venue totals', () => {
    const portfolio = readPortfolio(example(), rulebookOf, nowMs);
    const [account] = portfolio.accounts;
    expect(portfolio.venue.spotMarkets?.get('PREMIUM/USDC')).toEqual({
      id: 'PREMIUM/USDC',
      base: 'PREMIUM',
      quote: 'USDC',
    });
    expect(account!.spotOrders).toEqual([
      { market: 'PREMIUM/USDC', side: 'buy', size: fixed('5'), price: fixed('145') },
    ]);
    expect(account!.openOrders).toHaveLength(1);
    expect(account!.positions[0]!.unsettledPnl).toBe(fixed('-35.5'));
    expect(portfolio.market.venueTotals?.get('PREMIUM')).toEqual({
      deposits: fixed('2500'),
      borrows: fixed('400'),
    });
    expect(portfolio.venue.rulebook.contractHealthInSettleAsset).toBe(true);
  });

  it('names the field of a spot order on an unknown market', () => {
    const doc = example();
    doc.accounts[0].openOrders[0].spotMarket = 'BTC/USDC';
    expect(issuesOf(doc)).toContain(
      'accounts[0].openOrders[0].spotMarket: unknown spot market "BTC/USDC" (list it in "spotMarkets")',
    );
  });

  it('asks for the venue totals of an asset whose weights scale by them', () => {
    const doc = example();
    delete doc.market.venueTotals;
    expect(issuesOf(doc).some((i) => i.startsWith('market.venueTotals.PREMIUM:'))).toBe(true);
  });

  it('refuses spot orders in a pool per coin', () => {
    const doc = example();
    doc.rulebook = { ...readRulebookJson('mango-v4'), crossPool: 'per-settle-asset' };
    expect(
      issuesOf(doc).some((i) => i.startsWith('accounts[0].openOrders: spot orders rest')),
    ).toBe(true);
  });

  it('refuses a spot market on one asset, and a bad unsettled PnL', () => {
    const doc = example();
    doc.spotMarkets[0].quote = 'PREMIUM';
    doc.accounts[0].positions[0].unsettledPnl = 12;
    const issues = issuesOf(doc);
    expect(issues).toContain('spotMarkets[0].quote: must differ from base');
    expect(issues.some((i) => i.startsWith('accounts[0].positions[0].unsettledPnl:'))).toBe(true);
  });

  it('checks a rulebook: profit weights, contract health, collateral scaling', () => {
    const base = readRulebookJson('mango-v4');
    expect(rulebookIssues(base)).toEqual([]);
    expect(
      rulebookIssues({
        ...base,
        unrealisedProfit: { initialWeight: '1', maintenanceWeight: '0.9' },
      }),
    ).toContain('unrealisedProfit.initialWeight: must not exceed maintenanceWeight');
    expect(rulebookIssues({ ...base, contractHealthInSettleAsset: 'yes' })).toContain(
      'contractHealthInSettleAsset: must be true or false',
    );
    const collateral = {
      ...base.collateral,
      MID: { ...base.collateral.MID, depositWeightScaleStart: '0', imfFactor: '2' },
    };
    const issues = rulebookIssues({ ...base, collateral });
    expect(issues.some((i) => i.startsWith('collateral.MID.depositWeightScaleStart:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('collateral.MID.imfFactor:'))).toBe(true);
  });
});

function readRulebookJson(id: string) {
  return JSON.parse(readFileSync(`rulebooks/${id}.json`, 'utf8'));
}
