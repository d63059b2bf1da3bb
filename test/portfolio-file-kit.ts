import { readPortfolio } from '../src/shell/import/portfolio-file.ts';
import { readPreset } from '../src/shell/import/presets.ts';
import { InputError, type Reader } from '../src/shell/import/reader.ts';
import { readRulebook } from '../src/shell/import/rulebook-file.ts';

/** A portfolio's `rulebook` as the file reader's tests resolve it: a preset's id, or written out. */
export const rulebookOf = (reader: Reader) =>
  typeof reader.value === 'string' ? readPreset(reader.value) : readRulebook(reader);

/** The issues readPortfolio refuses a document with; none when it reads. */
export function portfolioIssues(doc: unknown, nowMs: number): readonly string[] {
  try {
    readPortfolio(doc, rulebookOf, nowMs);
    return [];
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
}
