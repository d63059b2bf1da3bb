import type { Account } from './account.ts';
import type { Market } from './market.ts';
import type { Venue } from './venue.ts';

/** A book to assess: the venue's contracts and rules, the market now, and the accounts. */
export interface Portfolio {
  readonly venue: Venue;
  readonly market: Market;
  readonly accounts: readonly Account[];
}
