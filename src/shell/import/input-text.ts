import { readFileSync } from 'node:fs';
import { InputError } from './reader.ts';

/** The file name that means standard input, as in `xmargin margin - < book.json`. */
export const stdinName = '-';

/** How messages name a file: by its path, or "(stdin)". */
export function inputLabel(path: string): string {
  return path === stdinName ? '(stdin)' : path;
}

/** A file's text (`-`: all of standard input) as UTF-8; a file that cannot be read is bad input. */
export function readInputText(path: string, label = inputLabel(path)): string {
  try {
    return path === stdinName ? readStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([
      `${label}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    // A non-blocking stdin (a pipe some parents hand over) refuses a synchronous read of fd 0.
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    return readFileSync('/dev/stdin', 'utf8');
  }
}
