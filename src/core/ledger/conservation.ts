import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Quantity } from '../num/fixed.ts';
import type { Ledger } from './ledger.ts';

/**
 * SCENARIOS.md C0, INV-CONS: per asset, what the accounts hold between them (traders' cross
 * balances, isolated margins, holdings at other places and moves between them still pending, and
 * the venue's own accounts: fees, rounding, PnL pools) is
 * exactly what came in less what went out. The assets where it does not hold, with the gap
 * (held − owed); empty when the books balance.
 */
export function conservationGaps(
  ledger: Ledger,
  instruments: ReadonlyMap<InstrumentId, Instrument>,
): Map<AssetId, Amount> {
  const held = new Map<AssetId, Amount>();
  const add = (asset: AssetId, amount: Amount) => held.set(asset, (held.get(asset) ?? 0n) + amount);
  for (const account of ledger.accounts.values()) {
    for (const [asset, balance] of account.balances) add(asset, balance);
    for (const position of account.positions) {
      if (position.isolatedMargin === 0n) continue;
      const instrument = instruments.get(position.instrument);
      assert(instrument !== undefined, `instrument ${position.instrument} is listed`);
      add(instrument.settle, position.isolatedMargin);
    }
  }
  for (const balances of [...ledger.house.values(), ...ledger.holdings.values()]) {
    for (const [asset, balance] of balances) add(asset, balance);
  }
  for (const move of ledger.pendingMoves.values()) add(move.asset, move.amount);
  const gaps = new Map<AssetId, Amount>();
  const assets = new Set([...held.keys(), ...ledger.deposited.keys(), ...ledger.withdrawn.keys()]);
  for (const asset of assets) {
    const owed = (ledger.deposited.get(asset) ?? 0n) - (ledger.withdrawn.get(asset) ?? 0n);
    const gap = (held.get(asset) ?? 0n) - owed;
    if (gap !== 0n) gaps.set(asset, gap);
  }
  return gaps;
}

/**
 * SCENARIOS.md C0: per instrument, the positions sum to zero (every long has its short: a fill
 * moves both sides, an external counterparty's included; expiry closes all). The instruments
 * where they do not, with the net size; empty when every market nets to zero.
 */
export function openInterestGaps(ledger: Ledger): Map<InstrumentId, Quantity> {
  const net = new Map<InstrumentId, Quantity>();
  for (const account of ledger.accounts.values()) {
    for (const { instrument, size } of account.positions) {
      net.set(instrument, (net.get(instrument) ?? 0n) + size);
    }
  }
  for (const [instrument, size] of net) if (size === 0n) net.delete(instrument);
  return net;
}
