import type { Instrument } from '../model/instrument.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';

/** The instrument's own rule, else the rulebook's default for its kind. */
export function ruleFor(venue: Venue, instrument: Instrument): MarginRule {
  const { rulebook } = venue;
  const rule =
    rulebook.instruments.get(instrument.id) ??
    (instrument.kind === 'option' ? rulebook.defaultOptionRule : rulebook.defaultRule);
  // Input validation refuses a portfolio with an instrument its rulebook does not cover.
  assert(rule !== undefined, `no margin rule for ${instrument.id}`);
  return rule;
}

/**
 * The rulebook entry `ruleFor` takes, under the key a rulebook file lists it by: the instrument's
 * own id, `*` (the default for futures and perpetuals) or `option` (the default for options). A
 * default margins a symbol the venue's rules do not name, so a report says which one it used.
 */
export function ruleKeyFor(venue: Venue, instrument: Instrument): string {
  if (venue.rulebook.instruments.has(instrument.id)) return instrument.id;
  return instrument.kind === 'option' ? 'option' : '*';
}
