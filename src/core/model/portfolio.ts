import type { Account } from './account.ts';
import type { AccountId } from './ids.ts';
import type { Market } from './market.ts';
import type { Venue } from './venue.ts';

/**
 * A book to assess: the venue's contracts and rules, the market now, and the accounts. A book
 * gathered from several venues (a prime broker's) names a rulebook per account: `accountVenues`
 * holds those accounts' venues, the same contracts under their own rules.
 */
export interface Portfolio {
  readonly venue: Venue;
  readonly market: Market;
  readonly accounts: readonly Account[];
  readonly accountVenues?: ReadonlyMap<AccountId, Venue>;
}

/** The venue whose rules margin this account. */
export function venueOf(portfolio: Portfolio, account: Account): Venue {
  return portfolio.accountVenues?.get(account.id) ?? portfolio.venue;
}
