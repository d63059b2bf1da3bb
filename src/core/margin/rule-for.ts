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
