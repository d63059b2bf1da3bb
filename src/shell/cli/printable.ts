import type { Portfolio } from '../../core/model/portfolio.ts';

/**
 * Text from a file made safe to print on a terminal. An id, a name or a field in an error message
 * comes from the user's file; printed raw, an escape code in it could recolour, move the cursor
 * or rewrite the screen, a newline could forge a report line ("Account x: ... LIQUIDATABLE"), and a
 * bidi override could show a line's characters in another order than they are. Each such
 * character is shown as an escape instead (`\n`, `\u001b`, `\u202e`, as JSON and JavaScript
 * write them): C0 controls and DEL, C1 controls, the line and paragraph separators, and the bidi
 * embeddings, overrides and isolates. A backslash is written `\\`, as JSON writes it: otherwise
 * an id that holds the six characters `\u001b` would print as one that holds an ESC, and could
 * pass for it. So two strings never print the same; text with neither is printed as it is.
 * Not idempotent, by that rule: escape a string once, where it is printed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const unprintable = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, and the backslash.
const escapable = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  escapable.lastIndex = 0;
  return escapable.test(text) ? text.replace(escapable, escaped) : text;
}

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escaped(ch: string): string {
  return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Unprintable, but for a line break and the escape that starts a colour code. */
const foreign =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the CLI's own newlines and colours.
  /[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\u001b(?!\[[0-9;]*m)/g;

/**
 * A whole report as printed, the last line of defence for a string from a file that reached it
 * without printable(): each of `names` (the book's ids that hold an unprintable character, from
 * unprintableNames) escaped wherever it stands, so a newline in an instrument id cannot start a
 * line of its own in a sentence that names it; then every other unprintable character escaped but
 * the report's own line breaks and colour codes. Safe on JSON output too, where such a character
 * can only stand inside a string and its escape is JSON's own.
 */
export function printableOutput(text: string, names: readonly string[] = []): string {
  let shown = text;
  // The longest first: a shorter name may be part of a longer one.
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    if (shown.includes(name)) shown = shown.split(name).join(printable(name));
  }
  foreign.lastIndex = 0;
  return foreign.test(shown) ? shown.replace(foreign, escaped) : shown;
}

/**
 * The ids and names in a book that a report may print and that cannot be printed as they are:
 * of accounts, assets, instruments, spot markets and rulebooks. Usually none, so printing costs
 * nothing more. Free text (a description, a rulebook's sources) is left out: it is not printed in
 * reports, and a short line of it would match much of a report.
 */
export function unprintableNames(portfolio: Portfolio): string[] {
  const names = new Set<string>();
  const note = (texts: Iterable<string>) => {
    for (const text of texts) {
      unprintable.lastIndex = 0;
      if (unprintable.test(text)) names.add(text);
    }
  };
  for (const account of portfolio.accounts) note([account.id, ...account.balances.keys()]);
  for (const venue of [portfolio.venue, ...(portfolio.accountVenues?.values() ?? [])]) {
    for (const i of venue.instruments.values()) note([i.id, i.underlying, i.quote, i.settle]);
    note([venue.rulebook.id, venue.rulebook.name, ...venue.rulebook.instruments.keys()]);
    note(venue.spotMarkets?.keys() ?? []);
  }
  note(portfolio.market.assetPrices.keys());
  note(portfolio.market.markPrices.keys());
  return [...names];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR colour code starts with ESC.
const colourCodes = /^(\u001b\[[0-9;]*m)+$/;

/**
 * Text the CLI itself colours (a heat map cell): its colour codes kept, the text escaped like any
 * other. A table keeps the colours of a Painted cell only, so colour codes that come from a file
 * are shown as escapes, never obeyed.
 */
export class Painted {
  constructor(
    readonly text: string,
    readonly colour: string,
  ) {
    if (!colourCodes.test(colour)) throw new Error(`not an SGR colour code: ${printable(colour)}`);
  }

  toString(): string {
    return `${this.colour}${printable(this.text)}\u001b[0m`;
  }
}

/** A table cell: plain text (escaped when shown) or text the CLI colours. */
export type Cell = string | Painted;

export function shown(cell: Cell): string {
  return typeof cell === 'string' ? printable(cell) : cell.toString();
}
