import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { FeedState } from '../ledger/price-feed.ts';
import type { AssetId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';
import type { Price } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';

/**
 * An asset's index as margin takes it: for a wrapped or staked token (a collateral rule's
 * `redemption`), the lower of its own index and what it redeems for at the underlying's price,
 * rounded down (S2: wBETH valued at min(1.07 × ETH, its market)). Its own index, as the feed
 * gave it, stays on the feed. A token whose underlying has no price yet is at its own index.
 */
export function redeemedCap(
  venue: Venue,
  asset: AssetId,
  price: Price,
  underlyingPrice: (asset: AssetId) => Price | undefined,
): Price {
  const redemption = venue.rulebook.collateral.get(asset)?.redemption;
  if (redemption === undefined) return price;
  const underlying = underlyingPrice(redemption.asset);
  if (underlying === undefined) return price;
  const redeems = mulFloor(redemption.rate, underlying);
  return price < redeems ? price : redeems;
}

/**
 * The events of an index the guard (or its sources' median) accepted, `state` its feed's new
 * state: its own price, capped where it is a wrapped token's, then every wrapped token that
 * redeems for it whose capped price that moves (its feed unchanged). A move of ETH moves what
 * wBETH counts for only while the cap binds.
 */
export function indexAccepted(
  ledger: Ledger,
  venue: Venue,
  asset: AssetId,
  state: FeedState,
): LedgerEvent[] {
  const sent = state.last!.price;
  const priceOf = (id: AssetId) => (id === asset ? sent : ledger.assetPrices.get(id));
  const own = redeemedCap(venue, asset, sent, priceOf);
  const events: LedgerEvent[] = [
    {
      type: 'price_accepted',
      feed: `index:${asset}`,
      state,
      ...(own === sent ? {} : { applied: own }),
    },
  ];
  for (const [token, rule] of venue.rulebook.collateral) {
    if (rule.redemption?.asset !== asset) continue;
    const feed = ledger.feeds.get(`index:${token}`);
    const market = feed?.last?.price;
    if (feed === undefined || market === undefined) continue;
    const applied = redeemedCap(venue, token, market, priceOf);
    if (applied === ledger.assetPrices.get(token)) continue;
    events.push({
      type: 'price_accepted',
      feed: `index:${token}`,
      state: feed,
      ...(applied === market ? {} : { applied }),
    });
  }
  return events;
}
