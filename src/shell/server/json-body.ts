import { parseJsonText } from '../import/json-text.ts';
import type { InputError } from '../import/reader.ts';
import { ApiError } from './api-error.ts';

/** Objects and arrays one body may nest: the deepest command (a fill's party) needs 3. */
export const bodyDepthMax = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A request body into a value, or the reason it is bad input: not UTF-8, nested deeper than any
 * command is, not JSON (where, by line and column), or a key given twice in one object (JSON.parse
 * would keep the last one silently: a body the sender and the venue read differently).
 */
export function readJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ApiError(400, 'invalid_utf8', 'the body is not valid UTF-8', '(root)');
  }
  const depth = nesting(text);
  if (depth > bodyDepthMax) {
    throw new ApiError(
      400,
      'body_too_deep',
      `the body nests ${depth > bodyDepthMax + 1 ? 'more than ' : ''}${bodyDepthMax + 1} levels: at most ${bodyDepthMax}`,
      '(root)',
    );
  }
  try {
    return parseJsonText(text, 'body');
  } catch (error) {
    const issue = (error as InputError).issues[0] ?? 'body: not valid JSON';
    const rest = issue.slice('body: '.length);
    // The reader says a key given twice as "PATH: key "K" given twice…", anything else is syntax.
    const duplicate = /^([^ ]*): key "/.exec(rest);
    throw duplicate === null
      ? new ApiError(400, 'invalid_json', rest, '(root)')
      : new ApiError(400, 'duplicate_key', rest, duplicate[1]);
  }
}

/** How deep the text's objects and arrays nest, counted outside strings; stops past the limit. */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (inString) {
      if (code === 0x5c) at++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > bodyDepthMax + 1) return deepest;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return deepest;
}
