import type { InstrumentId } from '../model/ids.ts';
import type { MarginRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';

export function ruleFor(venue: Venue, instrument: InstrumentId): MarginRule {
  const rule = venue.rulebook.instruments.get(instrument) ?? venue.rulebook.defaultRule;
  // Input validation refuses a portfolio with an instrument its rulebook does not cover.
  assert(rule !== undefined, `no margin rule for ${instrument}`);
  return rule;
}
