import type { FundingIndex } from '../../core/ledger/funding-index.ts';
import {
  type CommandRecord,
  type FundingCarry,
  type LedgerEvent,
  marginStates,
  type PositionChange,
  type PriceFeed,
  type SourceExcluded,
} from '../../core/ledger/ledger-event.ts';
import { liquidationEnds, waterfallSteps } from '../../core/ledger/liquidation-order.ts';
import type { Movement, MovementReason } from '../../core/ledger/movement.ts';
import type { FeedState, Tick } from '../../core/ledger/price-feed.ts';
import type { DatedSlice } from '../../core/ledger/volatility-feed.ts';
import { holdersPerMarketMax, indexSourcesMax } from '../../core/limits.ts';
import type { Position, PositionSide } from '../../core/model/account.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { expiriesPerSurfaceMax } from '../../core/pricing/vol-surface.ts';
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
      reader.only([...head, 'account', 'asset', 'amount', 'location']);
      return {
        type,
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal({ positive: true }),
        ...(reader.has('location') ? { location: reader.field('location').string() } : {}),
      };
    case 'collateral_move_started':
      reader.only([...head, 'move', 'account', 'asset', 'amount', 'from', 'to', 'settlesAtMs']);
      return {
        type,
        move: reader.field('move').string(),
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal({ positive: true }),
        from: reader.field('from').string(),
        to: reader.field('to').string(),
        settlesAtMs: wholeNumber(reader.field('settlesAtMs'), 0),
      };
    case 'collateral_move_settled':
      reader.only([...head, 'move', 'account']);
      return {
        type,
        move: reader.field('move').string(),
        account: reader.field('account').string(),
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
      reader.only([...head, 'feed', 'state', 'excluded', 'applied']);
      return {
        type,
        feed: readFeed(reader.field('feed')),
        state: readFeedState(reader.field('state')),
        ...(reader.has('excluded')
          ? { excluded: reader.field('excluded').items(indexSourcesMax).map(readExcluded) }
          : {}),
        ...(reader.has('applied') ? { applied: reader.field('applied').decimal() } : {}),
      };
    case 'filled':
      reader.only([
        ...head,
        ...['instrument', 'taker', 'maker', 'takerSide', 'size', 'price', 'positions', 'movements'],
      ]);
      return {
        type,
        instrument: reader.field('instrument').string(),
        taker: reader.field('taker').string(),
        maker: reader.field('maker').string(),
        takerSide: reader.field('takerSide').oneOf(['buy', 'sell'] as const),
        size: reader.field('size').decimal({ positive: true }),
        price: reader.field('price').decimal({ positive: true }),
        positions: reader.field('positions').items(2).map(readPositionChange),
        movements: readMovements(reader.field('movements')),
      };
    case 'funding_paid':
      reader.only([...head, 'index', 'rate', 'price', 'carries', 'positions', 'movements']);
      return {
        type,
        index: readFundingIndex(reader.field('index')),
        rate: reader.field('rate').decimal(),
        price: reader.field('price').decimal({ positive: true }),
        carries: reader.field('carries').items(holdersPerMarketMax).map(readCarry),
        positions: reader.field('positions').items(holdersPerMarketMax).map(readPositionChange),
        movements: readMovements(reader.field('movements')),
      };
    case 'isolated_margin_moved':
      reader.only([...head, 'account', 'instrument', 'side', 'asset', 'amount']);
      return {
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        ...(reader.has('side') ? { side: readSide(reader.field('side')) } : {}),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal(),
      };
    case 'leverage_set':
      reader.only([...head, 'account', 'instrument', 'leverage']);
      return {
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        leverage: reader.field('leverage').decimal({ positive: true }),
      };
    case 'margin_mode_set':
      reader.only([...head, 'account', 'instrument', 'marginMode']);
      return {
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        marginMode: reader.field('marginMode').oneOf(['cross', 'isolated'] as const),
      };
    case 'order_placed': {
      reader.only([...head, 'account', 'order']);
      const order = reader.field('order');
      order.only(['id', 'instrument', 'side', 'size', 'price']);
      return {
        type,
        account: reader.field('account').string(),
        order: {
          id: order.field('id').string(),
          instrument: order.field('instrument').string(),
          side: order.field('side').oneOf(['buy', 'sell'] as const),
          size: order.field('size').decimal({ positive: true }),
          price: order.field('price').decimal({ positive: true }),
        },
      };
    }
    case 'order_amended':
      reader.only([...head, 'account', 'orderId', 'size', 'price']);
      return {
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        size: reader.field('size').decimal({ positive: true }),
        price: reader.field('price').decimal({ positive: true }),
      };
    case 'order_removed':
      reader.only([...head, 'account', 'orderId']);
      return {
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
      };
    case 'liquidation_ordered': {
      reader.only([...head, 'order', 'pace']);
      const pace = reader.field('pace');
      pace.only(['blockStartMs', 'value', 'lastOrderedMs']);
      const order = reader.field('order');
      order.only([
        'id',
        'account',
        'bucket',
        'instrument',
        'positionSide',
        'side',
        'size',
        'limitPrice',
        'bankruptcyPrice',
        'markSequence',
        'orderedAtMs',
        'value',
      ]);
      const bankruptcy = order.field('bankruptcyPrice');
      return {
        type,
        order: {
          id: order.field('id').string(),
          account: order.field('account').string(),
          bucket: order.field('bucket').string(),
          instrument: order.field('instrument').string(),
          ...(order.has('positionSide')
            ? { positionSide: readSide(order.field('positionSide')) }
            : {}),
          side: order.field('side').oneOf(['buy', 'sell'] as const),
          size: order.field('size').decimal({ positive: true }),
          limitPrice: order.field('limitPrice').decimal(notNegative),
          bankruptcyPrice: bankruptcy.value === null ? null : bankruptcy.decimal(notNegative),
          markSequence: wholeNumber(order.field('markSequence'), 0),
          orderedAtMs: wholeNumber(order.field('orderedAtMs'), 0),
          value: order.field('value').decimal(notNegative),
        },
        pace: {
          blockStartMs: wholeNumber(pace.field('blockStartMs'), 0),
          value: pace.field('value').decimal(notNegative),
          lastOrderedMs: wholeNumber(pace.field('lastOrderedMs'), 0),
        },
      };
    }
    case 'liquidation_reduced':
      reader.only([...head, 'account', 'orderId', 'size']);
      return {
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        size: reader.field('size').decimal({ positive: true }),
      };
    case 'liquidation_ended':
      reader.only([...head, 'account', 'orderId', 'reason']);
      return {
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        reason: reader.field('reason').oneOf(liquidationEnds),
      };
    case 'waterfall_step': {
      reader.only([
        ...head,
        'step',
        'account',
        'orderId',
        'counterparty',
        'size',
        'price',
        'graceUntilMs',
      ]);
      const grace = reader.has('graceUntilMs')
        ? { graceUntilMs: wholeNumber(reader.field('graceUntilMs'), 0) }
        : {};
      return {
        type,
        step: reader.field('step').oneOf(waterfallSteps),
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        counterparty: reader.field('counterparty').string(),
        size: reader.field('size').decimal({ positive: true }),
        price: reader.field('price').decimal({ positive: true }),
        ...grace,
      };
    }
    case 'debt_covered':
      reader.only([...head, 'account', 'bucket', 'movements']);
      return {
        type,
        account: reader.field('account').string(),
        bucket: reader.field('bucket').string(),
        movements: readMovements(reader.field('movements')),
      };
    case 'instrument_halted':
    case 'instrument_resumed':
      reader.only([...head, 'instrument']);
      return { type, instrument: reader.field('instrument').string() };
    case 'venue_set': {
      reader.only([...head, 'digest', 'rules']);
      const digest = reader.field('digest').string();
      if (!/^[0-9a-f]{64}$/.test(digest)) reader.field('digest').fail('must be a SHA-256 in hex');
      if (!reader.has('rules')) return { type, digest };
      const rules = reader.field('rules');
      if (typeof rules.value !== 'string') rules.fail('must be a string');
      return { type, digest, rules: String(rules.value) };
    }
    case 'volatility_set':
      reader.only([...head, 'underlying', 'sequence', 'timeMs', 'slices']);
      return {
        type,
        underlying: reader.field('underlying').string(),
        sequence: wholeNumber(reader.field('sequence'), 0),
        timeMs: wholeNumber(reader.field('timeMs'), 0),
        slices: reader.field('slices').items(expiriesPerSurfaceMax).map(readDatedSlice),
      };
    case 'margin_state_changed':
      reader.only([...head, 'account', 'state', 'equity', 'initialMargin', 'maintenanceMargin']);
      return {
        type,
        account: reader.field('account').string(),
        state: reader.field('state').oneOf(marginStates),
        equity: reader.field('equity').decimal(),
        initialMargin: reader.field('initialMargin').decimal(notNegative),
        maintenanceMargin: reader.field('maintenanceMargin').decimal(notNegative),
      };
    case 'expiry_settled':
      reader.only([...head, 'instrument', 'price', 'positions', 'movements']);
      return {
        type,
        instrument: reader.field('instrument').string(),
        price: reader.field('price').decimal(notNegative),
        positions: reader.field('positions').items(holdersPerMarketMax).map(readPositionChange),
        movements: readMovements(reader.field('movements')),
      };
    default:
      reader.field('type').fail('is not an event this build knows');
      return { type: 'account_opened', account: '', poolMode: 'cross' };
  }
}

const notNegative = { min: { value: 0n, message: 'must not be negative' } };

function readDatedSlice(reader: Reader): DatedSlice {
  reader.only(['expiryMs', 'atmVolatility', 'b', 'rho', 'm', 'sigma']);
  return {
    expiryMs: wholeNumber(reader.field('expiryMs'), 0),
    atmVolatility: finiteNumber(reader.field('atmVolatility')),
    b: finiteNumber(reader.field('b')),
    rho: finiteNumber(reader.field('rho')),
    m: finiteNumber(reader.field('m')),
    sigma: finiteNumber(reader.field('sigma')),
  };
}

/** A pricing-zone float as JSON writes it: a finite number (the log never holds NaN). */
function finiteNumber(reader: Reader): number {
  if (typeof reader.value !== 'number' || !Number.isFinite(reader.value)) {
    reader.fail('must be a finite number');
    return 0;
  }
  return reader.value;
}

function readPositionChange(reader: Reader): PositionChange {
  reader.only(['account', 'instrument', 'side', 'after']);
  return {
    account: reader.field('account').string(),
    instrument: reader.field('instrument').string(),
    ...(reader.has('side') ? { side: readSide(reader.field('side')) } : {}),
    ...(reader.has('after') ? { after: readPosition(reader.field('after')) } : {}),
  };
}

function readPosition(reader: Reader): Position {
  reader.only([
    ...['instrument', 'size', 'side', 'entryPrice', 'marginMode', 'isolatedMargin'],
    'unsettledPnl',
  ]);
  return {
    instrument: reader.field('instrument').string(),
    size: reader.field('size').decimal(),
    ...(reader.has('side') ? { side: readSide(reader.field('side')) } : {}),
    entryPrice: reader.field('entryPrice').decimal(notNegative),
    marginMode: reader.field('marginMode').oneOf(['cross', 'isolated'] as const),
    isolatedMargin: reader.field('isolatedMargin').decimal(),
    ...(reader.has('unsettledPnl') ? { unsettledPnl: reader.field('unsettledPnl').decimal() } : {}),
  };
}

function readSide(reader: Reader): PositionSide {
  return reader.oneOf(['long', 'short'] as const);
}

const movementReasons: readonly MovementReason[] = [
  'realised-pnl',
  'premium',
  'fee',
  'rebate',
  'isolated-margin-release',
  'rounding',
  'funding',
  'liquidation-fee',
  'insurance-cover',
];

function readMovements(reader: Reader): Movement[] {
  return reader.items(holdersPerMarketMax + 1).map((item) => {
    item.only(['account', 'asset', 'amount', 'reason', 'bucket']);
    return {
      account: item.field('account').string(),
      asset: item.field('asset').string(),
      amount: item.field('amount').decimal(),
      reason: item.field('reason').oneOf(movementReasons),
      ...(item.has('bucket') ? { bucket: item.field('bucket').string() } : {}),
    };
  });
}

function readFundingIndex(reader: Reader): FundingIndex {
  reader.only(['market', 'settlement', 'intervalMs', 'lastFundingMs', 'cumulative']);
  return {
    market: reader.field('market').string(),
    settlement: reader.field('settlement').oneOf(['linear', 'inverse'] as const),
    intervalMs: wholeNumber(reader.field('intervalMs'), 1),
    lastFundingMs: wholeNumber(reader.field('lastFundingMs'), Number.MIN_SAFE_INTEGER),
    cumulative: reader.field('cumulative').decimal(),
  };
}

function readCarry(reader: Reader): FundingCarry {
  reader.only(['account', 'side', 'carry']);
  return {
    account: reader.field('account').string(),
    ...(reader.has('side') ? { side: readSide(reader.field('side')) } : {}),
    carry: reader.field('carry').decimal({ positive: true }),
  };
}

function readFeed(reader: Reader): PriceFeed {
  const feed = reader.string();
  if (!/^(mark|index):./.test(feed)) reader.fail('must be mark:INSTRUMENT or index:ASSET');
  return feed as PriceFeed;
}

function readFeedState(reader: Reader): FeedState {
  reader.only(['last', 'held', 'sequence', 'unreliableSinceMs']);
  const sequence = wholeNumber(reader.field('sequence'), -1);
  const held = reader.field('held').items(1_000).map(readTick);
  return {
    ...(reader.has('last') ? { last: readTick(reader.field('last')) } : {}),
    held,
    sequence,
    ...(reader.has('unreliableSinceMs')
      ? { unreliableSinceMs: wholeNumber(reader.field('unreliableSinceMs'), 0) }
      : {}),
  };
}

function readExcluded(reader: Reader): SourceExcluded {
  reader.only(['source', 'reason']);
  return {
    source: reader.field('source').string(),
    reason: reader.field('reason').oneOf(['silent', 'stale', 'at_bound', 'deviating'] as const),
  };
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
