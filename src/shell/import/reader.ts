import { parseFixed } from '../../core/num/fixed.ts';

/**
 * Bad input at the boundary: every problem found, each naming the field path in the file
 * (`accounts[0].positions[3].size: must be a decimal string`). Nothing is computed from a file
 * that has one.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
  }
}

type Json = unknown;

/**
 * Walks untrusted JSON, collecting issues with their paths instead of throwing at the first, so a
 * user fixes a file in one pass. Readers return a placeholder after an issue; the caller checks
 * `issues` before using anything read.
 */
export class Reader {
  /** The path, once written out: a child's is composed only when an issue or a caller needs it. */
  private written: string | undefined;

  constructor(
    readonly value: Json,
    path: string,
    readonly issues: string[] = [],
    private readonly parent?: Reader,
    private readonly step?: string | number,
  ) {
    this.written = parent === undefined ? path : undefined;
  }

  /**
   * `accounts[0].positions[3].size`. A book of 100,000 accounts walks millions of fields that
   * have no issue, so a child reader keeps its parent and its key, not a new string.
   */
  get path(): string {
    if (this.written === undefined) {
      const base = this.parent!.path;
      const step = this.step!;
      this.written =
        typeof step === 'number' ? `${base}[${step}]` : base === '' ? step : `${base}.${step}`;
    }
    return this.written;
  }

  fail(message: string, path = this.path): void {
    this.issues.push(`${path === '' ? '(root)' : path}: ${message}`);
  }

  isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  has(key: string): boolean {
    return this.isObject() && (this.value as Record<string, Json>)[key] !== undefined;
  }

  field(key: string): Reader {
    const child = this.isObject() ? (this.value as Record<string, Json>)[key] : undefined;
    return new Reader(child, '', this.issues, this, key);
  }

  object(): boolean {
    if (this.isObject()) return true;
    this.fail('must be an object');
    return false;
  }

  /** Refuses keys the format does not know: a misspelt field must not be silently ignored. */
  only(keys: readonly string[]): void {
    if (!this.isObject()) return;
    for (const key of Object.keys(this.value as object)) {
      if (!keys.includes(key))
        this.fail(`unknown field (expected one of: ${keys.join(', ')})`, this.field(key).path);
    }
  }

  items(maxLength: number): Reader[] {
    if (!Array.isArray(this.value)) {
      this.fail('must be an array');
      return [];
    }
    if (this.value.length > maxLength) {
      this.fail(`must have at most ${maxLength} items`);
      return [];
    }
    // Loops, not map(): a book calls these for every account, and a closure costs there.
    const list = this.value as Json[];
    const readers: Reader[] = new Array(list.length);
    for (let index = 0; index < list.length; index++) {
      readers[index] = new Reader(list[index], '', this.issues, this, index);
    }
    return readers;
  }

  entries(maxLength: number): [string, Reader][] {
    if (!this.object()) return [];
    const keys = Object.keys(this.value as object);
    if (keys.length > maxLength) {
      this.fail(`must have at most ${maxLength} entries`);
      return [];
    }
    const pairs: [string, Reader][] = new Array(keys.length);
    for (let k = 0; k < keys.length; k++) pairs[k] = [keys[k]!, this.field(keys[k]!)];
    return pairs;
  }

  string(): string {
    if (this.value === undefined) {
      this.fail('is required');
      return '';
    }
    if (typeof this.value === 'string' && this.value.length > 0 && this.value.length <= 200) {
      return this.value;
    }
    this.fail('must be a non-empty string of at most 200 characters');
    return '';
  }

  /** Free text (a note, a title, a URL): any length up to 20,000 characters. */
  text(): string {
    if (typeof this.value === 'string' && this.value.length <= 20_000) return this.value;
    this.fail('must be a string of at most 20,000 characters');
    return '';
  }

  optionalString(): string | undefined {
    return this.value === undefined ? undefined : this.string();
  }

  oneOf<T extends string>(choices: readonly T[]): T {
    if (typeof this.value === 'string' && (choices as readonly string[]).includes(this.value)) {
      return this.value as T;
    }
    this.fail(`must be one of: ${choices.join(', ')}`);
    return choices[0]!;
  }

  /** A decimal string parsed exactly, within [min, max]; `positive` excludes zero. */
  decimal(bounds: DecimalBounds = {}): bigint {
    if (this.value === undefined) {
      this.fail('is required (a decimal string)');
      return 0n;
    }
    if (typeof this.value !== 'string') {
      this.fail('must be a decimal string (write "0.1", not 0.1)');
      return 0n;
    }
    const parsed = parseFixed(this.value);
    if (parsed === null) {
      this.fail(`must be a decimal string with at most 18 decimals, got "${this.value}"`);
      return 0n;
    }
    if (bounds.positive === true && parsed <= 0n) this.fail('must be greater than zero');
    else if (bounds.min !== undefined && parsed < bounds.min.value) this.fail(bounds.min.message);
    if (bounds.max !== undefined && parsed > bounds.max.value) this.fail(bounds.max.message);
    return parsed;
  }

  /** A flag, true or false; absent reads as false. */
  optionalBoolean(): boolean {
    if (this.value === undefined) return false;
    if (typeof this.value !== 'boolean') {
      this.fail('must be true or false');
      return false;
    }
    return this.value;
  }

  /**
   * A decimal string as a float64, for the pricing zone (volatilities, scenario moves): checked
   * like any decimal first, so `0.5` and `"5e-1"` are refused, and against its bounds exactly
   * (before rounding), then rounded to the nearest double.
   */
  float(bounds: FloatBounds = {}): number {
    const before = this.issues.length;
    const exact = this.decimal();
    if (this.issues.length > before) return 0;
    const fixedOf = (bound: number) => parseFixed(String(bound))!;
    if (bounds.above !== undefined && !(exact > fixedOf(bounds.above))) {
      this.fail(bounds.above === 0 ? 'must be greater than zero' : `must be above ${bounds.above}`);
    } else if (bounds.min !== undefined && exact < fixedOf(bounds.min)) {
      this.fail(bounds.min === 0 ? 'must not be negative' : `must be at least ${bounds.min}`);
    }
    if (bounds.max !== undefined && exact > fixedOf(bounds.max)) {
      this.fail(`must be at most ${bounds.max}${bounds.maxName ? ` (${bounds.maxName})` : ''}`);
    }
    return Number(this.value as string);
  }

  optionalDecimal(bounds: DecimalBounds = {}): bigint | undefined {
    return this.value === undefined ? undefined : this.decimal(bounds);
  }

  nullableDecimal(bounds: DecimalBounds = {}): bigint | null {
    return this.value === null ? null : this.decimal(bounds);
  }
}

export interface Bound {
  readonly value: bigint;
  readonly message: string;
}

export interface DecimalBounds {
  readonly positive?: boolean;
  readonly min?: Bound;
  readonly max?: Bound;
}

/**
 * Bounds of a float: `above` exclusive, `min` and `max` inclusive, each a plain decimal number
 * (`0.5`, `-1`, `10`); `maxName` names the limit.
 */
export interface FloatBounds {
  readonly above?: number;
  readonly min?: number;
  readonly max?: number;
  readonly maxName?: string;
}

export function atMost(value: bigint, what: string): Bound {
  return { value, message: `must be at most ${what}` };
}

export const nonNegative: Bound = { value: 0n, message: 'must not be negative' };

/** Throws the collected issues, if any. */
export function settle(reader: Reader): void {
  if (reader.issues.length > 0) throw new InputError(reader.issues);
}
