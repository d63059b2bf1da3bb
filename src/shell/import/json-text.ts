import { firstDuplicateKey } from './duplicate-key.ts';
import { firstSyntaxError } from './json-syntax-error.ts';
import { InputError } from './reader.ts';

const byteOrderMark = 0xfeff;

/**
 * A JSON text from a file into a value, or an InputError that says where, by line and column, the
 * way an editor counts them. A UTF-8 byte order mark (which some Windows editors write) is
 * skipped; a key given twice in one object is refused, since JSON.parse would keep only the last.
 */
export function parseJsonText(text: string, label: string): unknown {
  const body = withoutByteOrderMark(text);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const found = firstSyntaxError(body);
    // Both read RFC 8259; should they ever disagree, JSON.parse's own word, without its quote.
    const message = found?.message ?? (error as Error).message.replace(/, ".*$/s, '');
    const where = found === undefined ? '' : ` at line ${lineColumn(body, found.offset)}`;
    throw new InputError([`${label}: not valid JSON${where}: ${message}`]);
  }
  const duplicate = firstDuplicateKey(body);
  if (duplicate !== undefined) {
    throw new InputError([
      `${label}: ${duplicate.path}: key "${duplicate.key}" given twice, at line ` +
        `${lineColumn(body, duplicate.offset)} (first at line ${lineColumn(body, duplicate.firstOffset)}): ` +
        'give each key once, JSON keeps only the last',
    ]);
  }
  return value;
}

/** The text without the UTF-8 byte order mark some Windows editors write before it. */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === byteOrderMark ? text.slice(1) : text;
}

/**
 * "3:14", line and column from 1 as editors and compilers write them; the column counts
 * characters, so a tab or an emoji is one.
 */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  let column = 1;
  for (let at = lineStart; at < offset; at++) {
    const code = text.charCodeAt(at);
    // The second half of a surrogate pair is the same character as the first.
    if (code < 0xdc00 || code > 0xdfff) column++;
  }
  return `${line}:${column}`;
}
