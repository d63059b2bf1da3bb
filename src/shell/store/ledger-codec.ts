import type { CommandRecord, LedgerEvent, PriceFeed } from '../../core/ledger/ledger-event.ts';
import type { FeedState, Tick } from '../../core/ledger/price-feed.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { InputError, Reader } from '../import/reader.ts';
import type { EventToAppend, StoredEvent } from './event-store.ts';

/**
 * The ledger's events as the event log stores them: one row per event, its body the event's
 * fields (amounts and prices as decimal strings: JSON has no bigint) with the command that made
 * it (`command`, `digest`) and, on the command's first event, how many it made (`count`), so a
 * replay rebuilds each command's record and answers a repeated id as the first time.
 *
 * Version 1 of every type. A body is read back as strictly as a file from outside (reader.ts): a
 * log is only as trustworthy as its checksums, and an event this code cannot read is never
 * applied as something else.
 */
export const ledgerSchemaVersion = 1;

export function encodeRecord(record: CommandRecord, logTimeMs: number): EventToAppend[] {
  return record.events.map((event, index) => ({
    type: event.type,
    schemaVersion: ledgerSchemaVersion,
    logTimeMs,
    body: JSON.stringify(
      {
        command: record.command,
        digest: record.digest,
        ...(index === 0 ? { count: record.events.length } : {}),
        ...event,
      },
      decimalsForBigints,
    ),
  }));
}

/** JSON.stringify's replacer for the ledger's numbers: a bigint as its exact decimal string. */
export function decimalsForBigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? formatFixed(value) : value;
}

/** The stored events back into command records, in order; a row that does not read throws. */
export async function* decodeRecords(events: AsyncIterable<StoredEvent>): AsyncIterable<{
  readonly record: CommandRecord;
  readonly lastSequence: number;
  readonly logTimeMs: number;
}> {
  let open: { command: string; digest: string; count: number; events: LedgerEvent[] } | undefined;
  for await (const stored of events) {
    const body = readBody(stored);
    if (open === undefined) {
      if (body.count === undefined) throw corrupt(stored, 'a command starts without its count');
      open = { command: body.command, digest: body.digest, count: body.count, events: [] };
    } else if (body.command !== open.command || body.count !== undefined) {
      throw corrupt(stored, `command ${open.command} ends before its ${open.count} events`);
    }
    open.events.push(body.event);
    if (open.events.length === open.count) {
      const { command, digest } = open;
      yield {
        record: { command, digest, events: open.events },
        lastSequence: stored.sequence,
        logTimeMs: stored.logTimeMs,
      };
      open = undefined;
    }
  }
  if (open !== undefined) {
    throw new InputError([
      `event log: command ${open.command} ends before its ${open.count} events`,
    ]);
  }
}

function corrupt(stored: StoredEvent, why: string): InputError {
  return new InputError([`event log: event ${stored.sequence} (${stored.type}): ${why}`]);
}

interface Body {
  readonly command: string;
  readonly digest: string;
  readonly count?: number;
  readonly event: LedgerEvent;
}

function readBody(stored: StoredEvent): Body {
  if (stored.schemaVersion !== ledgerSchemaVersion) {
    throw corrupt(stored, `schema version ${stored.schemaVersion} is not one this build reads`);
  }
  let json: unknown;
  try {
    json = JSON.parse(stored.body);
  } catch {
    throw corrupt(stored, 'its body is not JSON');
  }
  const reader = new Reader(json, '', []);
  const command = reader.field('command').string();
  const digest = reader.field('digest').string();
  const count = reader.has('count') ? wholeNumber(reader.field('count'), 1) : undefined;
  const event = readEvent(reader, stored.type);
  if (reader.issues.length > 0) throw corrupt(stored, reader.issues.join('; '));
  return { command, digest, ...(count === undefined ? {} : { count }), event };
}

const head = ['command', 'digest', 'count', 'type'];

function readEvent(reader: Reader, type: string): LedgerEvent {
  if (reader.field('type').string() !== type) reader.field('type').fail(`is not the row's ${type}`);
  switch (type) {
    case 'account_opened':
      reader.only([...head, 'account', 'poolMode']);
      return {
        type,
        account: reader.field('account').string(),
        poolMode: reader.field('poolMode').oneOf(['cross', 'portfolio'] as const),
      };
    case 'deposited':
    case 'withdrawn':
      reader.only([...head, 'account', 'asset', 'amount']);
      return {
        type,
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal({ positive: true }),
      };
    case 'transferred':
      reader.only([...head, 'from', 'to', 'asset', 'amount']);
      return {
        type,
        from: reader.field('from').string(),
        to: reader.field('to').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal({ positive: true }),
      };
    case 'price_accepted':
    case 'price_held':
      reader.only([...head, 'feed', 'state']);
      return {
        type,
        feed: readFeed(reader.field('feed')),
        state: readFeedState(reader.field('state')),
      };
    default:
      reader.field('type').fail('is not an event this build knows');
      return { type: 'account_opened', account: '', poolMode: 'cross' };
  }
}

function readFeed(reader: Reader): PriceFeed {
  const feed = reader.string();
  if (!/^(mark|index):./.test(feed)) reader.fail('must be mark:INSTRUMENT or index:ASSET');
  return feed as PriceFeed;
}

function readFeedState(reader: Reader): FeedState {
  reader.only(['last', 'held', 'sequence']);
  const sequence = wholeNumber(reader.field('sequence'), -1);
  const held = reader.field('held').items(1_000).map(readTick);
  return reader.has('last')
    ? { last: readTick(reader.field('last')), held, sequence }
    : { held, sequence };
}

function readTick(reader: Reader): Tick {
  reader.only(['sequence', 'timeMs', 'price']);
  return {
    sequence: wholeNumber(reader.field('sequence'), 0),
    timeMs: wholeNumber(reader.field('timeMs'), 0),
    price: reader.field('price').decimal({ min: { value: 0n, message: 'must not be negative' } }),
  };
}

function wholeNumber(reader: Reader, min: number): number {
  if (!Number.isSafeInteger(reader.value) || (reader.value as number) < min) {
    reader.fail(`must be a whole number, ${min} or more`);
    return min;
  }
  return reader.value as number;
}
