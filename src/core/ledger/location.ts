import type { Account } from '../model/account.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';
import type { Ledger } from './ledger.ts';

/**
 * Where collateral is held: the venue itself, a chain, a custodian, another venue (the seed's
 * cross-chain collateralization). Each place has a collateral weight multiplier (what a unit held
 * there counts for, on top of the asset's own haircut: a custodian one step removed, a chain that
 * may halt) and a transfer delay. Cross margin pools every place: an account's margin counts its
 * holdings everywhere, each at its place's weight.
 *
 * Trading settles at the venue's own place (`homeLocation`): fees, PnL, premiums, funding
 * and transfers between accounts move its balances (`Account.balances`). A deposit or withdrawal
 * names its place; moving collateral between two places of one account is pending for the longer
 * of their delays, counted at neither place (or at the source's weight, where the policy says so)
 * until the venue confirms it settled.
 */
export type LocationId = string;

export interface LocationTerms {
  /** In [0, 1]: 1 counts a unit held here in full, 0 not at all (a frozen custodian). */
  readonly weight: Ratio;
  /** How long a move into or out of here takes to settle (ms of the log's clock). */
  readonly transferDelayMs: number;
}

/** The venue's own place, where trading settles; its weight is 1, its delay none. */
export const homeLocation: LocationId = 'venue';

export interface LocationPolicy {
  /** Every other place the venue accepts collateral at. */
  readonly elsewhere: ReadonlyMap<LocationId, LocationTerms>;
  /** A pending move counts at neither place, or at its source's weight. */
  readonly pendingCounts: 'neither' | 'source';
}

/** One place: the venue's own, and nothing else. Today's files keep working under it. */
export const homeOnly: LocationPolicy = {
  elsewhere: new Map(),
  pendingCounts: 'neither',
};

/** A move of collateral between two places of one account, not yet settled. */
export interface PendingMove {
  readonly account: AccountId;
  readonly asset: AssetId;
  readonly amount: Amount;
  readonly from: LocationId;
  readonly to: LocationId;
  /** The log time from which the venue may confirm it. */
  readonly settlesAtMs: number;
}

/** The key of an account's holdings at a place other than home. */
export function holdingKey(account: AccountId, location: LocationId): string {
  return `${account}\u0000${location}`;
}

/** `holdingKey` read back: the account and the place. */
export function splitHoldingKey(key: string): [AccountId, LocationId] {
  const cut = key.indexOf('\u0000');
  return [key.slice(0, cut), key.slice(cut + 1)];
}

/** What the account holds of each asset at a place (home: its balances). */
export function holdingsAt(
  ledger: Ledger,
  account: Account,
  location: LocationId,
): ReadonlyMap<AssetId, Amount> {
  if (location === homeLocation) return account.balances;
  return ledger.holdings.get(holdingKey(account.id, location)) ?? new Map();
}

/**
 * The account as its margin sees it: its home balances, plus what it holds elsewhere at each
 * place's weight (rounded down: collateral is never counted up), plus its pending moves at their
 * source's weight where the policy counts them. The same account when it holds nothing elsewhere.
 */
export function marginView(ledger: Ledger, account: Account, policy: LocationPolicy): Account {
  let balances: Map<AssetId, Amount> | undefined;
  const add = (asset: AssetId, amount: Amount) => {
    if (amount === 0n) return;
    balances ??= new Map(account.balances);
    balances.set(asset, (balances.get(asset) ?? 0n) + amount);
  };
  for (const [location, terms] of policy.elsewhere) {
    const held = ledger.holdings.get(holdingKey(account.id, location));
    if (held === undefined) continue;
    for (const [asset, amount] of held) add(asset, mulFloor(amount, terms.weight));
  }
  if (policy.pendingCounts === 'source') {
    for (const move of ledger.pendingMoves.values()) {
      if (move.account !== account.id) continue;
      const weight = move.from === homeLocation ? null : policy.elsewhere.get(move.from)?.weight;
      add(move.asset, weight === null ? move.amount : mulFloor(move.amount, weight ?? 0n));
    }
  }
  return balances === undefined ? account : { ...account, balances };
}
