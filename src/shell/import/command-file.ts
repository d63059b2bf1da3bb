import type { Command, CommandHead } from '../../core/engine/command.ts';
import type { PriceFeed } from '../../core/ledger/ledger-event.ts';
import { amountMax, priceMax } from '../../core/limits.ts';
import { parseJsonText } from './json-text.ts';
import { atMost, InputError, Reader } from './reader.ts';

/** Commands one file may hold: a run reads it whole before it applies any. */
export const commandsPerFileMax = 1_000_000;

const amountBounds = { positive: true, max: atMost(amountMax, 'the amount limit') };
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
export function readCommandFile(text: string, label: string): Command[] {
  const issues: string[] = [];
  const commands: Command[] = [];
  const lines = text.split('\n');
  if (lines.length > commandsPerFileMax) {
    throw new InputError([`${label}: more than ${commandsPerFileMax} lines`]);
  }
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const at = `${label}:${index + 1}`;
    let json: unknown;
    try {
      json = parseJsonText(line, at);
    } catch (error) {
      issues.push(...(error as InputError).issues);
      return;
    }
    const reader = new Reader(json, '', []);
    const command = readCommand(reader);
    if (reader.issues.length > 0) issues.push(...reader.issues.map((issue) => `${at}: ${issue}`));
    else commands.push(command);
  });
  if (issues.length > 0) throw new InputError(issues);
  return commands;
}

export function readCommand(reader: Reader): Command {
  if (!reader.object()) return { id: '', type: 'open_account', account: '', poolMode: 'cross' };
  const type = reader
    .field('type')
    .oneOf(['open_account', 'deposit', 'withdraw', 'transfer', 'price_tick'] as const);
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
      reader.only([...head, 'account', 'asset', 'amount']);
      return {
        ...common,
        type,
        account: reader.field('account').string(),
        asset: reader.field('asset').string(),
        amount: reader.field('amount').decimal(amountBounds),
      };
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
      reader.only([...head, 'feed', 'sequence', 'timeMs', 'price']);
      const feed = reader.field('feed').string();
      if (!/^(mark|index):./.test(feed)) {
        reader.field('feed').fail('must be mark:INSTRUMENT or index:ASSET');
      }
      return {
        ...common,
        type,
        feed: feed as PriceFeed,
        sequence: wholeNumber(reader.field('sequence'), 'a whole number, 0 or more'),
        timeMs: wholeNumber(reader.field('timeMs'), 'a whole number of milliseconds, 0 or more'),
        price: reader.field('price').decimal(priceBounds),
      };
    }
  }
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
