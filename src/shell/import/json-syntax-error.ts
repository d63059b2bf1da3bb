/**
 * Where a JSON text (RFC 8259) first goes wrong and what was expected there. JSON.parse says only
 * "at position N" or nothing at all, and quotes the text raw; this reads the text again, only once
 * JSON.parse has refused it, so it is written to be plain rather than fast. No recursion: a deeply
 * nested file cannot overflow the stack.
 */
export interface JsonSyntaxError {
  /** Offset in the text of the first character that cannot be there. */
  readonly offset: number;
  readonly message: string;
}

const OBJECT = 0;
const ARRAY = 1;

export function firstSyntaxError(text: string): JsonSyntaxError | undefined {
  const scan = new Scan(text);
  try {
    scan.document();
    return undefined;
  } catch (error) {
    if (error instanceof Found) return { offset: error.offset, message: error.message };
    throw error;
  }
}

class Found extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

class Scan {
  private pos = 0;
  private readonly open: number[] = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    for (;;) {
      this.space();
      const top = this.open.at(-1);
      if (top === undefined) {
        if (this.pos < this.text.length) this.fail('more text after the end of the JSON value');
        return;
      }
      const close = top === OBJECT ? '}' : ']';
      if (this.peek() === ',') {
        this.pos++;
        if (top === OBJECT) this.member();
        this.value();
      } else if (this.peek() === close) {
        this.pos++;
        this.open.pop();
      } else {
        this.fail(`expected "," or "${close}"`);
      }
    }
  }

  /** A value, or the opening of an object or array whose first value comes next. */
  private value(): void {
    for (;;) {
      this.space();
      const c = this.peek();
      const close = c === '{' ? '}' : c === '[' ? ']' : undefined;
      if (close === undefined) {
        this.scalar(c);
        return;
      }
      this.pos++;
      this.space();
      if (this.peek() === close) {
        this.pos++;
        return;
      }
      this.open.push(c === '{' ? OBJECT : ARRAY);
      if (c === '{') this.member();
    }
  }

  private scalar(c: string | undefined): void {
    if (c === '"') this.string();
    else if (c !== undefined && (c === '-' || (c >= '0' && c <= '9'))) this.number();
    else if (c === 't' || c === 'f' || c === 'n') this.literal();
    else this.fail('expected a value');
  }

  /** `"key" :` before a member's value. */
  private member(): void {
    this.space();
    if (this.peek() !== '"') this.fail('expected a double-quoted property name');
    this.string();
    this.space();
    if (this.peek() !== ':') this.fail('expected ":" after the property name');
    this.pos++;
  }

  private string(): void {
    const open = this.pos;
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a string is not closed', open);
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        this.pos++;
        return;
      }
      if (code < 0x20) this.fail('a control character inside a string (write it escaped)');
      if (code === 0x5c) this.escape();
      else this.pos++;
    }
  }

  private escape(): void {
    const letter = this.text[this.pos + 1];
    if (letter === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex))
        this.fail('a backslash and "u" must be followed by four hex digits');
      this.pos += 6;
    } else if (letter !== undefined && '"\\/bfnrt'.includes(letter)) {
      this.pos += 2;
    } else {
      this.fail(
        'a backslash must be followed by b, f, n, r, t, u and four hex digits, a slash, ' +
          'a double quote or another backslash',
      );
    }
  }

  private number(): void {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    const end = found === null ? this.pos : this.pos + found[0].length;
    const next = this.text[end];
    if (found === null || (next !== undefined && /[\w.+-]/.test(next))) {
      this.fail('a malformed number', found === null ? this.pos : end);
    }
    this.pos = end;
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail('expected a value (true, false and null are written in lower case)');
  }

  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(expected: string, at = this.pos): never {
    const found =
      at >= this.text.length ? 'the end of the text' : foundText(this.text.codePointAt(at)!);
    throw new Found(at, `${expected}, found ${found}`);
  }
}

/**
 * The character found, in words where quoting it would take a backslash: the CLI prints a
 * message with every backslash doubled (printable.ts), and `"\n"` would then read as `"\\n"`.
 * Any other character is quoted as it is, and escaped where it is printed.
 */
function foundText(code: number): string {
  if (code === 0x22) return 'a double quote';
  if (code === 0x5c) return 'a backslash';
  if (code < 0x20)
    return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${String.fromCodePoint(code)}"`;
}
