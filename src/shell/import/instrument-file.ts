import { instrumentsMax, priceMax, sizeMax } from '../../core/limits.ts';
import type { Instrument, OptionTerms } from '../../core/model/instrument.ts';
import { fixed } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';
import { readUtcTime } from './utc-time.ts';

export const price = { positive: true, max: atMost(priceMax, 'the price limit') };
/** Market prices may be zero (collateral that went to nothing, a worthless option), never below. */
export const priceOrZero = { min: nonNegative, max: atMost(priceMax, 'the price limit') };
export const size = { positive: true, max: atMost(sizeMax, 'the size limit') };

const fields = [
  'id',
  'kind',
  'settlement',
  'underlying',
  'quote',
  'settle',
  'contractSize',
  'tickSize',
  'sizeStep',
  'expiry',
  'option',
];

/**
 * The file's `instruments` (docs/portfolio-format.md), by id. A dated future or an option must
 * expire after `asOfMs`, the valuation time; an option carries its right and strike, and nothing
 * else does. Issues go to the reader, with their paths.
 */
export function readInstruments(
  reader: Reader,
  assets: ReadonlySet<string>,
  asOfMs: number,
): Map<string, Instrument> {
  const instruments = new Map<string, Instrument>();
  const entries = reader.items(instrumentsMax);
  for (const entry of entries) {
    if (!entry.object()) continue;
    entry.only(fields);
    const id = entry.field('id').string();
    const kind = entry.field('kind').oneOf(['perpetual', 'future', 'option'] as const);
    const settlement = entry.field('settlement').oneOf(['linear', 'inverse'] as const);
    const underlying = knownAsset(entry.field('underlying'), assets);
    const quote = entry.field('quote').string();
    const settleAsset = knownAsset(entry.field('settle'), assets);
    if (settlement === 'linear' && settleAsset !== quote) {
      entry.field('settle').fail('a linear contract settles in its quote asset');
    }
    if (settlement === 'inverse' && settleAsset !== underlying) {
      entry.field('settle').fail('an inverse contract settles in its underlying');
    }
    const expiryMs = readExpiry(entry, kind, asOfMs);
    const option = readOptionTerms(entry, kind);
    instruments.set(id, {
      id,
      kind,
      settlement,
      underlying,
      quote,
      settle: settleAsset,
      contractSize: entry.field('contractSize').decimal(size),
      tickSize: entry.has('tickSize')
        ? entry.field('tickSize').decimal(price)
        : fixed('0.00000001'),
      sizeStep: entry.has('sizeStep') ? entry.field('sizeStep').decimal(size) : fixed('0.00000001'),
      ...(expiryMs === undefined ? {} : { expiryMs }),
      ...(option === undefined ? {} : { option }),
    });
  }
  duplicates(
    reader,
    entries.map((entry) => entry.field('id').value as string),
    'instrument id',
  );
  return instruments;
}

function readExpiry(entry: Reader, kind: Instrument['kind'], asOfMs: number): number | undefined {
  const field = entry.field('expiry');
  if (kind === 'perpetual') {
    if (field.value !== undefined) field.fail('a perpetual has no expiry');
    return undefined;
  }
  const expiryMs = readUtcTime(field, '2026-12-25T08:00:00Z');
  if (expiryMs !== undefined && expiryMs <= asOfMs) field.fail('has already passed');
  return expiryMs;
}

/** `"option": { "right": "call" | "put", "strike": "100000" }`, on an option and nothing else. */
function readOptionTerms(entry: Reader, kind: Instrument['kind']): OptionTerms | undefined {
  const field = entry.field('option');
  if (kind !== 'option') {
    if (field.value !== undefined) field.fail('only an option has option terms');
    return undefined;
  }
  if (field.value === undefined) {
    field.fail('is required for an option ({ "right": "call" | "put", "strike": "…" })');
    return undefined;
  }
  if (!field.object()) return undefined;
  field.only(['right', 'strike']);
  return {
    right: field.field('right').oneOf(['call', 'put'] as const),
    strike: field.field('strike').decimal(price),
  };
}

function knownAsset(reader: Reader, assets: ReadonlySet<string>): string {
  const id = reader.string();
  if (id !== '' && !assets.has(id)) reader.fail(`unknown asset "${id}"`);
  return id;
}

/** Beyond this many ids a Set finds repeats faster than comparing each with those before it. */
const fewIdsMax = 16;

export function duplicates(reader: Reader, ids: readonly string[], what: string): void {
  if (ids.length <= fewIdsMax) {
    // An account's few positions: no Set for each of a book's accounts.
    for (let index = 1; index < ids.length; index++) {
      const id = ids[index]!;
      for (let before = 0; before < index; before++) {
        if (ids[before] !== id) continue;
        reader.fail(`duplicate ${what} "${id}"`, `${reader.path}[${index}]`);
        break;
      }
    }
    return;
  }
  const seen = new Set<string>();
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    if (seen.has(id)) reader.fail(`duplicate ${what} "${id}"`, `${reader.path}[${index}]`);
    seen.add(id);
  }
}
