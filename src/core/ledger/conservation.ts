import type { AssetId } from '../model/ids.ts';
import type { Amount } from '../num/fixed.ts';
import type { Ledger } from './ledger.ts';

/**
 * SCENARIOS.md C0, INV-CONS: per asset, what the accounts hold between them is exactly what came
 * in less what went out. The
 * assets where it does not hold, with the gap (held − owed); empty when the books balance.
 */
export function conservationGaps(ledger: Ledger): Map<AssetId, Amount> {
  const held = new Map<AssetId, Amount>();
  const add = (asset: AssetId, amount: Amount) => held.set(asset, (held.get(asset) ?? 0n) + amount);
  for (const account of ledger.accounts.values()) {
    // No ledger event opens a position yet; isolated margin joins its settle asset here when
    // fills do.
    for (const [asset, balance] of account.balances) add(asset, balance);
  }
  const gaps = new Map<AssetId, Amount>();
  const assets = new Set([...held.keys(), ...ledger.deposited.keys(), ...ledger.withdrawn.keys()]);
  for (const asset of assets) {
    const owed = (ledger.deposited.get(asset) ?? 0n) - (ledger.withdrawn.get(asset) ?? 0n);
    const gap = (held.get(asset) ?? 0n) - owed;
    if (gap !== 0n) gaps.set(asset, gap);
  }
  return gaps;
}
