import { type Cell, shown } from './printable.ts';

/**
 * A plain-text table, two spaces between columns: the first `textColumns` columns (names) are
 * left-aligned, the rest (figures) right-aligned. Widths count visible characters, so cells may
 * carry the CLI's own colours (a Painted cell).
 */
export function table(
  headerCells: readonly Cell[],
  rowCells: readonly (readonly Cell[])[],
  textColumns = 1,
): string {
  // Cells come from files (ids, names): escaped so they cannot drive the terminal (printable.ts).
  const header = headerCells.map(shown);
  const rows = rowCells.map((row) => row.map(shown));
  const widths = header.map((title, column) =>
    Math.max(visible(title), ...rows.map((row) => visible(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const padding = ' '.repeat(widths[column]! - visible(cell));
        return column < textColumns ? cell + padding : padding + cell;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI colour codes is the point.
const ansi = /\u001b\[[0-9;]*m/g;

function visible(text: string): number {
  return text.replace(ansi, '').length;
}
