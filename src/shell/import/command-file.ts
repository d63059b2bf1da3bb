import type { Command, CommandHead, PremiumFunding } from '../../core/engine/command.ts';
import type { OrderCheck } from '../../core/engine/decide-order.ts';
import type { FillParty } from '../../core/ledger/fill.ts';
import type { PriceFeed } from '../../core/ledger/ledger-event.ts';
import { amountMax, leverageMax, premiumSamplesMax, priceMax } from '../../core/limits.ts';
import { SCALE } from '../../core/num/fixed.ts';
import { expiriesPerSurfaceMax } from '../../core/pricing/vol-surface.ts';
import { parseJsonText } from './json-text.ts';
import { atMost, InputError, Reader } from './reader.ts';
import { readDatedSlice } from './volatility-file.ts';

/** Commands one file may hold: a run reads it whole before it applies any. */
export const commandsPerFileMax = 1_000_000;

const amountBounds = { positive: true, max: atMost(amountMax, 'the amount limit') };
const signedAmount = {
  min: { value: -amountMax, message: 'is beyond the amount limit' },
  max: atMost(amountMax, 'the amount limit'),
};
const leverageBounds = { positive: true, max: atMost(leverageMax * SCALE, 'the leverage limit') };
const positivePrice = { positive: true, max: atMost(priceMax, 'the price limit') };
// A rate or share, within −1 and 1: what the engine then allows is its own check.
const unitRatio = {
  min: { value: -SCALE, message: 'must be at least -1' },
  max: { value: SCALE, message: 'must be at most 1' },
};
// A negative price is well-formed: the engine's price guard refuses it with its own code.
const priceBounds = {
  min: { value: -priceMax, message: 'is beyond the price limit' },
  max: atMost(priceMax, 'the price limit'),
};

/**
 * A file of engine commands, one JSON object per line (blank lines skipped), each checked whole
 * at the boundary: every issue of every line, each naming its line and field
 * (`commands.jsonl:3: amount: must be a decimal string…`), or the commands. Nothing is applied
 * from a file that has one. What the engine then decides (an unknown account, a withdrawal past
 * free collateral) is its answer, not bad input.
 */
export function readCommandFile(text: string, label: string): EngineLine[] {
  const issues: string[] = [];
  const commands: EngineLine[] = [];
  const lines = text.split('\n');
  if (lines.length > commandsPerFileMax) {
    throw new InputError([`${label}: more than ${commandsPerFileMax} lines`]);
  }
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const read = readCommandLine(line, `${label}:${index + 1}`);
    if ('issues' in read) issues.push(...read.issues);
    else commands.push(read.command);
  });
  if (issues.length > 0) throw new InputError(issues);
  return commands;
}

/**
 * One line (not blank) of a command file or stream, checked whole: its command, or every issue,
 * each starting with `at` (`commands.jsonl:3`) and naming its field.
 */
export function readCommandLine(
  line: string,
  at: string,
): { readonly command: EngineLine } | { readonly issues: readonly string[] } {
  let json: unknown;
  try {
    json = parseJsonText(line, at);
  } catch (error) {
    return { issues: (error as InputError).issues };
  }
  const reader = new Reader(json, '', []);
  const command = readCommand(reader);
  if (reader.issues.length > 0) return { issues: reader.issues.map((issue) => `${at}: ${issue}`) };
  return { command };
}

/**
 * A line of a command file: a command for the engine, or a pre-trade check (decide-order.ts
 * `checkOrder`), answered with its verdict and the report after it, changing nothing and logged
 * nowhere.
 */
export type EngineLine = Command | OrderCheckLine;

export type OrderCheckLine = {
  readonly id: string;
  readonly type: 'pre_trade_check';
  /** With `run --clock commands`, the log time the check is made at. */
  readonly issuedAtMs?: number;
} & OrderCheck;

export function readCommand(reader: Reader): EngineLine {
  if (!reader.object()) return { id: '', type: 'open_account', account: '', poolMode: 'cross' };
  const type = reader
    .field('type')
    .oneOf([
      'open_account',
      'deposit',
      'withdraw',
      'transfer',
      'price_tick',
      'volatility_surface',
      'fill',
      'funding',
      'settle_expiry',
      'move_isolated_margin',
      'set_leverage',
      'set_margin_mode',
      'place_order',
      'amend_order',
      'cancel_order',
      'liquidation_unfilled',
      'move_collateral',
      'settle_collateral_move',
      'halt_instrument',
      'resume_instrument',
      'pre_trade_check',
    ] as const);
  const head = ['id', 'type', 'issuedAtMs', 'timeToLiveMs'];
  const common: CommandHead = {
    id: reader.field('id').string(),
    ...time(reader, 'issuedAtMs'),
    ...time(reader, 'timeToLiveMs'),
  };
  if (reader.has('timeToLiveMs') && !reader.has('issuedAtMs')) {
    reader.field('timeToLiveMs').fail('comes with issuedAtMs: a time to live counts from it');
  }
  switch (type) {
    case 'open_account':
      reader.only([...head, 'account', 'poolMode']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        poolMode: reader.has('poolMode')
          ? reader.field('poolMode').oneOf(['cross', 'portfolio'] as const)
          : 'cross',
      };
    case 'deposit':
    case 'withdraw':
      reader.only([...head, 'account', 'asset', 'amount', 'location']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal(amountBounds),
        ...(reader.has('location') ? { location: reader.field('location').string() } : {}),
      };
    case 'move_collateral':
      reader.only([...head, 'account', 'asset', 'amount', 'from', 'to']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal(amountBounds),
        from: reader.field('from').string(),
        to: reader.field('to').string(),
      };
    case 'halt_instrument':
    case 'resume_instrument':
      reader.only([...head, 'instrument']);
      return { ...common, type, instrument: reader.field('instrument').string() };
    case 'settle_collateral_move':
      reader.only([...head, 'move']);
      return { ...common, type, move: reader.field('move').string() };
    case 'transfer':
      reader.only([...head, 'from', 'to', 'asset', 'amount']);
      return {
        ...common,
        type,
        from: reader.field('from').string(),
        to: reader.field('to').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal(amountBounds),
      };
    case 'price_tick': {
      reader.only([...head, 'feed', 'source', 'sequence', 'timeMs', 'price']);
      const feed = reader.field('feed').string();
      if (!/^(mark|index):./.test(feed)) {
        reader.field('feed').fail('must be mark:INSTRUMENT or index:ASSET');
      }
      return {
        ...common,
        type,
        feed: feed as PriceFeed,
        ...(reader.has('source') ? { source: reader.field('source').string() } : {}),
        sequence: wholeNumber(reader.field('sequence'), 'a whole number, 0 or more'),
        timeMs: wholeNumber(reader.field('timeMs'), 'a whole number of milliseconds, 0 or more'),
        price: reader.field('price').decimal(priceBounds),
      };
    }
    case 'volatility_surface':
      reader.only([...head, 'underlying', 'sequence', 'timeMs', 'slices']);
      return {
        ...common,
        type,
        underlying: reader.field('underlying').string(),
        sequence: wholeNumber(reader.field('sequence'), 'a whole number, 0 or more'),
        timeMs: wholeNumber(reader.field('timeMs'), 'a whole number of milliseconds, 0 or more'),
        slices: reader
          .field('slices')
          .items(expiriesPerSurfaceMax)
          .map((slice) => readDatedSlice(slice)),
      };
    case 'fill': {
      reader.only([
        ...head,
        ...['instrument', 'takerSide', 'size', 'price', 'taker', 'maker', 'external'],
        ...['indexPrice', 'optionFeeCap'],
      ]);
      return {
        ...common,
        type,
        instrument: reader.field('instrument').string(),
        takerSide: reader.field('takerSide').oneOf(['buy', 'sell'] as const),
        size: reader.field('size').decimal(amountBounds),
        price: reader.field('price').decimal(positivePrice),
        taker: readParty(reader.field('taker')),
        maker: readParty(reader.field('maker')),
        ...(reader.has('external')
          ? { external: reader.field('external').oneOf(['taker', 'maker'] as const) }
          : {}),
        ...(reader.has('indexPrice')
          ? { indexPrice: reader.field('indexPrice').decimal(positivePrice) }
          : {}),
        ...(reader.has('optionFeeCap')
          ? { optionFeeCap: reader.field('optionFeeCap').decimal(unitRatio) }
          : {}),
      };
    }
    case 'funding': {
      reader.only([...head, 'instrument', 'fundingMs', 'intervalMs', 'rate', 'premium']);
      if (reader.has('rate') === reader.has('premium')) {
        reader.field('rate').fail('give the rate, or the premium it is computed from: one of them');
      }
      const funding = {
        ...common,
        type,
        instrument: reader.field('instrument').string(),
        fundingMs: wholeNumber(
          reader.field('fundingMs'),
          'a whole number of milliseconds, 0 or more',
        ),
        intervalMs: wholeNumber(reader.field('intervalMs'), 'a whole number of milliseconds'),
      };
      if (reader.has('premium'))
        return { ...funding, premium: readPremium(reader.field('premium')) };
      return {
        ...funding,
        rate: reader.has('rate') ? reader.field('rate').decimal(unitRatio) : 0n,
      };
    }
    case 'settle_expiry':
      reader.only([...head, 'instrument', 'price']);
      return {
        ...common,
        type,
        instrument: reader.field('instrument').string(),
        price: reader.field('price').decimal(priceBounds),
      };
    case 'move_isolated_margin':
      reader.only([...head, 'account', 'instrument', 'side', 'amount']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        ...(reader.has('side')
          ? { side: reader.field('side').oneOf(['long', 'short'] as const) }
          : {}),
        amount: reader.field('amount').decimal(signedAmount),
      };
    case 'set_leverage':
      reader.only([...head, 'account', 'instrument', 'leverage']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        leverage: reader.field('leverage').decimal(leverageBounds),
      };
    case 'set_margin_mode':
      reader.only([...head, 'account', 'instrument', 'marginMode']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        marginMode: reader.field('marginMode').oneOf(['cross', 'isolated'] as const),
      };
    case 'place_order':
      reader.only([...head, 'account', 'orderId', 'instrument', 'side', 'size', 'price']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        instrument: reader.field('instrument').string(),
        side: reader.field('side').oneOf(['buy', 'sell'] as const),
        size: reader.field('size').decimal(amountBounds),
        price: reader.field('price').decimal(positivePrice),
      };
    case 'amend_order':
      reader.only([...head, 'account', 'orderId', 'size', 'price']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
        size: reader.field('size').decimal(amountBounds),
        price: reader.field('price').decimal(positivePrice),
      };
    case 'pre_trade_check':
      reader.only(['id', 'type', 'issuedAtMs', 'account', 'instrument', 'side', 'size', 'price']);
      return {
        id: common.id,
        ...(common.issuedAtMs === undefined ? {} : { issuedAtMs: common.issuedAtMs }),
        type,
        account: reader.field('account').string(),
        instrument: reader.field('instrument').string(),
        side: reader.field('side').oneOf(['buy', 'sell'] as const),
        size: reader.field('size').decimal(amountBounds),
        ...(reader.has('price') ? { price: reader.field('price').decimal(positivePrice) } : {}),
      };
    case 'liquidation_unfilled':
      reader.only([...head, 'orderId']);
      return { ...common, type, orderId: reader.field('orderId').string() };
    case 'cancel_order':
      reader.only([...head, 'account', 'orderId']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        orderId: reader.field('orderId').string(),
      };
  }
}

/**
 * A funding formula applied to one interval's samples (command.ts `PremiumFunding`): the figures
 * read here, their meaning (a crossed book, a reference period out of bounds) the engine's check.
 */
function readPremium(reader: Reader): PremiumFunding {
  const empty = {
    samples: [],
    weighting: 'equal',
    terms: { referencePeriodMs: 0, interestRate: 0n, dampener: 0n, proration: 'none' },
    bounds: { cap: 0n, floor: 0n, rateDecimals: 0 },
  } as const;
  if (!reader.object()) return empty;
  reader.only(['samples', 'weighting', 'terms', 'bounds']);
  const samples = reader
    .field('samples')
    .items(premiumSamplesMax)
    .map((sample) => {
      sample.only(['impactBid', 'impactAsk', 'index']);
      return {
        impactBid: sample.field('impactBid').decimal(priceBounds),
        impactAsk: sample.field('impactAsk').decimal(priceBounds),
        index: sample.field('index').decimal(priceBounds),
      };
    });
  const terms = reader.field('terms');
  const bounds = reader.field('bounds');
  if (!terms.object() || !bounds.object()) return empty;
  terms.only(['referencePeriodMs', 'interestRate', 'dampener', 'proration']);
  bounds.only(['cap', 'floor', 'rateDecimals']);
  return {
    samples,
    weighting: reader.field('weighting').oneOf(['linear', 'equal'] as const),
    terms: {
      referencePeriodMs: wholeNumber(
        terms.field('referencePeriodMs'),
        'a whole number of milliseconds',
      ),
      interestRate: terms.field('interestRate').decimal(unitRatio),
      dampener: terms.field('dampener').decimal(unitRatio),
      proration: terms.field('proration').oneOf(['rate', 'interest', 'none'] as const),
    },
    bounds: {
      cap: bounds.field('cap').decimal(unitRatio),
      floor: bounds.field('floor').decimal(unitRatio),
      rateDecimals: wholeNumber(
        bounds.field('rateDecimals'),
        'a whole number of decimals, 0 to 18',
      ),
    },
  };
}

/** A fill's side: its account, fee rate, and (hedge mode, a new position) side and margin mode. */
function readParty(reader: Reader): FillParty {
  if (!reader.object()) return { account: '', feeRate: 0n };
  reader.only(['account', 'feeRate', 'positionSide', 'marginMode', 'orderId']);
  return {
    account: reader.field('account').string(),
    feeRate: reader.field('feeRate').decimal(unitRatio),
    ...(reader.has('positionSide')
      ? { positionSide: reader.field('positionSide').oneOf(['long', 'short'] as const) }
      : {}),
    ...(reader.has('marginMode')
      ? { marginMode: reader.field('marginMode').oneOf(['cross', 'isolated'] as const) }
      : {}),
    ...(reader.has('orderId') ? { orderId: reader.field('orderId').string() } : {}),
  };
}

function wholeNumber(field: Reader, what: string): number {
  if (!Number.isSafeInteger(field.value) || (field.value as number) < 0) {
    field.fail(`must be ${what}`);
    return 0;
  }
  return field.value as number;
}

/** A log time in ms: a whole number from 0 to 2^53 − 1 (no float, no string). */
function time(reader: Reader, key: 'issuedAtMs' | 'timeToLiveMs'): Partial<CommandHead> {
  if (!reader.has(key)) return {};
  const field = reader.field(key);
  const before = reader.issues.length;
  const value = wholeNumber(field, 'a whole number of milliseconds, 0 or more');
  return reader.issues.length > before ? {} : { [key]: value };
}
