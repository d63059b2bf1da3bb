import type { Ledger } from '../ledger/ledger.ts';
import { type DatedSlice, surfaceAt } from '../ledger/volatility-feed.ts';
import { sviParameterMax, volatilityMax } from '../limits.ts';
import type { AssetId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';
import { expiriesPerSurfaceMax, surfaceIssue } from '../pricing/vol-surface.ts';
import type { DecideContext } from './decide.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { stampRefusal, tickRefusalField } from './price-guard.ts';

/**
 * An underlying's volatility surface from the venue's feed: what options on it are priced from
 * (their greeks in every report, their scenarios in portfolio margin). Checked in this order:
 * `underlying_not_found` (no option the venue lists is written on it); then the feed's sequence
 * and stamp as a price tick's are judged (price-guard.ts `stampRefusal`): `tick_out_of_order`, `tick_duplicate`
 * (the last surface again, harmless) or `tick_conflicting` (its sequence with another body),
 * `tick_stale`, `tick_from_future`; then the slices: `slice_expired` (an expiry at or before the
 * log's time), `surface_invalid` naming the field (no slice or more than 128, expiries not
 * increasing, a parameter beyond its limit, |rho| ≥ 1, a smile whose variance falls below zero:
 * vol-surface.ts `surfaceIssue`). No band holds a surface back: a volatility level has no
 * manipulable last print the way a thin book's price has, and a surface far from the last one is
 * what a crash looks like.
 */
export function decideVolatility(
  ledger: Ledger,
  command: CommandOf<'volatility_surface'>,
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'priceGuard'>,
): Decision {
  const { underlying, sequence, timeMs, slices } = command;
  const { nowMs, priceGuard } = context;
  if (!optionUnderlyingsOf(context.venue).has(underlying)) {
    return refuse('underlying_not_found', 'underlying');
  }
  const last = ledger.volatility.get(underlying);
  const same = () =>
    last !== undefined && timeMs === last.timeMs && sameSlices(slices, last.slices);
  const stamp = stampRefusal(last?.sequence ?? -1, command, same, nowMs, priceGuard);
  if (stamp !== undefined) return refuse(stamp, tickRefusalField(stamp));
  const invalid = sliceRefusal(slices, nowMs);
  if (invalid !== undefined) return invalid;
  return { events: [{ type: 'volatility_set', underlying, sequence, timeMs, slices }] };
}

function sliceRefusal(slices: readonly DatedSlice[], nowMs: number): Decision | undefined {
  if (slices.length === 0 || slices.length > expiriesPerSurfaceMax) {
    return refuse('surface_invalid', 'slices');
  }
  for (let index = 0; index < slices.length; index += 1) {
    const slice = slices[index]!;
    const at = `slices[${index}]`;
    if (!(slice.expiryMs > nowMs)) return refuse('slice_expired', `${at}.expiryMs`);
    if (!(slice.atmVolatility <= volatilityMax))
      return refuse('surface_invalid', `${at}.atmVolatility`);
    for (const field of ['b', 'rho', 'm', 'sigma'] as const) {
      if (!(Math.abs(slice[field]) <= sviParameterMax))
        return refuse('surface_invalid', `${at}.${field}`);
    }
  }
  // Every expiry is still to come, so the surface at the log's time has every slice, in order.
  const surface = surfaceAt(slices, nowMs)!;
  const issue = surfaceIssue(surface);
  if (issue === null) return undefined;
  return refuse('surface_invalid', issue.path.replace('.yearsToExpiry', '.expiryMs'));
}

function sameSlices(a: readonly DatedSlice[], b: readonly DatedSlice[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (slice, i) =>
        slice.expiryMs === b[i]!.expiryMs &&
        slice.atmVolatility === b[i]!.atmVolatility &&
        slice.b === b[i]!.b &&
        slice.rho === b[i]!.rho &&
        slice.m === b[i]!.m &&
        slice.sigma === b[i]!.sigma,
    )
  );
}

const optionUnderlyings = new WeakMap<Venue, ReadonlySet<AssetId>>();

/** The assets the venue's options are written on, found once per venue. */
export function optionUnderlyingsOf(venue: Venue): ReadonlySet<AssetId> {
  let assets = optionUnderlyings.get(venue);
  if (assets === undefined) {
    assets = new Set(
      [...venue.instruments.values()].filter((i) => i.kind === 'option').map((i) => i.underlying),
    );
    optionUnderlyings.set(venue, assets);
  }
  return assets;
}
