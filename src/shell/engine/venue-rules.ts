import { dirname, resolve } from 'node:path';
import { venueDigest } from '../../core/engine/venue-digest.ts';
import type { LocationPolicy } from '../../core/ledger/location.ts';
import type { Venue } from '../../core/model/venue.ts';
import { fixed } from '../../core/num/fixed.ts';
import { inputLabel, readInputText, stdinName } from '../import/input-text.ts';
import { parseJsonText } from '../import/json-text.ts';
import { portfolioOfJson } from '../import/load-portfolio.ts';
import { readLocationFile } from '../import/location-file.ts';
import { presetJson, readJsonFile } from '../import/presets.ts';
import { InputError } from '../import/reader.ts';
import type { EngineSettings } from './engine-host.ts';

/**
 * The venue's rules a log runs under, as the commands that read a log take them: from the files
 * given (`--venue`, `--locations`), or from the log itself, which records them with their digest
 * (`venue_set`'s `rules`). Recorded self-contained: the venue file with each rulebook it names
 * (a preset, a file beside it) written in, and the places file, as one JSON text; so the log
 * alone is margined again under the rules it was written under, whatever presets a later build
 * ships.
 */
export interface VenueRules {
  /** The venue file as written, its rulebooks in it. */
  readonly file: Record<string, unknown>;
  readonly venue: Venue;
  /** The places collateral is held at besides the venue's own; absent: none. */
  readonly locations?: LocationPolicy;
  readonly digest: string;
  /** What the log records: `file` and the places file's JSON. */
  readonly text: string;
}

/** The rules from the files given, `nowMs` the valuation time the venue file is read at. */
export function rulesFromFiles(
  venuePath: string,
  locationsPath: string | undefined,
  nowMs: number,
) {
  const label = inputLabel(venuePath);
  const folder = venuePath === stdinName ? process.cwd() : dirname(resolve(venuePath));
  const given = parseJsonText(readInputText(venuePath, label), label);
  const places =
    locationsPath === undefined
      ? null
      : parseJsonText(readInputText(locationsPath), inputLabel(locationsPath));
  return rulesOfVenueFile(given, folder, places, nowMs, label);
}

/**
 * The rules of a venue file already read (`given`), its rulebooks named relative to `folder`;
 * `places` a places file's JSON, or null.
 */
export function rulesOfVenueFile(
  given: unknown,
  folder: string,
  places: unknown,
  nowMs: number,
  label: string,
): VenueRules {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InputError([`${label}: must be an object (a portfolio file)`]);
  }
  // Its accounts are not the venue's rules (a portfolio file given as the venue may hold many).
  const file = { ...withRulebooksIn(given as Record<string, unknown>, folder), accounts: [] };
  return rulesOf(file, places, nowMs, label);
}

/** The rules a log recorded (`Ledger.venueRules`), read as the files were. */
export function rulesFromLog(text: string, nowMs: number): VenueRules {
  const label = 'event log: the venue rules it records';
  let recorded: { file?: unknown; locations?: unknown };
  try {
    recorded = JSON.parse(text) as typeof recorded;
  } catch {
    throw new InputError([`${label}: not JSON`]);
  }
  return rulesOf(
    recorded.file as Record<string, unknown>,
    recorded.locations ?? null,
    nowMs,
    label,
  );
}

function rulesOf(
  file: Record<string, unknown>,
  places: unknown,
  nowMs: number,
  label: string,
): VenueRules {
  const { venue } = portfolioOfJson(file, process.cwd(), nowMs, label);
  const locations =
    places === null ? undefined : readLocationFile(JSON.stringify(places), `${label} (places)`);
  return {
    file,
    venue,
    ...(locations === undefined ? {} : { locations }),
    digest: venueDigest(venue, locations),
    text: JSON.stringify({ file, locations: places }),
  };
}

/** The file with `rulebook` and each of `rulebooks` that names a preset or a file written in. */
function withRulebooksIn(file: Record<string, unknown>, folder: string): Record<string, unknown> {
  const inline = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    return value.endsWith('.json')
      ? readJsonFile(resolve(folder, value), value)
      : presetJson(value);
  };
  const rulebooks = file.rulebooks;
  return {
    ...file,
    ...(file.rulebook === undefined ? {} : { rulebook: inline(file.rulebook) }),
    ...(typeof rulebooks === 'object' && rulebooks !== null && !Array.isArray(rulebooks)
      ? {
          rulebooks: Object.fromEntries(
            Object.entries(rulebooks).map(([name, entry]) => [name, inline(entry)]),
          ),
        }
      : {}),
  };
}

/**
 * The guard on price ticks until a venue's own is part of its rulebook: 60 s of staleness, 5 s
 * ahead, a 20 % band, confirmed by 3 ticks within a minute.
 */
const priceGuard = {
  staleAfterMs: 60_000,
  futureSkewMs: 5_000,
  jumpBand: fixed('0.2'),
  confirmations: 3,
  confirmWithinMs: 60_000,
};

/** The engine's settings under the rules: no unrealised profit withdrawable, the guard above. */
export function settingsOf(rules: VenueRules): EngineSettings {
  return {
    venue: rules.venue,
    withdrawableProfitShare: 0n,
    priceGuard,
    ...(rules.locations === undefined ? {} : { locations: rules.locations }),
  };
}
