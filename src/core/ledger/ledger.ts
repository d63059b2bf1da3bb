import type { Account } from '../model/account.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price } from '../num/fixed.ts';
import type { CommandRecord, LedgerEvent, PriceFeed } from './ledger-event.ts';
import type { FeedState } from './price-feed.ts';

/**
 * The venue's books: every account, the money that came in and went out, and the commands
 * already answered. `applyRecord` changes it in place (the engine owns it; a book of 100,000
 * accounts is not copied per event), deterministically: the same records on a new ledger give the
 * same ledger, and the same state hash (state-hash.ts).
 */
export interface Ledger {
  readonly accounts: Map<AccountId, Account>;
  /** Per asset, Σ deposited and Σ withdrawn: what the accounts must hold between them. */
  readonly deposited: Map<AssetId, Amount>;
  readonly withdrawn: Map<AssetId, Amount>;
  /** Prices as the feeds last moved them: assets' (their index) and instruments' marks. */
  readonly assetPrices: Map<AssetId, Price>;
  readonly markPrices: Map<InstrumentId, Price>;
  readonly feeds: Map<PriceFeed, FeedState>;
  /** Accepted commands by id: the digest of the body, and the events it produced. */
  readonly answered: Map<
    string,
    { readonly digest: string; readonly first: number; readonly count: number }
  >;
  /** Events applied so far: the next one is number `events + 1`. */
  events: number;
}

export function newLedger(): Ledger {
  return {
    accounts: new Map(),
    deposited: new Map(),
    withdrawn: new Map(),
    assetPrices: new Map(),
    markPrices: new Map(),
    feeds: new Map(),
    answered: new Map(),
    events: 0,
  };
}

export function applyRecord(ledger: Ledger, record: CommandRecord): void {
  assert(!ledger.answered.has(record.command), 'a command is applied once');
  ledger.answered.set(record.command, {
    digest: record.digest,
    first: ledger.events + 1,
    count: record.events.length,
  });
  for (const event of record.events) applyEvent(ledger, event);
}

export function applyEvent(ledger: Ledger, event: LedgerEvent): void {
  ledger.events += 1;
  switch (event.type) {
    case 'account_opened':
      assert(!ledger.accounts.has(event.account), 'an account is opened once');
      ledger.accounts.set(event.account, {
        id: event.account,
        ...(event.poolMode === 'cross' ? {} : { poolMode: event.poolMode }),
        balances: new Map(),
        positions: [],
        openOrders: [],
      });
      return;
    case 'deposited':
      assert(event.amount > 0n, 'a deposit is positive');
      credit(ledger, event.account, event.asset, event.amount);
      add(ledger.deposited, event.asset, event.amount);
      return;
    case 'withdrawn':
      assert(event.amount > 0n, 'a withdrawal is positive');
      credit(ledger, event.account, event.asset, -event.amount);
      add(ledger.withdrawn, event.asset, event.amount);
      return;
    case 'transferred':
      assert(event.amount > 0n, 'a transfer is positive');
      assert(event.from !== event.to, 'a transfer is between two accounts');
      credit(ledger, event.from, event.asset, -event.amount);
      credit(ledger, event.to, event.asset, event.amount);
      return;
    case 'price_held':
      ledger.feeds.set(event.feed, event.state);
      return;
    case 'price_accepted': {
      const last = event.state.last;
      assert(last !== undefined, 'an accepted feed has a last tick');
      ledger.feeds.set(event.feed, event.state);
      const [kind, id] = splitFeed(event.feed);
      (kind === 'mark' ? ledger.markPrices : ledger.assetPrices).set(id, last.price);
      return;
    }
  }
}

/** A new balance map for the account (an account's maps are never changed once shared). */
function credit(ledger: Ledger, id: AccountId, asset: AssetId, amount: Amount): void {
  const account = ledger.accounts.get(id);
  assert(account !== undefined, `account ${id} exists`);
  const balances = new Map(account.balances);
  const balance = (balances.get(asset) ?? 0n) + amount;
  if (balance === 0n) balances.delete(asset);
  else balances.set(asset, balance);
  ledger.accounts.set(id, { ...account, balances });
}

function add(totals: Map<AssetId, Amount>, asset: AssetId, amount: Amount): void {
  totals.set(asset, (totals.get(asset) ?? 0n) + amount);
}

/** `mark:BTCUSDT` → ['mark', 'BTCUSDT']. */
export function splitFeed(feed: PriceFeed): ['mark' | 'index', string] {
  const colon = feed.indexOf(':');
  return [feed.slice(0, colon) as 'mark' | 'index', feed.slice(colon + 1)];
}
